#!/usr/bin/env bash
# Hostile-input suite, full run (issue 8, item 1): every operation of the hub's OpenAPI document gets generated bad
# requests (wrong types, missing and extra members, overflowing numbers, 10 MB bodies, deep nesting, invalid UTF-8,
# control characters, SQL and header injection, path traversal, duplicate parameters and headers, wrong content types,
# bad credentials) over real HTTP against the embedded hub (Kestrel). Each answer must be a 4xx problem+json with a
# documented type; the state the operation could touch must read the same before and after; /health/ready must stay 200.
# CI runs the same test at scale 1 (each randomized family once); this runs it at SCALE and writes the per-operation
# table to bench/results/hostile-<date>.md.
#
#   bench/hostile/run.sh                 # SCALE=100, a fresh seed (printed)
#   SEED=42 SCALE=50 bench/hostile/run.sh
#   SEED=42 OPERATION=PatchCitizen bench/hostile/run.sh   # replay one operation of a failed run
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
SCALE="${SCALE:-100}"
SEED="${SEED:-$RANDOM$RANDOM}"
REPORT="bench/results/hostile-$(date -u +%Y-%m-%d).md"
echo "hostile: seed $SEED, scale $SCALE, report $REPORT" >&2

dotnet build tests/OrleansHub.Host.Tests -v q -nologo
HUB_HOSTILE_SEED="$SEED" HUB_HOSTILE_SCALE="$SCALE" HUB_HOSTILE_OPERATION="${OPERATION:-}" HUB_HOSTILE_REPORT="$REPORT" \
  dotnet test tests/OrleansHub.Host.Tests --no-build --filter "FullyQualifiedName~HostileInputTests" \
  --logger "console;verbosity=detailed"
{
  echo
  echo "Command: \`SEED=$SEED SCALE=$SCALE bench/hostile/run.sh\`, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg) (2 shared cores)."
} >> "$REPORT"
