#!/usr/bin/env python3
"""Prints the store benchmark's figures and ratios from one run's JSON lines: the median
of each variant's rounds, with the spread (min-max) of the figures the goals are about."""
import json
import statistics
import sys

samples = {}  # variant -> metric -> values (ingest and query lines come from separate processes)
ciphers = []
for line in open(sys.argv[1]):
    record = json.loads(line)
    if "variant" in record:
        for key, value in record.items():
            if isinstance(value, (int, float)):
                samples.setdefault(record["variant"], {}).setdefault(key, []).append(value)
    elif "algorithm" in record:
        ciphers.append(record)

metrics = [("ingest_s", "ingest (s)"), ("groupby_cold_s", "GROUP BY cold (s)"),
           ("groupby_warm_s", "GROUP BY warm (s)"), ("point_lookup_cold_us", "lookup cold (us)"),
           ("point_lookup_warm_us", "lookup warm (us)"),
           ("file_bytes", "file size (bytes)")]
names = [n for n in ["plain", "cordon", "cordon-gcm", "sqlcipher-unkeyed", "sqlcipher-keyed"] if n in samples]
median = {n: {k: statistics.median(samples[n][k]) for k, _ in metrics} for n in names}
rounds = min(len(samples[n]["ingest_s"]) for n in names)


def spread(name, key):
    values = samples[name][key]
    return "%.2f-%.2f" % (min(values), max(values))


print("median of %d rounds (variants take turns)" % rounds)
print("%-20s" % "" + "".join("%20s" % n for n in names))
for key, label in metrics:
    print("%-20s" % label + "".join("%20.4g" % median[n][key] for n in names))
for key, label in metrics[:2]:
    print("%-20s" % (label.split(" (")[0] + " spread") + "".join("%20s" % spread(n, key) for n in names))
print()


def ratio(a, b, key):
    return median[a][key] / median[b][key]


print("ratios of medians (time or size; lower is better; ingest speed = 1 / time ratio)")
for key, label in metrics:
    print("  %-18s cordon/plain %5.2f   cordon-gcm/plain %5.2f   sqlcipher keyed/unkeyed %5.2f   "
          "cordon/sqlcipher keyed %5.2f   cordon-gcm/sqlcipher keyed %5.2f" % (
              label, ratio("cordon", "plain", key), ratio("cordon-gcm", "plain", key),
              ratio("sqlcipher-keyed", "sqlcipher-unkeyed", key), ratio("cordon", "sqlcipher-keyed", key),
              ratio("cordon-gcm", "sqlcipher-keyed", key)))
print()
print("cipher cost, separated from each build (median seconds over the unencrypted run of the same build):")
for key, label in metrics[:2]:
    print("  %-18s cordon +%.3f   cordon-gcm +%.3f   sqlcipher keyed +%.3f" % (
        label, median["cordon"][key] - median["plain"][key], median["cordon-gcm"][key] - median["plain"][key],
        median["sqlcipher-keyed"][key] - median["sqlcipher-unkeyed"][key]))
print()
for name in ["cordon", "cordon-gcm"]:
    speed = ratio("plain", name, "ingest_s")
    scan = ratio(name, "plain", "groupby_cold_s")
    print("goals (%s): ingest speed %.2fx plain (>= 0.80: %s); cold GROUP BY %.2fx plain (<= 1.25: %s); "
          "ahead of SQLCipher keyed: ingest %s, cold scan %s" % (
              name, speed, speed >= 0.8, scan, scan <= 1.25,
              median[name]["ingest_s"] < median["sqlcipher-keyed"]["ingest_s"],
              median[name]["groupby_cold_s"] < median["sqlcipher-keyed"]["groupby_cold_s"]))
bare = {c["algorithm"]: c for c in ciphers if "bare_seal_us_per_page" in c}
for cipher in ciphers:
    if "open_mb_per_s" in cipher:
        print("cipher: %s page open through the verifier %.0f MB/s (%.0f pages/s)" % (
            cipher["algorithm"], cipher["open_mb_per_s"], cipher["open_pages_per_s"]))
    elif cipher in bare.values():
        print("cipher: %s the VFS alone, one 4 KiB page in memory: seal %.2f us (%.0f MB/s), open %.2f us" % (
            cipher["algorithm"], cipher["bare_seal_us_per_page"], 4096 / cipher["bare_seal_us_per_page"],
            cipher["bare_open_us_per_page"]))
print()
# The cipher's floor: the pages a run sealed (or opened) times the VFS's in-memory time per
# page is the least its encryption could cost; the rest of the cipher cost is the VFS's.
print("gap to the cipher's limit (floor = pages x the VFS's in-memory time per page; overhead = cipher cost - floor):")
for name, algorithm in [("cordon", "xchacha20-poly1305"), ("cordon-gcm", "aes-256-gcm")]:
    if algorithm not in bare or "pages_sealed" not in samples.get(name, {}):
        continue
    plain = median["plain"]["ingest_s"]
    sealed = statistics.median(samples[name]["pages_sealed"])
    floor = sealed * bare[algorithm]["bare_seal_us_per_page"] / 1e6
    cost = median[name]["ingest_s"] - plain
    line = "  %-10s ingest: %.0f pages sealed, floor %.2f s, overhead %+.2f s; best possible speed %.2fx plain" % (
        name, sealed, floor, cost - floor, plain / (plain + floor))
    if "groupby_cold_pages_opened" in samples[name]:
        opened = statistics.median(samples[name]["groupby_cold_pages_opened"])
        scan_floor = opened * bare[algorithm]["bare_open_us_per_page"] / 1e6
        scan_cost = median[name]["groupby_cold_s"] - median["plain"]["groupby_cold_s"]
        line += "; cold GROUP BY: %.0f pages opened, floor %.2f s, overhead %+.2f s" % (
            opened, scan_floor, scan_cost - scan_floor)
    print(line)
