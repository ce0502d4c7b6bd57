#!/usr/bin/env bash
# Region nodes on one machine (issue #20, decisions 0024 and 0025): one `cordon serve` per
# region, each holding only its region's store, keyring and audit trail, witnessing the
# others' trails — and a coordinator (decision 0027) that holds no one: it relays analysts'
# queries to the nodes and merges their releases.
#
# As root with iproute2, each node runs in its own Linux network namespace (`<prefix>-<region>`)
# on a bridge (`<prefix>br0`, SUBNET.1 on the host), with its own address and TLS: a
# throwaway CA signs one certificate per node (subjectAltName = its address), and every
# namespace trusts that CA through iproute2's convention that `ip netns exec NS` bind-mounts
# /etc/netns/NS/* over /etc/* — so the CA bundle of URLSession (libcurl), and only inside the
# namespaces, is /etc/netns/NS/ssl/certs/ca-certificates.crt (the system bundle plus the CA).
# The coordinator runs in `<prefix>-coord` (SUBNET.10, TLS too); configured regions without a
# node of their own are named to the first node, which does not hold them, so answers list
# them in regionsUnavailable rather than omit them. A `<prefix>-client` namespace is where you
# run the CLI against the nodes. Without root, the nodes and the coordinator listen on
# loopback ports (plain HTTP, which `cordon serve` allows there only).
#
# usage: scripts/federated.sh up DIR | status DIR | down DIR | stop DIR REGION | start DIR REGION
#   CORDON         the cordon binary (default .build/release/cordon)
#   FED_REGIONS    regions, one node each (default "eu us uk")
#   FED_PREFIX     names of namespaces and links, at most 6 characters (default cdn)
#   FED_SUBNET     the first three octets of the nodes' /24 (default 10.77.0)
#   FED_LOOPBACK=1 loopback ports even as root
#   FED_WITNESS_INTERVAL  seconds between witnessing rounds (default 30)
# DIR keeps every node's data directory (DIR/REGION, the coordinator's DIR/coord), tokens
# (DIR/tokens/REGION.ROLE, DIR/tokens/coord.analyst), logs, pids and DIR/topology (prefix,
# regions, subnet: later commands need no environment). `stop`/`start` take a region or `coord`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORDON="${CORDON:-$ROOT/.build/release/cordon}"
REGIONS=(${FED_REGIONS:-eu us uk})
P="${FED_PREFIX:-cdn}"
SUBNET="${FED_SUBNET:-10.77.0}"
INTERVAL="${FED_WITNESS_INTERVAL:-30}"
export CORDON_CONFIG="${CORDON_CONFIG:-$ROOT}"

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
[ $# -ge 2 ] || usage
ACTION="$1"
DIR="$2"
NODE="${3:-}"
case "$ACTION" in stop | start) [ -n "$NODE" ] || usage ;; *) [ $# -eq 2 ] || usage ;; esac
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
# A topology that is up records its prefix, regions and subnet, so `down DIR` (and stop,
# start, status) find it without the environment it was started with — e.g. after the
# process that started it was killed.
if [ -f "$DIR/topology" ]; then
  P="$(sed -n 's/^prefix=//p' "$DIR/topology")"
  read -r -a REGIONS <<<"$(sed -n 's/^regions=//p' "$DIR/topology")"
  SUBNET="$(sed -n 's/^subnet=//p' "$DIR/topology")"
fi

namespaces() {
  [ -z "${FED_LOOPBACK:-}" ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1
}
MODE=loopback
if [ -f "$DIR/mode" ]; then MODE="$(cat "$DIR/mode")"; elif namespaces; then MODE=netns; fi

# The node of region number I (0-based), or the coordinator (I = coord): its address and URL.
address() {
  if [ "$1" = coord ]; then
    if [ "$MODE" = netns ]; then echo "$SUBNET.10:8443"; else echo "127.0.0.1:8700"; fi
  elif [ "$MODE" = netns ]; then echo "$SUBNET.$((11 + $1)):8443"; else echo "127.0.0.1:$((8701 + $1))"; fi
}
url() { if [ "$MODE" = netns ]; then echo "https://$(address "$1")"; else echo "http://$(address "$1")"; fi; }
in_ns() {  # NAME COMMAND...: run in the namespace (netns mode) or here
  local name="$1"
  shift
  if [ "$MODE" = netns ]; then ip netns exec "$P-$name" "$@"; else "$@"; fi
}

network_up() {
  ip link add "${P}br0" type bridge
  ip addr add "$SUBNET.1/24" dev "${P}br0"
  ip link set "${P}br0" up
  local index=0 name
  for name in "${REGIONS[@]}" coord client; do
    local host_ip
    case "$name" in
      client) host_ip="$SUBNET.2" ;;
      coord) host_ip="$SUBNET.10" ;;
      *) host_ip="${SUBNET}.$((11 + index))" ;;
    esac
    ip netns add "$P-$name"
    ip link add "${P}${name}h" type veth peer name "${P}${name}n"
    ip link set "${P}${name}n" netns "$P-$name"
    ip link set "${P}${name}h" master "${P}br0" up
    ip -n "$P-$name" addr add "$host_ip/24" dev "${P}${name}n"
    ip -n "$P-$name" link set "${P}${name}n" up
    ip -n "$P-$name" link set lo up
    mkdir -p "/etc/netns/$P-$name/ssl/certs"
    cat /etc/ssl/certs/ca-certificates.crt "$DIR/tls/ca.pem" >"/etc/netns/$P-$name/ssl/certs/ca-certificates.crt"
    case "$name" in client | coord) ;; *) index=$((index + 1)) ;; esac
  done
}

