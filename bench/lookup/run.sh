#!/usr/bin/env bash
# Lookup benchmark (issue 4): authenticated single lookups of 5 fields, measured in ONE run side by side:
#   (a) GET /constant on the plain service: bare Kestrel returning a constant, the ceiling of this machine;
#   (b) the hub's POST /v1/lookups (PostgreSQL mode, durable audit);
#   (c) the plain service's POST /v1/lookups: ASP.NET Core + Npgsql, one SELECT and one audit INSERT per request
#       (bench/OrleansHub.Bench.PlainLookup, what a team would build without actors);
#   (d) the hub again at half of its peak rate (b), open loop, for the p99 latency; (e) the same for the plain service.
# (a)-(c) use wrk with bench/lookup/lookup.lua, identical threads/connections/durations, each after a warm-up run whose
# figures are thrown away. (d)/(e) need a fixed request rate, which wrk cannot hold (it is closed loop: a slow answer
# delays the next request and hides the stall) and wrk2 is not packaged for this Debian; so they use
# bench/lookup/LoadTool (lookup-load rate), a small open-loop C# client that starts requests on a fixed schedule and
# measures latency from each request's due time.
# Every step that depends on the hub's agency API is in one function, hub_start_and_prepare, below.
#
#   bench/lookup/run.sh [COUNT] [WORKING_SET]         (defaults 1000000 and 100000)
#
# Environment:
#   HUB_BENCH_ONLY_BASELINES=1  run (a), (c) and (e) only: no hub build, start, import, (b) or (d)
#   HUB_BENCH_SKIP_IMPORT=1     reuse $HUB_RUN_DIR from an earlier run with the same COUNT (NDJSON, PostgreSQL data
#                               with citizen_copy and the hub's imported citizens): skips generate, COPY and the
#                               hub import (about 25 minutes per million citizens on this machine)
#   HUB_RUN_DIR, HUB_PG_PORT    run folder and private PostgreSQL port (defaults below)
#   WRK_THREADS, WRK_CONNECTIONS, WRK_SECONDS, WRK_WARMUP_SECONDS, PLAIN_POOL_SIZE   load shape (defaults below)
set -euo pipefail

COUNT="${1:-1000000}"
WORKING_SET="${2:-100000}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-lookup}"
export HUB_PG_PORT="${HUB_PG_PORT:-55720}"
ONLY_BASELINES="${HUB_BENCH_ONLY_BASELINES:-0}"
SKIP_IMPORT="${HUB_BENCH_SKIP_IMPORT:-0}"

# Two wrk threads for two cores; 64 connections keep both servers saturated without an absurd queue. Same for all.
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
WRK_SECONDS="${WRK_SECONDS:-20}"
WRK_WARMUP_SECONDS="${WRK_WARMUP_SECONDS:-5}"
# Pool size of the plain service: enough backends for concurrent commits to share WAL flushes, few enough not to crowd
# two cores. A sweep on 2026-11-28 (wrk -c64, machine shared with other work) put 8, 16, 32 and 64 within the noise
# of each other (3,000-4,300 lookups/s), 8 and 16 slightly ahead; 16 it is.
PLAIN_POOL_SIZE="${PLAIN_POOL_SIZE:-16}"

HUB_PORT=5391
PLAIN_PORT=5392
OPERATOR_KEY="bench-operator-key-$RANDOM$RANDOM"
PLAIN_KEY="bench-plain-key-$RANDOM$RANDOM"
FILE="$HUB_RUN_DIR/citizens-$COUNT.ndjson"
IDS="$HUB_RUN_DIR/working-set-$WORKING_SET.txt"
HOST_DLL="$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll"
CLI_DLL="$REPO/src/OrleansHub.Cli/bin/Release/net10.0/orleanshub.dll"
PLAIN_DLL="$REPO/bench/OrleansHub.Bench.PlainLookup/bin/Release/net10.0/OrleansHub.Bench.PlainLookup.dll"
LOAD_DLL="$REPO/bench/lookup/LoadTool/bin/Release/net10.0/lookup-load.dll"
LUA="$REPO/bench/lookup/lookup.lua"
BASE="Host=127.0.0.1;Port=$HUB_PG_PORT;Username=postgres"
PSQL=(psql -qAt -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres)

