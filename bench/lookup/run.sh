#!/usr/bin/env bash
# Lookup benchmark (issues 4 and 16): the agency API measured in ONE run beside its two baselines:
#   ceiling  GET /constant on the plain service: bare Kestrel returning a constant, the ceiling of this machine;
#   plain    bench/OrleansHub.Bench.PlainLookup: ASP.NET Core + Npgsql, one SELECT and the audit INSERT(s) per request in
#            one round trip (what a team would build without actors), for a lookup, a batch of 100 IDs and a verification;
#   hub      the hub on PostgreSQL (durable audit), the same three requests and GET /v1/agency (the pipeline without a
#            citizen); then the same on an embedded hub (in-memory audit).
# For each: peak throughput (wrk, closed loop, after a warm-up run whose figures are thrown away), and per request the
# CPU the server process spent (µs, /proc), the CPU PostgreSQL's processes spent (µs, /proc: the audit's cost on the
# database) and, for the hub, the bytes its .NET heap allocated (/metrics). Then the p99 at half of each one's peak, open
# loop (bench/lookup/LoadTool: wrk cannot hold a fixed rate), and cold lookups: uniform over the IDs outside the warmed
# working set, so nearly every hub lookup activates a citizen grain (and the plain service reads a page outside its
# cache), with activations per second and memory per active citizen grain.
#
#   bench/lookup/run.sh [COUNT] [WORKING_SET]         (defaults 1000000 and 100000)
#
# Environment:
#   HUB_BENCH_SKIP_IMPORT=1     reuse $HUB_RUN_DIR from an earlier run with the same COUNT (NDJSON, PostgreSQL data with
#                               citizen_copy and the hub's imported citizens): skips generate, COPY and the hub import
#                               (about 25 minutes per million citizens on this machine)
#   HUB_BENCH_EMBEDDED=0        skip the embedded hub
#   HUB_BENCH_QUICK=1           while iterating: only the ceiling, the hub's four peaks, the plain lookup and the
#                               embedded lookup (no open loop, cold or plain batch/verification)
#   HUB_BENCH_MEMORY_SECONDS=N  after the rest, N seconds of cold lookups at a fixed rate sampling the hub's RSS every 10 s
#   HUB_RUN_DIR, HUB_PG_PORT    run folder and private PostgreSQL port (defaults below)
#   WRK_THREADS, WRK_CONNECTIONS, WRK_SECONDS, WRK_WARMUP_SECONDS, PLAIN_POOL_SIZE   load shape (defaults below)
set -euo pipefail

COUNT="${1:-1000000}"
WORKING_SET="${2:-100000}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-lookup}"
export HUB_PG_PORT="${HUB_PG_PORT:-55720}"
SKIP_IMPORT="${HUB_BENCH_SKIP_IMPORT:-0}"
EMBEDDED="${HUB_BENCH_EMBEDDED:-1}"
MEMORY_SECONDS="${HUB_BENCH_MEMORY_SECONDS:-0}"
QUICK="${HUB_BENCH_QUICK:-0}"

# Two wrk threads for two cores; 64 connections keep both servers saturated without an absurd queue. Same for all.
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
WRK_SECONDS="${WRK_SECONDS:-20}"
WRK_WARMUP_SECONDS="${WRK_WARMUP_SECONDS:-5}"
# Pool size of the plain service: a sweep on 2026-11-28 put 8, 16, 32 and 64 within the noise of each other; 16 it is.
PLAIN_POOL_SIZE="${PLAIN_POOL_SIZE:-16}"