certificates() {  # a CA, and a certificate per node for its address
  mkdir -p "$DIR/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 -subj "/CN=cordon federated demo CA" \
    -keyout "$DIR/tls/ca.key" -out "$DIR/tls/ca.pem" 2>/dev/null
  local index=0 region ip
  for region in "${REGIONS[@]}" coord; do
    if [ "$region" = coord ]; then ip="$SUBNET.10"; else ip="${SUBNET}.$((11 + index))"; fi
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$ip" \
      -keyout "$DIR/tls/$region.key" -out "$DIR/tls/$region.csr" 2>/dev/null
    printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$ip" >"$DIR/tls/$region.ext"
    openssl x509 -req -in "$DIR/tls/$region.csr" -CA "$DIR/tls/ca.pem" -CAkey "$DIR/tls/ca.key" -CAcreateserial \
      -days 7 -extfile "$DIR/tls/$region.ext" -out "$DIR/tls/$region.pem" 2>/dev/null
    index=$((index + 1))
  done
}

token() {  # REGION ROLE NAME [--purposes P]: a token on that node, its secret kept in DIR/tokens
  local region="$1" role="$2" name="$3"
  shift 3
  CORDON_DATA="$DIR/$region" "$CORDON" token create --role "$role" --regions all --name "$name" "$@" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' >"$DIR/tokens/$region.$role"
  chmod 600 "$DIR/tokens/$region.$role"
}

nodes_init() {
  mkdir -p "$DIR/tokens" "$DIR/logs"
  local index=0 region other j
  for region in "${REGIONS[@]}"; do
    local others=()
    j=0
    for other in "${REGIONS[@]}"; do
      [ "$other" = "$region" ] || others+=(--node "$other=$(url "$j")")
      j=$((j + 1))
    done
    echo "federated: node $region at $(url "$index")" >&2
    CORDON_DATA="$DIR/$region" "$CORDON" init --regions "$region" "${others[@]}" >"$DIR/logs/$region.init" 2>&1
    token "$region" admin admin
    token "$region" dpo dpo
    token "$region" ingest shop
    token "$region" analyst ana --purposes analytics
    token "$region" coordinator coord
    CORDON_DATA="$DIR/$region" "$CORDON" audit pubkey >"$DIR/tokens/$region.pubkey"
    index=$((index + 1))
  done
  echo "federated: coordinator at $(url coord)" >&2
  CORDON_DATA="$DIR/coord" "$CORDON" init --regions none >"$DIR/logs/coord.init" 2>&1
  CORDON_DATA="$DIR/coord" "$CORDON" token create --role analyst --regions all --name ana --purposes analytics --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' >"$DIR/tokens/coord.analyst"
  chmod 600 "$DIR/tokens/coord.analyst"
}

# Runs COMMAND... in the background with no descriptor of ours but 0-2 (pointed at /dev/null
# and the log): a server must not keep a pipe or socket its starter waits on (Foundation's
# Process watches a socket the child inherits, so a test driving this script would wait for
# the servers to exit). Its pid is in $!.
spawn() {  # LOG COMMAND...
  local log="$1"
  shift
  (
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
    done
    exec "$@"
  ) </dev/null >>"$log" 2>&1 &
}