log() { echo "bench: $*" >&2; }
die() { log "error: $*"; exit 1; }
HUB_PID=
PLAIN_PID=
cleanup() {
  [[ -z "$HUB_PID" ]] || kill "$HUB_PID" 2>/dev/null || true
  [[ -z "$PLAIN_PID" ]] || kill "$PLAIN_PID" 2>/dev/null || true
  "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Value of key=value in a summary line: kv "$line" rps
kv() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
ratio() { echo "scale=3; $1 / $2" | bc -l | sed 's/^\./0./'; }
peak_mib() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }

wait_for() { # URL: up to a minute
  for _ in $(seq 1 120); do curl -so /dev/null "$1" && return 0; sleep 0.5; done
  die "nothing answers at $1"
}

# run_wrk NAME MODE URL [KEY]: a warm-up run (figures discarded), then the measured run; prints lookup.lua's summary line.
run_wrk() {
  local name=$1 mode=$2 url=$3 key=${4:-}
  LOOKUP_MODE=$mode LOOKUP_IDS=$IDS LOOKUP_KEY=$key \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_WARMUP_SECONDS}s" -s "$LUA" "$url" >"$HUB_RUN_DIR/wrk-$name-warmup.txt"
  LOOKUP_MODE=$mode LOOKUP_IDS=$IDS LOOKUP_KEY=$key \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency -s "$LUA" "$url" >"$HUB_RUN_DIR/wrk-$name.txt"
  grep '^summary' "$HUB_RUN_DIR/wrk-$name.txt"
}

# open_loop URL KEY RATE: lookups at a fixed rate (5 s warm-up, then WRK_SECONDS measured); prints the summary line.
open_loop() {
  dotnet "$LOAD_DLL" rate --url "$1" --key "$2" --ids "$IDS" --rate "$3" --duration "$WRK_SECONDS" \
    --warmup "$WRK_WARMUP_SECONDS" --connections "$WRK_CONNECTIONS"
}

# walk URL KEY: one lookup for every working-set ID (activates/caches the working set before it is measured).
walk() {
  local line
  line=$(dotnet "$LOAD_DLL" walk --url "$1" --key "$2" --ids "$IDS" --concurrency "$WRK_CONNECTIONS")
  log "warm-up: $line"
  [[ "$(kv "$line" non2xx)" == 0 && "$(kv "$line" errors)" == 0 ]] || log "warning: the warm-up walk had failures"
}

