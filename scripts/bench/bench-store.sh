#!/usr/bin/env bash
# Store benchmark, one run, same data and queries for every variant: plain SQLite and
# Cordon's encrypting VFS with each page AEAD (through CordonStore, in Swift), SQLCipher 4
# unkeyed and keyed (through Python's sqlcipher3). The variants take turns, REPEATS rounds
# (default 3), so a burst of noise on the shared machine hits one sample, not one
# variant; the report takes each variant's median and shows the spread. Prints a table
# of figures and ratios.
#
# usage: scripts/bench/bench-store.sh [ROWS]   (default 1000000; REPEATS=N in the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-1000000}"
REPEATS="${REPEATS:-3}"
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
for round in $(seq 1 "$REPEATS"); do
  for variant in plain cordon cordon-gcm; do
    echo "store bench: round $round/$REPEATS, $variant, $ROWS rows" >&2
    "$BIN" store ingest "$WORK" "$variant" "$ROWS" >> "$RESULTS"
    "$BIN" store query "$WORK" "$variant" >> "$RESULTS"
    rm -f "$WORK"/*.db*
  done
  for variant in unkeyed keyed; do
    echo "store bench: round $round/$REPEATS, sqlcipher $variant, $ROWS rows" >&2
    "$VENV/bin/python" "$BENCH_DIR/sqlcipher_bench.py" ingest "$WORK" "$variant" "$ROWS" >> "$RESULTS"
    "$VENV/bin/python" "$BENCH_DIR/sqlcipher_bench.py" query "$WORK" "$variant" >> "$RESULTS"
    rm -f "$WORK"/*.db*
  done
done
echo "cipher throughput" >&2
"$BIN" cipher >> "$RESULTS"

"$VENV/bin/python" "$BENCH_DIR/report.py" "$RESULTS"
