#!/usr/bin/env bash
# `make bench`: every benchmark script in this folder, in one run. The argument (the
# release cordon binary) is for benchmarks of the product; the store bench builds its own.
set -euo pipefail
cd "$(dirname "$0")"
./store.sh