# ---------------------------------------------------------------------------------------------------------------------
# HUB PART. Everything that depends on the hub's agency API (issue 4) is in this function; adjust names here only.
# Starts the hub in PostgreSQL mode (Release), imports the citizens through the CLI unless HUB_BENCH_SKIP_IMPORT=1,
# registers agency BENCH with the five fields and purpose kyc (state body, no consent needed), issues it a key
# (sets HUB_AGENCY_KEY) and walks the working set once so that every measured citizen grain is already active.
# ---------------------------------------------------------------------------------------------------------------------
hub_start_and_prepare() {
  local hub="http://127.0.0.1:$HUB_PORT"
  log "starting the hub"
  (cd "$(dirname "$HOST_DLL")" && ConnectionStrings__Postgres="$BASE;Database=orleanshub" Hub__Operator__ApiKey="$OPERATOR_KEY" \
    ASPNETCORE_URLS="$hub" Hub__Cluster__SiloPort=21391 Hub__Cluster__GatewayPort=31391 \
    Hub__Cluster__AdvertisedAddress=127.0.0.1 DOTNET_ENVIRONMENT=Production exec dotnet "$HOST_DLL" >"$HUB_RUN_DIR/hub.log" 2>&1) &
  HUB_PID=$!
  for _ in $(seq 1 120); do curl -sf "$hub/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "$hub/health/ready" >/dev/null || die "the hub did not become ready (see $HUB_RUN_DIR/hub.log)"

  if [[ "$SKIP_IMPORT" != 1 ]]; then
    log "importing $COUNT citizens through the hub (about 25 minutes per million)"
    dotnet "$CLI_DLL" import --file "$FILE" --hub "$hub" --key "$OPERATOR_KEY" --report "$HUB_RUN_DIR/rejected.ndjson" \
      >"$HUB_RUN_DIR/import.out" 2>"$HUB_RUN_DIR/import.err" || die "import failed (see $HUB_RUN_DIR/import.err)"
    tail -n 1 "$HUB_RUN_DIR/import.out" >&2
  fi

  log "registering agency BENCH and issuing its key"
  curl -sf -X PUT "$hub/admin/agencies/BENCH" -H "Authorization: Bearer $OPERATOR_KEY" -H 'Content-Type: application/json' \
    -d '{"name":"Bench Agency","kind":"state","status":"active","fields":["fullName","dateOfBirth","sex","permanentResidence","residenceProvince"],"purposes":["kyc"],"requiresConsent":false}' \
    >/dev/null || die "PUT /admin/agencies/BENCH failed"
  # A reused database keeps the keys of earlier runs, and an agency may hold only a few active keys: revoke them first.
  local old
  for old in $(curl -sf "$hub/admin/agencies/BENCH/keys" -H "Authorization: Bearer $OPERATOR_KEY" \
      | jq -r '.keys[] | select(.status != "revoked") | .keyId'); do
    curl -sf -X DELETE "$hub/admin/agencies/BENCH/keys/$old" -H "Authorization: Bearer $OPERATOR_KEY" >/dev/null \
      || die "could not revoke key $old of an earlier run"
  done
  HUB_AGENCY_KEY=$(curl -sf -X POST "$hub/admin/agencies/BENCH/keys" -H "Authorization: Bearer $OPERATOR_KEY" | jq -er .key) \
    || die "POST /admin/agencies/BENCH/keys gave no key"

  log "warming the hub's working set"
  walk "$hub" "$HUB_AGENCY_KEY"
}
# ---------------------------------------------------------------------------------------------------------------------

log "building (Release)"
[[ "$ONLY_BASELINES" == 1 ]] || dotnet build "$REPO/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/src/OrleansHub.Cli" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/bench/OrleansHub.Bench.PlainLookup" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/bench/lookup/LoadTool" -c Release -v q -nologo >/dev/null

if [[ "$SKIP_IMPORT" == 1 ]]; then
  [[ -f "$FILE" && -d "$HUB_RUN_DIR/pgdata" ]] || die "HUB_BENCH_SKIP_IMPORT=1 needs $FILE and $HUB_RUN_DIR/pgdata from an earlier run"
  log "reusing $HUB_RUN_DIR (no generate, COPY or import)"
  "$REPO/deploy/postgres.sh" start >/dev/null
else
  # A server left running from an earlier run would keep the port after its data folder is deleted.
  "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$HUB_RUN_DIR" && mkdir -p "$HUB_RUN_DIR"
  log "generating $COUNT citizens"
  dotnet "$CLI_DLL" generate --count "$COUNT" --seed 42 --today 2026-11-28 --out "$FILE" 2>/dev/null
  "$REPO/deploy/postgres.sh" start >/dev/null
  # The plain service's copy, loaded as bench/import/run.sh does: one jsonb document per line (CSV mode with quote and
  # delimiter bytes that never occur in the file, so each line is taken whole), keyed by its ID.
  log "COPY into citizen_copy for the plain service"
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE plain_lookup" >/dev/null
  "${PSQL[@]}" -d plain_lookup -c \
    "CREATE TABLE citizen_copy (id text GENERATED ALWAYS AS (record->>'id') STORED PRIMARY KEY, record jsonb NOT NULL)" >/dev/null
  "${PSQL[@]}" -d plain_lookup -c \
    "\\copy citizen_copy(record) FROM '$FILE' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')" >/dev/null
  "${PSQL[@]}" -d plain_lookup -c "VACUUM ANALYZE citizen_copy" >/dev/null
fi

