#!/usr/bin/env bash
# Utility benchmark (issue #15): seven analyst questions answered with differential privacy
# by Cordon and by its peers from PyPI — Tumult Analytics, PipelineDP (local backend),
# smartnoise-sql, OpenDP where it can express the question — at the same ε = 1 and δ = 1e-7
# per question and the same contribution bounds (the groups per person and rows per person
# and group that Cordon's --explain reports; amounts clamped so one person adds at most
# Cordon's maxAmountPerGroup to a group: per row, that divided by the rows bound), each with
# its own bounding and partition selection. Prints a Markdown table: per question and
# system, groups released / groups that exist, the median relative error of the released
# values per statistic, the wall time, and whether Cordon meets the goal (at least as many
# groups as the best peer, median relative error no worse).
#
# Inputs and exact answers. Each system is scored against the exact answer of the
# population it was given. The peers run twice: on the raw NDJSON (every parsable analytics
# event) and on the rows Cordon counts — its lawful population (consent and opt-outs, Global
# Privacy Control, age, retention), written from the vault by `cordon-bench
# utility-lawful-events` — and their exact answers are computed from those rows in Python.
# Cordon's exact answer comes from the vault: `cordon-bench utility-exact` runs the same
# region computation with contribution bounds set so large they bound nothing and no noise
# (Vault.exactAnswer and Vault.lawfulEvents: package access only, never reachable from a
# command or endpoint). The goal is judged per input, on the groups both systems released
# (utility_report.py; decision 0014, "Judging the goal on one input").
#
# Data: `cordon demo-data`, seed 17, ending today, --invalid-rate 0. Budget: a bench-only
# copy of policies/ and regions/ in the temp directory with budgetPerPeriod raised, and one
# analyst token per repetition (released answers are per analyst, so each repetition is a
# fresh draw of the noise).
#
# usage: scripts/bench/bench-utility.sh [EVENTS]
#   EVENTS (or BENCH_ROWS via make bench) defaults to 600000: the demo's default size,
#   20,000 subjects x 30 events. Subjects = EVENTS / 30.
#   UTILITY_RUNS repetitions (default 3; the table reports medians over them).
#   UTILITY_SYSTEMS peers to run (default tumult,pipelinedp,smartnoise,opendp).
#   UTILITY_PEER_INPUT raw, lawful or both (default): the peers' input (below).
# Peers are installed on first use in scripts/.venv-utility/{tumult,peers} (pinned below); the
# Java runtime Tumult's pyspark needs is Debian's openjdk-17-jre-headless.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
EVENTS="${1:-600000}"
SUBJECTS=$(( EVENTS / 30 ))
RUNS="${UTILITY_RUNS:-3}"
SYSTEMS="${UTILITY_SYSTEMS:-tumult,pipelinedp,smartnoise,opendp}"
VENV="scripts/.venv-utility"
# Two environments: Tumult Analytics 0.21.0 needs pandas < 2, smartnoise-sql 1.0.10 needs
# pandas >= 2.0.1, so one environment cannot hold both.
TUMULT_PINS="tmlt.analytics==0.21.0"
PEER_PINS="pipeline-dp==0.3.1 smartnoise-sql==1.0.10 opendp[polars]==0.14.2"
if ! command -v java >/dev/null 2>&1; then
  echo "bench-utility: installing Debian's OpenJDK for pyspark (Tumult)" >&2
  sudo apt-get install -y -q openjdk-17-jre-headless >&2 || apt-get install -y -q openjdk-17-jre-headless >&2
fi
install_peers() {  # DIR IMPORTS PINS...
  local dir="$VENV/$1" imports="$2"
  shift 2
  if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "import $imports" 2>/dev/null; then
    echo "bench-utility: installing $* in $dir" >&2
    python3 -m venv "$dir" >&2
    "$dir/bin/pip" install -q "$@" >&2
  fi
}
# shellcheck disable=SC2086
install_peers tumult tmlt.analytics $TUMULT_PINS
# shellcheck disable=SC2086
install_peers peers "pipeline_dp, snsql" $PEER_PINS
swift build -c release --product cordon >&2
swift build -c release --product cordon-bench >&2
CORDON="$ROOT/.build/release/cordon"
WORK="$(mktemp -d)"
# UTILITY_KEEP=1 keeps the answers, exact answers and data for a look afterwards.
if [ -n "${UTILITY_KEEP:-}" ]; then echo "bench-utility: keeping $WORK" >&2; else trap 'rm -rf "$WORK"' EXIT; fi

