#!/usr/bin/env bash
# Change-propagation benchmark (issue 6, "Performance"): three silos (deploy/cluster.sh) on a private PostgreSQL.
#   Setup, through the hub's API (timed): AGENCIES follower agencies, each following FOLLOWED citizens (agency i follows
#     citizens i, i + AGENCIES, ...), plus POPULATION state agencies following every name correction population-wide;
#     the ACTIVE citizens the run changes are created (the first ACTIVE followed IDs, so every follower has some).
#   (1) An open-loop writer changes the active citizens at RATE changes/s for DURATION s through all three silos (every
#     NAME_EVERY-th change a name correction, which also goes to the population subscribers; the rest residence changes).
#     Every agency has a receiver: a third keep an SSE stream open, a third long-poll, a third have a webhook pointing at
#     the tool, which checks every delivery's Standard Webhooks signature (WEBHOOKS=0: half stream, half long-poll).
#     Printed: the latency from each change's acknowledgement (its PATCH answer reaching the writer) to each receipt, per
#     channel, p50/p90/p99/max;
#     events lost (acknowledged, never received) and events out of per-citizen sequence order.
#   (2) The same again while silo 3 is killed with SIGKILL halfway through and one receiver (agency PB0004, on silo 2;
#     long-poll with webhooks on, else stream) is stopped for PAUSE_FOR s: still nothing lost, and how long that receiver took to catch up once back.
# Figures go to bench/results/propagation-<date>.md. The machine is shared: one run is one sample.
#
#   bench/propagation/run.sh
#
# Environment: AGENCIES (1000), POPULATION (10), FOLLOWED (1000, i.e. 1,000,000 citizens followed), ACTIVE (20000),
#   RATE (2000), DURATION (60), NAME_EVERY (10), PAUSE_FOR (30), CRASH (1; 0 skips run (2)),
#   WEBHOOKS (1), WEBHOOK_PORT (5480), CONCURRENCY (128), SETUP_CONCURRENCY (64), LABEL (a name
#   for the results file), HUB_RUN_DIR, HUB_PG_PORT, HUB_PORT_OFFSET (defaults below); Hub__Feeds__* pass through to the silos.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AGENCIES="${AGENCIES:-1000}"
POPULATION="${POPULATION:-10}"
FOLLOWED="${FOLLOWED:-1000}"
ACTIVE="${ACTIVE:-20000}"
RATE="${RATE:-2000}"
DURATION="${DURATION:-60}"
NAME_EVERY="${NAME_EVERY:-10}"
PAUSE_FOR="${PAUSE_FOR:-30}"
CONCURRENCY="${CONCURRENCY:-128}"
SETUP_CONCURRENCY="${SETUP_CONCURRENCY:-64}"
LABEL="${LABEL:-}"
CRASH="${CRASH:-1}"
WEBHOOKS="${WEBHOOKS:-1}"
WEBHOOK_PORT="${WEBHOOK_PORT:-5480}"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-propagation}"
export HUB_PG_PORT="${HUB_PG_PORT:-55330}"
export HUB_PORT_OFFSET="${HUB_PORT_OFFSET:-300}"
# 1,000+ open streams and long-polls re-read their feeds on three silos: more server connections than the default 200.
export HUB_PG_MAX_CONNECTIONS="${HUB_PG_MAX_CONNECTIONS:-400}"
# The webhook receiver is this machine's loopback: allowed only when the silos are told so (they run as Production).
export Hub__Webhooks__AllowPrivateNetworks=true Hub__Webhooks__RequireHttps=false
export HUB_OPERATOR_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')"   # a real key: the hub refuses weak ones outside Development
TOOL="$REPO/bench/propagation/Tool/bin/Release/net10.0/propagation-bench.dll"
STATE="$HUB_RUN_DIR/state.json"
CURSORS="$HUB_RUN_DIR/cursors.json"
RESULT="$REPO/bench/results/propagation-$(date -u +%Y-%m-%d)${LABEL:+-$LABEL}.md"
silo_url() { echo "http://127.0.0.1:$((5100 + HUB_PORT_OFFSET + $1))"; }
URLS="$(silo_url 1),$(silo_url 2),$(silo_url 3)"