# The working set: a fixed random sample (seeded) of the IDs in the file. Each line starts {"id":"...", so the ID is
# the fourth "-separated field. IDs the hub import rejected are left out, so every measured ID exists on both sides.
log "choosing $WORKING_SET working-set IDs"
cut -d'"' -f4 "$FILE" | shuf -n "$WORKING_SET" --random-source=<(yes 42) >"$IDS.all"
if [[ -s "$HUB_RUN_DIR/rejected.ndjson" ]]; then
  grep -o '"id":"[0-9]*"' "$HUB_RUN_DIR/rejected.ndjson" | cut -d'"' -f4 | sort -u >"$IDS.rejected"
  grep -vxFf "$IDS.rejected" "$IDS.all" >"$IDS"
else
  mv "$IDS.all" "$IDS"
fi
log "working set: $(wc -l <"$IDS") IDs"

log "starting the plain service"
(cd "$(dirname "$PLAIN_DLL")" && \
  ConnectionStrings__Plain="$BASE;Database=plain_lookup;Maximum Pool Size=$PLAIN_POOL_SIZE;Max Auto Prepare=8;No Reset On Close=true" \
  Plain__ApiKeySha256="$(printf %s "$PLAIN_KEY" | sha256sum | cut -d' ' -f1)" Plain__Agency=BENCH \
  ASPNETCORE_URLS="http://127.0.0.1:$PLAIN_PORT" DOTNET_ENVIRONMENT=Production \
  exec dotnet "$PLAIN_DLL" >"$HUB_RUN_DIR/plain.log" 2>&1) &
PLAIN_PID=$!
wait_for "http://127.0.0.1:$PLAIN_PORT/constant"

if [[ "$ONLY_BASELINES" != 1 ]]; then
  hub_start_and_prepare
fi
log "warming the plain service's working set"
walk "http://127.0.0.1:$PLAIN_PORT" "$PLAIN_KEY"

# --- measurements, one after the other in this run; the service not being measured sits idle ---------------------------
# Other work on the machine skews every figure; the load averages go into the report.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "(a) GET /constant on the plain service"
a=$(run_wrk constant constant "http://127.0.0.1:$PLAIN_PORT")
log "(a) $a"
if [[ "$ONLY_BASELINES" != 1 ]]; then
  log "(b) hub lookups"
  b=$(run_wrk hub lookup "http://127.0.0.1:$HUB_PORT" "$HUB_AGENCY_KEY")
  log "(b) $b"
fi
log "(c) plain lookups"
c=$(run_wrk plain lookup "http://127.0.0.1:$PLAIN_PORT" "$PLAIN_KEY")
log "(c) $c"
if [[ "$ONLY_BASELINES" != 1 ]]; then
  half=$(( $(kv "$b" rps) / 2 ))
  log "(d) hub lookups at half peak, $half/s, open loop"
  d=$(open_loop "http://127.0.0.1:$HUB_PORT" "$HUB_AGENCY_KEY" "$half")
  log "(d) $d"
  hub_peak=$(peak_mib "$HUB_PID")
fi
plain_half=$(( $(kv "$c" rps) / 2 ))
log "(e) plain lookups at half peak, $plain_half/s, open loop"
e=$(open_loop "http://127.0.0.1:$PLAIN_PORT" "$PLAIN_KEY" "$plain_half")
log "(e) $e"
plain_peak=$(peak_mib "$PLAIN_PID")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
audit_rows=$("${PSQL[@]}" -d plain_lookup -c "SELECT count(*) FROM plain_audit")

# --- report ------------------------------------------------------------------------------------------------------------
row() { # LABEL SUMMARY-LINE (wrk)
  echo "| $1 | $(kv "$2" rps) | $(kv "$2" p50_ms) | $(kv "$2" p99_ms) | $(kv "$2" non2xx) | $(kv "$2" socket_errors) |"
}
if [[ "$ONLY_BASELINES" == 1 ]]; then
  b_row="| (b) hub lookup | not run (HUB_BENCH_ONLY_BASELINES=1) | | | | |"
  d_row="| (d) hub lookup at half peak | not run | | | | | |"
  goals="- Hub figures not measured in this run (HUB_BENCH_ONLY_BASELINES=1)."
