# Shell functions of the lookup benchmarks (run.sh, ab.sh): sourced, not run. They read the caller's settings: HUB_RUN_DIR
# (the run folder, whose PostgreSQL pg_ticks measures), HOST_DLL, LOAD_DLL, LUA, IDS, OPERATOR_KEY and the WRK_* load shape.
log() { echo "bench: $*" >&2; }
die() { log "error: $*"; exit 1; }

kv() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
ratio() { [[ -n "$1" && -n "$2" && "$2" != 0 ]] && echo "scale=3; $1 / $2" | bc -l | sed 's/^\./0./' || echo "n/a"; }
peak_mib() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
rss_mib() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }       # user + system CPU of one process, in clock ticks
# pg_ticks: the same, summed over the PostgreSQL server's processes, with those that exited (a backend whose client
# closed its connection) from the postmaster's cutime + cstime: without them the sum fell when one exited.
pg_ticks() {
  local postmaster total pid
  postmaster=$(head -n 1 "$HUB_RUN_DIR/pgdata/postmaster.pid")
  total=$(awk '{print $16 + $17}' "/proc/$postmaster/stat")
  for pid in $postmaster $(pgrep -P "$postmaster"); do total=$((total + $(ticks "$pid" 2>/dev/null || echo 0))); done
  echo "$total"
}
HZ=$(getconf CLK_TCK)
metric() { curl -s "$1/metrics" | awk -v m="$2" '$1 ~ "^"m"({|$)" {s += $NF} END {printf "%.0f", s}'; }

wait_for() { # URL: up to a minute
  for _ in $(seq 1 120); do curl -so /dev/null "$1" && return 0; sleep 0.5; done
  die "nothing answers at $1"
}

# measure NAME MODE URL KEY IDS PID [METRICS_URL]: warm-up run, then the measured run; prints lookup.lua's summary line
# plus requests, server CPU µs per request, PostgreSQL CPU µs per request and (hub) bytes allocated per request.
measure() {
  local name=$1 mode=$2 url=$3 key=$4 ids=$5 pid=$6 metrics=${7:-} out t0 p0 a0=0 a1=0 requests
  LOOKUP_MODE=$mode LOOKUP_IDS=$ids LOOKUP_KEY=$key \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_WARMUP_SECONDS}s" -s "$LUA" "$url" >"$HUB_RUN_DIR/wrk-$name-warmup.txt"
  [[ -z "$metrics" ]] || a0=$(metric "$metrics" dotnet_gc_heap_total_allocated_bytes_total)
  t0=$(ticks "$pid"); p0=$(pg_ticks)
  LOOKUP_MODE=$mode LOOKUP_IDS=$ids LOOKUP_KEY=$key \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency -s "$LUA" "$url" >"$HUB_RUN_DIR/wrk-$name.txt"
  local t1 p1; t1=$(ticks "$pid"); p1=$(pg_ticks)
  [[ -z "$metrics" ]] || a1=$(metric "$metrics" dotnet_gc_heap_total_allocated_bytes_total)
  requests=$(grep -o '[0-9]* requests in' "$HUB_RUN_DIR/wrk-$name.txt" | cut -d' ' -f1)
  out=$(grep '^summary' "$HUB_RUN_DIR/wrk-$name.txt")
  echo "$out requests=$requests cpu_us=$(( (t1 - t0) * 1000000 / HZ / requests )) pg_us=$(( (p1 - p0) * 1000000 / HZ / requests ))" \
    "alloc_b=$( [[ -z "$metrics" ]] && echo - || echo $(( (a1 - a0) / requests )) )"
}

# open_loop URL KEY RATE KIND IDS: requests at a fixed rate (warm-up, then WRK_SECONDS measured); prints the summary line.
open_loop() {
  dotnet "$LOAD_DLL" rate --url "$1" --key "$2" --ids "$5" --rate "$3" --kind "$4" --duration "$WRK_SECONDS" \
    --warmup "$WRK_WARMUP_SECONDS" --connections "$WRK_CONNECTIONS"
}

