"""Peers of the query benchmark: the same data loaded plainly into SQLite and DuckDB, the
exact SQL of each query shape timed on both, and OpenDP's discrete Laplace at equal epsilon.

usage: query_peers.py WORKDIR EVENTS.ndjson REJECTS.ndjson NOW SAMPLES
Writes WORKDIR/peers.json.
"""
import json, os, sqlite3, statistics, sys, time
from datetime import datetime, timezone

import duckdb
import opendp.prelude as dp

dp.enable_features("contrib")

work, events_path, rejects_path, now, samples = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

# Lines Cordon refused (no lawful basis, past retention, invalid): the plain copies skip
# them too, so every engine sees the same rows.
rejected = set()
with open(rejects_path) as f:
    for line in f:
        if line.strip():
            rejected.add(json.loads(line)["line"])

rows, sids = [], {}
with open(events_path) as f:
    for number, line in enumerate(f, start=1):
        if number in rejected:
            continue
        e = json.loads(line)
        sid = sids.setdefault(e["externalId"], len(sids) + 1)
        ts = int(datetime.strptime(e["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
        rows.append((sid, ts, e["event"], e.get("channel"), e.get("campaign"), e.get("device"), e.get("amountCents")))

SCHEMA = ("CREATE TABLE events(id INTEGER PRIMARY KEY, sid INTEGER NOT NULL, ts INTEGER NOT NULL, event TEXT NOT NULL, "
          "channel TEXT, campaign TEXT, device TEXT, amount_cents INTEGER)")
plain_path = os.path.join(work, "plain.db")
lite = sqlite3.connect(plain_path)
lite.execute("PRAGMA cache_size = -65536")  # the 64 MiB page cache region stores use
lite.execute(SCHEMA)
lite.executemany("INSERT INTO events(sid, ts, event, channel, campaign, device, amount_cents) VALUES (?,?,?,?,?,?,?)", rows)
lite.execute("CREATE INDEX events_by_subject ON events(sid, ts)")
lite.execute("CREATE INDEX events_by_time ON events(ts)")
lite.commit()
duck = duckdb.connect(os.path.join(work, "plain.duckdb"))
duck.execute(SCHEMA.replace("INTEGER PRIMARY KEY", "BIGINT"))
duck.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?)", [(i + 1,) + r for i, r in enumerate(rows)]) if len(rows) < 50_000 else None
if len(rows) >= 50_000:
    import csv
    csv_path = os.path.join(work, "events.csv")
    with open(csv_path, "w", newline="") as f:
        csv.writer(f).writerows([(i + 1,) + r for i, r in enumerate(rows)])
    duck.execute(f"COPY events FROM '{csv_path}' (HEADER false, NULLSTR '')")

W7, W14, W30 = 7 * 86400, 14 * 86400, 30 * 86400
FUNNEL = f"""
WITH v AS (SELECT sid, MIN(ts) AS t1 FROM events WHERE event = 'page_view' GROUP BY sid),
c AS (SELECT v.sid, MIN(e.ts) AS t2 FROM v JOIN events e ON e.sid = v.sid AND e.event = 'add_to_cart'
      AND e.ts >= v.t1 AND e.ts <= v.t1 + {W7} GROUP BY v.sid),
p AS (SELECT DISTINCT c.sid FROM c JOIN v ON v.sid = c.sid JOIN events e ON e.sid = c.sid AND e.event = 'purchase'
      AND e.ts >= c.t2 AND e.ts <= v.t1 + {W7})
SELECT (SELECT COUNT(*) FROM v), (SELECT COUNT(*) FROM c), (SELECT COUNT(*) FROM p)"""
ATTRIBUTION = f"""
SELECT (SELECT t.channel FROM events t WHERE t.sid = p.sid AND t.ts <= p.ts AND t.ts >= p.ts - {W30}
        AND t.event <> 'purchase' AND t.channel IS NOT NULL ORDER BY t.ts DESC LIMIT 1) AS touch, COUNT(*)
FROM events p WHERE p.event = 'purchase' GROUP BY touch"""
AB_SQLITE = f"""
WITH x AS (SELECT sid, campaign, MIN(ts) AS t0 FROM events WHERE campaign IN ('cmp-1', 'cmp-2') GROUP BY sid)
SELECT x.campaign, COUNT(*), SUM(EXISTS (SELECT 1 FROM events e WHERE e.sid = x.sid AND e.event = 'purchase'
       AND e.ts >= x.t0 AND e.ts <= x.t0 + {W14})) FROM x GROUP BY x.campaign"""
AB_DUCK = AB_SQLITE.replace("SELECT sid, campaign, MIN(ts) AS t0", "SELECT sid, arg_min(campaign, ts) AS campaign, MIN(ts) AS t0").replace(
    "SUM(EXISTS", "SUM(CAST(EXISTS").replace("{W14}))".format(W14=W14), "{W14}) AS INTEGER))".format(W14=W14))
SHAPES = {
    "group by": ("SELECT channel, COUNT(*), COUNT(DISTINCT sid), SUM(amount_cents) FROM events GROUP BY channel",) * 2,
    "funnel": (FUNNEL, FUNNEL),
    "attribution": (ATTRIBUTION, ATTRIBUTION),
    "a/b": (AB_SQLITE, AB_DUCK),
}

def median_ms(run):
    run()  # warm-up
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)

result = {"events": len(rows), "subjects": len(sids), "shapes": {}}
for name, (lite_sql, duck_sql) in SHAPES.items():
    result["shapes"][name] = {
        "sqliteMilliseconds": median_ms(lambda: lite.execute(lite_sql).fetchall()),
        "duckdbMilliseconds": median_ms(lambda: duck.execute(duck_sql).fetchall()),
    }

# Accuracy at equal epsilon: a count per channel, sensitivity 1, epsilon 1, discrete Laplace
# (OpenDP's make_laplace over integers samples the discrete Laplace exactly).
counts = [c for (_, c) in lite.execute("SELECT channel, COUNT(DISTINCT sid) FROM events GROUP BY channel").fetchall()]
meas = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=1.0)
trials = 20000
start = time.perf_counter()
error = 0
for _ in range(trials):
    noisy = meas(counts)
    error += sum(abs(a - b) for a, b in zip(noisy, counts))
elapsed = time.perf_counter() - start
draws = trials * len(counts)
result["opendp"] = {"meanAbsoluteError": error / draws, "nanosecondsPerSample": elapsed * 1e9 / draws, "counts": counts, "trials": trials}
json.dump(result, open(os.path.join(work, "peers.json"), "w"))