else
  b_row=$(row "(b) hub lookup (durable audit)" "$b")
  d_row="| (d) hub lookup at half peak | $(kv "$d" target_rps) | $(kv "$d" achieved_rps) | $(kv "$d" p50_ms) | $(kv "$d" p99_ms) | $(kv "$d" p999_ms) | $(kv "$d" non2xx) + $(kv "$d" errors) |"
  goals="- Hub / ceiling: **$(ratio "$(kv "$b" rps)" "$(kv "$a" rps)")** (goal ≥ 0.35).
- Hub / plain: **$(ratio "$(kv "$b" rps)" "$(kv "$c" rps)")** (goal ≥ 3).
- Hub p99 at half peak: **$(kv "$d" p99_ms) ms** (goal < 10 ms).
- Peak RSS: hub $hub_peak MiB."
fi
command_line="bench/lookup/run.sh $COUNT $WORKING_SET"
[[ "$ONLY_BASELINES" != 1 ]] || command_line="HUB_BENCH_ONLY_BASELINES=1 $command_line"
[[ "$SKIP_IMPORT" != 1 ]] || command_line="HUB_BENCH_SKIP_IMPORT=1 $command_line"

mkdir -p "$REPO/bench/results"
report="$REPO/bench/results/lookup-$(date +%Y-%m-%d)-$COUNT.md"
cat >"$report" <<REPORT
# Lookup benchmark, $(date -u +"%Y-%m-%d %H:%M UTC")

Command: \`$command_line\`

Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/Mem:/ {print $2}') GiB; .NET $(dotnet --version);
PostgreSQL $(psql --version | awk '{print $3}') (private, loopback, fsync and synchronous_commit on); $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}').
Load generators run on the same machine and share its cores with the servers and PostgreSQL.
Load average (1, 5, 15 min) before the measurements: $load_before; after: $load_after (anything well above the
load this benchmark puts on the machine itself means other work shared the cores).

Data: $COUNT generated citizens (seed 42); working set of $(wc -l <"$IDS") IDs drawn at random (seed 42), each looked up once
before measuring. Every lookup: one random working-set ID, fields fullName, dateOfBirth, sex, permanentResidence,
residenceProvince, purpose kyc, \`Authorization: Bearer <agency key>\`.

## Peak throughput (wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s after a ${WRK_WARMUP_SECONDS} s warm-up run, bench/lookup/lookup.lua)

| what | requests/s | p50 ms | p99 ms | non-2xx | socket errors |
|---|---|---|---|---|---|
$(row "(a) GET /constant (ceiling)" "$a")
$b_row
$(row "(c) plain ASP.NET Core + Npgsql lookup" "$c")

## Latency at half of peak (open loop, bench/lookup/LoadTool, ${WRK_SECONDS} s after ${WRK_WARMUP_SECONDS} s, up to $WRK_CONNECTIONS connections)

Latency counts from each request's scheduled start, so queueing is included.

| what | target/s | started/s | p50 ms | p99 ms | p99.9 ms | non-2xx + errors |
|---|---|---|---|---|---|---|
$d_row
| (e) plain lookup at half peak | $(kv "$e" target_rps) | $(kv "$e" achieved_rps) | $(kv "$e" p50_ms) | $(kv "$e" p99_ms) | $(kv "$e" p999_ms) | $(kv "$e" non2xx) + $(kv "$e" errors) |

## Against the goals

$goals
- Peak RSS: plain service $plain_peak MiB. Plain audit rows written in this run: $audit_rows.

The plain service (bench/OrleansHub.Bench.PlainLookup): minimal API on Kestrel, key checked by SHA-256 and a fixed-time
compare, agreement checks (fields, purpose), then one Npgsql batch holding the \`SELECT\` (only the requested jsonb
members) and the audit \`INSERT\` (one round trip, one commit), NpgsqlDataSource with $PLAIN_POOL_SIZE pooled connections and auto-prepare;
the answer is sent only after the audit row is committed.
REPORT
cat "$report"