HUB_PORT=5391
PLAIN_PORT=5392
EMBEDDED_PORT=5393
# PostgreSQL mode refuses short or well-known operator keys: a random one per run.
OPERATOR_KEY="$(openssl rand -hex 32)"
PLAIN_KEY="bench-plain-key-$(openssl rand -hex 16)"
FILE="$HUB_RUN_DIR/citizens-$COUNT.ndjson"
IDS="$HUB_RUN_DIR/working-set-$WORKING_SET.txt"
COLD="$HUB_RUN_DIR/cold-$WORKING_SET.txt"
HOST_DLL="$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll"
. "$REPO/bench/production-hub.sh"
CLI_DLL="$REPO/src/OrleansHub.Cli/bin/Release/net10.0/orleanshub.dll"
PLAIN_DLL="$REPO/bench/OrleansHub.Bench.PlainLookup/bin/Release/net10.0/OrleansHub.Bench.PlainLookup.dll"
LOAD_DLL="$REPO/bench/lookup/LoadTool/bin/Release/net10.0/lookup-load.dll"
LUA="$REPO/bench/lookup/lookup.lua"
BASE="Host=127.0.0.1;Port=$HUB_PG_PORT;Username=postgres"
PSQL=(psql -qAt -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres)

. "$REPO/bench/lookup/helpers.sh"
HUB_PID=
PLAIN_PID=
EMB_PID=
cleanup() {
  [[ -z "$HUB_PID" ]] || kill "$HUB_PID" 2>/dev/null || true
  [[ -z "$EMB_PID" ]] || kill "$EMB_PID" 2>/dev/null || true
  [[ -z "$PLAIN_PID" ]] || kill "$PLAIN_PID" 2>/dev/null || true
  "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "building (Release)"
for project in src/OrleansHub.Host src/OrleansHub.Cli bench/OrleansHub.Bench.PlainLookup bench/lookup/LoadTool; do
  dotnet build "$REPO/$project" -c Release -v q -nologo >/dev/null
done

if [[ "$SKIP_IMPORT" == 1 ]]; then
  [[ -f "$FILE" && -d "$HUB_RUN_DIR/pgdata" ]] || die "HUB_BENCH_SKIP_IMPORT=1 needs $FILE and $HUB_RUN_DIR/pgdata from an earlier run"
  log "reusing $HUB_RUN_DIR (no generate, COPY or import)"
  "$REPO/deploy/postgres.sh" start >/dev/null
else
  "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$HUB_RUN_DIR" && mkdir -p "$HUB_RUN_DIR"
  log "generating $COUNT citizens"
  dotnet "$CLI_DLL" generate --count "$COUNT" --seed 42 --today 2026-11-28 --out "$FILE" 2>/dev/null
  "$REPO/deploy/postgres.sh" start >/dev/null
  # The plain service's copy: one jsonb document per line (CSV mode with quote and delimiter bytes that never occur in
  # the file, so each line is taken whole), keyed by its ID.
  log "COPY into citizen_copy for the plain service"
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE plain_lookup" >/dev/null
  "${PSQL[@]}" -d plain_lookup -c \
    "CREATE TABLE citizen_copy (id text GENERATED ALWAYS AS (record->>'id') STORED PRIMARY KEY, record jsonb NOT NULL)" >/dev/null
  "${PSQL[@]}" -d plain_lookup -c \
    "\\copy citizen_copy(record) FROM '$FILE' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')" >/dev/null
  "${PSQL[@]}" -d plain_lookup -c "VACUUM ANALYZE citizen_copy" >/dev/null
fi

HUB="http://127.0.0.1:$HUB_PORT"
PLAIN="http://127.0.0.1:$PLAIN_PORT"
log "starting the hub (PostgreSQL)"
HUB_PID=$(start_hub hub "$HUB_PORT" 21391 31391 postgres)
for _ in $(seq 1 240); do curl -sf "$HUB/health/ready" >/dev/null && break; sleep 0.5; done
if [[ "$SKIP_IMPORT" != 1 ]]; then
  log "importing $COUNT citizens through the hub (about 25 minutes per million)"
  dotnet "$CLI_DLL" import --file "$FILE" --hub "$HUB" --key "$OPERATOR_KEY" --report "$HUB_RUN_DIR/rejected.ndjson" \
    >"$HUB_RUN_DIR/import.out" 2>"$HUB_RUN_DIR/import.err" || die "import failed (see $HUB_RUN_DIR/import.err)"
  tail -n 1 "$HUB_RUN_DIR/import.out" >&2
fi

# The working set: a fixed random sample (seeded) of the IDs; the cold set: every other ID, shuffled. IDs the hub import
# rejected are left out, so every measured ID exists on both sides.
log "choosing $WORKING_SET working-set IDs"
cut -d'"' -f4 "$FILE" >"$HUB_RUN_DIR/all-ids.txt"
if [[ -s "$HUB_RUN_DIR/rejected.ndjson" ]]; then
  grep -o '"id":"[0-9]*"' "$HUB_RUN_DIR/rejected.ndjson" | cut -d'"' -f4 | sort -u >"$HUB_RUN_DIR/rejected-ids.txt"
  grep -vxFf "$HUB_RUN_DIR/rejected-ids.txt" "$HUB_RUN_DIR/all-ids.txt" >"$HUB_RUN_DIR/all-ids.ok" && mv "$HUB_RUN_DIR/all-ids.ok" "$HUB_RUN_DIR/all-ids.txt"
fi
shuf -n "$WORKING_SET" --random-source=<(yes 42) "$HUB_RUN_DIR/all-ids.txt" >"$IDS"
grep -vxFf "$IDS" "$HUB_RUN_DIR/all-ids.txt" | shuf --random-source=<(yes 43) >"$COLD" || true
log "working set: $(wc -l <"$IDS") IDs; cold set: $(wc -l <"$COLD") IDs"

log "starting the plain service"
(cd "$(dirname "$PLAIN_DLL")" && \
  ConnectionStrings__Plain="$BASE;Database=plain_lookup;Maximum Pool Size=$PLAIN_POOL_SIZE;Max Auto Prepare=8;No Reset On Close=true" \
  Plain__ApiKeySha256="$(printf %s "$PLAIN_KEY" | sha256sum | cut -d' ' -f1)" Plain__Agency=BENCH \
  ASPNETCORE_URLS="$PLAIN" DOTNET_ENVIRONMENT=Production exec dotnet "$PLAIN_DLL" >"$HUB_RUN_DIR/plain.log" 2>&1) &
PLAIN_PID=$!
wait_for "$PLAIN/constant"

KEY=$(prepare_hub "$HUB")
heap0=$(metric "$HUB" dotnet_gc_last_collection_heap_size_bytes); act0=$(metric "$HUB" orleans_catalog_activations); rss0=$(rss_mib "$HUB_PID")
log "warming the hub's working set"
walk "$HUB" "$KEY"
sleep 2
heap1=$(metric "$HUB" dotnet_gc_last_collection_heap_size_bytes); act1=$(metric "$HUB" orleans_catalog_activations); rss1=$(rss_mib "$HUB_PID")
log "warming the plain service's working set"
walk "$PLAIN" "$PLAIN_KEY"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "ceiling"; a=$(measure constant constant "$PLAIN" x "$IDS" "$PLAIN_PID"); log "$a"
log "hub (PostgreSQL)"
hL=$(measure hub-lookup lookup "$HUB" "$KEY" "$IDS" "$HUB_PID" "$HUB"); log "lookup $hL"
hB=$(measure hub-batch batch "$HUB" "$KEY" "$IDS" "$HUB_PID" "$HUB"); log "batch $hB"
hV=$(measure hub-verify verify "$HUB" "$KEY" "$IDS" "$HUB_PID" "$HUB"); log "verify $hV"
hA=$(measure hub-agency agency "$HUB" "$KEY" "$IDS" "$HUB_PID" "$HUB"); log "agency $hA"
log "plain"
pL=$(measure plain-lookup lookup "$PLAIN" "$PLAIN_KEY" "$IDS" "$PLAIN_PID"); log "lookup $pL"
declare -A OL
if [[ "$QUICK" != 1 ]]; then
pB=$(measure plain-batch batch "$PLAIN" "$PLAIN_KEY" "$IDS" "$PLAIN_PID"); log "batch $pB"
pV=$(measure plain-verify verify "$PLAIN" "$PLAIN_KEY" "$IDS" "$PLAIN_PID"); log "verify $pV"

log "half of each one's peak, open loop"
for kind in lookup batch verify; do
  case $kind in lookup) h=$hL p=$pL ;; batch) h=$hB p=$pB ;; verify) h=$hV p=$pV ;; esac
  OL[hub-$kind]=$(open_loop "$HUB" "$KEY" $(( $(kv "$h" rps) / 2 )) "$kind" "$IDS"); log "hub $kind ${OL[hub-$kind]}"
  OL[plain-$kind]=$(open_loop "$PLAIN" "$PLAIN_KEY" $(( $(kv "$p" rps) / 2 )) "$kind" "$IDS"); log "plain $kind ${OL[plain-$kind]}"
