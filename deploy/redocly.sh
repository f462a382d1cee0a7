#!/usr/bin/env bash
# Redocly CLI for the OpenAPI lint test (tests/OrleansHub.Host.Tests/Contract/OpenApiLintTests.cs) and CI.
set -euo pipefail

VERSION=2.77.0
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$REPO_ROOT/.tools/redocly"   # git-ignored

usage() {
  cat <<EOF2
Usage: deploy/redocly.sh install

  install   makes sure @redocly/cli $VERSION is installed under .tools/redocly
            (npm install --prefix) and prints the path of its 'redocly' command.
EOF2
}

log() { echo "redocly.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

cmd_install() {
  local bin="$PREFIX/node_modules/.bin/redocly"
  if [[ ! -x "$bin" ]] || [[ "$("$bin" --version 2>/dev/null | tail -n 1)" != "$VERSION" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js and npm (sudo apt-get install npm), then run deploy/redocly.sh install"
    log "installing @redocly/cli@$VERSION into $PREFIX"
    mkdir -p "$PREFIX"
    npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "@redocly/cli@$VERSION" >&2 || die "npm install @redocly/cli@$VERSION failed"
    [[ -x "$bin" ]] || die "redocly still not found in $PREFIX after npm install"
  fi
  echo "$bin"
}

case "${1:-}" in
  install) [[ $# -eq 1 ]] || die "install takes no arguments"; cmd_install ;;
  -h|--help|help) usage ;;
  "") usage >&2; exit 2 ;;
  *) log "unknown command: $1"; usage >&2; exit 2 ;;
esac
