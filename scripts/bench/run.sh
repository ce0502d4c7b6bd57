#!/usr/bin/env bash
# make bench: every benchmark, each side by side with its peer in the same run.
# Each scripts/bench/bench-*.sh prints a Markdown table of ratios; results go to
# scripts/bench/out/ (git-ignored) and the README's performance table is updated by hand.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cordon=${1:-.build/release/cordon}
mkdir -p "$here/out"
status=0
for bench in "$here"/bench-*.sh; do
  [ -e "$bench" ] || continue
  name=$(basename "$bench" .sh)
  echo "== $name" >&2
  if ! "$bench" "$cordon" | tee "$here/out/$name.md"; then
    echo "bench: $name failed" >&2
    status=1
  fi
done
exit $status