done

log "cold lookups (uniform over the IDs outside the working set)"
c0=$(metric "$HUB" orleans_catalog_activation_created_total)
hC=$(measure hub-cold lookup "$HUB" "$KEY" "$COLD" "$HUB_PID" "$HUB"); log "hub cold $hC"
c1=$(metric "$HUB" orleans_catalog_activation_created_total)
pC=$(measure plain-cold lookup "$PLAIN" "$PLAIN_KEY" "$COLD" "$PLAIN_PID"); log "plain cold $pC"
activations_per_s=$(( (c1 - c0) / (WRK_SECONDS + WRK_WARMUP_SECONDS) ))
fi
hub_peak=$(peak_mib "$HUB_PID"); hub_rss=$(rss_mib "$HUB_PID"); active_now=$(metric "$HUB" orleans_catalog_activations)
hC=${hC:-}; pC=${pC:-}

memory_rows=""
if (( MEMORY_SECONDS > 0 )); then
  rate=$(( $(kv "$hC" rps) / 2 ))
  log "memory: $MEMORY_SECONDS s of cold lookups at $rate/s, RSS every 10 s"
  dotnet "$LOAD_DLL" rate --url "$HUB" --key "$KEY" --ids "$COLD" --rate "$rate" --duration "$MEMORY_SECONDS" --warmup 0 \
    --connections "$WRK_CONNECTIONS" >"$HUB_RUN_DIR/memory.txt" &
  mem_pid=$!
  for ((s = 0; s < MEMORY_SECONDS; s += 10)); do
    memory_rows+="| $s | $(rss_mib "$HUB_PID") | $(metric "$HUB" orleans_catalog_activations) | $(( $(metric "$HUB" dotnet_gc_last_collection_heap_size_bytes) / 1048576 )) |"$'\n'
    sleep 10
  done
  wait "$mem_pid" || true
