"""Peers of the utility benchmark: the same questions answered by Tumult Analytics,
PipelineDP and smartnoise-sql at the same epsilon, delta and contribution bounds as Cordon,
each scored against the exact answer of the rows it was given (the raw NDJSON).

usage: utility_peers.py QUESTIONS.json SUBJECTS.ndjson EVENTS.ndjson RUNS SYSTEMS OUT.json
  QUESTIONS.json: {"epsilon", "delta", "amountMax", "since": {...}, "abVariants": [a, b],
                   "questions": {name: {"maxGroups": G, "maxRows": R}}}
  SYSTEMS: comma-separated subset of tumult,pipelinedp,smartnoise,opendp

Every question is first reduced to rows of (person, group key, value) in Python: the
journeys of the funnel, attribution and A/B questions are per-person transformations
(none of these libraries has a journey operator), which leave the privacy unit unchanged.
Each library then applies its own contribution bounding and partition selection to those
rows with the bounds Cordon's --explain reports (G groups per person, R rows per person and
group, amounts clamped to 0..amountMax cents).
Writes OUT.json: {system: {question: {"runs": [{"released": {key: {stat: value}},
"seconds": s}], "exact": {key: {stat: value}}} or {"cannot": why}}}.
"""
import json, sys, time, traceback, warnings
from collections import defaultdict
from datetime import datetime, timezone

warnings.filterwarnings("ignore")
questions_path, subjects_path, events_path, runs, systems, out_path = sys.argv[1:7]
runs = int(runs)
systems = [s for s in systems.split(",") if s]
spec = json.load(open(questions_path))
EPS, DELTA, AMAX = spec["epsilon"], spec["delta"], spec["amountMax"]
since = {k: int(v) for k, v in spec["since"].items()}
A, B = spec["abVariants"]
DAY = 86400


def stamp(text):
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


# --- the raw data: every parsable line, analytics events only (the question's purpose) ---
country = {}
with open(subjects_path) as f:
    for line in f:
        try:
            s = json.loads(line)
            country[s["externalId"]] = s["country"]
        except Exception:
            continue
events = defaultdict(list)  # person -> [(ts, line number, event, channel, campaign, amount)]
with open(events_path) as f:
    for number, line in enumerate(f):
        try:
            e = json.loads(line)
            if e.get("purpose", "analytics") != "analytics" or e["externalId"] not in country:
                continue
            events[e["externalId"]].append(
                (stamp(e["ts"]), number, e["event"], e.get("channel"), e.get("campaign"), e.get("amountCents")))
        except Exception:
            continue
for journey in events.values():
    journey.sort()
pids = {p: i for i, p in enumerate(events)}


def clamp(v):
    return min(max(v or 0, 0), AMAX)


# The true revenue per key, before any clamping: every system is scored against what the
# analyst wants to know, so a peer's clamping bias counts as error exactly as Cordon's does
# (Cordon's exact answer is its lawful population with no bounds and no clamping).
UNCLAMPED = defaultdict(lambda: defaultdict(int))