log() { echo "bench: $*" >&2; }
cleanup() { "$REPO/deploy/cluster.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

mkdir -p "$HUB_RUN_DIR"
log "building (Release)"
dotnet build "$REPO/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/bench/propagation/Tool" -c Release -v q -nologo >/dev/null
log "starting PostgreSQL and three silos"
"$REPO/deploy/cluster.sh" stop >/dev/null 2>&1 || true
rm -rf "$HUB_RUN_DIR/pgdata" "$STATE" "$CURSORS"
"$REPO/deploy/cluster.sh" start --silos 3 --no-build >&2
CONNECTION_STRING="$("$REPO/deploy/postgres.sh" env)"
PSQL_CONNINFO="$(tr ';' '\n' <<<"$CONNECTION_STRING" | sed -n 's/^Host=/host=/p; s/^Port=/port=/p; s/^Username=/user=/p; s/^Database=/dbname=/p' | tr '\n' ' ')"

log "setup: $AGENCIES agencies x $FOLLOWED citizens, $POPULATION population subscribers, $ACTIVE active citizens"
SETUP=$(dotnet "$TOOL" setup --urls "$URLS" --operator-key "$HUB_OPERATOR_KEY" --state "$STATE" --agencies "$AGENCIES" \
  --population "$POPULATION" --followed "$FOLLOWED" --active "$ACTIVE" --concurrency "$SETUP_CONCURRENCY")
log "$SETUP"

# Where the time between the registry and the feeds went, from PostgreSQL's own clocks: the grain's change (occurred_at)
# to the log append's transaction (appended_at), and that to the fan-out's transaction (fed_at) of the agency's feed row.
breakdown() {
  psql "$PSQL_CONNINFO" -Atc "
    WITH d AS (
      SELECT extract(epoch FROM e.appended_at - e.occurred_at) * 1000 AS to_log,
             extract(epoch FROM f.fed_at - e.appended_at) * 1000 AS to_feed
      FROM citizen_events e JOIN agency_feed f ON f.event_id = e.event_id
      WHERE e.appended_at > now() - interval '$1 seconds')
    SELECT format('change_to_log_ms p50=%s p99=%s | log_to_fanout_ms p50=%s p90=%s p99=%s max=%s',
      round(percentile_cont(0.5) WITHIN GROUP (ORDER BY to_log)::numeric, 1),
      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY to_log)::numeric, 1),
      round(percentile_cont(0.5) WITHIN GROUP (ORDER BY to_feed)::numeric, 1),
      round(percentile_cont(0.9) WITHIN GROUP (ORDER BY to_feed)::numeric, 1),
      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY to_feed)::numeric, 1),
      round(max(to_feed)::numeric, 1)) FROM d"
}

run_tool() { # extra args...
  dotnet "$TOOL" run --urls "$URLS" --operator-key "$HUB_OPERATOR_KEY" --state "$STATE" --cursors "$CURSORS" --rate "$RATE" \
    --duration "$DURATION" --name-every "$NAME_EVERY" --concurrency "$CONCURRENCY" \
    $([[ "$WEBHOOKS" == 1 ]] && echo "--webhook-port $WEBHOOK_PORT") "$@"
}

log "(1) $RATE changes/s for $DURATION s"
LOAD1_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STEADY=$(run_tool)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
BREAKDOWN1=$(breakdown $((DURATION + 70)))
log "$STEADY"
log "$BREAKDOWN1"

CRASH_RESULT="(not run: CRASH=0)"; LOAD2="-"
if [[ "$CRASH" == 1 ]]; then
log "(2) the same with silo 3 killed after $((DURATION / 2)) s and receiver PB0004 stopped for $PAUSE_FOR s after 10 s"
FIRST=$(python3 -c "print(int($RATE * $DURATION))")
(sleep $((5 + DURATION / 2)); kill -9 "$(cat "$HUB_RUN_DIR/silo-3/silo.pid")"; log "silo 3 killed (SIGKILL)") &
KILLER=$!
CRASH_OUT=$(run_tool --first-change "$FIRST" --pause-agency 4 --pause-at 10 --pause-for "$PAUSE_FOR" --drain 120)
wait "$KILLER" || true
LOAD2=$(cut -d' ' -f1-3 /proc/loadavg)
CRASH_RESULT="$CRASH_OUT"
log "$CRASH_OUT"
fi

cat >"$RESULT" <<MD
# Change-propagation benchmark, $(date -u +"%Y-%m-%d %H:%M") UTC

\`bench/propagation/run.sh\` (AGENCIES=$AGENCIES POPULATION=$POPULATION FOLLOWED=$FOLLOWED ACTIVE=$ACTIVE RATE=$RATE DURATION=$DURATION
NAME_EVERY=$NAME_EVERY PAUSE_FOR=$PAUSE_FOR CONCURRENCY=$CONCURRENCY WEBHOOKS=$WEBHOOKS$(env | grep '^Hub__Feeds__' | sed 's/^/ /' | tr '\n' ' ')), git $(git -C "$REPO" rev-parse --short HEAD)${HUB_HOST_DLL:+, host $HUB_HOST_DLL},
three silos from \`deploy/cluster.sh\` on one private PostgreSQL, all on this $(nproc)-core machine shared with other engineers.

Setup: \`$SETUP\`

## (1) Steady run (load average before $LOAD1_BEFORE, after $LOAD1)

\`\`\`
$STEADY
$BREAKDOWN1
\`\`\`

## (2) Silo 3 killed (SIGKILL) halfway, receiver PB0004 stopped for $PAUSE_FOR s (load average after $LOAD2)

\`\`\`
$CRASH_RESULT
\`\`\`
MD
log "written $RESULT"
