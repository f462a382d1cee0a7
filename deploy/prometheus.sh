#!/usr/bin/env bash
# Prometheus and promtool for CI and the ops tests (Debian's 'prometheus' package).
set -euo pipefail

usage() {
  cat <<EOF2
Usage: deploy/prometheus.sh install

  install   makes sure 'prometheus' and 'promtool' are on PATH (apt-get install
            of Debian's 'prometheus' package when root) and prints the folder of
            promtool. The package's own service is never used: tests and the
            compose file start Prometheus with their own configuration.
EOF2
}

log() { echo "prometheus.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

have_tools() { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; }

cmd_install() {
  if ! have_tools; then
    [[ $EUID -eq 0 ]] || die "prometheus/promtool not found; install Debian's 'prometheus' package (sudo apt-get install prometheus)"
    log "prometheus/promtool not found; installing Debian's 'prometheus' package"
    apt-get update >&2
    # policy-rc.d 101: do not start the package's own service (it would take port 9090).
    local policy=/usr/sbin/policy-rc.d created=no
    if [[ ! -e "$policy" ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=yes; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2 || { [[ $created == no ]] || rm -f "$policy"; die "apt-get install prometheus failed"; }
    [[ $created == no ]] || rm -f "$policy"
    have_tools || die "prometheus/promtool still not found after apt-get install"
  fi
  dirname "$(command -v promtool)"
}

case "${1:-}" in
  install) [[ $# -eq 1 ]] || die "install takes no arguments"; cmd_install ;;
  -h|--help|help) usage ;;
  "") usage >&2; exit 2 ;;
  *) log "unknown command: $1"; usage >&2; exit 2 ;;
esac
