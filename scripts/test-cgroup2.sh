#!/bin/bash
# `make test-cgroup2`: the cgroup, lifecycle, exec and systemd driver tests
# on a pure cgroup v2 host with systemd as PID 1. bin/tsrun, built on this host, runs inside a VM
# (../shared/vm/run-in-vm.sh) that shares this repository at the same path;
# tap runs there with the host's node. Ends with the summary line
# "N passed, N failed, N skipped" and tap's exit status.
#
#   CGROUP2_TESTS="a.test.ts b.test.ts"   run these files instead
#   CONFORMANCE_TIME_SCALE=8              timeouts x8 (the VM is emulated)
#   VM_TIMEOUT=5400                       seconds before the VM is killed
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
vm=${VM_SCRIPT:-$repo/../shared/vm/run-in-vm.sh}
[ -f "$vm" ] || { echo "test-cgroup2: $vm not found (it comes with ../shared)"; exit 1; }

files=(
  test/unit/cgroup-v2-live.test.ts   # the v2 code paths on the VM's real cgroup2 root
  conformance/cgroups.test.ts
  conformance/update.test.ts
  conformance/events.test.ts
  conformance/lifecycle.test.ts
  conformance/exec.test.ts
  conformance/process.test.ts
  conformance/spec-config-linux.test.ts  # v2 ownership, unified keys, v1-to-v2 conversion
  conformance/systemd.test.ts       # the systemd cgroup driver (skips without systemd)
)
[ -n "${CGROUP2_TESTS:-}" ] && read -ra files <<<"$CGROUP2_TESTS"

scale=${CONFORMANCE_TIME_SCALE:-4}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# In the VM, bin/tsrun runs from a copy on the VM's own disk: executed from
# the 9p share, every start reads all of its 110 MB again (13 s instead of
# 0.4 s under emulation). The addon goes beside it, where bin/tsrun looks.
inner='set -e
cd "$0"
mkdir -p /opt/tsrun/bin /opt/tsrun/addon/build/Release
cp bin/tsrun /opt/tsrun/bin/tsrun
cp addon/build/Release/tsrun_native.node /opt/tsrun/addon/build/Release/
export RUNTIME=/opt/tsrun/bin/tsrun
exec node_modules/.bin/tap --timeout=3600 "$@"'
# The command runs as an argv in the VM: the file list goes in as arguments.
VM_TIMEOUT=${VM_TIMEOUT:-5400} bash "$vm" --share "$repo" -- \
  env CONFORMANCE_TIME_SCALE="$scale" bash -c "$inner" "$repo" "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "test-cgroup2: $(( $(date +%s) - start )) s in the VM"
bash scripts/tap-summary.sh "$log" "$status"
exit "$status"
