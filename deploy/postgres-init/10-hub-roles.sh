#!/usr/bin/env bash
# Runs once, when the compose PostgreSQL container initialises its data folder (docker-entrypoint-initdb.d):
# creates the hub's two roles. hub_owner owns the database and, through `migrate`, every table; hub_runtime is the
# silos' login, owns nothing and is granted its privileges by `migrate` (hub_grant_runtime, migration 0019).
set -euo pipefail
: "${HUB_PG_OWNER_PASSWORD:?}" "${HUB_PG_RUNTIME_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres \
  -v owner_password="$HUB_PG_OWNER_PASSWORD" -v runtime_password="$HUB_PG_RUNTIME_PASSWORD" <<'SQL'
CREATE ROLE hub_owner LOGIN NOSUPERUSER NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE hub_runtime LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'runtime_password';
CREATE DATABASE orleanshub OWNER hub_owner;
REVOKE ALL ON DATABASE orleanshub FROM PUBLIC;
GRANT CONNECT ON DATABASE orleanshub TO hub_owner, hub_runtime;
SQL
