#!/usr/bin/env bash
# PATCH benchmark (issue 15): acknowledged registry changes per second through the hub's HTTP API, side by side with the
# plain design on the same private PostgreSQL (UPDATE of the citizen's row + INSERT of its event, one commit per change,
# driven by pgbench). Both change random citizens of the same COUNT generated ones (imported into the hub, COPYed into
# the plain tables), alternately, ROUNDS times each:
#   pgbench -c 16 -j 2 -T DURATION -f plain-patch.sql            (the plain design)
#   wrk -t 2 -c 64 -d DURATION -s patch.lua  (PATCH /admin/citizens/{id} {"currentResidence": ...}, operator key, no If-Match)
# and prints each figure, the ratio hub / plain, PostgreSQL commits per acknowledged change (pg_stat_database.xact_commit
# of the hub's database over the hub's run, everything included: writes, the dispatcher, membership), the registry's
# average batch (hub_registry_batch_size), and CPU time per acknowledged change of the hub process and of PostgreSQL (all
# its processes, from /proc). Writes bench/results/patch-<date>.md.
#
# With STATEMENTS=1 PostgreSQL loads pg_stat_statements and the report lists the statements of the hub's last round by
# calls, with the transactions they were in: where the commits per change come from.
#
#   bench/patch/run.sh            Environment: COUNT (20000), DURATION (15), ROUNDS (2), WARMUP (COUNT/1000 s, at least 5),
#                                 HUB_PG_PORT (55720), LABEL, STATEMENTS
set -euo pipefail

COUNT="${COUNT:-20000}"
DURATION="${DURATION:-15}"
ROUNDS="${ROUNDS:-2}"
LABEL="${LABEL:-}"
STATEMENTS="${STATEMENTS:-0}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/bench/patch"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-patch}"
export HUB_PG_PORT="${HUB_PG_PORT:-55720}"
HTTP_PORT=5395
KEY="$(openssl rand -base64 32)"
FILE="$HUB_RUN_DIR/citizens.ndjson"
HOST_DLL="${HUB_HOST_DLL:-$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll}"
. "$REPO/bench/production-hub.sh"
CLI_DLL="$REPO/src/OrleansHub.Cli/bin/Release/net10.0/orleanshub.dll"
RESULT="$REPO/bench/results/patch-$(date -u +%Y-%m-%d)${LABEL:+-$LABEL}.md"

LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"
log() { echo "bench: $*" >&2; }
HUB_PID=
cleanup() {
  [[ -z "$HUB_PID" ]] || kill "$HUB_PID" 2>/dev/null || true
  "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
PSQL=(psql -qAtX -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # user + system CPU of one process, in 1/100 s
pg_ticks() {  # every PostgreSQL process of this server, those that ended too (the postmaster reaps them: its children's time)
  local postmaster total p
  postmaster="$(head -n 1 "$HUB_RUN_DIR/pgdata/postmaster.pid")"
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
  for p in $(pgrep -P "$postmaster"); do total=$((total + $(ticks "$p"))); done
  echo "$total"
}
commits() { "${PSQL[@]}" -d postgres -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'"; }
metric() { curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v m="$1" '$1 ~ "^"m"\\{" && /outcome="written"/ {s += $2} END {printf "%d", s}'; }

log "building (Release)"
dotnet build "$REPO/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/src/OrleansHub.Cli" -c Release -v q -nologo >/dev/null
rm -rf "$HUB_RUN_DIR" && mkdir -p "$HUB_RUN_DIR" && chmod 755 "$HUB_RUN_DIR"
dotnet "$CLI_DLL" generate --count "$COUNT" --seed 42 --today 2026-11-28 --out "$FILE" 2>/dev/null
grep -o '"id":"[0-9]*"' "$FILE" | cut -d'"' -f4 > "$HUB_RUN_DIR/ids.txt"
"$REPO/deploy/postgres.sh" start >/dev/null
if [[ "$STATEMENTS" == 1 ]]; then
  "${PSQL[@]}" -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
  "$REPO/deploy/postgres.sh" stop >/dev/null && "$REPO/deploy/postgres.sh" start >/dev/null
  "${PSQL[@]}" -d postgres -c "CREATE EXTENSION pg_stat_statements"
fi

log "loading the plain design's tables"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE plain"
"${PSQL[@]}" -d plain -f "$HERE/plain-schema.sql"
"${PSQL[@]}" -d plain -c "\\copy plain_load(record) FROM '$FILE' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"
"${PSQL[@]}" -d plain -c "INSERT INTO plain_citizens (n, id, record) SELECT row_number() OVER (), record->>'id', record FROM plain_load; DROP TABLE plain_load"
"${PSQL[@]}" -d plain -c "VACUUM ANALYZE"

log "starting the hub and importing $COUNT citizens"
mapfile -t HUB_SETTINGS < <(production_hub_env "$KEY")
(cd "$(dirname "$HOST_DLL")" && exec env "${HUB_SETTINGS[@]}" ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" Hub__Cluster__SiloPort=21395 \
  dotnet "$HOST_DLL" >"$HUB_RUN_DIR/hub.log" 2>&1) &
HUB_PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null && break; sleep 0.5; done
start=$(date +%s.%N)
dotnet "$CLI_DLL" import --file "$FILE" --hub "http://127.0.0.1:$HTTP_PORT" --key "$KEY" --report "$HUB_RUN_DIR/rejected.ndjson" >"$HUB_RUN_DIR/import.out" 2>&1
import_s=$(echo "$(date +%s.%N) - $start" | bc -l)
"${PSQL[@]}" -d orleanshub -c "VACUUM ANALYZE"

export PATCH_IDS="$HUB_RUN_DIR/ids.txt" PATCH_KEY="$KEY"
# Warm-up: PATCHes in file order, long enough to change every citizen at least once (a write needs its grain active, and
# the plain design finds its rows in shared buffers). A cold write's batched state read is a cost of its own (issue 17).
WARMUP="${WARMUP:-$(( COUNT / 1000 > 5 ? COUNT / 1000 : 5 ))}"
log "warming up the hub (activations): PATCHes in file order for $WARMUP s"
warm=$(PATCH_ORDER=file wrk -t 2 -c 64 -d "${WARMUP}s" -s "$HERE/patch.lua" "http://127.0.0.1:$HTTP_PORT" | sed -n 's/^acked=\([0-9]*\).*/\1/p')
(( warm >= COUNT )) || log "warning: the warm-up changed only $warm of $COUNT citizens; raise WARMUP"

rows=""
hub_total=0 plain_total=0 acked_total=0 commits_total=0 hub_cpu_total=0 pg_cpu_total=0 batches_total=0 writes_total=0
for round in $(seq 1 "$ROUNDS"); do
  log "round $round: pgbench (plain design), $DURATION s"
  plain=$(pgbench -n -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -c 16 -j 2 -T "$DURATION" -D count="$COUNT" -f "$HERE/plain-patch.sql" plain 2>/dev/null \
    | awk '/^tps/ {printf "%d", $3}')
  log "round $round: hub over HTTP, $DURATION s"
  [[ "$STATEMENTS" != 1 ]] || "${PSQL[@]}" -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null
  c0=$(commits orleanshub); h0=$(ticks "$HUB_PID"); p0=$(pg_ticks); b0=$(metric hub_registry_batch_size_count); w0=$(metric hub_registry_batch_size_sum)
  out=$(wrk -t 2 -c 64 -d "${DURATION}s" --latency -s "$HERE/patch.lua" "http://127.0.0.1:$HTTP_PORT")
  c1=$(commits orleanshub); h1=$(ticks "$HUB_PID"); p1=$(pg_ticks); b1=$(metric hub_registry_batch_size_count); w1=$(metric hub_registry_batch_size_sum)
  acked=$(echo "$out" | sed -n 's/^acked=\([0-9]*\).*/\1/p'); failed=$(echo "$out" | sed -n 's/.*non2xx=\([0-9]*\).*/\1/p')
  p99=$(echo "$out" | awk '/ 99%/ {print $2}')
  hub=$((acked / DURATION))
  rows+="| $round | $plain | $hub | $(echo "scale=2; $hub / $plain" | bc -l) | $failed | $p99 | $(echo "scale=3; ($c1 - $c0) / $acked" | bc -l) | $(echo "scale=1; ($w1 - $w0) / ($b1 - $b0)" | bc -l) | $(( (h1 - h0) * 10000 / acked )) | $(( (p1 - p0) * 10000 / acked )) |"$'\n'
  hub_total=$((hub_total + hub)); plain_total=$((plain_total + plain)); acked_total=$((acked_total + acked))
  commits_total=$((commits_total + c1 - c0)); hub_cpu_total=$((hub_cpu_total + h1 - h0)); pg_cpu_total=$((pg_cpu_total + p1 - p0))
  batches_total=$((batches_total + b1 - b0)); writes_total=$((writes_total + w1 - w0))
done

statements=""
if [[ "$STATEMENTS" == 1 ]]; then
  statements="$(printf '\nStatements of the hub database in round %s by calls (pg_stat_statements):\n\n| calls | per acknowledged change | statement |\n|---|---|---|\n' "$ROUNDS"
    "${PSQL[@]}" -d postgres -c "
      SELECT format('| %s | %s | %s |', s.calls, round(s.calls::numeric / $acked, 3), left(regexp_replace(s.query, '\s+', ' ', 'g'), 90))
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = 'orleanshub' ORDER BY s.calls DESC LIMIT 15")"
fi

ratio=$(echo "scale=2; $hub_total / $plain_total" | bc -l)
LOAD_AFTER="$(cut -d" " -f1-3 /proc/loadavg)"
cat > "$RESULT" <<REPORT
# PATCH benchmark, $(date -u +"%Y-%m-%d %H:%M UTC")

Command: \`bench/patch/run.sh\` (COUNT=$COUNT, DURATION=$DURATION, ROUNDS=$ROUNDS) on $(nproc) cores, PostgreSQL
$(psql --version | awk '{print $3}') (private, loopback, fsync on), one hub silo, git $(git -C "$REPO" rev-parse --short HEAD),
load average $LOAD_BEFORE before and $LOAD_AFTER after. Host: \`$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$HOST_DLL")")")")")\`.
Import of the $COUNT citizens through the hub first: $(printf %.1f "$import_s") s ($(echo "$COUNT / $import_s" | bc) citizens/s);
then a warm-up of $warm PATCHes in file order ($WARMUP s), which activates every citizen's grain when it is at least $COUNT.

| round | plain design (pgbench 16 clients, changes/s) | hub (HTTP, wrk 64 connections, acknowledged/s) | hub / plain | hub non-2xx | hub p99 | PostgreSQL commits per acknowledged change | writes per registry batch | hub CPU µs per change | PostgreSQL CPU µs per change |
|---|---|---|---|---|---|---|---|---|---|
${rows}
- **Ratio hub / plain: $ratio** (goal ≥ 1.0), $(echo "scale=3; $commits_total / $acked_total" | bc -l) commits per acknowledged change (goal ≤ 0.1),
  $(echo "scale=1; $writes_total / $batches_total" | bc -l) grain writes per registry transaction on average.
- CPU per acknowledged change: hub $((hub_cpu_total * 10000 / acked_total)) µs, PostgreSQL $((pg_cpu_total * 10000 / acked_total)) µs
  (the machine has 2 cores: 2,000,000 µs of CPU per second between them, wrk and pgbench included).
- Each acknowledged hub change wrote the citizen's state, a history row and a residence-changed event (one transaction per
  batch); each plain change an UPDATE and an event INSERT (one transaction each), with no history.
$statements
REPORT
cat "$RESULT"
