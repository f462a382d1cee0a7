#!/usr/bin/env bash
# Import benchmark (issue 3): N generated citizens (default 1,000,000) imported into a PostgreSQL-mode hub, measured in
# the same run beside a plain PostgreSQL COPY of the same rows into a comparable table (one jsonb row per citizen with
# its ID as primary key). Prints citizens/second for both, their ratio and peak memory, and writes a report under
# bench/results/. Everything runs on this machine: a private PostgreSQL on loopback, one hub silo, the CLI as client.
#
#   bench/import/run.sh [COUNT]
set -euo pipefail

COUNT="${1:-1000000}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-import}"
export HUB_PG_PORT="${HUB_PG_PORT:-55710}"
HTTP_PORT=5390
KEY="bench-operator-key-$RANDOM$RANDOM"
FILE="$HUB_RUN_DIR/citizens-$COUNT.ndjson"
HOST_DLL="$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll"
CLI_DLL="$REPO/src/OrleansHub.Cli/bin/Release/net10.0/orleanshub.dll"

log() { echo "bench: $*" >&2; }
HUB_PID=
cleanup() {
  [[ -z "$HUB_PID" ]] || kill "$HUB_PID" 2>/dev/null || true
  "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

seconds_since() { echo "$(date +%s.%N) - $1" | bc -l; }
rate() { echo "scale=0; $1 / $2" | bc -l; }

log "building (Release)"
dotnet build "$REPO/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/src/OrleansHub.Cli" -c Release -v q -nologo >/dev/null

rm -rf "$HUB_RUN_DIR" && mkdir -p "$HUB_RUN_DIR"
log "generating $COUNT citizens"
start=$(date +%s.%N)
dotnet "$CLI_DLL" generate --count "$COUNT" --seed 42 --today 2026-11-28 --out "$FILE" 2>/dev/null
generate_s=$(seconds_since "$start")

"$REPO/deploy/postgres.sh" start >/dev/null
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

log "starting the hub"
(cd "$(dirname "$HOST_DLL")" && ConnectionStrings__Postgres="$BASE;Database=orleanshub" Hub__Operator__ApiKey="$KEY" \
  ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" Hub__Cluster__SiloPort=21390 Hub__Cluster__GatewayPort=31390 \
  Hub__Cluster__AdvertisedAddress=127.0.0.1 DOTNET_ENVIRONMENT=Production exec dotnet "$HOST_DLL" >"$HUB_RUN_DIR/hub.log" 2>&1) &
HUB_PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null && break; sleep 0.5; done

log "importing through the hub"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$HUB_RUN_DIR/cli-peak-kb" dotnet "$CLI_DLL" import --file "$FILE" --hub "http://127.0.0.1:$HTTP_PORT" \
  --key "$KEY" --report "$HUB_RUN_DIR/rejected.ndjson" >"$HUB_RUN_DIR/import.out" 2>"$HUB_RUN_DIR/import.err"
import_s=$(seconds_since "$start")
hub_peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$HUB_PID/status")
cli_peak_kb=$(cat "$HUB_RUN_DIR/cli-peak-kb")
state_rows=$(psql -qAt -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d orleanshub -c "SELECT count(*) FROM orleans_grain_state")
pgbench_tps=$(/usr/lib/postgresql/*/bin/pgbench -n -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -c 16 -j 2 -T 5 -f "$REPO/bench/import/grain-write.sql" orleanshub 2>/dev/null | awk '/^tps/ {printf "%d", $3}')

copy_rate=$(rate "$COUNT" "$copy_s")
hub_rate=$(rate "$COUNT" "$import_s")
ratio=$(echo "scale=3; $hub_rate / $copy_rate" | bc -l)
report="$REPO/bench/results/import-$(date +%Y-%m-%d)-$COUNT.md"
cat > "$report" <<REPORT
# Import benchmark, $(date -u +"%Y-%m-%d %H:%M UTC")

Command: \`bench/import/run.sh $COUNT\` on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $(psql --version | awk '{print $3}') (private, loopback, fsync on).

| what | seconds | citizens/s |
|---|---|---|
| generate $COUNT citizens (NDJSON, $(du -h "$FILE" | cut -f1)) | $(printf %.1f "$generate_s") | $(rate "$COUNT" "$generate_s") |
| plain \`COPY\` into \`citizen_copy(id PK, record jsonb)\` | $(printf %.1f "$copy_s") | $copy_rate |
| hub import (validated, through citizen and card grains, ADO.NET grain storage) | $(printf %.1f "$import_s") | $hub_rate |

- Ratio hub / COPY: **$ratio** (goal 0.25).
- Peak memory: hub process $((hub_peak_kb / 1024)) MiB, import CLI $((cli_peak_kb / 1024)) MiB.
- Grain state rows written: $state_rows (citizens plus cards).
- Same machine, same run: raw single-row grain-state writes through our \`orleans_write_grain_state\` with pgbench (16 clients): $pgbench_tps per second.

Import summary: $(tail -n 3 "$HUB_RUN_DIR/import.out" | tr '\n' ' ')
REPORT
cat "$report"
