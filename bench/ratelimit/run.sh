#!/usr/bin/env bash
# Rate-limit benchmark (issue 5, items 1-2): a three-silo cluster (deploy/cluster.sh) on a private PostgreSQL.
#   (1) Agency LIMITED (contract RATE lookups/s, burst BURST) is driven at 5 x RATE for DURATION seconds, open loop, spread
#       evenly over the three silos (bench/lookup/LoadTool, one instance per silo at 5/3 x RATE). Printed: the admitted rate
#       (2xx answers per second in the measured window) against the contract, and the refusals (429).
#   (2) Lookup throughput, closed loop (wrk + bench/lookup/lookup.lua, silo 1): agency UNLIMITED (no quota) against agency
#       ROOMY (a quota of 1,000,000/s it never reaches, so every request goes through the limiter's slices), alternated
#       U R U R to spread the machine's noise over both.
#   (3) Accounting: the month is reconciled (`OrleansHub.Host fees reconcile`: the ledger recomputed from the audit log)
#       after (1); then LIMITED is driven again for CRASH_SECONDS while silo 3 is killed with SIGKILL halfway, and the month is
#       reconciled again. Also compared: 2xx answers the clients received against answered audit rows (every answer
#       received must have its row; a row may exist for an answer whose response died with the silo).
# The figures are written to bench/results/ratelimit-<date>.md. The machine is shared: one run is one sample.
#
#   bench/ratelimit/run.sh
#
# Environment: RATE (default 90), BURST (default 100), DURATION (default 60), CITIZENS (default 500),
#   WRK_SECONDS (default 15), WRK_CONNECTIONS (default 32), CRASH_SECONDS (default 30), HUB_RUN_DIR, HUB_PG_PORT,
#   HUB_PORT_OFFSET (defaults below).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RATE="${RATE:-90}"
BURST="${BURST:-100}"
DURATION="${DURATION:-60}"
CITIZENS="${CITIZENS:-500}"
WRK_SECONDS="${WRK_SECONDS:-15}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-32}"
CRASH_SECONDS="${CRASH_SECONDS:-30}"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-ratelimit}"
export HUB_PG_PORT="${HUB_PG_PORT:-55740}"
export HUB_PORT_OFFSET="${HUB_PORT_OFFSET:-700}"
export HUB_OPERATOR_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')"   # a real key: the hub refuses weak ones outside Development
LOAD_DLL="$REPO/bench/lookup/LoadTool/bin/Release/net10.0/lookup-load.dll"
HOST_DLL="$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll"
LUA="$REPO/bench/lookup/lookup.lua"
IDS="$HUB_RUN_DIR/citizens.txt"
RESULT="$REPO/bench/results/ratelimit-$(date -u +%Y-%m-%d).md"
silo_url() { echo "http://127.0.0.1:$((5100 + HUB_PORT_OFFSET + $1))"; }
HUB="$(silo_url 1)"

