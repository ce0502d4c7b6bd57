#!/usr/bin/env bash
# Rollup limit (issue 17's stretch goal, decision 0017 "Rollups"): would a per-subject daily
# rollup of the event dimensions bring a SQLite row store within 3x of DuckDB's GROUP BY time
# on the same rows? Plain SQLite (no encryption: the best case for any rollup Cordon could
# keep) against DuckDB, same demo data. Prints a Markdown table.
#
# usage: scripts/bench/bench-rollup.sh [EVENTS]   (default 1000000; subjects = EVENTS / 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS="${1:-1000000}"
SUBJECTS=$(( EVENTS / 10 ))
SAMPLES="${ROLLUP_BENCH_SAMPLES:-5}"
VENV="scripts/bench/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q duckdb opendp >&2
fi
swift build -c release --product cordon >&2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "bench-rollup: generating $SUBJECTS subjects, $EVENTS events" >&2
.build/release/cordon demo-data --subjects "$SUBJECTS" --events "$EVENTS" --seed 11 --invalid-rate 0 --out "$WORK/in" >/dev/null
"$VENV/bin/python" scripts/bench/rollup_limit.py "$WORK" "$WORK/in/events.ndjson" "$SAMPLES"
