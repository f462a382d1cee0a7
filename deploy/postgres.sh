#!/usr/bin/env bash
# Private PostgreSQL server for development, tests and CI.
#
# This is NOT a production database: it listens on 127.0.0.1 only and trusts
# every loopback connection (no passwords), so that tests and local silos can
# connect without passwords. 'start' creates the hub's two roles as in
# production: hub_owner (owns the database and every table; `migrate` runs as
# it) and hub_runtime (the silos' login: owns nothing, granted by `migrate`).
set -euo pipefail

usage() {
  cat <<EOF
Usage: deploy/postgres.sh <command> [options]

Runs a private PostgreSQL server (its own data folder, port and socket), so it
never touches a system-wide cluster. Loopback connections are trusted without a
password: this is a development/test server only.

Commands:
  start                 initdb if needed, start the server, wait until it accepts
                        connections and create the database if missing.
                        Already running: says so and exits 0.
  stop                  fast shutdown (-m fast); no-op if not running.
  status                prints whether it is running; exit 0 if running, 3 if not.
  env [--no-database] [--role superuser|owner|runtime]
                        prints the Npgsql connection string, e.g.
                          export ConnectionStrings__PostgresOwner="\$(deploy/postgres.sh env --role owner)"
                          export ConnectionStrings__Postgres="\$(deploy/postgres.sh env --role runtime)"
                        --no-database leaves out "Database=..." (tests create their own).
                        --role picks the login: the superuser (default; tests and
                        administration), the schema owner or the runtime role.
  install               makes sure server binaries exist (apt-get install when root)
                        and prints their folder.

Environment:
  HUB_RUN_DIR       run folder: data, socket, log      (default /tmp/orleanshub)
  HUB_PG_PORT       TCP port on 127.0.0.1              (default 55432)
  HUB_PG_DATABASE   database created by 'start'        (default orleanshub)
  HUB_PG_DATA       data folder                        (default \$HUB_RUN_DIR/pgdata)
  HUB_PG_BIN        folder with initdb/pg_ctl/postgres (default: auto-detected)
  HUB_PG_MAX_CONNECTIONS  max_connections              (default 200)
EOF
}

# --- settings ------------------------------------------------------------------

# Absolute paths: server processes run with cwd=/ (see as_pg).
RUN_DIR="$(realpath -m "${HUB_RUN_DIR:-/tmp/orleanshub}")"
PG_PORT="${HUB_PG_PORT:-55432}"
PG_DATABASE="${HUB_PG_DATABASE:-orleanshub}"
PG_DATA="$(realpath -m "${HUB_PG_DATA:-$RUN_DIR/pgdata}")"
PG_LOG="$RUN_DIR/postgres.log"
PG_USER=postgres            # database superuser name (initdb -U), independent of the OS user
OWNER_ROLE=hub_owner        # owns the database and the schema; `migrate` logs in as it
RUNTIME_ROLE=hub_runtime    # the silos' login: owns nothing, granted its privileges by `migrate`
PG_HOST=127.0.0.1
MAX_CONNECTIONS="${HUB_PG_MAX_CONNECTIONS:-200}"

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

