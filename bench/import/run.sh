#!/usr/bin/env bash
# Import benchmark (issues 3 and 15): N generated citizens (default 1,000,000) imported into a PostgreSQL-mode hub,
# measured in the same run beside a plain PostgreSQL COPY of the same rows into a comparable table (one jsonb row per
# citizen with its ID as primary key). Prints citizens/second for both, their ratio, peak memory, CPU time (and the hub's allocated bytes) of the hub and
# of PostgreSQL per citizen, PostgreSQL commits per citizen and the registry's average batch, and the bytes per citizen
# the registry's tables and indexes take (state, history, events, card state and expiry listings) beside the COPY
# table's; writes a report under bench/results/. Everything runs on this machine: a private PostgreSQL on loopback, one
# hub silo, the CLI as client.
#
#   bench/import/run.sh [COUNT]
#
# The report also counts the autovacuum runs PostgreSQL logged during the import (every run is logged). With
# STATEMENTS=1 PostgreSQL loads pg_stat_statements and the report lists the hub database's statements by execution time.
set -euo pipefail

COUNT="${1:-1000000}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-import}"
export HUB_PG_PORT="${HUB_PG_PORT:-55710}"
HTTP_PORT=5390
KEY="$(openssl rand -base64 32)"
FILE="$HUB_RUN_DIR/citizens-$COUNT.ndjson"
HOST_DLL="$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll"
. "$REPO/bench/production-hub.sh"
CLI_DLL="$REPO/src/OrleansHub.Cli/bin/Release/net10.0/orleanshub.dll"

LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"
log() { echo "bench: $*" >&2; }
HUB_PID=
cleanup() {
  [[ -z "$HUB_PID" ]] || kill "$HUB_PID" 2>/dev/null || true
  "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

seconds_since() { echo "$(date +%s.%N) - $1" | bc -l; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # user + system CPU of one process, in 1/100 s
allocated() {  # bytes the hub's .NET heap has allocated since it started (its /metrics)
  curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^dotnet_gc_heap_total_allocated_bytes_total/ {printf "%.0f", $2}'
}
pg_ticks() {  # every PostgreSQL process of this server, those that ended too (the postmaster reaps them: its children's time)
  local postmaster total p
  postmaster="$(head -n 1 "$HUB_RUN_DIR/pgdata/postmaster.pid")"
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
  for p in $(pgrep -P "$postmaster"); do total=$((total + $(ticks "$p"))); done
  echo "$total"
}
sql() { psql -qAtX -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d "$1" -c "$2"; }
# Bytes of a table with its partitions, indexes and TOAST.
relation_bytes() { sql "$1" "SELECT pg_total_relation_size('$2') + coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('$2') WHERE relid <> '$2'::regclass), 0)"; }
rate() { echo "scale=0; $1 / $2" | bc -l; }

log "building (Release)"
dotnet build "$REPO/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/src/OrleansHub.Cli" -c Release -v q -nologo >/dev/null

rm -rf "$HUB_RUN_DIR" && mkdir -p "$HUB_RUN_DIR" && chmod 755 "$HUB_RUN_DIR"
log "generating $COUNT citizens"
start=$(date +%s.%N)
dotnet "$CLI_DLL" generate --count "$COUNT" --seed 42 --today 2026-11-28 --out "$FILE" 2>/dev/null
generate_s=$(seconds_since "$start")

"$REPO/deploy/postgres.sh" start >/dev/null
# Some runs' PostgreSQL spent three times its usual CPU per citizen while autovacuum visited the fresh registry tables
# (bench/results/import-2026-12-08-allocations.md): every autovacuum run is logged, and the report counts them.
psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d postgres -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" >/dev/null
if [[ "${STATEMENTS:-0}" == 1 ]]; then
  psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  "$REPO/deploy/postgres.sh" stop >/dev/null && "$REPO/deploy/postgres.sh" start >/dev/null
  psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d postgres -c "CREATE EXTENSION pg_stat_statements" >/dev/null
else
  psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d postgres -c "SELECT pg_reload_conf()" >/dev/null
fi
BASE="Host=127.0.0.1;Port=$HUB_PG_PORT;Username=postgres"
psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d postgres -c "CREATE DATABASE copy_baseline" >/dev/null

# Baseline: the same lines, COPYed as one jsonb document per row (CSV mode with quote and delimiter bytes that never
# occur in the file, so each line is taken whole), keyed by the ID like the hub's state rows are.
log "COPY baseline"
psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d copy_baseline -c \
  "CREATE TABLE citizen_copy (id text GENERATED ALWAYS AS (record->>'id') STORED PRIMARY KEY, record jsonb NOT NULL)" >/dev/null
start=$(date +%s.%N)
psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d copy_baseline -c \
  "\\copy citizen_copy(record) FROM '$FILE' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')" >/dev/null
copy_s=$(seconds_since "$start")
sql copy_baseline "VACUUM ANALYZE citizen_copy"
copy_bytes=$(relation_bytes copy_baseline citizen_copy)

log "starting the hub"
mapfile -t HUB_SETTINGS < <(production_hub_env "$KEY")
(cd "$(dirname "$HOST_DLL")" && exec env "${HUB_SETTINGS[@]}" ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" Hub__Cluster__SiloPort=21390 \
  dotnet "$HOST_DLL" >"$HUB_RUN_DIR/hub.log" 2>&1) &
HUB_PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null && break; sleep 0.5; done

log "importing through the hub"
commits0=$(sql postgres "SELECT xact_commit FROM pg_stat_database WHERE datname = 'orleanshub'")
hub0=$(ticks "$HUB_PID"); pg0=$(pg_ticks); alloc0=$(allocated)
if [[ -n "${PROFILE:-}" ]]; then   # PROFILE=1: a trace of the hub during the import (dotnet-trace): CPU samples, or
  # allocation ticks with their stacks with PROFILE_KIND=gc-verbose
  dotnet-trace collect -p "$HUB_PID" --profile "${PROFILE_KIND:-dotnet-sampled-thread-time}" --duration 00:00:00:${PROFILE_SECONDS:-8} \
    -o "$HUB_RUN_DIR/import.nettrace" >"$HUB_RUN_DIR/trace.log" 2>&1 &
  TRACE_PID=$!
  sleep 2
fi
autovacuum0=$(grep -c "automatic vacuum\|automatic analyze" "$HUB_RUN_DIR/postgres.log" || true)
[[ "${STATEMENTS:-0}" != 1 ]] || psql -qh 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$HUB_RUN_DIR/cli-peak-kb" dotnet "$CLI_DLL" import --file "$FILE" --hub "http://127.0.0.1:$HTTP_PORT" \
  --key "$KEY" --report "$HUB_RUN_DIR/rejected.ndjson" >"$HUB_RUN_DIR/import.out" 2>"$HUB_RUN_DIR/import.err"
import_s=$(seconds_since "$start")
if [[ -n "${PROFILE:-}" ]]; then wait "$TRACE_PID" || true; log "trace: $HUB_RUN_DIR/import.nettrace (dotnet-trace report ... topN)"; fi
autovacuum_runs=$(( $(grep -c "automatic vacuum\|automatic analyze" "$HUB_RUN_DIR/postgres.log" || true) - autovacuum0 ))
statements=""
if [[ "${STATEMENTS:-0}" == 1 ]]; then
  statements="$(printf '\nStatements of the hub database during the import by execution time (pg_stat_statements):\n\n| calls | total ms | statement |\n|---|---|---|\n'
    psql -qAtX -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d postgres -c "
      SELECT format('| %s | %s | %s |', s.calls, round(s.total_exec_time), left(regexp_replace(s.query, '\s+', ' ', 'g'), 90))
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = 'orleanshub' ORDER BY s.total_exec_time DESC LIMIT 12")"
fi
hub_ticks=$(( $(ticks "$HUB_PID") - hub0 )); pg_import_ticks=$(( $(pg_ticks) - pg0 )); alloc_bytes=$(( $(allocated) - alloc0 ))
commits=$(( $(sql postgres "SELECT xact_commit FROM pg_stat_database WHERE datname = 'orleanshub'") - commits0 ))
batches=$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^hub_registry_batch_size_(count|sum)\{/ && /outcome="written"/ {split($1, n, "{"); v[n[1]] += $2} END {printf "%d %d", v["hub_registry_batch_size_count"], v["hub_registry_batch_size_sum"]}')
read -r batch_count batch_writes <<<"$batches"
hub_peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$HUB_PID/status")
cli_peak_kb=$(cat "$HUB_RUN_DIR/cli-peak-kb")
sql orleanshub "VACUUM ANALYZE"
citizens=$(sql orleanshub "SELECT count(*) FROM citizen_state")
cards=$(sql orleanshub "SELECT count(*) FROM card_state")
bytes_row() { # table -> "| table | MiB | bytes per citizen |"
  local b; b=$(relation_bytes orleanshub "$1")
  echo "| \`$1\` | $((b / 1048576)) | $((b / COUNT)) |"
}
registry_bytes=0
for t in citizen_state citizen_history citizen_events card_state card_expiries citizen_consent_notices; do
  registry_bytes=$((registry_bytes + $(relation_bytes orleanshub "$t")))
done

copy_rate=$(rate "$COUNT" "$copy_s")
hub_rate=$(rate "$COUNT" "$import_s")
ratio=$(echo "scale=3; $hub_rate / $copy_rate" | bc -l)
LOAD_AFTER="$(cut -d" " -f1-3 /proc/loadavg)"
report="$REPO/bench/results/import-$(date +%Y-%m-%d)-$COUNT.md"
cat > "$report" <<REPORT
# Import benchmark, $(date -u +"%Y-%m-%d %H:%M UTC")

Command: \`bench/import/run.sh $COUNT\` on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $(psql --version | awk '{print $3}') (private, loopback, fsync on),
git $(git -C "$REPO" rev-parse --short HEAD), load average $LOAD_BEFORE before and $LOAD_AFTER after.

| what | seconds | citizens/s |
|---|---|---|
| generate $COUNT citizens (NDJSON, $(du -h "$FILE" | cut -f1)) | $(printf %.1f "$generate_s") | $(rate "$COUNT" "$generate_s") |
| plain \`COPY\` into \`citizen_copy(id PK, record jsonb)\` | $(printf %.1f "$copy_s") | $copy_rate |
| hub import (validated, through citizen and card grains, group-committed registry storage) | $(printf %.1f "$import_s") | $hub_rate |

- Ratio hub / COPY: **$ratio** (goal 0.25).
- Peak memory: hub process $((hub_peak_kb / 1024)) MiB, import CLI $((cli_peak_kb / 1024)) MiB.
- Rows written: $citizens citizen states, $cards card states (with their history rows and expiry listings).
- CPU per citizen: hub $((hub_ticks * 10000 / COUNT)) µs, PostgreSQL $((pg_import_ticks * 10000 / COUNT)) µs; 2 cores give 2,000,000 µs per second between them.
  The hub's .NET heap allocated $((alloc_bytes / COUNT)) bytes per citizen.
- PostgreSQL commits: $commits for $COUNT citizens ($(echo "scale=3; $commits / $COUNT" | bc -l) per citizen); the registry
  storage wrote $batch_writes grain states in $batch_count transactions ($(echo "scale=1; $batch_writes / ($batch_count + 0.000001)" | bc -l) per transaction).
- Autovacuum runs (vacuum or analyze of a table) during the import: $autovacuum_runs.
$statements

Bytes per citizen after the import (tables with their partitions, indexes and TOAST, after VACUUM):

| table | MiB | bytes per citizen |
|---|---|---|
$(bytes_row citizen_state)
$(bytes_row citizen_history)
$(bytes_row citizen_events)
$(bytes_row card_state)
$(bytes_row card_expiries)
| registry total | $((registry_bytes / 1048576)) | **$((registry_bytes / COUNT))** |
| COPY baseline \`citizen_copy\` (jsonb + primary key) | $((copy_bytes / 1048576)) | $((copy_bytes / COUNT)) |

Import summary: $(tail -n 3 "$HUB_RUN_DIR/import.out" | tr '\n' ' ')
REPORT
cat "$report"
