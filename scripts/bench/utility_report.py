"""The utility benchmark's table: per question and system, groups released / groups that
exist, median relative error per statistic against that system's exact answer, wall time,
and the goal's verdict for Cordon.

usage: utility_report.py WORK SUBJECTS EVENTS RUNS
Reads WORK/questions.json, WORK/cordon/* (answers, explains, exact.json), WORK/peers.json
(the peers on the raw input), WORK/peers-lawful.json (on the rows Cordon counts, when
present) and WORK/peer-spec.json; prints Markdown.
"""
import json, os, statistics, sys

work, subjects, events, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
questions = json.load(open(os.path.join(work, "questions.json")))
spec = json.load(open(os.path.join(work, "peer-spec.json")))
peers = json.load(open(os.path.join(work, "peers.json")))
cordon_exact = json.load(open(os.path.join(work, "cordon", "exact.json")))
# The peers run twice: on the raw NDJSON, and on the rows Cordon counts (its lawful
# population, written by `cordon-bench utility-lawful-events`), so mechanisms are compared
# on one input. Absent when UTILITY_PEER_INPUT=raw.
LAWFUL = "@lawful"
lawful_path = os.path.join(work, "peers-lawful.json")
lawful_peers = json.load(open(lawful_path)) if os.path.exists(lawful_path) else {}

TITLES = {
    "a": "(a) revenue and buyers by channel, last 30 days",
    "b": "(b) revenue and buyers by country × channel, last 91 days",
    "c": "(c) purchases per day, last 90 days",
    "d": "(d) funnel page_view → add_to_cart → purchase within 7 days (people per step)",
    "e": "(e) last-touch attribution of purchases by channel within 30 days (conversions)",
    "f": "(f) A/B %s vs %s, conversion to purchase within 14 days (exposed, converted)" % tuple(spec["abVariants"]),
    "g": "(g) reference: distinct subjects by country",
}
# Questions Cordon also answers with analyst options, scored against the same exact answer
# and the same peers' answers as their base question: name -> (base, options, as
# bench-utility.sh passes them).
VARIANTS = {"c150": ("c", "--release-threshold 150")}
TITLES["c150"] = ("(c′) purchases per day, last 90 days, with `--release-threshold 150` (the issue's target for "
                  "event-level groupings: the count that selects days takes only the ε that needs)")
# Statistics scored per question, in the peers' vocabulary: people (distinct persons),
# rows (row count), sum (amount in cents, or conversions for the A/B arms).
LABELS = {"people": "people", "rows": "count", "sum": "revenue"}


def norm(parts):
    """A group key whatever the order of its dimensions: the labels, sorted, joined by |."""
    return "|".join(sorted(parts))


def cordon_stats(name, stats, regions=None):
    """Cordon's exact statistics renamed to the peers' vocabulary, per key: over every region,
    or (regions = {key: [region, ...]}) over the regions each released row names."""
    out = {}
    for group in cordon_exact[name]:
        key, s = norm(group["key"]), group["statistics"]
        if regions is not None and key in regions and "regions" in group:
            s = {}
            for region in regions[key]:
                for stat, value in group["regions"].get(region, {}).items():
                    s[stat] = s.get(stat, 0) + value
        if name == "d":
            for step in (1, 2, 3):
                out["step%d" % step] = {"people": s["step%d" % step]}
        elif name == "e":
            out[key] = {"rows": s["credit"] / 1000}
        elif name == "f":
            out[key] = {"people": s["exposed"], "sum": s["converted"]}
        else:
            out[key] = {"people": s.get("subjects"), "rows": s.get("rows"), "sum": s.get("sum")}
    return {k: {st: v[st] for st in stats} for k, v in out.items() if v.get(stats[0])}


def cordon_row_regions(answer):
    """The regions each released row of a Cordon answer adds up, per key."""
    out = {}
    for row, coverage in zip(answer["rows"], answer.get("rowRegions") or []):
        out[norm(c for c in row if isinstance(c, str))] = coverage["regions"]
    return out


def cordon_released(name, answer):
    """Released values of one Cordon answer, per key, in the peers' vocabulary."""
    cols = [c.lower() for c in answer["columns"]]
    out = {}
    for row in answer["rows"]:
        key = norm(c for c in row if isinstance(c, str))
        nums = {cols[i]: c["value"] for i, c in enumerate(row) if isinstance(c, dict)}
        if name == "f" and "exposed" not in nums:
            continue  # the difference row (B − A)
        if name in ("a", "b"):
            out[key] = {"people": nums["buyers"], "sum": nums["revenue"]}
        elif name == "c":
            out[key] = {"rows": nums["purchases"]}
        elif name == "d":
            out["step%d" % (len(out) + 1)] = {"people": nums.get("subjects", next(iter(nums.values())))}
        elif name == "e":
            out[key] = {"rows": nums.get("conversions", next(iter(nums.values())))}
        elif name == "f":
            out[key] = {"people": nums["exposed"], "sum": nums.get("conversions", nums.get("converted"))}
        elif name == "g":
            out[key] = {"people": nums["people"]}
    return out


