#!/usr/bin/env bash
# Makes previous-release.sql: a database written by the previous release (git 8dbe177, ADO.NET grain storage with the
# history, event outbox and consent notices inside each citizen's state), for UpgradeTests. Builds that release from git,
# starts it on a private PostgreSQL, writes through its HTTP API (import with cards, changes, a card reported lost, a
# consent granted and revoked, and a change accepted while the event log refused writes, so its event waits in the
# outbox with a relay reminder), kills it, and dumps the database.
#
#   tests/OrleansHub.Host.Tests/Upgrade/make-previous-release-db.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
WORK="$(mktemp -d /tmp/orleanshub-previous-release.XXXXXX)"
chmod 755 "$WORK"
export HUB_RUN_DIR="$WORK/pg" HUB_PG_PORT="${HUB_PG_PORT:-56190}"
PORT=5619 KEY=previous-release-operator-key-0123456789
trap '[[ -z "${HUB_PID:-}" ]] || kill -9 "$HUB_PID" 2>/dev/null; "$REPO/deploy/postgres.sh" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

trap 'echo "make-previous-release-db.sh: failed at line $LINENO" >&2' ERR
# PREVIOUS_RELEASE: a folder where git 8dbe177 is already built (saves the build).
OLD="${PREVIOUS_RELEASE:-$WORK/release}"
if [[ -z "${PREVIOUS_RELEASE:-}" ]]; then
  mkdir -p "$OLD" && git -C "$REPO" archive 8dbe177 | tar -x -C "$OLD"
  dotnet build "$OLD/src/OrleansHub.Host" -c Release -v q -nologo >/dev/null
fi
"$REPO/deploy/postgres.sh" start >/dev/null
DB="Host=127.0.0.1;Port=$HUB_PG_PORT;Username=postgres;Database=orleanshub"
PSQL=(psql -qAt -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d orleanshub -v ON_ERROR_STOP=1)

# The e-ID issuer the previous release trusts: an ES256 key made here, tokens signed with openssl.
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/issuer.pem" 2>/dev/null
openssl ec -in "$WORK/issuer.pem" -pubout -out "$WORK/issuer.pub" 2>/dev/null
b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
token() { # citizen ID -> ES256 JWT (raw r||s signature)
  local now header payload der r s
  now=$(date +%s)
  header=$(printf '{"alg":"ES256","typ":"JWT"}' | b64)
  payload=$(printf '{"sub":"%s","iss":"previous-release-issuer","aud":"orleanshub","iat":%d,"nbf":%d,"exp":%d}' "$1" "$now" "$now" $((now + 600)) | b64)
  der=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$WORK/issuer.pem" | openssl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}')
  r=$(echo "$der" | sed -n 1p); s=$(echo "$der" | sed -n 2p)
  printf '%s.%s.%s' "$header" "$payload" "$(printf '%064s%064s' "$r" "$s" | tr ' ' 0 | xxd -r -p | b64)"
}

start_hub() {
  (cd "$OLD/src/OrleansHub.Host/bin/Release/net10.0" && ConnectionStrings__Postgres="$DB" Hub__Operator__ApiKey="$KEY" \
    Hub__CitizenTokens__Issuer=previous-release-issuer Hub__CitizenTokens__Audience=orleanshub \
    Hub__CitizenTokens__PublicKeyPem="$(cat "$WORK/issuer.pub")" ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
    Hub__Cluster__ServiceId=orleanshub-tests Hub__Cluster__SiloPort=21619 Hub__Cluster__GatewayPort=31619 \
    Hub__Cluster__AdvertisedAddress=127.0.0.1 DOTNET_ENVIRONMENT=Production exec dotnet OrleansHub.Host.dll >"$WORK/hub.log" 2>&1) &
  HUB_PID=$!
  for _ in $(seq 1 120); do curl -sSf "http://127.0.0.1:$PORT/health/ready" >/dev/null && return 0; sleep 0.5; done
  cat "$WORK/hub.log" >&2; exit 1
}
H=(-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json')
start_hub

# 20 citizens with cards (IDs 001190900000..019), then changes to the first five.
for i in $(seq -w 0 19); do
  printf '{"id":"0011909000%s","fullName":"Trần Thị Mai","dateOfBirth":"1990-03-04","sex":"female","hometown":"Nam Định","card":{"number":"CC09000000%s","issuedOn":"2021-06-01","expiresOn":"2030-03-04","issuedBy":"Cục Cảnh sát QLHC về TTXH"}}\n' "$i" "$i"
done > "$WORK/citizens.ndjson"
curl -sSf -X POST "http://127.0.0.1:$PORT/admin/citizens/import" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' --data-binary @"$WORK/citizens.ndjson" | tail -n 1
for i in 0 1 2 3 4; do
  curl -sSf -X PATCH "http://127.0.0.1:$PORT/admin/citizens/00119090000$i" "${H[@]}" -d '{"currentResidence":"Số 1 phố Huế, Hà Nội"}' >/dev/null
  curl -sSf -X PATCH "http://127.0.0.1:$PORT/admin/citizens/00119090000$i" "${H[@]}" -d '{"maritalStatus":"married"}' >/dev/null
done
curl -sSf -X POST "http://127.0.0.1:$PORT/admin/cards/CC0900000001/lost" -H "Authorization: Bearer $KEY" >/dev/null

# Citizen ...002 grants the demo-less bank a consent and revokes it (a consent-revoked event, a consent notice).
curl -sSf -X PUT "http://127.0.0.1:$PORT/admin/agencies/MBB" "${H[@]}" -d '{"name":"Ngân hàng TMCP Quân đội","kind":"commercial","status":"active","fields":["fullName","dateOfBirth"],"purposes":["kyc-onboarding"],"requiresConsent":true}' >/dev/null
T="Authorization: Bearer $(token 001190900002)"
consent=$(curl -sSf -X POST "http://127.0.0.1:$PORT/me/consents" -H "$T" -H 'Content-Type: application/json' \
  -d '{"agencyCode":"MBB","purpose":"kyc-onboarding","purposeText":"Mở tài khoản","fields":["fullName"],"validUntil":"2028-12-31T00:00:00Z","retentionDays":30}' | jq -r .id)
curl -sSf -X DELETE "http://127.0.0.1:$PORT/me/consents/$consent" -H "$T" >/dev/null

# Citizen ...003: a change accepted while the log refused its event (it stays in the outbox, a relay reminder is set),
# then the silo dies before the retry timer relays it.
"${PSQL[@]}" -c "CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'log offline'; END \$\$;
  CREATE TRIGGER refuse_events BEFORE INSERT ON citizen_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_events();"
curl -sSf -X PATCH "http://127.0.0.1:$PORT/admin/citizens/001190900003" "${H[@]}" -d '{"hometown":"Thừa Thiên Huế"}' >/dev/null
sleep 1
kill -9 "$HUB_PID"; HUB_PID=
"${PSQL[@]}" -c "DROP TRIGGER refuse_events ON citizen_events; DROP FUNCTION refuse_events();"

echo "previous release wrote: $("${PSQL[@]}" -c "SELECT grain_type || '=' || count(*)::text FROM orleans_grain_state GROUP BY grain_type ORDER BY 1" | tr '\n' ' ')" \
  "events=$("${PSQL[@]}" -c 'SELECT count(*) FROM citizen_events') reminders=$("${PSQL[@]}" -c 'SELECT count(*) FROM orleansreminderstable' 2>/dev/null || echo ?)" >&2
pg_dump -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres --no-owner --no-privileges orleanshub > "$HERE/previous-release.sql"
echo "wrote $HERE/previous-release.sql" >&2
