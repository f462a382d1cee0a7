#!/usr/bin/env bash
# Two builds of the hub measured turn about (issue 16): this machine is shared, and the same build's lookup rate moves by
# a quarter between runs a few minutes apart, so two run.sh runs one after the other cannot tell a 15 % change from the
# drift. Here both hubs run side by side (each on its own private PostgreSQL, since B may carry a migration A lacks), and
# each round measures A and B back to back for the same kinds of request, in alternating order; only one hub is loaded
# at a time. Per request: rate, hub CPU µs, PostgreSQL CPU µs and bytes allocated (as run.sh measures them), each side's
# median over the rounds, and B / A.
#
#   bench/lookup/ab.sh REPO_A REPO_B [ROUNDS] [COUNT] [WORKING_SET]     (defaults 5, 20000, 10000)
#
# REPO_A and REPO_B are checkouts (e.g. git worktrees of the two commits); each one's host is built here (Release). Both hubs run as
# production does (bench/production-hub.sh). Environment: AB_RUN_DIR (default /tmp/orleanshub-ab), AB_KINDS (default
# "lookup verify"; also batch, agency, and open: lookups at AB_OPEN_RATE per second (default 2,500, about half the hub's
# peak here) in open loop, for the tail), AB_ENV_A and AB_ENV_B (settings of one side's hub, e.g. "Hub__Audit__Writers=2": the
# same checkout twice then compares two settings), WRK_THREADS, WRK_CONNECTIONS, WRK_SECONDS (10), WRK_WARMUP_SECONDS (3).
set -euo pipefail

REPO_A="$(cd "${1:?REPO_A}" && pwd)"
REPO_B="$(cd "${2:?REPO_B}" && pwd)"
ROUNDS="${3:-5}"
COUNT="${4:-20000}"
WORKING_SET="${5:-10000}"
AB_RUN_DIR="${AB_RUN_DIR:-/tmp/orleanshub-ab}"
KINDS="${AB_KINDS:-lookup verify}"
OPEN_RATE="${AB_OPEN_RATE:-2500}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
WRK_SECONDS="${WRK_SECONDS:-10}"
WRK_WARMUP_SECONDS="${WRK_WARMUP_SECONDS:-3}"

OPERATOR_KEY="$(openssl rand -hex 32)"
FILE="$AB_RUN_DIR/citizens-$COUNT.ndjson"
IDS="$AB_RUN_DIR/working-set-$WORKING_SET.txt"
# The load tools, the CLI and the helpers come from this script's own checkout.
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LUA="$TOOLS/bench/lookup/lookup.lua"
LOAD_DLL="$TOOLS/bench/lookup/LoadTool/bin/Release/net10.0/lookup-load.dll"
CLI_DLL="$TOOLS/src/OrleansHub.Cli/bin/Release/net10.0/orleanshub.dll"
. "$TOOLS/bench/lookup/helpers.sh"
. "$TOOLS/bench/production-hub.sh"

declare -A SIDE_REPO=([A]="$REPO_A" [B]="$REPO_B") SIDE_PG=([A]=56521 [B]=56522) SIDE_PORT=([A]=5394 [B]=5395) SIDE_SILO=([A]=21394 [B]=21395)
declare -A SIDE_PID SIDE_KEY

# side X: points the helpers' settings (run folder, PostgreSQL port, host build) at side X.
side() {
  REPO="${SIDE_REPO[$1]}"
  HOST_DLL="$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll"
  export HUB_RUN_DIR="$AB_RUN_DIR/$1" HUB_PG_PORT="${SIDE_PG[$1]}"
}