# walk URL KEY [IDS]: one lookup for every working-set ID (activates/caches the working set before it is measured).
walk() {
  local line
  line=$(dotnet "$LOAD_DLL" walk --url "$1" --key "$2" --ids "${3:-$IDS}" --concurrency "$WRK_CONNECTIONS")
  log "warm-up: $line"
  [[ "$(kv "$line" non2xx)" == 0 && "$(kv "$line" errors)" == 0 ]] || log "warning: the warm-up walk had failures"
}

# settle PID: waits (a minute at most) until the process spends under a tenth of a core, so the background work that
# follows an import (deactivations, the JIT's tiering) is not billed to the first measurement. An idle embedded hub just
# after importing 5,000 citizens spent 1.0, 0.9, 0.8, 0.6, 0.5 and 0.3 s of CPU in successive 5 s (2026-12-07).
settle() {
  local t0 t1
  for _ in $(seq 1 30); do
    t0=$(ticks "$1"); sleep 2; t1=$(ticks "$1")
    (( (t1 - t0) * 1000 / HZ < 200 )) && return 0
  done
  log "warning: process $1 was still busy after a minute"
}

# start_hub NAME PORT SILO GATEWAY [postgres]: starts a hub (on PostgreSQL, as a production hub runs, when the fifth
# argument is given; else embedded); prints its pid. GATEWAY is no longer used (silos open no gateway).
start_hub() {
  local name=$1 port=$2 silo=$3 settings=("Hub__Mode=Embedded" "Hub__Operator__ApiKey=$OPERATOR_KEY" "DOTNET_ENVIRONMENT=Production")
  [[ -z "${5:-}" ]] || mapfile -t settings < <(production_hub_env "$OPERATOR_KEY")
  (cd "$(dirname "$HOST_DLL")" && exec env "${settings[@]}" ASPNETCORE_URLS="http://127.0.0.1:$port" Hub__Cluster__SiloPort="$silo" \
    dotnet "$HOST_DLL" >"$HUB_RUN_DIR/$name.log" 2>&1) &
  echo $!
}

# The agency the benchmarks register, with a quota far above what this machine can send: every agency has one.
AGENCY='{"name":"Bench Agency","kind":"state","status":"active","fields":["fullName","dateOfBirth","sex","permanentResidence","residenceProvince"],"purposes":["kyc"],"requiresConsent":false}'
QUOTA='{"ratePerSecond":1000000,"burst":10000000,"dailyRequests":10000000000}'

# prepare_hub URL: registers agency BENCH with its quota and prints a fresh key (older keys revoked).
prepare_hub() {
  local hub=$1 old
  for _ in $(seq 1 240); do curl -sf "$hub/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "$hub/health/ready" >/dev/null || die "the hub at $hub did not become ready"
  curl -sf -X PUT "$hub/admin/agencies/BENCH" -H "Authorization: Bearer $OPERATOR_KEY" -H 'Content-Type: application/json' -d "$AGENCY" \
    >/dev/null || die "PUT /admin/agencies/BENCH failed"
  curl -sf -X PUT "$hub/admin/agencies/BENCH/quota" -H "Authorization: Bearer $OPERATOR_KEY" -H 'Content-Type: application/json' -d "$QUOTA" \
    >/dev/null || die "PUT /admin/agencies/BENCH/quota failed"
  for old in $(curl -sf "$hub/admin/agencies/BENCH/keys" -H "Authorization: Bearer $OPERATOR_KEY" | jq -r '.keys[] | select(.status != "revoked") | .keyId'); do
    curl -sf -X DELETE "$hub/admin/agencies/BENCH/keys/$old" -H "Authorization: Bearer $OPERATOR_KEY" >/dev/null || die "could not revoke key $old"
  done
  curl -sf -X POST "$hub/admin/agencies/BENCH/keys" -H "Authorization: Bearer $OPERATOR_KEY" | jq -er .key || die "no key for BENCH"
}
