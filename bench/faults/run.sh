#!/usr/bin/env bash
# Fault injection under load (issue 8, item 3): a three-silo cluster (deploy/cluster.sh) on a private PostgreSQL under
# mixed load (bench/faults/Driver: charged lookups with citizen consent, state-agency lookups, registry PATCHes with
# If-Match, consent grants and revocations, subscriptions, two long-polling feed consumers, round-robin over the silos).
# After a baseline, faults one after another, each followed by an observation period:
#   (1) kill-silo: SIGKILL to silo 2; KILL_HOLD s later `cluster.sh start` brings index 2 back.
#   (2) postgres-down: `deploy/postgres.sh stop` (fast shutdown); PG_HOLD s later `deploy/postgres.sh start`.
#   (3) webhook-down: the state agency's webhook receiver (in the driver, port 5100 + offset + 90) stopped for WEBHOOK_HOLD s.
# Then the driver verifies, from what the clients were told and from the database: acknowledged writes, consent changes and
# subscriptions present; every answered lookup audited with its fee and nothing else charged (audit_log, fee_ledger);
# feeds complete and in per-citizen order; every silo ready again. Finally `OrleansHub.Host fees reconcile` for the month.
# The figures are written to bench/results/faults-<date>.md. The machine is shared: one run is one sample.
#
#   bench/faults/run.sh
#
# Environment: CITIZENS (default 40), BASELINE (s, default 20), OBSERVE (s after each recovery step, default 30),
#   KILL_HOLD (s, default 10), PG_HOLD (s, default 10), WEBHOOK_HOLD (s, default 60), HUB_RUN_DIR, HUB_PG_PORT, HUB_PORT_OFFSET (defaults below).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CITIZENS="${CITIZENS:-40}"
BASELINE="${BASELINE:-20}"
OBSERVE="${OBSERVE:-30}"
KILL_HOLD="${KILL_HOLD:-10}"
PG_HOLD="${PG_HOLD:-10}"
WEBHOOK_HOLD="${WEBHOOK_HOLD:-60}"
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub-bench-faults}"
export HUB_PG_PORT="${HUB_PG_PORT:-55840}"
export HUB_PORT_OFFSET="${HUB_PORT_OFFSET:-400}"
export HUB_OPERATOR_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')"   # a real key: the hub refuses weak ones outside Development
DRIVER_DLL="$REPO/bench/faults/Driver/bin/Release/net10.0/faults-driver.dll"
HOST_DLL="$REPO/src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll"
RESULT="$REPO/bench/results/faults-$(date -u +%Y-%m-%d).md"
silo_url() { echo "http://127.0.0.1:$((5100 + HUB_PORT_OFFSET + $1))"; }

