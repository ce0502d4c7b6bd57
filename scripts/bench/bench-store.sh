#!/usr/bin/env bash
# Store benchmark, one run, same data and queries for every variant: plain SQLite and
# Cordon's encrypting VFS (through CordonStore, in Swift), SQLCipher 4 unkeyed and keyed
# (through Python's sqlcipher3). Prints a table of figures and ratios.
#
# usage: scripts/bench/bench-store.sh [ROWS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-1000000}"
BENCH_DIR="scripts/bench"
OUT="$BENCH_DIR/out"
VENV="$BENCH_DIR/.venv"
mkdir -p "$OUT"

swift build -c release --product cordon-bench >&2
BIN=".build/release/cordon-bench"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import sqlcipher3" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet sqlcipher3-wheels
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$OUT/store-$(date +%Y%m%dT%H%M%S).jsonl"
: > "$RESULTS"
for variant in plain cordon; do
  echo "store bench: $variant, $ROWS rows" >&2
  "$BIN" store "$WORK" "$variant" "$ROWS" | tee -a "$RESULTS"
  rm -f "$WORK"/*.db*
done
for variant in unkeyed keyed; do
  echo "store bench: sqlcipher $variant, $ROWS rows" >&2
  "$VENV/bin/python" "$BENCH_DIR/sqlcipher_bench.py" "$WORK" "$variant" "$ROWS" | tee -a "$RESULTS"
  rm -f "$WORK"/*.db*
done
echo "cipher throughput" >&2
"$BIN" cipher | tee -a "$RESULTS"

"$VENV/bin/python" "$BENCH_DIR/report.py" "$RESULTS"