if ! [[ "$PG_PORT" =~ ^[0-9]+$ ]] || ((10#$PG_PORT < 1 || 10#$PG_PORT > 65535)); then
  die "HUB_PG_PORT must be a port number, got '$PG_PORT'"
fi
# Keeps quoting in CREATE DATABASE trivial.
[[ "$PG_DATABASE" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "HUB_PG_DATABASE must be a plain identifier, got '$PG_DATABASE'"
[[ "$MAX_CONNECTIONS" =~ ^[0-9]+$ ]] || die "HUB_PG_MAX_CONNECTIONS must be a number"
if [[ -n "${HUB_PG_BIN:-}" && ! -x "${HUB_PG_BIN}/initdb" ]]; then die "HUB_PG_BIN=$HUB_PG_BIN has no initdb"; fi
case "$RUN_DIR" in /|/tmp|/var|/root|/home) die "HUB_RUN_DIR=$RUN_DIR is too broad; use a dedicated folder" ;; esac

is_root() { [[ $EUID -eq 0 ]]; }

# initdb, pg_ctl and postgres refuse to run as root: run them as the 'postgres'
# OS user then. cwd=/ because root's cwd (e.g. /root) may be unreadable for it.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# --- binaries --------------------------------------------------------------------

find_bin_dir() {
  if [[ -n "${HUB_PG_BIN:-}" ]]; then
    echo "$HUB_PG_BIN"; return 0   # validated at startup
  fi
  # Highest installed major version that has the server (Debian layout; a newer
  # postgresql-client-NN may bring a bin folder without initdb).
  local dir
  while IFS= read -r dir; do
    if [[ -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -rV)
  # pg_config may come from libpq-dev without a server, hence the initdb check.
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  fi
  return 1
}

ensure_binaries() {
  if BIN="$(find_bin_dir)"; then return 0; fi
  is_root || die "PostgreSQL server binaries not found; install the 'postgresql' package (or set HUB_PG_BIN)"
  log "PostgreSQL server binaries not found; installing Debian's 'postgresql' package"
  # Debian's package may create and start its own cluster on port 5432. That is
  # harmless: we never use it, we run our own private server below.
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
  BIN="$(find_bin_dir)" || die "PostgreSQL server binaries still not found after apt-get install"
}

ensure_os_user() {
  is_root || return 0
  if ! id -u postgres >/dev/null 2>&1; then
    log "creating the 'postgres' OS user (the server cannot run as root)"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

# --- helpers ---------------------------------------------------------------------

is_running() {
  [[ -f "$PG_DATA/PG_VERSION" ]] || return 1
  as_pg "$BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

# postmaster.pid: line 1 = pid, line 4 = port actually in use.
server_pid()  { sed -n 1p "$PG_DATA/postmaster.pid" 2>/dev/null || echo "?"; }
server_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || echo "?"; }

psql_admin() {
  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

prepare_run_dir() {
  mkdir -p "$RUN_DIR"
  if is_root; then
    # Not recursive: silo folders written by cluster.sh stay root's.
    chown postgres: "$RUN_DIR"
    runuser -u postgres -- test -w "$RUN_DIR" \
      || die "the 'postgres' OS user cannot write $RUN_DIR (is a parent folder private?); set HUB_RUN_DIR elsewhere"
  fi
}

init_cluster() {
  if [[ -f "$PG_DATA/PG_VERSION" ]]; then
    local have want
    have="$(cat "$PG_DATA/PG_VERSION")"
    want="$("$BIN/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
    [[ "$have" == "$want" ]] || die "$PG_DATA was created by PostgreSQL $have but the binaries are $want; delete it or set HUB_PG_DATA"
    return 0
  fi
  log "initializing $PG_DATA"
  # trust auth: private dev/test server, reachable only from 127.0.0.1 (listen_addresses below).
  as_pg "$BIN/initdb" -D "$PG_DATA" -U "$PG_USER" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=trust >"$RUN_DIR/initdb.log" 2>&1 \
    || { cat "$RUN_DIR/initdb.log" >&2; die "initdb failed"; }
  # Settings that may change between runs (port, socket folder) live in hub.conf,
  # rewritten on every start.
  echo "include_if_exists = 'hub.conf'" | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
}

write_hub_conf() {
  # fsync stays on (the default): tests should see real durability behaviour.
  as_pg tee "$PG_DATA/hub.conf" >/dev/null <<EOF
# Written by deploy/postgres.sh on every start; edits are overwritten.
listen_addresses = '$PG_HOST'
port = $PG_PORT
unix_socket_directories = '$RUN_DIR'
max_connections = $MAX_CONNECTIONS
EOF
}

wait_ready() {
  local i
  for ((i = 0; i < 60; i++)); do
    if "$BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres \
      && psql_admin -tAc 'SELECT 1' >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  die "server did not accept connections on $PG_HOST:$PG_PORT within 30 s (log: $PG_LOG)"
}

ensure_roles() {
  psql_admin <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$OWNER_ROLE') THEN
    CREATE ROLE $OWNER_ROLE LOGIN NOSUPERUSER NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$RUNTIME_ROLE') THEN
    CREATE ROLE $RUNTIME_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END \$\$;
EOF
}

ensure_database() {
  ensure_roles
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]]; then
    log "creating database $PG_DATABASE (owner $OWNER_ROLE)"
    psql_admin -c "CREATE DATABASE \"$PG_DATABASE\" OWNER $OWNER_ROLE"
  fi
}

# --- commands --------------------------------------------------------------------

cmd_start() {
  ensure_binaries
  ensure_os_user
  if is_running; then
    # Same data folder started earlier with another HUB_PG_PORT: refuse rather
    # than hand out a connection string that points nowhere.
    [[ "$(server_port)" == "$PG_PORT" ]] \
      || die "already running from $PG_DATA but on port $(server_port), not $PG_PORT; stop it first"
    log "already running (pid $(server_pid)) on $PG_HOST:$PG_PORT"
    wait_ready
    ensure_database
    return 0
  fi
  prepare_run_dir
  init_cluster
  write_hub_conf
  log "starting PostgreSQL ($BIN) on $PG_HOST:$PG_PORT, data $PG_DATA"
  if ! as_pg "$BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 >/dev/null; then
    tail -n 15 "$PG_LOG" >&2 || true
    die "pg_ctl start failed (is port $PG_PORT already in use?)"
  fi
  wait_ready
  ensure_database
  log "running (pid $(server_pid)); $(conn_string)"
}

cmd_stop() {
  # No binaries means nothing can be running: never install just to stop.
  if ! BIN="$(find_bin_dir)" || ! is_running; then
    log "not running"
    return 0
  fi
  log "stopping (pid $(server_pid))"
  as_pg "$BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null
  log "stopped"
}

cmd_status() {
  if BIN="$(find_bin_dir)" && is_running; then
    echo "running (pid $(server_pid)) on $PG_HOST:$(server_port), data $PG_DATA"
  else
    echo "not running (data $PG_DATA)"
    return 3
  fi
}

conn_string() {
  local user="$PG_USER" database=yes
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --no-database) database=no ;;
      --role)
        case "${2:-}" in
          superuser) user="$PG_USER" ;;
          owner) user="$OWNER_ROLE" ;;
          runtime) user="$RUNTIME_ROLE" ;;
          *) die "--role takes superuser, owner or runtime" ;;
        esac
        shift ;;
      *) die "unknown option for env: $1" ;;
    esac
    shift
  done
  local s="Host=$PG_HOST;Port=$PG_PORT;Username=$user"
  [[ "$database" == no ]] || s+=";Database=$PG_DATABASE"
  echo "$s"
}

cmd_env() {
  conn_string "$@"
}

cmd_install() {
  ensure_binaries
  ensure_os_user
  echo "$BIN"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    start)   [[ $# -eq 0 ]] || die "start takes no arguments"; cmd_start ;;
    stop)    [[ $# -eq 0 ]] || die "stop takes no arguments"; cmd_stop ;;
    status)  [[ $# -eq 0 ]] || die "status takes no arguments"; cmd_status ;;
    env)     [[ $# -le 3 ]] || die "env takes at most --no-database and --role ROLE"; cmd_env "$@" ;;
    install) [[ $# -eq 0 ]] || die "install takes no arguments"; cmd_install ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 2 ;;
    *) log "unknown command: $cmd"; usage >&2; exit 2 ;;
  esac
}

main "$@"
