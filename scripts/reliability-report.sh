#!/usr/bin/env bash
# make reliability: prints the figures each part of the reliability suite wrote to DIR
# (CORDON_RELIABILITY_REPORT), in the order docs/RELIABILITY.md quotes them.
set -euo pipefail
dir=${1:?usage: reliability-report.sh DIR}

section() { printf '\n== %s\n\n' "$*"; }

section "1. Fault matrix: every write path x every injected failure point (SQLite call, durable-file step, audit write or fsync; EIO, ENOSPC, short write; once or from then on)"
if compgen -G "$dir/1-fault-matrix/*.txt" >/dev/null; then
  cat "$dir"/1-fault-matrix/*.txt
  awk '/ points \(/ { split($0, p, ": "); tried += p[2] + 0
                      split($0, b, "promises broken "); broken += b[2] + 0 }
       END { printf "\ntotal: %d fault points tried; promises broken at %d\n", tried, broken }' \
    "$dir"/1-fault-matrix/*.txt
fi

section "2. Crash loop: kill -9 during ingest (cordon ingest, cordon serve with concurrent HTTP writers)"
cat "$dir/2-crash-loop.txt" 2>/dev/null || echo "(not run)"

section "3. Tamper matrix: file kind x manipulation -> which command detects it"
if compgen -G "$dir/3-tamper/*.txt" >/dev/null; then
  echo "| file | manipulation | any command | store verify | audit verify | verify.py | audit verify --checkpoint | result | message |"
  echo "|---|---|---|---|---|---|---|---|---|"
  cat "$dir"/3-tamper/*.txt
  printf '\n%s cases: %s detected, %s undetected by design (documented), %s not applicable\n' \
    "$(cat "$dir"/3-tamper/*.txt | wc -l)" \
    "$(grep -c '| detected by ' "$dir"/3-tamper/*.txt | awk -F: '{ s += $2 } END { print s }')" \
    "$(grep -c '| undetected: ' "$dir"/3-tamper/*.txt | awk -F: '{ s += $2 } END { print s }')" \
    "$(grep -c '| n/a: ' "$dir"/3-tamper/*.txt | awk -F: '{ s += $2 } END { print s }')"
fi

section "4. Disk full on the data volume and on the audit volume"
cat "$dir"/4-disk-full/*.txt 2>/dev/null || echo "(not run)"
