#!/usr/bin/env bash
# Writes deploy/.env (read by `docker compose -f deploy/docker-compose.yml`) with freshly generated secrets, once:
# an existing file is kept. The compose file has no defaults for these: it refuses to start without them, and the
# hub refuses published or weak keys.
set -euo pipefail
ENV_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.env"
if [[ -f "$ENV_FILE" ]]; then
  echo "compose-secrets.sh: $ENV_FILE exists; keeping it" >&2
  exit 0
fi
key() { head -c 32 /dev/urandom | base64 | tr -d '\n/+=' ; }
umask 077
cat >"$ENV_FILE" <<ENV
POSTGRES_PASSWORD=$(key)
HUB_PG_OWNER_PASSWORD=$(key)
HUB_PG_RUNTIME_PASSWORD=$(key)
HUB_OPERATOR_KEY=$(key)
HUB_AUDIT_KEY=$(key)
ENV
echo "compose-secrets.sh: wrote $ENV_FILE (mode 600); keep it out of version control" >&2
