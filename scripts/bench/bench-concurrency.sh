#!/usr/bin/env bash
# Concurrency benchmark, one run (issue 17, decision 0017): demo data (cordon demo-data)
# ingested into Cordon, then on the same region stores
#   (a) event ingest alone, and beside 4 analysts asking GROUP BY queries continuously;
#   (b) GROUP BY latency alone, and while an ingest runs;
#   (c) erasure of one subject among all the events, median and p99.
# Prints a Markdown table with ratios. The figures are only as quiet as the machine: on a
# machine shared with other work, say so beside them.
#
# usage: scripts/bench/bench-concurrency.sh [EVENTS]   (default 1000000; subjects = EVENTS / 10)
# CONCURRENCY_SLICE=N events per measured ingest (default 50000); CONCURRENCY_SAMPLES=N
# queries and erasures per latency (default 20).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
EVENTS="${1:-1000000}"
SUBJECTS=$(( EVENTS / 10 ))
SLICE="${CONCURRENCY_SLICE:-50000}"
SAMPLES="${CONCURRENCY_SAMPLES:-20}"
swift build -c release --product cordon-bench >&2
swift build -c release --product cordon >&2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export CORDON_CONFIG="$ROOT"
# The data's year ends now, so every row is within retention for the queries.
NOW=$(date +%s)
echo "bench-concurrency: generating $SUBJECTS subjects, $EVENTS + 3 x $SLICE events" >&2
.build/release/cordon demo-data --subjects "$SUBJECTS" --events $(( EVENTS + 3 * SLICE )) --seed 11 --invalid-rate 0 \
  --until "$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)" --out "$WORK/in" >/dev/null
head -n "$EVENTS" "$WORK/in/events.ndjson" > "$WORK/base.ndjson"
tail -n +"$(( EVENTS + 1 ))" "$WORK/in/events.ndjson" | split -l "$SLICE" -d -a 1 - "$WORK/slice-"
.build/release/cordon init --data "$WORK/data" >/dev/null
.build/release/cordon ingest subjects "$WORK/in/subjects.ndjson" --data "$WORK/data" --quiet --rejects "$WORK/subject-rejects.ndjson" >&2
.build/release/cordon ingest events "$WORK/base.ndjson" --data "$WORK/data" --quiet --rejects "$WORK/event-rejects.ndjson" >&2
echo "bench-concurrency: Cordon" >&2
.build/release/cordon-bench concurrency "$WORK/data" "$ROOT" "$SUBJECTS" "$NOW" "$SAMPLES" \
  "$WORK/slice-0" "$WORK/slice-1" "$WORK/slice-2" > "$WORK/concurrency.json"
python3 - "$WORK/concurrency.json" "$EVENTS" "$(nproc)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
events, cores = int(sys.argv[2]), int(sys.argv[3])
alone, busy = r["ingestAlone"], r["ingestWithQueries"]
qa, qi, e = r["queryAlone"], r["queryWithIngest"], r["erase"]
print("| concurrency (%d event lines ingested first, %d cores) | alone | together | together / alone | goal |" % (events, cores))
print("|---|---|---|---|---|")
print("| event ingest (lines/s) beside %d analysts' GROUP BY (%d answered meanwhile) | %.0f | %.0f | **%.2fx** speed | ≥ 0.8× |"
      % (r["analysts"], r["queriesDuringIngest"], alone["linesPerSecond"], busy["linesPerSecond"],
         busy["linesPerSecond"] / alone["linesPerSecond"]))
def split(i):
    return "%.2f / %.2f / %.2f" % (i["threadCPUSeconds"], i["runQueueSeconds"], i["blockedSeconds"])
print("| ingest thread: on a CPU / waiting for a CPU / blocked (s) | %s | %s | blocked %.2fx | |"
      % (split(alone), split(busy), busy["blockedSeconds"] / max(alone["blockedSeconds"], 1e-9)))
print("| GROUP BY DP answer, median / p99 (ms), while an ingest runs (%d / %d samples) | %.0f / %.0f | %.0f / %.0f | **%.2fx** median | ≤ 1.5× |"
      % (qa["samples"], qi["samples"], qa["medianMilliseconds"], qa["p99Milliseconds"], qi["medianMilliseconds"],
         qi["p99Milliseconds"], qi["medianMilliseconds"] / qa["medianMilliseconds"]))
print("| erase one subject, median / p99 (ms), %d samples | %.2f / %.2f | | | ≤ 1 / ≤ 5 ms |"
      % (e["samples"], e["medianMilliseconds"], e["p99Milliseconds"]))
PY
