#!/usr/bin/env bash
# make fuzz-api: schemathesis (property-based, from openapi.json) against a running server on
# a throwaway data directory with demo data. Passes when there is no 5xx and no response that
# violates the spec (status code, content type, schema). Runs once per role token, so every
# endpoint is exercised both allowed and refused.
set -euo pipefail
cordon=${1:-.build/debug/cordon}
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/scripts/.venv"
examples=${FUZZ_EXAMPLES:-50}
port=${FUZZ_PORT:-18099}
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis
fi
data=$(mktemp -d /tmp/cordon-fuzz.XXXXXX)
export CORDON_CONFIG="$root" CORDON_KDF_COST=testing
export PYTHONPATH="$root/scripts" SCHEMATHESIS_HOOKS=fuzz_hooks
"$cordon" init --data "$data" >/dev/null
"$cordon" demo-data --subjects 200 --events 1000 --seed 7 --out "$data/in" >/dev/null
"$cordon" ingest subjects "$data/in/subjects.ndjson" --data "$data" -q >/dev/null
"$cordon" ingest events "$data/in/events.ndjson" --data "$data" -q >/dev/null
declare -A tokens
for role in admin dpo ingest analyst; do
  purposes=(); [ "$role" = analyst ] && purposes=(--purposes analytics,marketing_email,ads_personalization)
  tokens[$role]=$("$cordon" token create --data "$data" --role "$role" --regions all --name "fuzz-$role" "${purposes[@]}")
done
"$cordon" serve --data "$data" --bind "127.0.0.1:$port" --rate-limit 100000 >/dev/null 2>"$data/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
status=0
for role in dpo admin ingest analyst; do
  echo "== schemathesis as $role" >&2
  "$venv/bin/st" run "$root/openapi.json" --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer ${tokens[$role]}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --max-examples "$examples" --phases examples,coverage,fuzzing --suppress-health-check all || status=1
done
kill -TERM $server; wait $server || { echo "server did not exit 0" >&2; status=1; }
trap 'rm -rf "$data"' EXIT
exit $status
