#!/bin/bash
# Runs every test suite (unit, then the conformance suite against bin/tsrun)
# and ends with one summary line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

export RUNTIME=${RUNTIME:-$PWD/bin/tsrun}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

node_modules/.bin/tap test/unit conformance 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

bash scripts/tap-summary.sh "$log" "$status"
exit "$status"
