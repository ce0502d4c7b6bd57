#!/usr/bin/env bash
# Write-path benchmark, one run: generated NDJSON (cordon demo-data) ingested by Cordon
# (policy, blind indexes, sealed PII, encrypted pages, audited batches of 1000) and by
# plain SQLite on the same schema and batch size; then export and erasure latency of
# single subjects among all of them. Prints a Markdown table with ratios, by wall time and
# by CPU time (user + system of the process in that phase): on a machine shared with other
# work the CPU ratio is the steadier one.
#
# usage: scripts/bench/bench-ingest.sh [EVENTS]   (default 1000000; subjects = EVENTS / 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS="${1:-1000000}"
SUBJECTS=$(( EVENTS / 10 ))
swift build -c release --product cordon-bench >&2
swift build -c release --product cordon >&2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "bench-ingest: generating $SUBJECTS subjects, $EVENTS events" >&2
.build/release/cordon demo-data --subjects "$SUBJECTS" --events "$EVENTS" --seed 11 --invalid-rate 0 --out "$WORK/in" >/dev/null
mkdir -p "$WORK/plain" "$WORK/cordon"
echo "bench-ingest: plain SQLite" >&2
.build/release/cordon-bench ingest "$WORK/plain" "$WORK/in/subjects.ndjson" "$WORK/in/events.ndjson" plain > "$WORK/plain.json"
echo "bench-ingest: Cordon" >&2
.build/release/cordon-bench ingest "$WORK/cordon" "$WORK/in/subjects.ndjson" "$WORK/in/events.ndjson" cordon 200 > "$WORK/cordon.json"
python3 - "$WORK/plain.json" "$WORK/cordon.json" <<'PY'
import json, sys
plain, cordon = (json.load(open(p)) for p in sys.argv[1:3])
print("| write path (%d subjects, %d events) | plain SQLite | Cordon | Cordon / plain |" % (cordon["subjectLines"], cordon["eventLines"]))
print("|---|---|---|---|")
print("| subject ingest, wall (s) | %.2f | %.2f | %.2fx time |" % (plain["subjectSeconds"], cordon["subjectSeconds"], cordon["subjectSeconds"] / plain["subjectSeconds"]))
print("| subject ingest, CPU user+sys (s) | %.2f | %.2f | %.2fx time |" % (plain["subjectCPUSeconds"], cordon["subjectCPUSeconds"], cordon["subjectCPUSeconds"] / plain["subjectCPUSeconds"]))
print("| event ingest, wall (lines/s) | %.0f | %.0f | **%.2fx** speed |" % (plain["eventsPerSecond"], cordon["eventsPerSecond"], cordon["eventsPerSecond"] / plain["eventsPerSecond"]))
print("| event ingest, CPU user+sys (s) | %.2f | %.2f | %.2fx speed |" % (plain["eventCPUSeconds"], cordon["eventCPUSeconds"], plain["eventCPUSeconds"] / cordon["eventCPUSeconds"]))
print("| events stored | %d | %d (policy refusals) | |" % (plain["eventsAccepted"], cordon["eventsAccepted"]))
print("| export one subject p50 / p99 (ms) | - | %.2f / %.2f | |" % (cordon["exportP50Milliseconds"], cordon["exportP99Milliseconds"]))
print("| erase one subject p50 / p99 (ms) | - | %.2f / %.2f | |" % (cordon["eraseP50Milliseconds"], cordon["eraseP99Milliseconds"]))
PY
