#!/usr/bin/env bash
# Scale benchmark (issue #20, docs/SCALE.md): the per-person, per-event and per-core figures
# a capacity plan starts from, measured at one size on a fresh data directory (`cordon init`,
# the repository's policies, `cordon demo-data` ending now, --invalid-rate 0).
#
# - Bytes on disk after sealing, per file kind: region stores (regions/*.db; their -wal and
#   -shm reported separately: closing a store checkpoints its WAL, so they should be 0),
#   keyrings (*.keys), control.db, the audit trail (audit/). Sizes are taken after `cordon
#   init`, after subject ingest and after event ingest, so a store's growth splits into bytes
#   per stored subject and bytes per stored event. The same lines in plain SQLite
#   (`cordon-bench ingest DIR SUBJECTS EVENTS plain`: the region schema's shape in one file,
#   PII in clear, no policy, no encryption, no audit; once with subjects only, once with
#   both) give the overhead per row.
# - Ingest capacity per core: `cordon ingest subjects|events FILE --quiet` under
#   /usr/bin/time; lines per CPU-second (user + system) of the process, which other work on a
#   shared machine disturbs far less than lines per wall second.
# - Query capacity: `cordon-bench query-latency` (median DP answer per shape, and one GROUP BY
#   right after a write, which decides every region's lawful population again); then per
#   shape the CPU of one query, as the difference in process CPU time between a run of
#   2 + N queries and a run of 2 (opening the vault and the first query's population decision
#   cancel out), and queries per second per core = 1 / that.
# Events are ingested twice, into two data directories: in the order `cordon demo-data`
# writes them (grouped by subject, as the other benchmarks ingest them) and sorted by time,
# as a live shop sends them (a batch of 1,000 lines then holds up to 1,000 subjects, each
# looked up and each named by its pseudonym in the batch's audit entry).
#
# usage: scripts/bench/bench-scale.sh [EVENTS]
#   EVENTS (or BENCH_ROWS via make bench) defaults to 600000; subjects = EVENTS / 30 (the
#   demo's shape: 20,000 subjects, 600,000 events). About 2 minutes at the default on 2
#   shared cores, 7 at 2,000,000.
#   SCALE_QUERY_SAMPLES timed answers per shape (default 5); SCALE_CPU_QUERIES the N above
#   (default 8).
#   CORDON, CORDON_BENCH: release binaries to use (default .build/release/cordon and
#   cordon-bench, built only if missing: rebuild them yourself after changing the code).
# Prints a Markdown table and writes it to scripts/bench/out/bench-scale.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
EVENTS="${1:-600000}"
SUBJECTS=$(( EVENTS / 30 ))
SAMPLES="${SCALE_QUERY_SAMPLES:-5}"
CPU_QUERIES="${SCALE_CPU_QUERIES:-8}"
CORDON="${CORDON:-$ROOT/.build/release/cordon}"
CORDON_BENCH="${CORDON_BENCH:-$ROOT/.build/release/cordon-bench}"
[ -x "$CORDON" ] || swift build -c release --product cordon >&2
[ -x "$CORDON_BENCH" ] || swift build -c release --product cordon-bench >&2
for binary in "$CORDON" "$CORDON_BENCH"; do
  [ -x "$binary" ] || { echo "bench-scale: $binary is not an executable" >&2; exit 1; }
done
if [ ! -x /usr/bin/time ]; then
  echo "bench-scale: installing Debian's time (CPU seconds of each process)" >&2
  sudo apt-get install -y -q time >&2 || apt-get install -y -q time >&2
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export CORDON_CONFIG="$ROOT"
STARTED=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# timed OUT COMMAND...: stdout to OUT.json; wall, user, system seconds and peak RSS (KiB)
# to OUT.time.
timed() {
  local out="$1"
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$out.time" "$@" > "$out.json"
}

