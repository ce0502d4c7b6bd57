#!/usr/bin/env bash
# make bench: every benchmark, each side by side with its peer in the same run.
# Each scripts/bench/bench-*.sh prints a Markdown table of figures and ratios; the tables
# are kept in scripts/bench/out/ (git-ignored). Copy the latest into the README's
# performance table. BENCH_ROWS scales the data (default: each script's own, e.g. 1M).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/out"
status=0
for bench in "$here"/bench-*.sh; do
  [ -e "$bench" ] || continue
  name=$(basename "$bench" .sh)
  echo "== $name" >&2
  if ! "$bench" ${BENCH_ROWS:+"$BENCH_ROWS"} | tee "$here/out/$name.md"; then
    echo "bench: $name failed" >&2
    status=1
  fi
done
exit $status
