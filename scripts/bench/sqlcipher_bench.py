#!/usr/bin/env python3
"""SQLCipher 4 side of the store benchmark: the data, batches, pragmas and queries of
Sources/cordon-bench/StoreBenchmark.swift, through sqlcipher3 (PyPI sqlcipher3-wheels).

usage: sqlcipher_bench.py ingest DIR keyed|unkeyed ROWS   -> one JSON line
       sqlcipher_bench.py query DIR keyed|unkeyed        -> one JSON line (run in a new process)
"""
import json
import os
import statistics
import sys
import time

import sqlcipher3

EVENTS = ["view", "cart", "purchase", "click", "open"]
CHANNELS = ["email", "search", "social", "display", "affiliate", "direct"]
COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "PL", "SE", "AT", "BE", "PT", "IE", "FI"]
DEVICES = ["mobile", "desktop", "tablet"]
BATCH = 10_000
GROUP_BY_SAMPLES = 5  # per query process, as in StoreBenchmark.swift; medians are reported
SCHEMA = """
CREATE TABLE events(
    id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL, ts INTEGER NOT NULL,
    event TEXT NOT NULL, channel TEXT NOT NULL, campaign TEXT NOT NULL,
    country TEXT NOT NULL, device TEXT NOT NULL, amount_cents INTEGER NOT NULL);
CREATE INDEX events_subject ON events(subject_id);
CREATE INDEX events_ts ON events(ts);
"""
GROUP_BY = """SELECT country, channel, event, count(*), sum(amount_cents)
FROM events GROUP BY country, channel, event"""
RAW_KEY = "x'" + "5a" * 32 + "'"  # a raw 256-bit key: no PBKDF2


def row(i):
    event = EVENTS[(i * 7 + i // 13) % 5]
    return (i + 1, (i * 2654435761) % 200000, 1735689600 + i * 31, event, CHANNELS[(i * 11) % 6],
            "cmp-%04d" % ((i * 13) % 500), COUNTRIES[(i * 17 + i // 7) % 12], DEVICES[i % 3],
            (i * 7919) % 20000 if event == "purchase" else 0)


def connect(path, keyed):
    db = sqlcipher3.connect(path, isolation_level=None)
    if keyed:
        db.execute('PRAGMA key = "%s"' % RAW_KEY)
    # The pragmas CordonStore sets (Configuration defaults, synchronous=NORMAL for the load),
    # except temp_store: Cordon's stores spill sorts to temporary files, which its VFS seals;
    # SQLCipher does not encrypt transient files, so its design requires temp_store=MEMORY
    # (https://www.zetetic.net/sqlcipher/design/).
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "temp_store = MEMORY",
                   "secure_delete = ON", "foreign_keys = ON", "cache_size = -65536"):
        db.execute("PRAGMA " + pragma)
    return db


def main():
    phase, directory, variant = sys.argv[1], sys.argv[2], sys.argv[3]
    keyed = variant == "keyed"
    path = os.path.join(directory, "sqlcipher-%s.db" % variant)
    if phase == "query":
        query(path, variant, keyed)
    else:
        ingest(path, variant, keyed, int(sys.argv[4]))


def ingest(path, variant, keyed, rows):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = connect(path, keyed)
    db.executescript(SCHEMA)
    start = time.perf_counter()
    for first in range(0, rows, BATCH):
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (row(i) for i in range(first, min(first + BATCH, rows))))
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(json.dumps({"variant": "sqlcipher-" + variant, "rows": rows, "ingest_s": time.perf_counter() - start}))
    db.close()


def query(path, variant, keyed):
    # As in StoreBenchmark.swift: each GROUP BY timing ends with the statement reset
    # (closing the cursor), which frees the sorter's memory; lookups get a new connection,
    # a cold pass and a warm one.
    colds, warms = [], []
    for _ in range(GROUP_BY_SAMPLES):
        db = connect(path, keyed)
        db.execute("PRAGMA cache_size = -400000")
        for timings in (colds, warms):
            start = time.perf_counter()
            cursor = db.execute(GROUP_BY)
            groups = len(cursor.fetchall())
            cursor.close()
            timings.append(time.perf_counter() - start)
        db.close()
    cold, warm = statistics.median(colds), statistics.median(warms)
    db = connect(path, keyed)
    db.execute("PRAGMA cache_size = -400000")
    lookups = 2000
    passes = []
    for _ in range(2):
        start = time.perf_counter()
        for n in range(lookups):
            cursor = db.execute("SELECT count(*), sum(amount_cents) FROM events WHERE subject_id = ?",
                                ((n * 7919) % 200000,))
            cursor.fetchall()
            cursor.close()
        passes.append(time.perf_counter() - start)
    version = db.execute("PRAGMA cipher_version").fetchone()
    print(json.dumps({"variant": "sqlcipher-" + variant, "groupby_cold_s": cold, "groupby_warm_s": warm, "groups": groups,
                      "point_lookup_cold_us": passes[0] / lookups * 1e6,
                      "point_lookup_warm_us": passes[1] / lookups * 1e6, "file_bytes": os.path.getsize(path),
                      "groupby_samples": GROUP_BY_SAMPLES,
                      "cipher_version": version[0] if version else None}))


if __name__ == "__main__":
    main()
