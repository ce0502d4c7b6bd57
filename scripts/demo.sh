#!/usr/bin/env bash
# make demo: run Cordon on its embedded default — a data directory in ./cordon-demo with the
# shipped policies. Re-running reuses the directory (init never overwrites anything).
set -euo pipefail
cordon=${1:-.build/release/cordon}
data=${CORDON_DEMO_DATA:-./cordon-demo}
export CORDON_DATA="$data"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cordon init --data $data"
"$cordon" init

step "cordon policy lint  (every policy, region and the catalog)"
"$cordon" policy lint

for region in eu uk us cn br; do
  step "cordon policy show $region"
  "$cordon" policy show "$region"
done

step "cordon region of DE / GB / US / CN / BR / NO"
for country in DE GB US CN BR NO; do
  printf '%s -> %s\n' "$country" "$("$cordon" region of "$country")"
done

step "cordon keys status"
"$cordon" keys status

printf '\nData directory: %s   (try: %s --help)\n' "$data" "$cordon"
