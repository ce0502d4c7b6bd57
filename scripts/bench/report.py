#!/usr/bin/env python3
"""Prints the store benchmark's figures and ratios from one run's JSON lines."""
import json
import sys

runs = {}
cipher = {}
for line in open(sys.argv[1]):
    record = json.loads(line)
    if "variant" in record:
        runs[record["variant"]] = record
    else:
        cipher = record

metrics = [("ingest_s", "ingest (s)"), ("groupby_cold_s", "GROUP BY cold (s)"),
           ("groupby_warm_s", "GROUP BY warm (s)"), ("point_lookup_us", "point lookup (us)"),
           ("file_bytes", "file size (bytes)")]
names = ["plain", "cordon", "sqlcipher-unkeyed", "sqlcipher-keyed"]
print("%-20s" % "" + "".join("%20s" % n for n in names))
for key, label in metrics:
    print("%-20s" % label + "".join("%20.4g" % runs[n][key] if n in runs else "%20s" % "-" for n in names))
print()


def ratio(a, b, key):
    return runs[a][key] / runs[b][key]


print("ratios (time or size; lower is better; ingest speed = 1 / time ratio)")
for key, label in metrics:
    print("  %-18s cordon/plain %5.2f   sqlcipher keyed/unkeyed %5.2f   cordon/sqlcipher keyed %5.2f" % (
        label, ratio("cordon", "plain", key), ratio("sqlcipher-keyed", "sqlcipher-unkeyed", key),
        ratio("cordon", "sqlcipher-keyed", key)))
print()
speed = ratio("plain", "cordon", "ingest_s")
scan = ratio("cordon", "plain", "groupby_cold_s")
print("goals: ingest speed %.2fx plain (>= 0.80: %s); cold GROUP BY %.2fx plain (<= 1.25: %s); "
      "warm GROUP BY %.2fx plain" % (speed, speed >= 0.8, scan, scan <= 1.25,
                                     ratio("cordon", "plain", "groupby_warm_s")))
print("ahead of SQLCipher keyed: ingest %s, cold scan %s" % (
    runs["cordon"]["ingest_s"] < runs["sqlcipher-keyed"]["ingest_s"],
    runs["cordon"]["groupby_cold_s"] < runs["sqlcipher-keyed"]["groupby_cold_s"]))
if cipher:
    print("cipher: XChaCha20-Poly1305 page open %.0f MB/s (%.0f pages/s)" % (
        cipher["open_mb_per_s"], cipher["open_pages_per_s"]))
