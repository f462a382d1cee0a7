#!/usr/bin/env bash
# Two hub builds through the PATCH benchmark turn about (A B, then B A, ...), each run a fresh private PostgreSQL with the
# same generated citizens: the machine's noise between runs is as large as most changes, so compare within pairs.
#
#   bench/patch/ab.sh HOST_DLL_A HOST_DLL_B [PAIRS]     (PAIRS 2; DURATION, COUNT, WARMUP, STATEMENTS pass through)
#
# HOST_DLL_*: OrleansHub.Host.dll of each build (e.g. src/OrleansHub.Host/bin/Release/net10.0/OrleansHub.Host.dll of
# two worktrees, built beforehand). Each run writes bench/results/patch-<date>-ab-<side>-<pair>.md; the lines printed
# here are their figures.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
A="$1" B="$2" PAIRS="${3:-2}"
for pair in $(seq 1 "$PAIRS"); do
  order="A B"; (( pair % 2 )) || order="B A"
  for side in $order; do
    dll="$A"; [[ "$side" == B ]] && dll="$B"
    echo "== pair $pair, $side: $dll (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    HUB_HOST_DLL="$dll" ROUNDS=1 DURATION="${DURATION:-15}" LABEL="ab-$side-$pair" "$HERE/run.sh" 2>&1 \
      | grep -E '^\| 1 |warm-up|warning|^\| [0-9]+ \| 0\.' || true
  done
done
