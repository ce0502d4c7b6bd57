#!/usr/bin/env bash
# make demo: Cordon's HTTP API on its embedded default — ./cordon-demo with the shipped
# policies, generated shop data for every region (loaded once), one token per role (new
# each run; the previous run's demo tokens are revoked), and copy-paste curl examples.
# Ctrl-C stops the server cleanly; running again reuses the data.
set -euo pipefail
cordon=${1:-.build/release/cordon}
data=${CORDON_DEMO_DATA:-./cordon-demo}
bind=${CORDON_DEMO_BIND:-127.0.0.1:8080}
exec "$cordon" demo --data "$data" --bind "$bind"
