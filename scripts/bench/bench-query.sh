#!/usr/bin/env bash
# Query benchmark, one run: demo data (cordon demo-data) ingested into Cordon; per query
# shape (GROUP BY, funnel, attribution, A/B) the latency of Cordon's DP answer (lawful-basis
# filter, retention, contribution bounding, exact discrete noise, partition selection, budget
# ledger, audit entry) against the same exact SQL on plain SQLite and on DuckDB over the same
# rows; then error and speed of Cordon's discrete Laplace against OpenDP's at equal ε.
# Prints a Markdown table with ratios.
#
# usage: scripts/bench/bench-query.sh [EVENTS]   (default 1000000; subjects = EVENTS / 10)
# The issue's full scale (1M subjects / 10M events) is `scripts/bench/bench-query.sh 10000000`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
EVENTS="${1:-1000000}"
SUBJECTS=$(( EVENTS / 10 ))
SAMPLES="${QUERY_BENCH_SAMPLES:-5}"
VENV="scripts/bench/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q duckdb opendp >&2
fi
swift build -c release --product cordon-bench >&2
swift build -c release --product cordon >&2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export CORDON_CONFIG="$ROOT"
# The data's year ends now, so every row is within retention and Cordon and the peers
# (which know no retention) answer the same question over the same rows.
NOW=$(date +%s)
echo "bench-query: generating $SUBJECTS subjects, $EVENTS events" >&2
.build/release/cordon demo-data --subjects "$SUBJECTS" --events "$EVENTS" --seed 11 --invalid-rate 0 \
  --until "$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)" --out "$WORK/in" >/dev/null
.build/release/cordon init --data "$WORK/data" >/dev/null
.build/release/cordon ingest subjects "$WORK/in/subjects.ndjson" --data "$WORK/data" --quiet --rejects "$WORK/subject-rejects.ndjson" >&2
.build/release/cordon ingest events "$WORK/in/events.ndjson" --data "$WORK/data" --quiet --rejects "$WORK/event-rejects.ndjson" >&2
echo "bench-query: plain SQLite, DuckDB, OpenDP" >&2
"$VENV/bin/python" scripts/bench/query_peers.py "$WORK" "$WORK/in/events.ndjson" "$WORK/event-rejects.ndjson" "$NOW" "$SAMPLES"
echo "bench-query: Cordon" >&2
.build/release/cordon-bench query-latency "$WORK/data" "$ROOT" "$SAMPLES" "$NOW" > "$WORK/cordon.json"
COUNTS=$("$VENV/bin/python" -c "import json,sys; print(' '.join(map(str, json.load(open(sys.argv[1]))['opendp']['counts'])))" "$WORK/peers.json")
# shellcheck disable=SC2086
.build/release/cordon-bench query-noise 1 1 20000 $COUNTS > "$WORK/noise.json"
"$VENV/bin/python" - "$WORK/peers.json" "$WORK/cordon.json" "$WORK/noise.json" <<'PY'
import json, sys
peers, cordon, noise = (json.load(open(p)) for p in sys.argv[1:4])
print("| query shape (%d subjects, %d events stored) | Cordon DP answer (ms) | plain SQLite exact (ms) | DuckDB exact (ms) | Cordon / SQLite | Cordon / DuckDB |"
      % (peers["subjects"], peers["events"]))
print("|---|---|---|---|---|---|")
for name, figures in peers["shapes"].items():
    mine = cordon[name]["medianMilliseconds"]
    print("| %s | %.1f | %.1f | %.1f | **%.2fx** | %.2fx |" % (
        name, mine, figures["sqliteMilliseconds"], figures["duckdbMilliseconds"], mine / figures["sqliteMilliseconds"],
        mine / figures["duckdbMilliseconds"]))
after = cordon.get("group by after a write")
if after:
    print()
    print("The first query after a write to subjects or consents decides each region's lawful population again (one evaluator call "
          "per subject; cached per purpose until the next such write, consent expiry or age step; inserted events do not invalidate it): "
          "GROUP BY then takes %.1f ms (%.2fx plain SQLite)."
          % (after["medianMilliseconds"], after["medianMilliseconds"] / peers["shapes"]["group by"]["sqliteMilliseconds"]))
o = peers["opendp"]
print()
print("| discrete Laplace, ε = 1, sensitivity 1 (count per channel) | Cordon | OpenDP | Cordon / OpenDP |")
print("|---|---|---|---|")
print("| mean absolute error | %.3f | %.3f | %.2fx |" % (noise["meanAbsoluteError"], o["meanAbsoluteError"], noise["meanAbsoluteError"] / o["meanAbsoluteError"]))
print("| time per sample (ns) | %.0f | %.0f | %.2fx |" % (noise["nanosecondsPerSample"], o["nanosecondsPerSample"], noise["nanosecondsPerSample"] / o["nanosecondsPerSample"]))
PY