# --- per question: rows (pid, key, value) and which statistics it releases ---
# stats: "people" = distinct persons per key, "rows" = rows per key, "sum" = sum of values.
def rows_for(name):
    out = []
    if name in ("a", "b"):
        lo, hi = since[name + "_from"], since[name + "_to"]
        for p, j in events.items():
            for ts, _, ev, ch, _, amt in j:
                if ev == "purchase" and lo <= ts < hi and ch is not None:
                    key = ch if name == "a" else country[p] + "|" + ch
                    out.append((pids[p], key, clamp(amt)))
                    UNCLAMPED[name][key] += max(amt or 0, 0)
        return out, ["people", "sum"]
    if name == "c":
        lo = since["c_from"]
        for p, j in events.items():
            for ts, _, ev, _, _, _ in j:
                if ev == "purchase" and ts >= lo:
                    out.append((pids[p], datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d"), 1))
        return out, ["rows"]
    if name == "d":
        steps, window = ["page_view", "add_to_cart", "purchase"], 7 * DAY
        for p, j in events.items():
            js = [x for x in j if x[2] in steps]
            deepest = 0
            for i, x in enumerate(js):
                if x[2] != steps[0]:
                    continue
                reached, k = 1, i + 1
                while reached < 3 and k < len(js) and js[k][0] <= x[0] + window:
                    if js[k][2] == steps[reached]:
                        reached += 1
                    k += 1
                deepest = max(deepest, reached)
            for s in range(1, deepest + 1):
                out.append((pids[p], "step%d" % s, 1))
        return out, ["people"]
    if name == "e":
        window = 30 * DAY
        for p, j in events.items():
            for i, x in enumerate(j):
                if x[2] != "purchase":
                    continue
                touch = "(no touch)"
                for y in reversed(j[:i]):
                    if y[0] < x[0] - window:
                        break
                    if y[2] != "purchase" and y[3] is not None:
                        touch = y[3]
                        break
                out.append((pids[p], touch, 1))
        return out, ["rows"]
    if name == "f":
        window = 14 * DAY
        for p, j in events.items():
            first = next(((i, x) for i, x in enumerate(j) if x[4] in (A, B)), None)
            if first is None:
                continue
            i, x = first
            converted = any(y[2] == "purchase" and y[0] <= x[0] + window for y in j[i:])
            out.append((pids[p], x[4], 1 if converted else 0))
        return out, ["people", "sum"]
    if name == "g":
        for p in events:
            out.append((pids[p], country[p], 1))
        return out, ["people"]
    raise ValueError(name)


PUBLIC = {"d": ["step1", "step2", "step3"], "f": [A, B]}  # keys Cordon treats as public too (AB)


def exact(rows, stats):
    people, count, total = defaultdict(set), defaultdict(int), defaultdict(int)
    for pid, key, value in rows:
        people[key].add(pid)
        count[key] += 1
        total[key] += value
    return {k: {"people": len(people[k]), "rows": count[k], "sum": total[k]} for k in people}


# --- the libraries ---
def run_pipelinedp(name, rows, stats, G, R):
    import pipeline_dp
    metric = {"people": pipeline_dp.Metrics.PRIVACY_ID_COUNT, "rows": pipeline_dp.Metrics.COUNT,
              "sum": pipeline_dp.Metrics.SUM}
    accountant = pipeline_dp.NaiveBudgetAccountant(total_epsilon=EPS, total_delta=DELTA)
    engine = pipeline_dp.DPEngine(accountant, pipeline_dp.LocalBackend())
    params = pipeline_dp.AggregateParams(
        noise_kind=pipeline_dp.NoiseKind.LAPLACE, metrics=[metric[s] for s in stats],
        max_partitions_contributed=G, max_contributions_per_partition=R,
        min_value=0, max_value=AMAX if name != "f" else 1)
    extractors = pipeline_dp.DataExtractors(partition_extractor=lambda r: r[1], privacy_id_extractor=lambda r: r[0],
                                            value_extractor=lambda r: r[2])
    result = engine.aggregate(rows, params, extractors, public_partitions=PUBLIC.get(name))
    accountant.compute_budgets()
    field = {"people": "privacy_id_count", "rows": "count", "sum": "sum"}
    return {k: {s: getattr(m, field[s]) for s in stats} for k, m in result}


def run_smartnoise(name, rows, stats, G, R):
    # smartnoise-sql bounds rows per person (max_ids, reservoir-sampled), not rows per group:
    # it gets one row per (person, group) with that person's R-capped count and sum, and
    # max_ids = G, the same G x R bound.
    import pandas as pd
    import snsql
    per = defaultdict(lambda: [0, 0])
    for pid, key, value in rows:
        cell = per[(pid, key)]
        if cell[0] < R:
            cell[0] += 1
            cell[1] += value
    vmax = AMAX if name != "f" else 1
    df = pd.DataFrame([(pid, key, c, s) for (pid, key), (c, s) in per.items()], columns=["pid", "k", "n", "v"])
    meta = {"bench": {"public": {"rows": {
        "row_privacy": False, "max_ids": G, "sample_max_ids": True, "censor_dims": True,
        "pid": {"type": "int", "private_id": True}, "k": {"type": "string"},
        "n": {"type": "int", "lower": 0, "upper": R}, "v": {"type": "int", "lower": 0, "upper": R * vmax}}}}}
    select = {"people": "COUNT(DISTINCT pid) AS n_people", "rows": "SUM(n) AS n_rows", "sum": "SUM(v) AS n_sum"}
    query = "SELECT k, " + ", ".join(select[s] for s in stats) + " FROM public.rows GROUP BY k"
    # smartnoise-sql spends its ε on *each* aggregate column (get_privacy_cost of a query with
    # a count and a sum is 2ε) and reports a δ above the one it is given: scale both so the
    # whole query costs what every other system gets, and check it.
    epsilon, delta = EPS, DELTA
    for _ in range(3):
        reader = snsql.from_df(df, privacy=snsql.Privacy(epsilon=epsilon, delta=delta), metadata=meta)
        cost_epsilon, cost_delta = (float(x) for x in reader.get_privacy_cost(query))
        if cost_epsilon <= EPS * (1 + 1e-9) and cost_delta <= DELTA * (1 + 1e-9):
            break
        epsilon *= min(1.0, EPS / cost_epsilon)
        delta *= min(1.0, DELTA / cost_delta)
    assert cost_epsilon <= EPS * (1 + 1e-9) and cost_delta <= DELTA * (1 + 1e-9), (cost_epsilon, cost_delta)
    result = reader.execute(query)
    header = result[0]
    return {r[0]: {s: r[header.index("n_" + s)] for s in stats} for r in result[1:]}


_spark = None


def run_tumult(name, rows, stats, G, R):
    # Tumult releases one statistic per query and selects partitions with a separate
    # get_groups query (it needs a delta): epsilon is split evenly over those queries.
    global _spark
    import pandas as pd
    from pyspark.sql import SparkSession
    from tmlt.analytics import (AddRowsWithID, ApproxDPBudget, KeySet, MaxGroupsPerID, MaxRowsPerGroupPerID,
                                QueryBuilder, Session)
    if _spark is None:
        import os
        os.environ["PYSPARK_PYTHON"] = sys.executable  # Spark's Python workers need this venv
        _spark = (SparkSession.builder.master("local[2]").config("spark.driver.memory", "8g")
                  .config("spark.sql.shuffle.partitions", "4")
                  # Spark's warehouse (Tumult's temporary tables) outside the repository
                  .config("spark.sql.warehouse.dir", os.path.join(os.environ.get("TMPDIR", "/tmp"), "cordon-bench-spark"))
                  .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                  .getOrCreate())
        _spark.sparkContext.setLogLevel("ERROR")
    df = _spark.createDataFrame(pd.DataFrame(rows, columns=["pid", "k", "v"]))
    public = PUBLIC.get(name)
    parts = len(stats) + (0 if public else 1)
    session = Session.from_dataframe(privacy_budget=ApproxDPBudget(EPS, DELTA), source_id="rows", dataframe=df,
                                     protected_change=AddRowsWithID("pid"))
    if public:
        keys = KeySet.from_dict({"k": public})
    else:
        # get_groups needs a bound on rows per ID: G groups of one row each.
        query = (QueryBuilder("rows").enforce(MaxGroupsPerID("k", G)).enforce(MaxRowsPerGroupPerID("k", 1))
                 .get_groups(["k"]))
        keys = KeySet.from_dataframe(session.evaluate(query, ApproxDPBudget(EPS / parts, DELTA)))
    out = defaultdict(dict)
    for s in stats:
        q = QueryBuilder("rows").enforce(MaxGroupsPerID("k", G)).enforce(MaxRowsPerGroupPerID("k", R)).groupby(keys)
        q = (q.count_distinct(["pid"], name=s) if s == "people" else q.count(name=s) if s == "rows"
             else q.sum("v", 0, AMAX if name != "f" else 1, name=s))
        for r in session.evaluate(q, ApproxDPBudget(EPS / parts, 0)).collect():
            out[r["k"]][s] = r[s]
    return dict(out)


def run_opendp(name, rows, stats, G, R):
    # OpenDP's Polars context: one query per statistic (epsilon split evenly over them),
    # identifier-level truncation to R rows per group and G groups per person, and a
    # threshold on a noisy count for keys that are not public. truncate_num_groups keeps
    # the first G groups of each person (keep="sample" fails in OpenDP 0.14.2 with polars
    # 1.32: "multiple fields with name 'k'").
    import opendp.prelude as dp
    import polars as pl
    dp.enable_features("contrib")
    lf = pl.LazyFrame(rows, schema={"pid": pl.Int64, "k": pl.String, "v": pl.Int64}, orient="row")
    ctx = dp.Context.compositor(data=lf, privacy_unit=dp.unit_of(contributions=1, identifier="pid"),
                                privacy_loss=dp.loss_of(epsilon=EPS, delta=DELTA), split_evenly_over=len(stats),
                                # a sum needs a public bound on group length: a loose one
                                margins=[dp.polars.Margin(by=["k"], max_length=10**8)])
    public = PUBLIC.get(name)
    vmax = AMAX if name != "f" else 1
    released = None
    for s in stats:
        q = ctx.query().truncate_per_group(1 if s == "people" else R, by=["k"])
        q = q.truncate_num_groups(G, by=["k"], keep="first").group_by("k")
        q = q.agg(dp.len().alias(s)) if s != "sum" else q.agg(pl.col("v").dp.sum((0, vmax)).alias(s), dp.len())
        if public:
            q = q.with_keys(pl.LazyFrame({"k": public}))
        frame = {r["k"]: r[s] for r in q.release().collect().to_dicts()}
        released = ({k: {s: v} for k, v in frame.items()} if released is None
                    else {k: dict(released[k], **{s: frame[k]}) for k in released if k in frame})
    return released


RUNNERS = {"pipelinedp": run_pipelinedp, "smartnoise": run_smartnoise, "tumult": run_tumult, "opendp": run_opendp}
result = {s: {} for s in systems}
for name, bounds in spec["questions"].items():
    rows, stats = rows_for(name)
    truth = exact(rows, stats)
    for key, total in UNCLAMPED[name].items():
        truth[key]["sum"] = total
    truth = {k: {s: v[s] for s in stats} for k, v in truth.items()}
    for system in systems:
        entry = {"exact": truth, "runs": [], "stats": stats}
        for _ in range(runs):
            start = time.monotonic()
            try:
                released = RUNNERS[system](name, rows, stats, bounds["maxGroups"], bounds["maxRows"])
            except NotImplementedError as why:
                entry = {"cannot": str(why)}
                break
            except Exception as error:
                traceback.print_exc()
                first = next((l.strip() for l in str(error).splitlines() if l.strip()), type(error).__name__)
                entry = {"cannot": "failed: %s" % first[:200]}
                break
            entry["runs"].append({"released": {str(k): v for k, v in released.items()},
                                  "seconds": time.monotonic() - start})
        result[system][name] = entry
        print("utility_peers: %s %s done" % (system, name), file=sys.stderr)
json.dump(result, open(out_path, "w"))
