#!/bin/bash
# Interleaved A/B of the cold index: the analysis at REV (A) against the working tree (B), each
# bundled with esbuild as the server ships, alternating fresh processes on one workspace.
#   bash bench/analysis/ab.sh REV [RUNS=7] [WORKSPACE=$TMPDIR/assetline-bench/ws-5000-typical]
# Workspaces are the ones bench/analysis/run.ts writes. Prints each run's time and phases, then
# the median of each side. Noisy machines: trust only differences well above the spread.
set -euo pipefail
REV=${1:?usage: ab.sh REV [RUNS] [WORKSPACE]}
RUNS=${2:-7}
TMP=${TMPDIR:-/tmp}
WS=${3:-$TMP/assetline-bench/ws-5000-typical}
ROOT=$(git rev-parse --show-toplevel)
OUT=$(mktemp -d "$TMP/assetline-ab-XXXXXX")
WORKTREE="$OUT/worktree"
trap 'git -C "$ROOT" worktree remove --force "$WORKTREE" >/dev/null 2>&1 || true' EXIT
[ -d "$WS" ] || { echo "no workspace $WS: run bench/analysis/run.ts first" >&2; exit 2; }
git -C "$ROOT" worktree add -f --detach "$WORKTREE" "$REV" >/dev/null 2>&1
ln -s "$ROOT/node_modules" "$WORKTREE/node_modules"
bundle() { "$ROOT/node_modules/.bin/esbuild" "$1/bench/analysis/child.ts" --bundle --platform=node --target=node20 --format=cjs --conditions=assetline-source --outfile="$2" --log-level=warning; }
bundle "$WORKTREE" "$OUT/A.cjs"
bundle "$ROOT" "$OUT/B.cjs"
for _ in $(seq "$RUNS"); do
  for side in A B; do
    node --expose-gc "$OUT/$side.cjs" cold "$WS" | node -e '
      const run = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const phases = Object.entries(run.phases).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(", ");
      console.log(`${process.argv[1]} ${run.ms.toFixed(0)} ms (${phases})`);' "$side"
  done
done | tee "$OUT/runs.txt"
for side in A B; do
  median=$(grep "^$side " "$OUT/runs.txt" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$side median: $median ms"
done