start_coordinator() {
  # It witnesses every node with the coordinator token that node issued: that role reads
  # checkpoints and proofs but may not deliver cosignatures, so they are kept here.
  local args=(coordinator --bind "$(address coord)" --node-timeout 5 --witness-interval "$INTERVAL")
  local environment=("CORDON_DATA=$DIR/coord") index=0 region variable
  [ "$MODE" = netns ] && args+=(--tls-cert "$DIR/tls/coord.pem" --tls-key "$DIR/tls/coord.key")
  for region in "${REGIONS[@]}"; do
    variable="$(echo "$region" | tr '[:lower:]-.' '[:upper:]__')"
    args+=(--node "$region=$(url "$index")" --witness "$region=$(url "$index")=$(cat "$DIR/tokens/$region.pubkey")")
    environment+=("CORDON_NODE_TOKEN_$variable=$(cat "$DIR/tokens/$region.coordinator")")
    environment+=("CORDON_WITNESS_TOKEN_$variable=$(cat "$DIR/tokens/$region.coordinator")")
    index=$((index + 1))
  done
  for region in $(configured_regions); do
    case " ${REGIONS[*]} " in *" $region "*) ;; *) args+=(--node "$region=$(url 0)") ;; esac
  done
  local command=(env "${environment[@]}" "$CORDON" "${args[@]}")
  [ "$MODE" = netns ] && command=(ip netns exec "$P-coord" "${command[@]}")
  spawn "$DIR/logs/coord.log" "${command[@]}"
  echo $! >"$DIR/coord.pid"
  wait_healthy coord "$(url coord)"
}

# The regions of the configuration (regions/*.json but the catalog).
configured_regions() {
  local file
  for file in "$CORDON_CONFIG"/regions/*.json; do
    file="${file##*/}"
    [ "$file" = catalog.json ] || echo "${file%.json}"
  done
}

wait_healthy() {  # NAME URL
  local tries=0
  until curl -fsS --cacert "$DIR/tls/ca.pem" "$2/healthz" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ]; then
      echo "federated: $1 did not answer /healthz in 20 s; its log:" >&2
      tail -5 "$DIR/logs/$1.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

start_node() {  # REGION: start its server (in its namespace), then wait for /healthz
  local region="$1" index=0 j=0 other
  for other in "${REGIONS[@]}"; do [ "$other" = "$region" ] && break; index=$((index + 1)); done
  local args=(serve --bind "$(address "$index")" --public-url "$(url "$index")" --witness-interval "$INTERVAL")
  local environment=("CORDON_DATA=$DIR/$region" "CORDON_CONFIG=$CORDON_CONFIG")
  [ "$MODE" = netns ] && args+=(--tls-cert "$DIR/tls/$region.pem" --tls-key "$DIR/tls/$region.key")
  for other in "${REGIONS[@]}"; do
    if [ "$other" != "$region" ]; then
      args+=(--witness "$other=$(url "$j")=$(cat "$DIR/tokens/$other.pubkey")")
      environment+=("CORDON_WITNESS_TOKEN_$(echo "$other" | tr '[:lower:]-.' '[:upper:]__')=$(cat "$DIR/tokens/$other.dpo")")
    fi
    j=$((j + 1))
  done
  local command=(env "${environment[@]}" "$CORDON" "${args[@]}")
  [ "$MODE" = netns ] && command=(ip netns exec "$P-$region" "${command[@]}")
  # $! is the server itself: the subshell, ip and env each exec the next.
  spawn "$DIR/logs/$region.log" "${command[@]}"
  echo $! >"$DIR/$region.pid"
  wait_healthy "$region" "$(url "$index")"
}

stop_node() {  # REGION: SIGTERM (the server finishes requests in flight and closes the stores)
  local region="$1"
  [ -f "$DIR/$region.pid" ] || return 0
  local pid
  pid="$(cat "$DIR/$region.pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$DIR/$region.pid"
}

