"""The rollup question of issue 17, measured: would a per-subject daily rollup of the event
dimensions bring SQLite's GROUP BY within 3x of DuckDB's time on the same rows?

usage: rollup_limit.py WORKDIR EVENTS.ndjson SAMPLES
Loads the events plainly into SQLite (Cordon's schema shape, no encryption: the best a
SQLite row store can do) and DuckDB, builds the rollup Cordon would keep (one row per
subject, day and combination of event dimensions, with the count and the revenue), and
times the dashboard shapes on each, both exact and with Cordon's per-person bounding
(each subject's count per group clipped). Prints a Markdown table.
"""
import json, os, sqlite3, statistics, sys, time
from datetime import datetime, timezone

import duckdb

work, events_path, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])

rows, sids = [], {}
with open(events_path) as f:
    for line in f:
        e = json.loads(line)
        sid = sids.setdefault(e["externalId"], len(sids) + 1)
        ts = int(datetime.strptime(e["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
        rows.append((sid, ts, e["event"], e.get("channel"), e.get("campaign"), e.get("device"), e.get("amountCents")))

SCHEMA = ("CREATE TABLE events(id INTEGER PRIMARY KEY, sid INTEGER NOT NULL, ts INTEGER NOT NULL, event TEXT NOT NULL, "
          "channel TEXT, campaign TEXT, device TEXT, amount_cents INTEGER)")
ROLLUP = ("CREATE TABLE rollup AS SELECT sid, ts / 86400 AS day, event, channel, campaign, device, COUNT(*) AS n, "
          "SUM(amount_cents) AS amount_cents FROM events GROUP BY sid, day, event, channel, campaign, device")
for stale in ("rollup.db", "rollup.duckdb"):
    if os.path.exists(os.path.join(work, stale)):
        os.remove(os.path.join(work, stale))
lite = sqlite3.connect(os.path.join(work, "rollup.db"))
lite.execute("PRAGMA cache_size = -65536")  # the 64 MiB page cache region stores use
lite.execute(SCHEMA)
lite.executemany("INSERT INTO events(sid, ts, event, channel, campaign, device, amount_cents) VALUES (?,?,?,?,?,?,?)", rows)
lite.execute(ROLLUP)
# The floor of any per-person rollup for this question: one row per subject and channel,
# the query's own dimension and nothing else (a rollup per question, not per dashboard).
lite.execute("CREATE TABLE floor AS SELECT sid, channel, COUNT(*) AS n, SUM(amount_cents) AS amount_cents FROM events GROUP BY sid, channel")
lite.commit()
floor_rows = lite.execute("SELECT COUNT(*) FROM floor").fetchone()[0]
rollup_rows = lite.execute("SELECT COUNT(*) FROM rollup").fetchone()[0]

duck = duckdb.connect(os.path.join(work, "rollup.duckdb"))
duck.execute(SCHEMA.replace("INTEGER PRIMARY KEY", "BIGINT"))
import csv
csv_path = os.path.join(work, "rollup-events.csv")
with open(csv_path, "w", newline="") as f:
    csv.writer(f).writerows([(i + 1,) + r for i, r in enumerate(rows)])
duck.execute(f"COPY events FROM '{csv_path}' (HEADER false, NULLSTR '')")

# Exact: the shape of bench-query's GROUP BY. Bounded: each subject's events per channel
# clipped to 10 and revenue to 100,000 cents, as Cordon's contribution bounding does.
EXACT_EVENTS = "SELECT channel, COUNT(*), COUNT(DISTINCT sid), SUM(amount_cents) FROM events GROUP BY channel"
EXACT_ROLLUP = "SELECT channel, SUM(n), COUNT(DISTINCT sid), SUM(amount_cents) FROM rollup GROUP BY channel"
BOUNDED = ("SELECT channel, SUM(MIN(c, 10)), COUNT(*), SUM(MIN(s, 100000)) FROM (SELECT sid, channel, {count} AS c, "
           "COALESCE(SUM(amount_cents), 0) AS s FROM {table} GROUP BY sid, channel) GROUP BY channel")
BOUNDED_EVENTS = BOUNDED.format(count="COUNT(*)", table="events")
BOUNDED_ROLLUP = BOUNDED.format(count="SUM(n)", table="rollup")
BOUNDED_FLOOR = BOUNDED.format(count="SUM(n)", table="floor")

def median_ms(run):
    run()  # warm the caches
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)

def on_sqlite(sql):
    return median_ms(lambda: lite.execute(sql).fetchall())

def on_duckdb(sql):
    return median_ms(lambda: duck.execute(sql.replace("MIN(c, 10)", "LEAST(c, 10)").replace("MIN(s, 100000)", "LEAST(s, 100000)")).fetchall())

# The rollup must answer exactly what the events answer, or it is no rollup.
assert sorted(lite.execute(EXACT_EVENTS).fetchall(), key=repr) == sorted(lite.execute(EXACT_ROLLUP).fetchall(), key=repr)
assert sorted(lite.execute(BOUNDED_EVENTS).fetchall(), key=repr) == sorted(lite.execute(BOUNDED_ROLLUP).fetchall(), key=repr)
assert sorted(lite.execute(BOUNDED_EVENTS).fetchall(), key=repr) == sorted(lite.execute(BOUNDED_FLOOR).fetchall(), key=repr)

print("| GROUP BY channel (%d subjects, %d events; rollup %d rows, %.2f events per row) | SQLite events | SQLite rollup | DuckDB events | SQLite rollup / DuckDB (goal <= 3x) |"
      % (len(sids), len(rows), rollup_rows, len(rows) / rollup_rows))
print("|---|---|---|---|---|")
for name, events_sql, rollup_sql in (("exact", EXACT_EVENTS, EXACT_ROLLUP), ("bounded per person", BOUNDED_EVENTS, BOUNDED_ROLLUP)):
    a, b, c = on_sqlite(events_sql), on_sqlite(rollup_sql), on_duckdb(events_sql)
    print("| %s | %.1f ms | %.1f ms | %.1f ms | **%.1fx** |" % (name, a, b, c, b / c))
a, b, c = on_sqlite(BOUNDED_EVENTS), on_sqlite(BOUNDED_FLOOR), on_duckdb(BOUNDED_EVENTS)
print("| bounded, floor: a rollup keyed by subject and channel only (%d rows) | %.1f ms | %.1f ms | %.1f ms | **%.1fx** |"
      % (floor_rows, a, b, c, b / c))