# A bench-only configuration: the repository's, with a budget large enough for every
# question and repetition (ε = 1 per question is the policies' epsilonPerQuery).
mkdir -p "$WORK/config"
cp -r policies regions "$WORK/config/"
sed -i -E 's/"budgetPerPeriod": *[0-9.]+/"budgetPerPeriod": 1000000.0/' "$WORK/config/policies/"*.json
export CORDON_CONFIG="$WORK/config"
export CORDON_DATA="$WORK/data"

TODAY=$(date -u +%Y-%m-%d)
NOW=$(date +%s)
day() { date -u -d "$TODAY - $1 days" +%Y-%m-%d; }
MONTH=$(day 30)
QUARTER=$(day 91)
DAYS90=$(day 90)
echo "bench-utility: generating $SUBJECTS subjects, $EVENTS events (seed 17, ending $TODAY)" >&2
"$CORDON" demo-data --subjects "$SUBJECTS" --events "$EVENTS" --seed 17 --invalid-rate 0 \
  --until "${TODAY}T00:00:00Z" --out "$WORK/in" >/dev/null
"$CORDON" init >/dev/null
START=$(date +%s.%N)
"$CORDON" ingest subjects "$WORK/in/subjects.ndjson" --quiet >&2
"$CORDON" ingest events "$WORK/in/events.ndjson" --quiet >&2
echo "bench-utility: ingest took $(echo "$(date +%s.%N) - $START" | bc) s" >&2

# The A/B arms: cmp-a and cmp-b when the generator has them, else its first two campaigns.
read -r VA VB < <(python3 - "$WORK/in/events.ndjson" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    try: seen.add(json.loads(line).get("campaign"))
    except ValueError: pass
print("cmp-a cmp-b" if {"cmp-a", "cmp-b"} <= seen else "cmp-1 cmp-2")
PY
)

# The shop's channels, listed in (a) and (b) as an analyst who knows them would: a listed
# set of values is a public key set (decision 0014), released without partition selection
# per region and thresholded on the merged count. The list holds every channel the data
# has, so the peers' rows are the same with or without it.
CHANNELS="'ads', 'direct', 'email', 'referral', 'search', 'social'"

cat > "$WORK/questions.json" <<EOF
{
 "a": "SELECT channel, COUNT(DISTINCT subject) AS buyers, SUM(amount) AS revenue FROM events WHERE event = 'purchase' AND ts >= '$MONTH' AND channel IN ($CHANNELS) GROUP BY channel",
 "b": "SELECT country, channel, COUNT(DISTINCT subject) AS buyers, SUM(amount) AS revenue FROM events WHERE event = 'purchase' AND ts >= '$QUARTER' AND channel IN ($CHANNELS) GROUP BY country, channel",
 "c": "SELECT day(ts), COUNT(*) AS purchases FROM events WHERE event = 'purchase' AND ts >= '$DAYS90' GROUP BY day(ts)",
 "d": "SELECT FUNNEL('page_view', 'add_to_cart', 'purchase') WITHIN INTERVAL '7 days' FROM events",
 "e": "SELECT ATTRIBUTION(last_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events",
 "f": "SELECT AB(campaign, '$VA', '$VB') CONVERTS 'purchase' WITHIN INTERVAL '14 days' FROM events",
 "g": "SELECT country, COUNT(DISTINCT subject) AS people FROM events GROUP BY country"
}
EOF

echo "bench-utility: Cordon ($RUNS runs per question)" >&2
for run in $(seq 1 "$RUNS"); do
  "$CORDON" token create --role analyst --regions all --name "bench-r$run" --purposes analytics >/dev/null
done
mkdir -p "$WORK/cordon"
for name in a b c d e f g; do
  text=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$WORK/questions.json" "$name")
  "$CORDON" query "$text" --purpose analytics --analyst bench-r1 --explain --format json > "$WORK/cordon/$name.explain.json"
  for run in $(seq 1 "$RUNS"); do
    start=$(date +%s.%N)
    "$CORDON" query "$text" --purpose analytics --analyst "bench-r$run" --format json > "$WORK/cordon/$name.$run.json"
    echo "$(date +%s.%N) - $start" | bc > "$WORK/cordon/$name.$run.seconds"
  done
done
# Questions Cordon also answers with analyst options (utility_report.py's VARIANTS): the
# same text, another release for the same analyst (the options are part of its key).
# shellcheck disable=SC2043
for variant in "c150 c --release-threshold 150"; do
  read -r vname vbase voptions <<<"$variant"
  text=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$WORK/questions.json" "$vbase")
  # shellcheck disable=SC2086
  "$CORDON" query "$text" --purpose analytics --analyst bench-r1 --explain --format json $voptions \
    > "$WORK/cordon/$vname.explain.json"
  for run in $(seq 1 "$RUNS"); do
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$CORDON" query "$text" --purpose analytics --analyst "bench-r$run" --format json $voptions \
      > "$WORK/cordon/$vname.$run.json"
    echo "$(date +%s.%N) - $start" | bc > "$WORK/cordon/$vname.$run.seconds"
  done