up() {
  [ -x "$CORDON" ] || { echo "federated: no cordon binary at $CORDON (make release)" >&2; exit 1; }
  [ ! -e "$DIR/mode" ] || { echo "federated: $DIR is already up; run: $0 down $DIR" >&2; exit 1; }
  if [ "$MODE" = netns ] && ip link show "${P}br0" >/dev/null 2>&1; then
    echo "federated: a topology with prefix $P is up already (bridge ${P}br0); stop it, or set FED_PREFIX" >&2
    exit 1
  fi
  echo "$MODE" >"$DIR/mode"
  printf 'prefix=%s\nregions=%s\nsubnet=%s\n' "$P" "${REGIONS[*]}" "$SUBNET" >"$DIR/topology"
  # A failure half-way takes down what was set up.
  trap 'echo "federated: up failed; taking down what was started" >&2; down >&2' ERR
  if [ "$MODE" = netns ]; then
    mkdir -p "$DIR/tls"
    certificates
    network_up
  else
    mkdir -p "$DIR/tls" && : >"$DIR/tls/ca.pem"
  fi
  nodes_init
  local region
  for region in "${REGIONS[@]}"; do start_node "$region"; done
  start_coordinator
  trap - ERR
  report
}

report() {
  local run="" index=0 region
  [ "$MODE" = netns ] && run="ip netns exec $P-client "
  echo "federated: ${#REGIONS[@]} region nodes and a coordinator up ($MODE)"
  for region in "${REGIONS[@]}"; do
    echo "  $region  $(url "$index")  data $DIR/$region  log $DIR/logs/$region.log"
    index=$((index + 1))
  done
  echo "  coordinator  $(url coord)  data $DIR/coord  log $DIR/logs/coord.log"
  local first="${REGIONS[0]}" via=()
  for region in "${REGIONS[@]:1}"; do via+=("--token $region=\$(cat $DIR/tokens/$region.ingest)"); done
  cat <<EOF

Tokens are per node, in $DIR/tokens (REGION.admin, .dpo, .ingest, .analyst). Try:
  ${run}$CORDON ingest --via $(url 0) --token \$(cat $DIR/tokens/$first.ingest) ${via[*]} FILE.ndjson
  ${run}curl -s -H "Authorization: Bearer \$(cat $DIR/tokens/$first.dpo)" $(url 0)/v1/regions
  ${run}curl -s -H "Authorization: Bearer \$(cat $DIR/tokens/$first.dpo)" $(url 0)/v1/audit/cosignatures
  ${run}curl -s -H "Authorization: Bearer \$(cat $DIR/tokens/coord.analyst)" -H "Content-Type: application/json" -d '{"sql": "SELECT region, COUNT(DISTINCT subject) FROM subjects GROUP BY region", "purpose": "analytics"}' $(url coord)/v1/query
  ${run}curl -s $(url coord)/readyz    # every node, and any node whose trail the coordinator found cut
Each node witnesses the others every ${INTERVAL}s (/readyz and /metrics report a cut or forked trail).
Stop with: $0 down $DIR
EOF
}

status() {
  local index=0 region
  for region in "${REGIONS[@]}"; do
    printf '%s %s ' "$region" "$(url "$index")"
    in_ns client curl -s -o /dev/null -w '%{http_code}\n' "$(url "$index")/readyz" || echo unreachable
    index=$((index + 1))
  done
  printf 'coordinator %s ' "$(url coord)"
  in_ns client curl -s -o /dev/null -w '%{http_code}\n' "$(url coord)/readyz" || echo unreachable
}

down() {
  local region environ pid
  for region in coord "${REGIONS[@]}"; do stop_node "$region"; done
  # Whatever still runs on DIR's data: a start cut short before its pid file was written.
  for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"
    pid="${pid%/environ}"
    [ "$pid" != $$ ] || continue
    if tr '\0' '\n' 2>/dev/null <"$environ" | grep -q "^CORDON_DATA=$DIR/"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  if [ "$MODE" = netns ]; then
    for region in "${REGIONS[@]}" coord client; do
      ip netns del "$P-$region" 2>/dev/null || true
      rm -rf "/etc/netns/$P-$region"
    done
    ip link del "${P}br0" 2>/dev/null || true
  fi
  rm -f "$DIR/mode" "$DIR/topology"
  echo "federated: down (data kept in $DIR)"
}

case "$ACTION" in
  up) up ;;
  status) status ;;
  down) down ;;
  stop) stop_node "$NODE" ;;
  start) if [ "$NODE" = coord ]; then start_coordinator; else start_node "$NODE"; fi ;;
  *) usage ;;
esac