def score(released, exact, stats):
    """(groups released that exist, groups that exist, {stat: median relative error},
    {stat: {key: relative error}}) — the last for comparing systems on common groups."""
    hits = [k for k in released if k in exact]
    errors, per_key = {}, {}
    for s in stats:
        rel = {k: abs(released[k][s] - exact[k][s]) / abs(exact[k][s]) for k in hits
               if released[k].get(s) is not None and exact[k].get(s)}
        per_key[s] = rel
        errors[s] = statistics.median(rel.values()) if rel else None
    return len(hits), len(exact), errors, per_key


def summarize(run_scores, seconds):
    released = statistics.median(r[0] for r in run_scores)
    existing = run_scores[0][1]
    errors = {}
    for s in run_scores[0][2]:
        values = [r[2][s] for r in run_scores if r[2][s] is not None]
        errors[s] = statistics.median(values) if values else None
    return {"released": released, "existing": existing, "errors": errors, "seconds": statistics.median(seconds),
            "per_key": [r[3] for r in run_scores]}


def common_errors(mine, theirs, stats):
    """Each system's relative errors on the groups both released, paired by run and group:
    {stat: (Cordon's median, the peer's median, the mean paired difference, its standard error)},
    None where no group is common. Pairing by run and group takes out the groups' sizes, so
    what is left is the noise of the two mechanisms."""
    out = {}
    for s in stats:
        pairs = []
        for a, b in zip(mine["per_key"], theirs["per_key"]):
            pairs += [(a[s][k], b[s][k]) for k in set(a[s]) & set(b[s])]
        if not pairs:
            out[s] = None
            continue
        differences = [x - y for x, y in pairs]
        spread = statistics.stdev(differences) / len(differences) ** 0.5 if len(differences) > 1 else float("inf")
        out[s] = (statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs),
                  statistics.mean(differences), spread)
    return out


def peer_results(name, peers, stats):
    out = {}
    for system, answers in peers.items():
        entry = answers[name]
        if "cannot" in entry:
            out[system] = {"cannot": entry["cannot"]}
            continue
        truth = {norm(k.split("|")): v for k, v in entry["exact"].items()}
        scores = [score({norm(k.split("|")): v for k, v in r["released"].items()}, truth, stats) for r in entry["runs"]]
        out[system] = summarize(scores, [r["seconds"] for r in entry["runs"]])
    return out


def evaluate(name, answers):
    """Cordon's answers in WORK/cordon/ANSWERS.RUN.json to question NAME, beside the peers'."""
    stats = peers[next(iter(peers))][name].get("stats") if peers else None
    stats = stats or {"a": ["people", "sum"], "b": ["people", "sum"], "c": ["rows"], "d": ["people"], "e": ["rows"],
                      "f": ["people", "sum"], "g": ["people"]}[name]
    exact = cordon_stats(name, stats)
    scores, whole, seconds = [], [], []
    for run in range(1, runs + 1):
        answer = json.load(open(os.path.join(work, "cordon", "%s.%d.json" % (answers, run))))
        released = cordon_released(name, answer)
        # A Cordon row estimates the total over the regions it names (regionsSuppressed
        # withheld it): scored against that, and, on the second line, against every region's.
        claimed = cordon_stats(name, stats, cordon_row_regions(answer)) if name not in ("d",) else exact
        claimed = {k: v for k, v in claimed.items() if k in exact} | {k: v for k, v in exact.items() if k not in claimed}
        scores.append(score(released, claimed, stats))
        whole.append(score(released, exact, stats))
        seconds.append(float(open(os.path.join(work, "cordon", "%s.%d.seconds" % (answers, run))).read()))
    result = {"Cordon": summarize(scores, seconds), "Cordon vs all regions": summarize(whole, seconds)}
    result.update(peer_results(name, peers, stats))
    for system, r in peer_results(name, lawful_peers, stats).items():
        result[system + LAWFUL] = r
    result["stats"] = stats
    return result


results = {}
for name in questions:
    results[name] = evaluate(name, name)
    # A question Cordon also answered with analyst options (bench-utility.sh's VARIANTS).
    for variant, (base, _) in VARIANTS.items():
        if base == name and os.path.exists(os.path.join(work, "cordon", "%s.1.json" % variant)):
            results[variant] = evaluate(base, variant)

NAMES = {"tumult": "Tumult Analytics 0.21.0", "pipelinedp": "PipelineDP 0.3.1", "smartnoise": "smartnoise-sql 1.0.10",
         "opendp": "OpenDP"}


def fmt_err(e):
    if e is None:
        return "–"
    return "%.2f%%" % (100 * e) if e < 0.1 else "%.1f%%" % (100 * e)


def label(system):
    base = system[:-len(LAWFUL)] if system.endswith(LAWFUL) else system
    return NAMES.get(base, base) + (" on Cordon's rows" if system.endswith(LAWFUL) else "")