log() { echo "bench: $*" >&2; }
cleanup() { "$REPO/deploy/cluster.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

mkdir -p "$HUB_RUN_DIR"
log "building (Release)"
dotnet build "$REPO/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/bench/faults/Driver" -c Release -v q -nologo >/dev/null

# The silos trust citizen tokens signed with this key (the driver signs them); PEM on one line for cluster.sh.
PUBLIC_PEM=$(dotnet "$DRIVER_DLL" issuer --key "$HUB_RUN_DIR/issuer.pem")
export Hub__CitizenTokens__Issuer="https://eid.faults.example.vn"
export Hub__CitizenTokens__Audience="orleanshub-faults"
export Hub__CitizenTokens__PublicKeyPem="$(tr '\n' ' ' <<<"$PUBLIC_PEM")"
# The webhook receiver is the driver on this machine, over http (the hub's default retry backoff is kept).
export Hub__Webhooks__AllowPrivateNetworks=true Hub__Webhooks__RequireHttps=false

log "starting PostgreSQL and three silos"
"$REPO/deploy/cluster.sh" stop >/dev/null 2>&1 || true
rm -rf "$HUB_RUN_DIR/pgdata"   # a fresh database every run
"$REPO/deploy/cluster.sh" start --silos 3 --no-build >&2
CONNECTION_STRING="$("$REPO/deploy/postgres.sh" env)"
LOAD_BEFORE="$(uptime)"

CLUSTER="HUB_RUN_DIR=$HUB_RUN_DIR HUB_PG_PORT=$HUB_PG_PORT HUB_PORT_OFFSET=$HUB_PORT_OFFSET HUB_OPERATOR_KEY=$HUB_OPERATOR_KEY"
RAW="$HUB_RUN_DIR/faults.md"
rc=0
dotnet "$DRIVER_DLL" run \
  --silos "$(silo_url 1),$(silo_url 2),$(silo_url 3)" --operator-key "$HUB_OPERATOR_KEY" --connection "$CONNECTION_STRING" \
  --key "$HUB_RUN_DIR/issuer.pem" --out "$RAW" --citizens "$CITIZENS" --baseline "$BASELINE" --observe "$OBSERVE" \
  --webhook-port "$((5100 + HUB_PORT_OFFSET + 90))" \
  --fault "kill -9 silo 2, then start it again|$KILL_HOLD|kill -9 \$(cat $HUB_RUN_DIR/silo-2/silo.pid)|$CLUSTER $REPO/deploy/cluster.sh start --silos 3 --no-build" \
  --fault "PostgreSQL stopped, started again|$PG_HOLD|HUB_RUN_DIR=$HUB_RUN_DIR HUB_PG_PORT=$HUB_PG_PORT $REPO/deploy/postgres.sh stop|HUB_RUN_DIR=$HUB_RUN_DIR HUB_PG_PORT=$HUB_PG_PORT $REPO/deploy/postgres.sh start" \
  --fault "webhook receiver stopped, started again|$WEBHOOK_HOLD|@webhook-stop|@webhook-start" \
  || rc=$?
LOAD_AFTER="$(uptime)"

MONTH="$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)"   # the fee calendar's month (Vietnam time)
reconcile_rc=0
RECONCILE=$(cd "$(dirname "$HOST_DLL")" && ConnectionStrings__Postgres="$CONNECTION_STRING" dotnet "$HOST_DLL" fees reconcile --month "$MONTH" 2>&1) || reconcile_rc=$?
log "reconcile: exit $reconcile_rc"

cat >"$RESULT" <<MD
# Fault injection under load, $(date -u +"%Y-%m-%d %H:%M") UTC

\`bench/faults/run.sh\` (CITIZENS=$CITIZENS BASELINE=$BASELINE OBSERVE=$OBSERVE KILL_HOLD=$KILL_HOLD PG_HOLD=$PG_HOLD WEBHOOK_HOLD=$WEBHOOK_HOLD): three silos from
\`deploy/cluster.sh\` on one private PostgreSQL, all on this $(nproc)-core machine, which other engineers were building and
testing on at the same time: one run, one sample, noisy. Load average before: \`$LOAD_BEFORE\`; after: \`$LOAD_AFTER\`.

Load (closed loop, round-robin over the three silos, 20 ms pause per worker): 2 workers of charged lookups (commercial
agency, citizen consent, 2 fields = VND 2,000), 2 of state-agency lookups (exempt), 2 registry writers (PATCH
permanentResidence with If-Match, each owning half the citizens), 1 consent worker (revokes, then grants again, in turn),
1 subscription worker, 2 long-polling feed consumers (the state agency's population-wide residence-changed feed and the
bank's citizen subscriptions); the state agency's feed is also pushed to its webhook (a receiver in the driver that checks
every signature). Driver exit: $rc (0: every check passed).

$(cat "$RAW" 2>/dev/null || echo "(the driver wrote no figures)")

## Ledger against the audit log

\`OrleansHub.Host fees reconcile --month $MONTH\` after the run: exit $reconcile_rc

\`\`\`
$RECONCILE
\`\`\`
MD
log "written $RESULT"
exit $(( rc != 0 ? rc : reconcile_rc ))
