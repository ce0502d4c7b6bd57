#!/usr/bin/env bash
# make tour: the CLI end to end on ./cordon-tour — a data directory with the
# shipped policies and generated shop data. Re-running reuses the directory and its data.
set -euo pipefail
cordon=${1:-.build/release/cordon}
data=${CORDON_TOUR_DATA:-./cordon-tour}
export CORDON_DATA="$data"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "cordon init --data $data"
"$cordon" init

step "cordon policy lint  (every policy, region and the catalog)"
"$cordon" policy lint

step "cordon policy show eu  (first lines)"
"$cordon" policy show eu | head -25

if [ ! -f "$data/.demo-loaded" ]; then
  until=$(date -u +%Y-%m-%dT00:00:00Z)
  step "cordon demo-data --subjects 20000 --events 600000 --seed 42 --until $until --out $data/demo-input"
  "$cordon" demo-data --subjects 20000 --events 600000 --seed 42 --until "$until" --out "$data/demo-input" | head -8

  step "cordon ingest subjects / events  (refused lines go to rejects-*.ndjson, with reasons)"
  "$cordon" ingest subjects "$data/demo-input/subjects.ndjson" --rejects "$data/rejects-subjects.ndjson"
  "$cordon" ingest events "$data/demo-input/events.ndjson" --rejects "$data/rejects-events.ndjson"
  touch "$data/.demo-loaded"
else
  step "demo data already loaded (delete $data to start over)"
fi

step "a data-subject request: lookup, export (with audited access history), erasure receipt"
id=$("$cordon" subject lookup --external-id c-1002 --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["subjectId"])' || true)
if [ -n "$id" ]; then
  "$cordon" subject export "$id" --out "$data/export-c-1002.json"
  "$cordon" subject erase "$id" --receipt "$data/erasure-c-1002.json" | head -22
else
  echo "(c-1002 was erased in an earlier run, or refused at ingest)"
fi

step "an analyst token (budgets belong to tokens; created once, kept across runs)"
if ! "$cordon" token list --json | python3 -c 'import json,sys; sys.exit(0 if any(t["name"] == "tour-analyst" and not t.get("revokedAt") for t in json.load(sys.stdin)) else 1)'; then
  "$cordon" token create --role analyst --regions all --name tour-analyst --purposes analytics > /dev/null
fi

step "an analyst's question: noisy aggregates with 95% intervals, epsilon spent, budget left"
"$cordon" query "SELECT channel, COUNT(DISTINCT subject) AS visitors, COUNT(*) AS events FROM events GROUP BY channel" \
  --purpose analytics --analyst tour-analyst

step "the same answer for a spreadsheet (CSV with interval columns; --format xlsx --output F for a workbook)"
"$cordon" query "SELECT channel, COUNT(DISTINCT subject) AS visitors, COUNT(*) AS events FROM events GROUP BY channel" \
  --purpose analytics --analyst tour-analyst --format csv

step "cordon dsr list --status all"
"$cordon" dsr list --status all | head -10

step "cordon audit verify, then the independent verifier (python3 + openssl only)"
"$cordon" audit pubkey > "$data/audit-pubkey.txt"
"$cordon" audit verify
python3 audit/verify.py "$data/audit" --pubkey "$data/audit-pubkey.txt"

step "cordon store verify  (every page of every region store authenticates)"
"$cordon" store verify

printf '\nData directory: %s   Next: %s --help, %s audit tail, %s subject lookup --email ...\n' "$data" "$cordon" "$cordon" "$cordon" >&2
