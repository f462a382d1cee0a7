#!/usr/bin/env bash
# Multi-silo OrleansHub on one machine, backed by the private PostgreSQL from
# deploy/postgres.sh. For development and demos: every silo is a background
# process with its own folder (pid file, log) under the run folder.
set -euo pipefail

usage() {
  cat <<EOF
Usage: deploy/cluster.sh <command> [options]

Commands:
  start [--silos N] [--no-build]
        Start PostgreSQL, build the host, run the migrations, create the
        development cluster certificates if the TLS folder has none, then start silos
        1..N (default 3) that are not already running and wait until each one
        answers GET /health/ready with 200. With silos already running, the
        build and migrations are skipped (rebuilding would overwrite the
        binaries the running silos use) and only the missing indices start.
  add   Start one more silo at the next index (highest running index + 1).
  remove <i>
        Gracefully stop silo <i> (SIGTERM; SIGKILL after the stop timeout).
  stop [--keep-db]
        Gracefully stop every silo, one at a time, then stop PostgreSQL
        (unless --keep-db).
  status
        Show every silo's pid, whether it is alive and whether it is ready.

Silo i (1-based) listens on (plus HUB_PORT_OFFSET):
  HTTP    http://127.0.0.1:<5100+i>   (GET /health/ready)
  silo    127.0.0.1:<11110+i>         (silo-to-silo, mutual TLS)
No silo opens an Orleans client gateway.

Environment:
  HUB_RUN_DIR            run folder (default /tmp/orleanshub); silo i uses silo-<i>/
  HUB_OPERATOR_KEY       operator API key (default: generated once, kept in <run folder>/secrets.env)
  HUB_AUDIT_KEY          audit chain key, id "local" (default: generated once, kept there too)
  HUB_READY_TIMEOUT      seconds to wait for all new silos to be ready (default 90)
  HUB_STOP_TIMEOUT       seconds to wait for one silo to exit after SIGTERM (default 30)
  HUB_PORT_OFFSET        added to every port above (default 0), so a benchmark's
                         cluster can run beside a development one
  HUB_CLUSTER_TLS_DIR    folder with the cluster certificates (default <run folder>/cluster-tls):
                         ca.crt, silo.crt, silo.key; created with 'OrleansHub.Host cluster
                         dev-certificates' when ca.crt is missing. Put your own set there to use it.
  HUB_HOST_DLL           prebuilt host assembly to run instead of building
                         src/OrleansHub.Host (Release); implies --no-build
  HUB_PG_PORT, HUB_PG_DATABASE, ...  passed on to deploy/postgres.sh (see its --help)
  Hub__*                 further host settings, passed to every silo (single-line values)
EOF
}

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POSTGRES_SH="$SCRIPT_DIR/postgres.sh"

# Exported so deploy/postgres.sh uses the same run folder.
export HUB_RUN_DIR="${HUB_RUN_DIR:-/tmp/orleanshub}"
RUN_DIR="$(realpath -m "$HUB_RUN_DIR")"
HOST_PROJECT="$REPO_ROOT/src/OrleansHub.Host"
HOST_DLL="$(realpath -m "${HUB_HOST_DLL:-$HOST_PROJECT/bin/Release/net10.0/OrleansHub.Host.dll}")"
SECRETS_FILE="$RUN_DIR/secrets.env"
READY_TIMEOUT="${HUB_READY_TIMEOUT:-90}"
STOP_TIMEOUT="${HUB_STOP_TIMEOUT:-30}"
PORT_OFFSET="${HUB_PORT_OFFSET:-0}"
TLS_DIR="$(realpath -m "${HUB_CLUSTER_TLS_DIR:-$RUN_DIR/cluster-tls}")"
MAX_SILOS=99   # keeps 5100+i and 11110+i from overlapping other ranges

log() { echo "cluster.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

http_port()    { echo $((5100 + PORT_OFFSET + $1)); }
silo_port()    { echo $((11110 + PORT_OFFSET + $1)); }
silo_dir()     { echo "$RUN_DIR/silo-$1"; }
pid_file()     { echo "$(silo_dir "$1")/silo.pid"; }
log_file()     { echo "$(silo_dir "$1")/silo.log"; }

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
is_uint "$PORT_OFFSET" && (( PORT_OFFSET <= 20000 )) || die "HUB_PORT_OFFSET must be a whole number from 0 to 20000"

# --- silo bookkeeping -----------------------------------------------------------

# Prints the silo's pid if its pid file points at a live host process. The
# command-line check guards against a recycled pid after a reboot or crash.
silo_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(<"$f")"
  is_uint "$pid" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(basename "$HOST_DLL")" || return 1
  echo "$pid"
}

