#!/usr/bin/env bash
# HTTP benchmark: wrk at 32 connections against `cordon serve` (release build) for event
# ingest (NDJSON batches of 100 lines) and a repeated GET (/v1/audit/checkpoint), next to
# the same requests answered in-process (`cordon serve --measure-in-process`), so the cost
# of HTTP itself is visible. Installs wrk (Debian package) when missing.
#   scripts/bench/bench-http.sh [cordon-binary]   (DURATION=12 seconds per run by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cordon=${1:-$root/.build/release/cordon}
duration=${DURATION:-12}
port=${BENCH_PORT:-18088}
if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q wrk
fi
[ -x "$cordon" ] || (cd "$root" && swift build -c release)
data=$(mktemp -d /tmp/cordon-bench-http.XXXXXX)
trap 'rm -rf "$data"' EXIT
export CORDON_CONFIG="$root" CORDON_KDF_COST=testing
"$cordon" init --data "$data" >/dev/null
"$cordon" demo-data --subjects 2000 --events 20000 --seed 5 --invalid-rate 0 --out "$data/in" >/dev/null
"$cordon" ingest subjects "$data/in/subjects.ndjson" --data "$data" -q >/dev/null
"$cordon" ingest events "$data/in/events.ndjson" --data "$data" -q >/dev/null
head -n 100 "$data/in/events.ndjson" > "$data/batch.ndjson"
ingest=$("$cordon" token create --data "$data" --role ingest --regions all --name http-bench-ingest)
dpo=$("$cordon" token create --data "$data" --role dpo --regions all --name http-bench-dpo)

echo "in-process: $((duration * 100)) requests of each kind from 32 threads" >&2
inproc=$("$cordon" serve --data "$data" --measure-in-process $((duration * 100)) --measure-body "$data/batch.ndjson")

"$cordon" serve --data "$data" --bind "127.0.0.1:$port" --rate-limit 1000000 >/dev/null 2>"$data/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cat > "$data/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-ndjson"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local f = io.open(os.getenv("BODY"), "rb")
wrk.body = f:read("*a")
f:close()
function done(summary, latency, requests)
  io.stderr:write(string.format("non2xx=%d\n", summary.errors.status))
end
LUA
cat > "$data/get.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
function done(summary, latency, requests)
  io.stderr:write(string.format("non2xx=%d\n", summary.errors.status))
end
LUA
run() { # script path -> "rps p99ms non2xx"
  local out
  out=$(TOKEN=$2 BODY="$data/batch.ndjson" wrk -t 2 -c 32 -d "${duration}s" --latency -s "$1" "http://127.0.0.1:$port$3" 2>&1)
  echo "$out" >&2
  local rps p99 errs
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errs=$(echo "$out" | awk -F= '/non2xx/ {print $2}')
  echo "$rps $p99 $errs"
}
read -r ingest_rps ingest_p99 ingest_errors < <(run "$data/post.lua" "$ingest" /v1/events)
read -r get_rps get_p99 get_errors < <(run "$data/get.lua" "$dpo" /v1/audit/checkpoint)
kill -TERM $server; wait $server
trap 'rm -rf "$data"' EXIT
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('%.0f' % d[sys.argv[2]][sys.argv[3]] if sys.argv[3]=='requestsPerSecond' else '%.2f ms' % d[sys.argv[2]][sys.argv[3]])" "$inproc" "$1" "$2"; }
echo
echo "| workload (32 concurrent, ${duration} s) | HTTP req/s | HTTP p99 | in-process req/s | in-process p99 | HTTP non-2xx |"
echo "|---|---|---|---|---|---|"
echo "| POST /v1/events, 100 NDJSON lines | $ingest_rps | $ingest_p99 | $(field ingest requestsPerSecond) | $(field ingest p99Milliseconds) | $ingest_errors |"
echo "| GET /v1/audit/checkpoint | $get_rps | $get_p99 | $(field checkpoint requestsPerSecond) | $(field checkpoint p99Milliseconds) | $get_errors |"