fi
kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null || true; HUB_PID=

if [[ "$EMBEDDED" == 1 ]]; then
  EMB="http://127.0.0.1:$EMBEDDED_PORT"
  log "embedded hub"
  EMB_PID=$(start_hub embedded "$EMBEDDED_PORT" 21393 31393)
  for _ in $(seq 1 240); do curl -sf "$EMB/health/ready" >/dev/null && break; sleep 0.5; done
  head -n 20000 "$IDS" >"$HUB_RUN_DIR/embedded-ids.txt"
  grep -Ff <(sed 's/^/"id":"/; s/$/"/' "$HUB_RUN_DIR/embedded-ids.txt") "$FILE" >"$HUB_RUN_DIR/embedded.ndjson"
  dotnet "$CLI_DLL" import --file "$HUB_RUN_DIR/embedded.ndjson" --hub "$EMB" --key "$OPERATOR_KEY" >"$HUB_RUN_DIR/embedded-import.out" 2>&1 \
    || die "embedded import failed"
  EKEY=$(prepare_hub "$EMB")
  # As for the PostgreSQL hub: the imported citizens are activated before anything is measured, then the hub is left to
  # finish what the import started. The embedded lookup is measured first: without both it paid for that work (242 µs
  # per lookup on 2026-12-07 against 71 µs for the verification measured after it; 315 µs against 119 with the walk alone).
  walk "$EMB" "$EKEY" "$HUB_RUN_DIR/embedded-ids.txt"
  settle "$EMB_PID"
  eL=$(measure emb-lookup lookup "$EMB" "$EKEY" "$HUB_RUN_DIR/embedded-ids.txt" "$EMB_PID" "$EMB"); log "embedded lookup $eL"
  if [[ "$QUICK" != 1 ]]; then
    eA=$(measure emb-agency agency "$EMB" "$EKEY" "$HUB_RUN_DIR/embedded-ids.txt" "$EMB_PID" "$EMB"); log "embedded agency $eA"
    eB=$(measure emb-batch batch "$EMB" "$EKEY" "$HUB_RUN_DIR/embedded-ids.txt" "$EMB_PID" "$EMB"); log "embedded batch $eB"
    eV=$(measure emb-verify verify "$EMB" "$EKEY" "$HUB_RUN_DIR/embedded-ids.txt" "$EMB_PID" "$EMB"); log "embedded verify $eV"
  fi
  e2=$(measure constant-2 constant "$PLAIN" x "$IDS" "$PLAIN_PID"); log "ceiling again $e2"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