# snapshot DATA OUT: bytes on disk per file kind, and the audit trail's entries (JSON).
snapshot() {
  python3 - "$1" > "$2" <<'PY'
import json, os, sys
root = sys.argv[1]
kinds = {"stores": 0, "storesWAL": 0, "keyrings": 0, "control": 0, "audit": 0, "other": 0, "auditEntries": 0}
for directory, _, files in os.walk(root):
    for name in files:
        path = os.path.join(directory, name)
        rel = os.path.relpath(path, root)
        size = os.path.getsize(path)
        if rel.startswith("regions/") and name.endswith(".db"):
            kinds["stores"] += size
        elif rel.startswith("regions/") and (name.endswith(".db-wal") or name.endswith(".db-shm")):
            kinds["storesWAL"] += size
        elif name.endswith(".keys"):
            kinds["keyrings"] += size
        elif name.startswith("control.db"):
            kinds["control"] += size
        elif rel.startswith("audit/"):
            kinds["audit"] += size
            if rel.startswith("audit/segments/"):
                with open(path, "rb") as segment:
                    kinds["auditEntries"] += sum(1 for _ in segment)
        else:
            kinds["other"] += size
print(json.dumps(kinds))
PY
}

NOW=$(date +%s)
echo "bench-scale: generating $SUBJECTS subjects, $EVENTS events (seed 23, ending now)" >&2
"$CORDON" demo-data --subjects "$SUBJECTS" --events "$EVENTS" --seed 23 --invalid-rate 0 \
  --until "$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)" --out "$WORK/in" >/dev/null
# The same lines in time order (ts is fixed-width UTC, so text order is time order; JSON
# strings never hold a raw tab).
sed -E 's/^.*"ts":"([^"]*)".*$/\1\t&/' "$WORK/in/events.ndjson" | LC_ALL=C sort -s -t "$(printf '\t')" -k1,1 \
  | cut -f2- > "$WORK/in/events-by-time.ndjson"

# instance NAME EVENTS_FILE: init, ingest subjects then events with sizes after each step,
# then the query runs.
instance() {
  local name="$1" events="$2" data="$WORK/$1"
  echo "bench-scale: $name: init, ingest" >&2
  "$CORDON" init --data "$data" >/dev/null
  snapshot "$data" "$WORK/$name.init.size"
  timed "$WORK/$name.subjects" "$CORDON" ingest subjects "$WORK/in/subjects.ndjson" --data "$data" --quiet
  snapshot "$data" "$WORK/$name.subjects.size"
  timed "$WORK/$name.events" "$CORDON" ingest events "$events" --data "$data" --quiet
  snapshot "$data" "$WORK/$name.events.size"
  echo "bench-scale: $name: queries" >&2
  local shape slug
  for shape in "group by" funnel attribution "a/b"; do
    slug="${shape//[ \/]/-}"
    timed "$WORK/$name.cpu1.$slug" env QUERY_BENCH_ONLY="$shape" "$CORDON_BENCH" query-latency "$data" "$ROOT" 1 "$NOW"
    timed "$WORK/$name.cpuN.$slug" env QUERY_BENCH_ONLY="$shape" "$CORDON_BENCH" query-latency "$data" "$ROOT" \
      $(( 1 + CPU_QUERIES )) "$NOW"
  done
  # Last: its "after a write" step ingests one subject per region.
  timed "$WORK/$name.latency" "$CORDON_BENCH" query-latency "$data" "$ROOT" "$SAMPLES" "$NOW"
}
instance grouped "$WORK/in/events.ndjson"
instance ordered "$WORK/in/events-by-time.ndjson"

echo "bench-scale: plain SQLite" >&2
: > "$WORK/empty.ndjson"
mkdir -p "$WORK/plain-subjects" "$WORK/plain"
"$CORDON_BENCH" ingest "$WORK/plain-subjects" "$WORK/in/subjects.ndjson" "$WORK/empty.ndjson" plain \
  > "$WORK/plain-subjects.json"
"$CORDON_BENCH" ingest "$WORK/plain" "$WORK/in/subjects.ndjson" "$WORK/in/events.ndjson" plain > "$WORK/plain.json"

mkdir -p scripts/bench/out
python3 - "$WORK" "$CPU_QUERIES" "$SAMPLES" "$STARTED" "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(nproc)" > "$WORK/report.md" <<'PY'
import json, os, sys, time
work, cpu_queries, samples, started, load_before, load_after, cores = sys.argv[1:8]
cpu_queries = int(cpu_queries)

def load(path):
    with open(path) as f:
        return json.load(f)

def timing(prefix):
    wall, user, system, rss = open(prefix + ".time").read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rssMiB": int(rss) / 1024}

def ingest(name, kind):
    return load(os.path.join(work, "%s.%s.json" % (name, kind))), timing(os.path.join(work, "%s.%s" % (name, kind)))