done
"$ROOT/.build/release/cordon-bench" utility-exact "$WORK/data" "$WORK/config" "$NOW" < "$WORK/questions.json" \
  > "$WORK/cordon/exact.json"

# The peers get Cordon's bounds per question, and the same ε, δ and amount clamp.
python3 - "$WORK" "$MONTH" "$QUARTER" "$DAYS90" "$VA" "$VB" <<'PY'
import json, sys
from datetime import datetime, timezone
work, month, quarter, days90, va, vb = sys.argv[1:7]
epoch = lambda d: int(datetime.strptime(d, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp())
questions = {}
for name in "abcdefg":
    plans = json.load(open(f"{work}/cordon/{name}.explain.json"))
    text = json.dumps(plans)
    def find(obj, field):
        if isinstance(obj, dict):
            if field in obj: return obj[field]
            obj = list(obj.values())
        if isinstance(obj, list):
            for item in obj:
                found = find(item, field)
                if found is not None: return found
        return None
    questions[name] = {"maxGroups": find(plans, "maxGroupsPerSubject"), "maxRows": find(plans, "maxRowsPerGroup")}
    if name == "a":
        # Cordon clamps one person's amounts in a group to maxAmountPerGroup; the peers clamp
        # each row, to the share that gives the same per-group bound (same sensitivity).
        per_group = find(plans, "maxAmountPerGroup") or 100000 * questions[name]["maxRows"]
        amount_max = min(100000, per_group // questions[name]["maxRows"])
# An A/B arm counts each person once: one group, one row (Cordon's plan has sensitivity 1).
questions["f"] = {"maxGroups": 1, "maxRows": 1}
spec = {"epsilon": 1.0, "delta": 1e-7, "amountMax": amount_max, "abVariants": [va, vb], "questions": questions,
        "since": {"a_from": epoch(month), "a_to": 2**40, "b_from": epoch(quarter), "b_to": 2**40, "c_from": epoch(days90)}}
json.dump(spec, open(f"{work}/peer-spec.json", "w"))
PY
# The peers run on two inputs: the raw NDJSON (every analytics event, as a shop without
# Cordon would hand them), and the rows Cordon counts (its lawful population, written by
# cordon-bench from the vault), so the mechanisms are also compared on one input.
# UTILITY_PEER_INPUT=raw|lawful runs one of them (default both).
PEER_INPUT="${UTILITY_PEER_INPUT:-both}"
"$ROOT/.build/release/cordon-bench" utility-lawful-events "$WORK/data" "$WORK/config" "$NOW" "$WORK/lawful"
TUMULT_SYSTEMS=$(echo ",$SYSTEMS," | grep -o ",tumult," | tr -d , || true)
OTHER_SYSTEMS=$(echo "$SYSTEMS" | tr , '\n' | grep -v '^tumult$' | paste -sd, || true)
run_peers() {  # INPUT-DIR OUT.json
  echo '{}' > "$WORK/peers-tumult.json"
  echo '{}' > "$WORK/peers-other.json"
  if [ -n "$TUMULT_SYSTEMS" ]; then
    "$VENV/tumult/bin/python" scripts/bench/utility_peers.py "$WORK/peer-spec.json" "$1/subjects.ndjson" \
      "$1/events.ndjson" "$RUNS" tumult "$WORK/peers-tumult.json"
  fi
  if [ -n "$OTHER_SYSTEMS" ]; then
    "$VENV/peers/bin/python" scripts/bench/utility_peers.py "$WORK/peer-spec.json" "$1/subjects.ndjson" \
      "$1/events.ndjson" "$RUNS" "$OTHER_SYSTEMS" "$WORK/peers-other.json"
  fi
  python3 -c "import json,sys; a=json.load(open(sys.argv[1])); a.update(json.load(open(sys.argv[2]))); json.dump(a, open(sys.argv[3], 'w'))" \
    "$WORK/peers-tumult.json" "$WORK/peers-other.json" "$2"
}
echo '{}' > "$WORK/peers.json"
if [ "$PEER_INPUT" != lawful ]; then
  echo "bench-utility: peers on the raw input ($SYSTEMS, $RUNS runs per question)" >&2
  run_peers "$WORK/in" "$WORK/peers.json"
fi
if [ "$PEER_INPUT" != raw ]; then
  echo "bench-utility: peers on the rows Cordon counts ($SYSTEMS, $RUNS runs per question)" >&2
  run_peers "$WORK/lawful" "$WORK/peers-lawful.json"
fi
python3 scripts/bench/utility_report.py "$WORK" "$SUBJECTS" "$EVENTS" "$RUNS"