# Indices with a silo folder, ascending.
known_indices() {
  local d
  for d in "$RUN_DIR"/silo-*; do
    [[ -d "$d" ]] || continue
    d="${d##*/silo-}"
    is_uint "$d" && echo "$d"
  done | sort -n
}

running_indices() {
  local i
  for i in $(known_indices); do
    silo_pid "$i" >/dev/null && echo "$i"
  done
  return 0
}

# HTTP status code of GET url, or 000 when nothing answers.
http_code() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" || true
  else
    # Fallback without curl: plain HTTP/1.0 over bash's /dev/tcp.
    local hostport="${1#http://}" path
    path="/${hostport#*/}"; hostport="${hostport%%/*}"
    (
      exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || exit 0
      printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
      timeout 3 head -n 1 <&3 | awk '{print $2}'
    ) 2>/dev/null || true
  fi
}

is_ready() { [[ "$(http_code "http://127.0.0.1:$(http_port "$1")/health/ready")" == 200 ]]; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- secrets ----------------------------------------------------------------------

# The hub refuses published or weak keys outside Development, so the local cluster
# gets real ones: generated on first start, kept (mode 600) in the run folder and
# reused by later starts and 'add'.
random_key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }

load_secrets() {
  mkdir -p "$RUN_DIR"
  if [[ ! -f "$SECRETS_FILE" ]]; then
    (umask 077 && printf 'OPERATOR_KEY=%s\nAUDIT_KEY=%s\n' "$(random_key)" "$(random_key)" >"$SECRETS_FILE")
    log "generated an operator key and an audit key in $SECRETS_FILE"
  fi
  OPERATOR_KEY="${HUB_OPERATOR_KEY:-$(sed -n 's/^OPERATOR_KEY=//p' "$SECRETS_FILE")}"
  AUDIT_KEY="${HUB_AUDIT_KEY:-$(sed -n 's/^AUDIT_KEY=//p' "$SECRETS_FILE")}"
}

# --- the host's configuration contract --------------------------------------------

# Environment shared by 'migrate' and every silo.
common_env() {
  # Further host settings from the caller's environment (e.g. Hub__CitizenTokens__PublicKeyPem), one line each; the
  # cluster's own settings below come later and win.
  env | grep '^Hub__' || true
  # The silos log in as the runtime role; only 'migrate' gets the owner's login.
  echo "ConnectionStrings__Postgres=$RUNTIME_CONNECTION_STRING"
  echo "Hub__Audit__KeyId=local"
  echo "Hub__Audit__Keys__local=$AUDIT_KEY"
  echo "Hub__Cluster__ClusterId=orleanshub-local"
  echo "Hub__Cluster__ServiceId=orleanshub"
  echo "Hub__Cluster__AdvertisedAddress=127.0.0.1"
  echo "Hub__Cluster__Tls__CertificatePath=$TLS_DIR/silo.crt"
  echo "Hub__Cluster__Tls__KeyPath=$TLS_DIR/silo.key"
  echo "Hub__Cluster__Tls__CaCertificatePath=$TLS_DIR/ca.crt"
  echo "Hub__Operator__ApiKey=$OPERATOR_KEY"
  echo "DOTNET_ENVIRONMENT=Production"
  echo "ASPNETCORE_ENVIRONMENT=Production"
  echo "DOTNET_CLI_TELEMETRY_OPTOUT=1"
}

silo_env() {
  common_env
  echo "ASPNETCORE_URLS=http://127.0.0.1:$(http_port "$1")"
  echo "Hub__Cluster__SiloPort=$(silo_port "$1")"
}

# --- steps ------------------------------------------------------------------------

start_postgres() {
  "$POSTGRES_SH" start
  OWNER_CONNECTION_STRING="$("$POSTGRES_SH" env --role owner)"
  RUNTIME_CONNECTION_STRING="$("$POSTGRES_SH" env --role runtime)"
  load_secrets
}

build_host() {
  log "building $HOST_PROJECT (Release)"
  (cd "$REPO_ROOT" && dotnet build "$HOST_PROJECT" -c Release -nologo) || die "build failed"
}

# Once, before any silo starts, so silos never race each other on the schema.
run_migrations() {
  [[ -f "$HOST_DLL" ]] || die "host not built: $HOST_DLL is missing"
  log "applying migrations"
  local env_lines
  mapfile -t env_lines < <(common_env; echo "ConnectionStrings__PostgresOwner=$OWNER_CONNECTION_STRING")
  # cwd = the build output, where appsettings*.json live (the content root).
  (cd "$(dirname "$HOST_DLL")" && env "${env_lines[@]}" dotnet "$HOST_DLL" migrate) || die "migrations failed"
}

# The development CA and silo certificate, once per TLS folder: every silo
# presents the same certificate and accepts only peers signed by that CA.
ensure_certificates() {
  if [[ -f "$TLS_DIR/ca.crt" && -f "$TLS_DIR/silo.crt" && -f "$TLS_DIR/silo.key" ]]; then
    return 0
  fi
  [[ -f "$HOST_DLL" ]] || die "host not built: $HOST_DLL is missing"
  log "creating development cluster certificates in $TLS_DIR"
  dotnet "$HOST_DLL" cluster dev-certificates --out "$TLS_DIR" >&2 || die "could not create the cluster certificates"
}

# Starts silo $1 in the background; does not wait for readiness.
launch_silo() {
  local i="$1" dir env_lines pid
  dir="$(silo_dir "$i")"
  mkdir -p "$dir"
  mapfile -t env_lines < <(silo_env "$i")
  echo "=== $(date -u +%FT%TZ) starting silo $i" >>"$(log_file "$i")"
  # setsid: the silo outlives this script and the terminal's Ctrl-C.
  # env and setsid exec, so $! is the dotnet process itself.
  (cd "$(dirname "$HOST_DLL")" \
    && exec setsid env "${env_lines[@]}" dotnet "$HOST_DLL" \
      >>"$(log_file "$i")" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$(pid_file "$i")"
  log "silo $i started (pid $pid, log $(log_file "$i"))"
}

# Waits until every silo in "$@" is ready; fails fast if one exits.
wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT)) pending=("$@") still i
  while ((${#pending[@]} > 0)); do
    still=()
    for i in "${pending[@]}"; do
      # kill -0 rather than silo_pid: for a moment after launch the process is
      # still the forked shell, not yet dotnet.
      if ! kill -0 "$(<"$(pid_file "$i")")" 2>/dev/null; then
        tail -n 20 "$(log_file "$i")" >&2 || true
        die "silo $i exited during startup (log: $(log_file "$i"))"
      fi
      if is_ready "$i"; then log "silo $i ready"; else still+=("$i"); fi
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for i in "${pending[@]}"; do tail -n 20 "$(log_file "$i")" >&2 || true; done
      die "silo(s) ${pending[*]} not ready after ${READY_TIMEOUT}s; they are still running (see logs; 'cluster.sh stop' cleans up)"
    fi
    sleep 1
  done
}

# SIGTERM lets the host stop taking requests, finish in-flight ones and leave
# the cluster; SIGKILL only if that takes longer than the stop timeout.
stop_silo() {
  local i="$1" pid deadline
  if ! pid="$(silo_pid "$i")"; then
    rm -f "$(pid_file "$i")"
    return 0
  fi
  log "stopping silo $i (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "silo $i did not exit within ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$i")"
  log "silo $i stopped"
}

print_table() {
  local i pid alive ready
  printf '%-6s %-8s %-6s %-6s %-24s %-10s\n' SILO PID ALIVE READY HTTP SILO-PORT
  for i in "$@"; do
    if pid="$(silo_pid "$i")"; then
      alive=yes
      if is_ready "$i"; then ready=yes; else ready=no; fi
    else
      pid=-; alive=no; ready=no
    fi
    printf '%-6s %-8s %-6s %-6s %-24s %-10s\n' "$i" "$pid" "$alive" "$ready" \
      "http://127.0.0.1:$(http_port "$i")" "$(silo_port "$i")"
  done
}

# Fails before anything starts if a port of a silo to start is taken
# (typically a silo left over from another run folder).
check_ports() {
  local i port
  for i in "$@"; do
    for port in "$(http_port "$i")" "$(silo_port "$i")"; do
      if port_in_use "$port"; then die "silo $i: port $port on 127.0.0.1 is already in use by another process"; fi
    done
  done
}

# Starts the given silo indices (none running yet) and reports.
bring_up() {
  local build="$1"; shift
  local running
  running="$(running_indices)"
  check_ports "$@"
  [[ -z "${HUB_HOST_DLL:-}" ]] || build=no   # a prebuilt host was named
  if [[ -n "$running" || "$build" == no ]]; then
    [[ -f "$HOST_DLL" ]] || die "host not built: $HOST_DLL is missing (run without --no-build)"
  fi
  start_postgres
  if [[ -z "$running" ]]; then
    [[ "$build" == yes ]] && build_host
    run_migrations
  else
    # Rebuilding would overwrite assemblies that running silos have mapped.
    log "silos already running (${running//$'\n'/ }): skipping build and migrations"
  fi
  ensure_certificates
  local i
  for i in "$@"; do launch_silo "$i"; done
  wait_ready "$@"
  echo
  local all
  mapfile -t all < <(running_indices)
  print_table "${all[@]}"
  echo
  echo "Operator key: $OPERATOR_KEY   (e.g. curl -H 'Authorization: Bearer $OPERATOR_KEY' ...)"
  echo "Cluster TLS: $TLS_DIR (CA ca.crt)"
  echo "Logs: $RUN_DIR/silo-<i>/silo.log    Stop: deploy/cluster.sh stop"
}

# --- commands ---------------------------------------------------------------------

cmd_start() {
  local silos=3 build=yes
  while (($# > 0)); do
    case "$1" in
      --silos) (($# >= 2)) || die "--silos needs a number"; silos="$2"; shift 2 ;;
      --silos=*) silos="${1#--silos=}"; shift ;;
      --no-build) build=no; shift ;;
      *) die "unknown option for start: $1 (see --help)" ;;
    esac
  done
  if ! is_uint "$silos" || ((10#$silos < 1 || 10#$silos > MAX_SILOS)); then
    die "--silos must be 1..$MAX_SILOS, got '$silos'"
  fi
  silos=$((10#$silos))

  local missing=() i
  for ((i = 1; i <= silos; i++)); do
    silo_pid "$i" >/dev/null || missing+=("$i")
  done
  if ((${#missing[@]} == 0)); then
    log "silos 1..$silos are already running"
    local all
    mapfile -t all < <(running_indices)
    print_table "${all[@]}"
    return 0
  fi
  bring_up "$build" "${missing[@]}"
}

cmd_add() {
  (($# == 0)) || die "add takes no arguments"
  local last next
  last="$(running_indices | tail -n 1)"
  next=$(( ${last:-0} + 1 ))
  ((next <= MAX_SILOS)) || die "no free silo index (max $MAX_SILOS)"
  # Builds only if nothing is running (see bring_up).
  bring_up yes "$next"
}

cmd_remove() {
  if (($# != 1)) || ! is_uint "$1"; then die "usage: cluster.sh remove <index>"; fi
  local i=$((10#$1))
  silo_pid "$i" >/dev/null || { log "silo $i is not running"; rm -f "$(pid_file "$i")"; return 0; }
  stop_silo "$i"
}

cmd_stop() {
  local keep_db=no i
  while (($# > 0)); do
    case "$1" in
      --keep-db) keep_db=yes; shift ;;
      *) die "unknown option for stop: $1" ;;
    esac
  done
  # One at a time, highest index first, so the cluster shrinks gracefully.
  for i in $(known_indices | sort -rn); do stop_silo "$i"; done
  if [[ "$keep_db" == yes ]]; then
    log "leaving PostgreSQL running (--keep-db)"
  else
    "$POSTGRES_SH" stop
  fi
}

cmd_status() {
  (($# == 0)) || die "status takes no arguments"
  local indices
  mapfile -t indices < <(known_indices)
  echo "PostgreSQL: $("$POSTGRES_SH" status || true)"
  if ((${#indices[@]} == 0)); then
    echo "No silos under $RUN_DIR"
    return 0
  fi
  print_table "${indices[@]}"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    start)  cmd_start "$@" ;;
    add)    cmd_add "$@" ;;
    remove) cmd_remove "$@" ;;
    stop)   cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 2 ;;
    *) log "unknown command: $cmd"; usage >&2; exit 2 ;;
  esac
}

main "$@"