runs = {}
for name in ("grouped", "ordered"):
    sizes = {step: load(os.path.join(work, "%s.%s.size" % (name, step))) for step in ("init", "subjects", "events")}
    subjects, subject_time = ingest(name, "subjects")
    events, event_time = ingest(name, "events")
    latency = load(os.path.join(work, name + ".latency.json"))
    cpu = {}
    for shape in ("group by", "funnel", "attribution", "a/b"):
        slug = shape.replace(" ", "-").replace("/", "-")
        one = timing(os.path.join(work, "%s.cpu1.%s" % (name, slug)))["cpu"]
        many = timing(os.path.join(work, "%s.cpuN.%s" % (name, slug)))["cpu"]
        cpu[shape] = max(many - one, 0.0) / cpu_queries
    runs[name] = dict(sizes=sizes, subjects=subjects, subjectTime=subject_time, events=events, eventTime=event_time,
                      latency=latency, cpu=cpu)

plain_subjects = load(os.path.join(work, "plain-subjects.json"))
plain = load(os.path.join(work, "plain.json"))
def plain_size(directory):
    return sum(os.path.getsize(os.path.join(work, directory, f)) for f in os.listdir(os.path.join(work, directory))
               if f.startswith("plain.db"))
plain_subject_bytes = plain_size("plain-subjects")
plain_bytes = plain_size("plain")
plain_subjects_stored = plain_subjects["subjectLines"]  # every valid line (no policy); --invalid-rate 0
plain_events_stored = plain["eventsAccepted"]

g = runs["grouped"]
print("## Scale: %d subjects, %d events (`cordon demo-data --seed 23 --invalid-rate 0`, ending now)"
      % (g["subjects"]["lines"], g["events"]["lines"]))
print()
print("%s; %s cores, load average %s before and %s after; release binaries; %.0f s in all. "
      "*grouped*: events in the generator's order (grouped by subject); *time-ordered*: the same events sorted by time "
      "into a second data directory, as a live shop sends them."
      % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(int(started))), cores, load_before, load_after,
         time.time() - int(started)))
print()

def delta(run, kind, a, b):
    return run["sizes"][b][kind] - run["sizes"][a][kind]

def total(size):
    return sum(v for k, v in size.items() if k != "auditEntries")

def per(value, count):
    return value / count if count else float("nan")

print("| storage after sealing (bytes) | grouped | time-ordered | plain SQLite (grouped) |")
print("|---|---|---|---|")
row = lambda label, f, p="": print("| %s | %s | %s | %s |" % (label, f(runs["grouped"]), f(runs["ordered"]), p))
row("subjects stored / lines", lambda r: "%d / %d" % (r["subjects"]["accepted"], r["subjects"]["lines"]),
    "%d / %d" % (plain_subjects_stored, plain["subjectLines"]))
row("events stored / lines", lambda r: "%d / %d" % (r["events"]["accepted"], r["events"]["lines"]),
    "%d / %d" % (plain_events_stored, plain["eventLines"]))