cleanup() {
  for s in A B; do
    [[ -z "${SIDE_PID[$s]:-}" ]] || kill "${SIDE_PID[$s]}" 2>/dev/null || true
    side "$s"; "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

for project in "$REPO_A/src/OrleansHub.Host" "$REPO_B/src/OrleansHub.Host" "$TOOLS/src/OrleansHub.Cli" "$TOOLS/bench/lookup/LoadTool"; do
  log "building $project (Release)"
  dotnet build "$project" -c Release -v q -nologo >/dev/null
done

cleanup
rm -rf "$AB_RUN_DIR" && mkdir -p "$AB_RUN_DIR"
log "generating $COUNT citizens"
dotnet "$CLI_DLL" generate --count "$COUNT" --seed 42 --today 2026-11-28 --out "$FILE" 2>/dev/null
cut -d'"' -f4 "$FILE" | shuf -n "$WORKING_SET" --random-source=<(yes 42) >"$IDS"

for s in A B; do
  side "$s"
  mkdir -p "$HUB_RUN_DIR"
  "$REPO/deploy/postgres.sh" start >/dev/null
  env_name="AB_ENV_$s"
  SIDE_PID[$s]=$(for setting in ${!env_name:-}; do export "${setting?}"; done; start_hub "hub-$s" "${SIDE_PORT[$s]}" "${SIDE_SILO[$s]}" 0 postgres)
  url="http://127.0.0.1:${SIDE_PORT[$s]}"
  for _ in $(seq 1 240); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
  log "importing into hub $s"
  dotnet "$CLI_DLL" import --file "$FILE" --hub "$url" --key "$OPERATOR_KEY" --report "$HUB_RUN_DIR/rejected.ndjson" \
    >"$HUB_RUN_DIR/import.out" 2>"$HUB_RUN_DIR/import.err" || die "import into hub $s failed (see $HUB_RUN_DIR/import.err)"
  [[ ! -s "$HUB_RUN_DIR/rejected.ndjson" ]] || die "hub $s rejected lines of the generated file (see $HUB_RUN_DIR/rejected.ndjson)"
  SIDE_KEY[$s]=$(prepare_hub "$url")
  walk "$url" "${SIDE_KEY[$s]}"
done
for s in A B; do settle "${SIDE_PID[$s]}"; done

# measure_open URL KEY PID: lookups at OPEN_RATE per second, open loop (LoadTool; wrk cannot hold a rate), with CPU per request.
measure_open() {
  local out t0 p0 t1 p1 requests
  t0=$(ticks "$3"); p0=$(pg_ticks)
  out=$(open_loop "$1" "$2" "$OPEN_RATE" lookup "$IDS")
  t1=$(ticks "$3"); p1=$(pg_ticks)
  # The CPU covers the warm-up too, at the same rate: count its requests as well.
  requests=$(( $(kv "$out" requests) * (WRK_SECONDS + WRK_WARMUP_SECONDS) / WRK_SECONDS ))
  echo "$out cpu_us=$(( (t1 - t0) * 1000000 / HZ / requests )) pg_us=$(( (p1 - p0) * 1000000 / HZ / requests ))"
}

log "load average before: $(cat /proc/loadavg)"
RESULTS="$AB_RUN_DIR/rounds.txt"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  order="A B"; (( round % 2 == 0 )) && order="B A"
  for kind in $KINDS; do
    for s in $order; do
      side "$s"
      url="http://127.0.0.1:${SIDE_PORT[$s]}"
      if [[ "$kind" == open ]]; then
        line=$(measure_open "$url" "${SIDE_KEY[$s]}" "${SIDE_PID[$s]}")
      else
        line=$(measure "$s-$kind-$round" "$kind" "$url" "${SIDE_KEY[$s]}" "$IDS" "${SIDE_PID[$s]}" "$url")
      fi
      echo "round=$round side=$s kind=$kind $line" | tee -a "$RESULTS" >&2
    done
  done
done
log "load average after: $(cat /proc/loadavg)"

# median FIELD SIDE KIND: the median of one figure over the rounds.
median() { grep "side=$2 kind=$3 " "$RESULTS" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "| request | figure | A (median of $ROUNDS) | B (median of $ROUNDS) | B / A |"
echo "|---|---|---|---|---|"
for kind in $KINDS; do
  fields="rps p99_ms cpu_us pg_us alloc_b"
  [[ "$kind" != open ]] || fields="achieved_rps p50_ms p99_ms p999_ms cpu_us pg_us"
  for field in $fields; do
    a=$(median "$field" A "$kind"); b=$(median "$field" B "$kind")
    echo "| $kind | $field | $a | $b | $(ratio "$b" "$a") |"
  done
done