plain_peak=$(peak_mib "$PLAIN_PID")

# --- report ------------------------------------------------------------------------------------------------------------
row() { # LABEL wrk-line [BASE-LINE for the ratio]
  echo "| $1 | $(kv "$2" rps) | $(kv "$2" p50_ms) | $(kv "$2" p99_ms) | $(kv "$2" cpu_us) | $(kv "$2" pg_us) | $(kv "$2" alloc_b) | $(kv "$2" non2xx) + $(kv "$2" socket_errors) |"
}
ol_row() { echo "| $1 | $(kv "$2" target_rps) | $(kv "$2" achieved_rps) | $(kv "$2" p50_ms) | $(kv "$2" p99_ms) | $(kv "$2" p999_ms) | $(kv "$2" non2xx) + $(kv "$2" errors) |"; }
command_line="bench/lookup/run.sh $COUNT $WORKING_SET"
[[ "$SKIP_IMPORT" != 1 ]] || command_line="HUB_BENCH_SKIP_IMPORT=1 $command_line"
(( MEMORY_SECONDS == 0 )) || command_line="HUB_BENCH_MEMORY_SECONDS=$MEMORY_SECONDS $command_line"
if [[ "$QUICK" == 1 ]]; then
  log "quick run: no report written"
  exit 0
fi
mkdir -p "$REPO/bench/results"
report="$REPO/bench/results/lookup-$(date +%Y-%m-%d)-$COUNT.md"
ceiling=$(kv "$a" rps)
cat >"$report" <<REPORT
# Lookup benchmark, $(date -u +"%Y-%m-%d %H:%M UTC")

