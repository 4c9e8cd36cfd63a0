#!/bin/bash
# `run --rm echo` through containerd, podman and Docker, with tsrun and with
# runc as the engines' runtime, timed by the end-to-end script's own bench
# mode (its medians are printed as they come).
# usage: bench-engines.sh PATH/TO/engines.sh
set -uo pipefail
cd "$(dirname "$0")/.."
e2e=${1:?usage: bench-engines.sh PATH/TO/engines.sh}
runs=${E2E_BENCH:-10}
for runtime in "$PWD/bin/tsrun" "$(command -v runc)"; do
  E2E_BENCH=$runs bash "$e2e" "$runtime" all 2>&1 | grep '^# bench' | sed "s|^# bench|$(basename "$runtime"):|"
done