def stat_label(name, s):
    return ("exposed" if s == "people" else "converted") if name == "f" else LABELS[s]


def verdict(name, systems, stats, lawful):
    """The goal against the best peer (most groups released) given one input: Cordon
    releases at least as many groups, and on the groups both released (pooled over the runs)
    its median relative error per statistic is no worse — "met" when it is lower or equal;
    "tie" when it is higher but the mean paired difference is within two standard errors of
    zero (the runs cannot tell the two apart); "not met" otherwise."""
    peers_ok = {k: v for k, v in systems.items()
                if not k.startswith("Cordon") and "cannot" not in v and k.endswith(LAWFUL) == lawful}
    if not peers_ok:
        return None, "–"
    mine = systems["Cordon"]
    best_name, best = max(peers_ok.items(), key=lambda kv: (kv[1]["released"], -sum(
        e for e in kv[1]["errors"].values() if e is not None)))
    gaps, outcome = [], "met"
    if mine["released"] < best["released"]:
        outcome = "not met"
        gaps.append("%g fewer groups" % (best["released"] - mine["released"]))
    for s, found in common_errors(mine, best, stats).items():
        if found is None:
            continue
        ours, theirs, difference, spread = found
        if ours <= theirs:
            continue
        within = difference <= 2 * spread
        if not within:
            outcome = "not met"
        elif outcome == "met":
            outcome = "tie"
        gaps.append("%s error %s vs %s on common groups%s" % (
            stat_label(name, s), fmt_err(ours), fmt_err(theirs), ", within noise" if within else ""))
    if outcome == "met" and best["released"] == 0 and mine["released"] == 0:
        gaps.append("no system releases a group")
    return best_name, outcome + (" (" + "; ".join(gaps) + ")" if gaps else "")


print("Utility at ε = %g, δ = %g per question; %d subjects, %d events (cordon demo-data, seed 17); median of %d runs."
      % (spec["epsilon"], spec["delta"], subjects, events, runs))
print("Bounds, from Cordon's --explain, given to every system: " + "; ".join(
    "%s: %s groups per person, %s rows per person and group" % (n, q["maxGroups"], q["maxRows"])
    for n, q in spec["questions"].items()) + "; amounts clamped to 0..%d cents." % spec["amountMax"])
print("Each system is scored against the exact answer of the population it was given: the peers the raw NDJSON "
      "or (\"on Cordon's rows\") the rows Cordon counts, Cordon its lawful population (exact answer from the vault, "
      "bounds off, no noise). Errors in the tables are medians over each system's own released groups; the goal "
      "compares median errors on the groups both systems released, over all runs (a tie: Cordon's is higher, but the "
      "mean paired difference per run and group is within two standard errors of zero).")
print()
summary = []
for name, systems in results.items():
    stats = systems.pop("stats")
    print("**%s**" % TITLES[name])
    print()
    print("| system | groups released / existing | " + " | ".join(
        "median rel. error (%s)" % stat_label(name, s) for s in stats) + " | time (s) |")
    print("|---|---|" + "---|" * len(stats) + "---|")
    for system, r in systems.items():
        if "cannot" in r:
            why = r["cannot"].split(".  ")[0]
            print("| %s | cannot express (%s) |" % (label(system), why) + " |" * len(stats) + " |")
            continue
        print("| %s | %g / %d | %s | %.2f |" % (label(system), r["released"], r["existing"],
                                                " | ".join(fmt_err(r["errors"][s]) for s in stats), r["seconds"]))
    verdicts = {}
    for lawful in (True, False):
        best, text = verdict(name, systems, stats, lawful)
        verdicts[lawful] = text
        if best is not None:
            print()
            print("Goal, peers on %s (best peer: %s): **%s**" % ("Cordon's rows" if lawful else "the raw input",
                                                               label(best), text))
    print()
    summary.append((name, systems, stats, verdicts))


def cell(r, stats):
    if "cannot" in r:
        return "cannot express"
    return "%g/%d · %s · %.1f s" % (r["released"], r["existing"], " / ".join(fmt_err(r["errors"][s]) for s in stats),
                                   r["seconds"])


def summary_table(title, order, lawful):
    if not any(k in row[1] for row in summary for k in order[1:]):
        return
    print("**Summary, peers on %s** (per cell: groups released/existing · median relative error per statistic · "
          "median time)" % title)
    print()
    print("| question | " + " | ".join(label(k) for k in order) + " | goal |")
    print("|---|" + "---|" * (len(order) + 1))
    for name, systems, stats, verdicts in summary:
        print("| %s | %s | %s |" % (TITLES[name].split(")")[0] + ") " + ", ".join(stat_label(name, s) for s in stats),
                                    " | ".join(cell(systems[k], stats) if k in systems else "–" for k in order),
                                    verdicts[lawful]))
    print()


summary_table("Cordon's rows", ["Cordon", "Cordon vs all regions"] + [k + LAWFUL for k in NAMES], True)
summary_table("the raw input", ["Cordon"] + list(NAMES), False)