log() { echo "bench: $*" >&2; }
die() { log "error: $*"; exit 1; }
cleanup() { "$REPO/deploy/cluster.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
kv() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
op() { # METHOD PATH [JSON]
  curl -sf -X "$1" "$HUB$2" -H "Authorization: Bearer $HUB_OPERATOR_KEY" -H 'Content-Type: application/json' ${3:+-d "$3"}
}

mkdir -p "$HUB_RUN_DIR"
log "building (Release)"
dotnet build "$REPO/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/bench/lookup/LoadTool" -c Release -v q -nologo >/dev/null
log "starting PostgreSQL and three silos"
"$REPO/deploy/cluster.sh" stop >/dev/null 2>&1 || true
# A fresh database every run: agencies, keys and quota counters of an earlier run would skew this one.
rm -rf "$HUB_RUN_DIR/pgdata"
"$REPO/deploy/cluster.sh" start --silos 3 --no-build >&2

log "registering $CITIZENS citizens"
: >"$IDS"
for i in $(seq 1 "$CITIZENS"); do
  id=$(printf '0010900%05d' "$i")
  op PATCH "/admin/citizens/$id" '{"fullName":"Nguyễn Văn Bench","dateOfBirth":"1990-04-12","sex":"male"}' >/dev/null || die "PATCH citizen $id failed"
  echo "$id" >>"$IDS"
done

# new_agency CODE [QUOTA_JSON]: registers the agency (lookup.lua's five fields, purpose kyc) and prints a fresh key.
new_agency() {
  op PUT "/admin/agencies/$1" '{"name":"Bench Agency","kind":"state","status":"active","fields":["fullName","dateOfBirth","sex","permanentResidence","residenceProvince"],"purposes":["kyc"],"requiresConsent":false}' >/dev/null \
    || die "PUT agency $1 failed"
  [[ -z "${2:-}" ]] || op PUT "/admin/agencies/$1/quota" "$2" >/dev/null || die "PUT quota of $1 failed"
  op POST "/admin/agencies/$1/keys" | jq -er .key
}
LIMITED_KEY=$(new_agency LIMITED "{\"ratePerSecond\":$RATE,\"burst\":$BURST}")
UNLIMITED_KEY=$(new_agency UNLIMITED)
ROOMY_KEY=$(new_agency ROOMY '{"ratePerSecond":1000000,"burst":10000000}')

log "warming up (every citizen once through each silo, both throughput agencies)"
for s in 1 2 3; do
  dotnet "$LOAD_DLL" walk --url "$(silo_url "$s")" --key "$UNLIMITED_KEY" --ids "$IDS" --concurrency 16 >/dev/null
done
LOOKUP_MODE=lookup LOOKUP_IDS=$IDS LOOKUP_KEY=$ROOMY_KEY wrk -t2 -c"$WRK_CONNECTIONS" -d5s -s "$LUA" "$HUB" >/dev/null

# (1) 5 x RATE spread over three silos.
PER_SILO=$(( (5 * RATE + 2) / 3 ))
log "driving LIMITED at 3 x $PER_SILO = $((3 * PER_SILO))/s (contract $RATE/s, burst $BURST) for $DURATION s"
for s in 1 2 3; do
  dotnet "$LOAD_DLL" rate --url "$(silo_url "$s")" --key "$LIMITED_KEY" --ids "$IDS" --rate "$PER_SILO" --duration "$DURATION" \
    --warmup 5 --connections 64 >"$HUB_RUN_DIR/limited-$s.txt" &
done
wait
OK=0; REFUSED=0; ERRORS=0; OFFERED=0
for s in 1 2 3; do
  line=$(cat "$HUB_RUN_DIR/limited-$s.txt"); log "silo $s: $line"
  OK=$((OK + $(kv "$line" ok))); REFUSED=$((REFUSED + $(kv "$line" non2xx))); ERRORS=$((ERRORS + $(kv "$line" errors)))
  OFFERED=$(echo "$OFFERED + $(kv "$line" achieved_rps)" | bc -l)
done
ADMITTED_RPS=$(echo "scale=2; $OK / $DURATION" | bc -l)
DEVIATION=$(echo "scale=2; 100 * ($OK / $DURATION - $RATE) / $RATE" | bc -l)
REFUSALS=$(curl -sf "$HUB/metrics" | grep '^hub_ratelimit_refusals' | grep 'agency="LIMITED"' || true)
log "admitted $ADMITTED_RPS/s against a contract of $RATE/s ($DEVIATION %), offered $OFFERED/s, $REFUSED refused, $ERRORS errors"

# (2) unlimited against limited-but-not-hitting, alternated.
declare -A RPS
for round in 1 2; do
  for agency in UNLIMITED ROOMY; do
    key_var="${agency}_KEY"
    out=$(LOOKUP_MODE=lookup LOOKUP_IDS=$IDS LOOKUP_KEY=${!key_var} wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency -s "$LUA" "$HUB")
    summary=$(grep '^summary' <<<"$out")
    log "$agency round $round: $summary"
    RPS[$agency-$round]="$(kv "$summary" rps)"
    RPS[$agency-$round-p99]="$(kv "$summary" p99_ms)"
    RPS[$agency-$round-non2xx]="$(grep '^non2xx=' <<<"$out" | sed 's/^non2xx=//')"
  done
done
U=$(echo "(${RPS[UNLIMITED-1]} + ${RPS[UNLIMITED-2]}) / 2" | bc -l)
R=$(echo "(${RPS[ROOMY-1]} + ${RPS[ROOMY-2]}) / 2" | bc -l)
OVERHEAD=$(echo "scale=2; 100 * ($U - $R) / $U" | bc -l)
log "unlimited $(printf %.0f "$U")/s, limited-not-hitting $(printf %.0f "$R")/s: overhead $OVERHEAD %"

# (3) Reconciliation, then a silo killed mid-run and reconciliation again.
CONNECTION_STRING="$("$REPO/deploy/postgres.sh" env)"
MONTH="$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)"   # the fee calendar's month (Vietnam time)
reconcile() {
  local out rc=0
  out=$(cd "$(dirname "$HOST_DLL")" && ConnectionStrings__Postgres="$CONNECTION_STRING" dotnet "$HOST_DLL" fees reconcile --month "$MONTH" 2>&1) || rc=$?
  echo "exit $rc: $(tr '\n' ' ' <<<"$out")"
}
# The same server as libpq key=value settings for psql (Npgsql's Host=...;Port=... form is not libpq's).
PSQL_CONNINFO="$(tr ';' '\n' <<<"$CONNECTION_STRING" | sed -n 's/^Host=/host=/p; s/^Port=/port=/p; s/^Username=/user=/p; s/^Database=/dbname=/p' | tr '\n' ' ')"
answered_rows() {
  psql "$PSQL_CONNINFO" -Atc "SELECT count(*) FROM audit_log WHERE agency_code = 'LIMITED' AND operation = 'lookup' AND outcome = 'allowed'"
}
RECONCILE_BEFORE=$(reconcile)
ROWS_BEFORE=$(answered_rows)
log "reconcile after (1): $RECONCILE_BEFORE"
log "driving LIMITED again for $CRASH_SECONDS s; SIGKILL to silo 3 after $((CRASH_SECONDS / 2)) s"
for s in 1 2 3; do
  dotnet "$LOAD_DLL" rate --url "$(silo_url "$s")" --key "$LIMITED_KEY" --ids "$IDS" --rate "$PER_SILO" --duration "$CRASH_SECONDS" \
    --warmup 0 --connections 64 >"$HUB_RUN_DIR/crash-$s.txt" &
done
sleep $((CRASH_SECONDS / 2))
kill -9 "$(cat "$HUB_RUN_DIR/silo-3/silo.pid")"
wait
CRASH_OK=0
for s in 1 2 3; do
  line=$(cat "$HUB_RUN_DIR/crash-$s.txt"); log "crash run, silo $s: $line"
  CRASH_OK=$((CRASH_OK + $(kv "$line" ok)))
done
RECEIVED=$((OK + CRASH_OK))
ROWS_AFTER=$(answered_rows)
RECONCILE_AFTER=$(reconcile)
log "reconcile after the kill: $RECONCILE_AFTER; answers received in (1)+(3): $RECEIVED (plus warm-up), answered audit rows: $ROWS_AFTER"

cat >"$RESULT" <<MD
# Rate-limit benchmark, $(date -u +"%Y-%m-%d %H:%M") UTC

\`bench/ratelimit/run.sh\` (RATE=$RATE BURST=$BURST DURATION=$DURATION CITIZENS=$CITIZENS WRK_SECONDS=$WRK_SECONDS WRK_CONNECTIONS=$WRK_CONNECTIONS),
three silos from \`deploy/cluster.sh\` on one private PostgreSQL, all on this $(nproc)-core machine, which other engineers were
building and testing on at the same time: one run, one sample, noisy.

## Cluster-wide limit: agency LIMITED at 5 x its contract, spread over three silos

| | value |
|---|---|
| contract | $RATE lookups/s, burst $BURST |
| offered (open loop, 3 x $PER_SILO/s) | $(printf %.0f "$OFFERED")/s for $DURATION s (after 5 s warm-up) |
| admitted (2xx) | $OK = **$ADMITTED_RPS/s** |
| deviation from the contract | **$DEVIATION %** (goal: within 5 %) |
| refused (429 rate-limited) | $REFUSED |
| errors (no answer) | $ERRORS |

Per silo (lookup-load summary lines):

\`\`\`
$(cat "$HUB_RUN_DIR"/limited-*.txt)
\`\`\`

\`hub.ratelimit.refusals\` on silo 1 (its share of the refusals):

\`\`\`
${REFUSALS:-(not exported)}
\`\`\`

## Overhead: unlimited agency against a limited agency that never hits its limit (wrk, silo 1, $WRK_CONNECTIONS connections, ${WRK_SECONDS} s each)

| round | UNLIMITED lookups/s (p99 ms) | ROOMY lookups/s (p99 ms) |
|---|---|---|
| 1 | ${RPS[UNLIMITED-1]} (${RPS[UNLIMITED-1-p99]}) | ${RPS[ROOMY-1]} (${RPS[ROOMY-1-p99]}) |
| 2 | ${RPS[UNLIMITED-2]} (${RPS[UNLIMITED-2-p99]}) | ${RPS[ROOMY-2]} (${RPS[ROOMY-2-p99]}) |
| mean | $(printf %.0f "$U") | $(printf %.0f "$R") |

Overhead of limiting: **$OVERHEAD %** (goal: under 10 %).

Answers outside 2xx (count, then status:count): UNLIMITED ${RPS[UNLIMITED-1-non2xx]} / ${RPS[UNLIMITED-2-non2xx]}; ROOMY ${RPS[ROOMY-1-non2xx]} / ${RPS[ROOMY-2-non2xx]}.

## Accounting: reconciliation, and a silo killed mid-run

LIMITED is a state agency, so its answers are exempt (0 đồng) but every one is counted in the ledger; the reconciliation
recomputes the month ($MONTH, Vietnam time) from the audit log and compares every agency's counts and charges.

| | value |
|---|---|
| reconcile after (1) | $RECONCILE_BEFORE |
| answered audit rows of LIMITED after (1) | $ROWS_BEFORE (answers received in (1): $OK, plus the warm-up's) |
| second run: $CRASH_SECONDS s at 5 x contract, silo 3 killed (SIGKILL) after $((CRASH_SECONDS / 2)) s | answers received: $CRASH_OK |
| answered audit rows of LIMITED after the kill | $ROWS_AFTER (answers received in (1) and the second run: $RECEIVED, plus the warm-up's) |
| reconcile after the kill | $RECONCILE_AFTER |

\`\`\`
$(cat "$HUB_RUN_DIR"/crash-*.txt)
\`\`\`
MD
log "written $RESULT"