share = lambda counts: " · ".join("%s %.0f%%" % (k, 100.0 * v / sum(counts.values()))
                                   for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
row("subjects stored, by region", lambda r: share(r["subjects"]["acceptedByRegion"]))
row("events stored, by region", lambda r: share(r["events"]["acceptedByRegion"]))
store_subject = lambda r: per(delta(r, "stores", "init", "subjects"), r["subjects"]["accepted"])
store_event = lambda r: per(delta(r, "stores", "subjects", "events"), r["events"]["accepted"])
plain_subject = per(plain_subject_bytes, plain_subjects_stored)
plain_event = per(plain_bytes - plain_subject_bytes, plain_events_stored)
row("region stores, per stored subject", lambda r: "%.0f" % store_subject(r), "%.0f" % plain_subject)
row("region stores, per stored event", lambda r: "%.1f" % store_event(r), "%.1f" % plain_event)
row("Cordon / plain SQLite, per subject · per event",
    lambda r: "%.2f× · %.2f×" % (store_subject(r) / plain_subject, store_event(r) / plain_event), "1")
row("audit trail, per subject line", lambda r: "%.1f" % per(delta(r, "audit", "init", "subjects"), r["subjects"]["lines"]))
row("audit trail, per event line", lambda r: "%.1f" % per(delta(r, "audit", "subjects", "events"), r["events"]["lines"]))
row("audit entries, per 1,000 event lines",
    lambda r: "%.1f (%.0f B each)" % (per(1000 * delta(r, "auditEntries", "subjects", "events"), r["events"]["lines"]),
                                       per(delta(r, "audit", "subjects", "events"), delta(r, "auditEntries", "subjects", "events"))))
row("all files, per stored subject (stores, audit, control.db)",
    lambda r: "%.0f" % per(total(r["sizes"]["subjects"]) - total(r["sizes"]["init"]), r["subjects"]["accepted"]))
row("all files, per stored event",
    lambda r: "%.1f" % per(total(r["sizes"]["events"]) - total(r["sizes"]["subjects"]), r["events"]["accepted"]))
row("region stores in all (MB); their -wal/-shm after close",
    lambda r: "%.1f; %d B" % (r["sizes"]["events"]["stores"] / 1e6, r["sizes"]["events"]["storesWAL"]),
    "%.1f" % (plain_bytes / 1e6))
row("audit trail in all (MB, entries)",
    lambda r: "%.2f (%d)" % (r["sizes"]["events"]["audit"] / 1e6, r["sizes"]["events"]["auditEntries"]))
row("control.db; keyrings (5 regions + control + audit), fixed",
    lambda r: "%d; %d" % (r["sizes"]["events"]["control"], r["sizes"]["events"]["keyrings"]))
print()

print("| ingest (`cordon ingest … --quiet`, one process) | grouped | time-ordered | plain SQLite (grouped, in-process) |")
print("|---|---|---|---|")
row("subjects: wall / CPU user+sys (s)", lambda r: "%.2f / %.2f" % (r["subjectTime"]["wall"], r["subjectTime"]["cpu"]),
    "%.2f / %.2f" % (plain["subjectSeconds"], plain["subjectCPUSeconds"]))
row("**subject lines/s per core** (lines / CPU s)", lambda r: "**%.0f**" % per(r["subjects"]["lines"], r["subjectTime"]["cpu"]),
    "%.0f" % per(plain["subjectLines"], plain["subjectCPUSeconds"]))
row("events: wall / CPU user+sys (s)", lambda r: "%.2f / %.2f" % (r["eventTime"]["wall"], r["eventTime"]["cpu"]),
    "%.2f / %.2f" % (plain["eventSeconds"], plain["eventCPUSeconds"]))
row("**event lines/s per core**", lambda r: "**%.0f**" % per(r["events"]["lines"], r["eventTime"]["cpu"]),
    "%.0f" % per(plain["eventLines"], plain["eventCPUSeconds"]))
row("event lines/s, wall", lambda r: "%.0f" % per(r["events"]["lines"], r["eventTime"]["wall"]),
    "%.0f" % plain["eventsPerSecond"])
row("peak RSS, subjects / events (MiB)", lambda r: "%.0f / %.0f" % (r["subjectTime"]["rssMiB"], r["eventTime"]["rssMiB"]))
print()

print("| query (`cordon-bench query-latency`, DP answer, %s samples) | rows | grouped: median | CPU per query | "
      "**queries/s per core** | time-ordered: median | CPU per query | **queries/s per core** |" % samples)
print("|---|---|---|---|---|---|---|---|")
for shape in ("group by", "funnel", "attribution", "a/b"):
    cells = []
    for name in ("grouped", "ordered"):
        r = runs[name]
        c = r["cpu"][shape]
        cells.append("%.0f ms | %.0f ms | **%s**" % (r["latency"][shape]["medianMilliseconds"], c * 1000,
                                                    "%.1f" % (1 / c) if c > 0 else "–"))
    print("| %s | %d | %s |" % (shape, runs["grouped"]["latency"][shape]["rows"], " | ".join(cells)))
after = [runs[n]["latency"].get("group by after a write") for n in ("grouped", "ordered")]
if all(after):
    print("| group by, first after a write (lawful population decided again; one sample) | | %.0f ms | | | %.0f ms | | |"
          % (after[0]["medianMilliseconds"], after[1]["medianMilliseconds"]))
print()
print("CPU per query: (CPU of a run of %d queries − CPU of a run of 2) / %d, per shape, from `/usr/bin/time`; "
      "a query runs its regions concurrently, so its wall time can be below its CPU time." % (2 + cpu_queries, cpu_queries))
PY
cp "$WORK/report.md" scripts/bench/out/bench-scale.md
cat "$WORK/report.md"