Command: \`$command_line\` (git $(git -C "$REPO" rev-parse --short HEAD))

Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/Mem:/ {print $2}') GiB; .NET $(dotnet --version);
PostgreSQL $(psql --version | awk '{print $3}') (private, loopback, fsync and synchronous_commit on); $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}').
wrk, the servers and PostgreSQL share the two cores. Load average (1, 5, 15 min) before the measurements: $load_before; after: $load_after.

Data: $COUNT generated citizens (seed 42); working set of $(wc -l <"$IDS") IDs (seed 42), each looked up once before measuring;
cold set: the other $(wc -l <"$COLD") IDs. A lookup asks five fields for purpose kyc; a batch 100 random working-set IDs;
a verification a fullName claim and a minimumAge predicate. Agency BENCH has a quota far above what is sent (every agency has one).

## Peak throughput (wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s after a ${WRK_WARMUP_SECONDS} s warm-up run)

CPU µs: the server process's user + system CPU per request; PG µs: PostgreSQL's processes' CPU per request; alloc B: bytes
the hub's .NET heap allocated per request (from its /metrics).

| what | requests/s | p50 ms | p99 ms | CPU µs | PG µs | alloc B | non-2xx + socket errors |
|---|---|---|---|---|---|---|---|
$(row "ceiling: GET /constant" "$a")
$(row "hub lookup (PostgreSQL)" "$hL")
$(row "hub batch of 100 (PostgreSQL)" "$hB")
$(row "hub verification (PostgreSQL)" "$hV")
$(row "hub GET /v1/agency (PostgreSQL)" "$hA")
$(row "plain lookup" "$pL")
$(row "plain batch of 100" "$pB")
$(row "plain verification" "$pV")
$(row "hub cold lookup (PostgreSQL)" "$hC")
$(row "plain cold lookup" "$pC")
$( [[ "$EMBEDDED" != 1 ]] || { row "embedded hub GET /v1/agency" "$eA"; row "embedded hub lookup" "$eL"; row "embedded hub batch of 100" "$eB"; row "embedded hub verification" "$eV"; row "ceiling again (after the embedded runs)" "$e2"; } )

## Latency at half of each one's peak (open loop, bench/lookup/LoadTool, ${WRK_SECONDS} s after ${WRK_WARMUP_SECONDS} s)

| what | target/s | started/s | p50 ms | p99 ms | p99.9 ms | non-2xx + errors |
|---|---|---|---|---|---|---|
$(ol_row "hub lookup" "${OL[hub-lookup]}")
$(ol_row "plain lookup" "${OL[plain-lookup]}")
$(ol_row "hub batch of 100" "${OL[hub-batch]}")
$(ol_row "plain batch of 100" "${OL[plain-batch]}")
$(ol_row "hub verification" "${OL[hub-verify]}")
$(ol_row "plain verification" "${OL[plain-verify]}")

## Ratios (same run)

| | lookup | batch of 100 | verification | cold lookup |
|---|---|---|---|---|
| hub / plain (PostgreSQL) | $(ratio "$(kv "$hL" rps)" "$(kv "$pL" rps)") | $(ratio "$(kv "$hB" rps)" "$(kv "$pB" rps)") | $(ratio "$(kv "$hV" rps)" "$(kv "$pV" rps)") | $(ratio "$(kv "$hC" rps)" "$(kv "$pC" rps)") |
| hub / ceiling (PostgreSQL) | $(ratio "$(kv "$hL" rps)" "$ceiling") | | | |
$( [[ "$EMBEDDED" != 1 ]] || echo "| embedded hub / ceiling | $(ratio "$(kv "$eL" rps)" "$ceiling") | | | |" )

## Memory

- Working-set walk: $((act1 - act0)) activations; managed heap $(( (heap1 - heap0) / 1048576 )) MiB more, RSS $((rss1 - rss0)) MiB more:
  about $( (( act1 > act0 )) && echo $(( (heap1 - heap0) / (act1 - act0) )) || echo "n/a") bytes of heap and $( (( act1 > act0 )) && echo $(( (rss1 - rss0) * 1048576 / (act1 - act0) )) || echo "n/a") bytes of RSS per active grain.
- Cold run: $activations_per_s activations/s; $active_now activations held after it; hub RSS $hub_rss MiB (peak $hub_peak MiB); plain peak $plain_peak MiB.
$( [[ -z "$memory_rows" ]] || printf '\n| second | hub RSS MiB | activations | managed heap MiB |\n|---|---|---|---|\n%s' "$memory_rows" )

The plain service (bench/OrleansHub.Bench.PlainLookup): minimal API on Kestrel, key checked by SHA-256 and a fixed-time
compare, agreement checks, then one Npgsql batch holding the SELECT (only the requested jsonb members) and the audit
INSERT (one per ID for a batch), one round trip, one commit; NpgsqlDataSource with $PLAIN_POOL_SIZE pooled connections and
auto-prepare; the answer is sent only after the audit rows are committed.
REPORT
cat "$report"
