#!/usr/bin/env bash
# Runs the opencontainers runtime-tools validation suite against a runtime and
# prints one row per test executable, then a final line "N passed, N failed".
#
#   RUNTIME_TOOLS=/path/to/runtime-tools [RUNTIME=bin/tsrun] conformance/runtime-tools.sh [test ...]
#
# RUNTIME_TOOLS is a checkout of github.com/opencontainers/runtime-tools where
# `make runtimetest validation-executables` has already been run (this script
# never builds it). RUNTIME is the runtime binary (default <repo>/bin/tsrun);
# TEST_TIMEOUT the seconds each test executable may take (default 120). Tests
# are named like their directory (default, linux_cgroups_pids, ...); without
# arguments every validation/*/*.t runs. LOG_DIR keeps each test's TAP output
# and stderr (default: a new /tmp/runtime-tools-logs.XXXXXX).
#
# The columns count TAP assertions; the final line counts test executables.
# Only unindented lines are TAP here: the suite's YAML diagnostics (which
# stock `prove` trips over) are skipped, except that an `"error":` key in them
# is noted. `not ok ... # TODO` is not a failure. An executable
#   passes  when it exits 0 within the timeout, ran every planned assertion
#           and none failed;
#   skips   when every assertion it ran is a SKIP (counted as neither);
#   fails   otherwise: a crash or non-zero exit, a timeout, a missing plan.
# Two conventions of the suite are read as it means them: the *_fail tests
# print nothing at all when the runtime rightly refuses their config
# (process_rlimits_fail.go calls Fatal only if create succeeds), and the
# lifecycle hook tests (prestart.go, poststop.go, ...) assert nothing and only
# print an "error" diagnostic under an empty plan (1..0) when they fail. So
# no output with exit 0 passes (NO-TAP-OK), and a plan of 0 passes without an
# error diagnostic (NO-ASSERT-OK) and fails with one (ERROR-DIAG).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
  echo "runtime-tools.sh: $*" >&2
  exit 2
}

[[ $(id -u) == 0 ]] || die "must run as root"
[[ -n ${RUNTIME_TOOLS:-} ]] || die "set RUNTIME_TOOLS to a built runtime-tools checkout"
tools=$(cd "$RUNTIME_TOOLS" && pwd) || die "RUNTIME_TOOLS=$RUNTIME_TOOLS: no such directory"
[[ -x $tools/runtimetest ]] || die "$tools/runtimetest missing: run 'make runtimetest validation-executables' there"

runtime=${RUNTIME:-$repo/bin/tsrun}
if [[ $runtime != */* ]]; then
  runtime=$(command -v "$runtime") || die "RUNTIME=${RUNTIME}: not found in PATH"
fi
runtime=$(realpath -e "$runtime") || die "RUNTIME=${RUNTIME:-}: no such file"
[[ -x $runtime ]] || die "$runtime is not executable"
timeout_s=${TEST_TIMEOUT:-120}

tests=()
if (($# > 0)); then
  for name in "$@"; do
    t=$tools/validation/$name/$name.t
    [[ -x $t ]] || die "$t: no such test executable"
    tests+=("$t")
  done
else
  for t in "$tools"/validation/*/*.t; do
    [[ -x $t ]] && tests+=("$t")
  done
fi
((${#tests[@]} > 0)) || die "no validation/*/*.t under $tools: run 'make runtimetest validation-executables' there"

# Every bundle and temp dir a test makes lands in this private TMPDIR, so what
# the suite leaves behind can be told from everybody else's containers.
scratch=$(mktemp -d /tmp/runtime-tools-run.XXXXXX)
chmod 755 "$scratch" # like /tmp: a container root mapped to another uid still gets through
logs=${LOG_DIR:-$(mktemp -d /tmp/runtime-tools-logs.XXXXXX)}
mkdir -p "$logs"

# Containers whose bundle lies in the scratch dir, from the runtime's own list.
suite_containers() {
  "$runtime" list --format json 2>/dev/null |
    python3 -c '
import json, sys
prefix = sys.argv[1] + "/"
for c in json.load(sys.stdin) or []:
    if (c.get("bundle") or "").startswith(prefix):
        print(c["id"])
' "$scratch" 2>/dev/null || true
}

# The suite's cgroups: /cgrouptest and testdir/cgrouptest/container in any
# hierarchy. rmdir removes only empty cgroups; a testdir goes only together
# with the cgrouptest in it.
remove_suite_cgroups() {
  local dir sub
  while IFS= read -r dir; do
    for sub in "$dir/container" "$dir"; do
      if [[ -d $sub ]]; then rmdir "$sub" 2>/dev/null || true; fi
    done
    if [[ ! -d $dir && $(basename "$(dirname "$dir")") == testdir ]]; then
      rmdir "$(dirname "$dir")" 2>/dev/null || true
    fi
  done < <(find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name cgrouptest 2>/dev/null)
}

# A test whose container shares the host's mount namespace leaves proc, sysfs,
# tmpfs ... mounted in its bundle; they go first (deepest first, detached), so
# that removing the bundle never walks into a host filesystem.
unmount_scratch() {
  local target
  while IFS= read -r target; do
    umount -l "$target" 2>/dev/null || true
  done < <(awk -v dir="$scratch/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

cleanup_after_test() {
  local id
  while IFS= read -r id; do
    if [[ -n $id ]]; then "$runtime" delete --force "$id" >/dev/null 2>&1 || true; fi
  done < <(suite_containers)
  remove_suite_cgroups
  unmount_scratch
  find "$scratch" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} + 2>/dev/null || true
}

on_exit() {
  cleanup_after_test
  rm -rf --one-file-system "$scratch"
}
trap on_exit EXIT

# Reads one test's TAP and prints "passed failed skipped todo planned run bailed error_diag".
count_tap() {
  awk '
    /^Bail out!/ { bailed = 1 }
    /^[ \t]+"error": *"./ { error_diag = 1 }
    # linux_cgroups_cpus prints two TAP documents, one after the other: their plans add up.
    /^1\.\.[0-9]+/ { planned += substr($1, 4) + 0; has_plan = 1 }
    /^(not )?ok([ \t]|$)/ {
      run++
      line = tolower($0)
      fail = ($1 == "not")
      if (line ~ /#[ \t]*skip/) skipped++
      else if (line ~ /#[ \t]*todo/) todo++
      else if (fail) failed++
      else passed++
    }
    END {
      if (!has_plan) planned = -1
      printf "%d %d %d %d %d %d %d %d\n", passed, failed, skipped, todo, planned, run, bailed, error_diag
    }' "$1"
}

printf 'runtime-tools validation (%s) against %s\n' "$(git -C "$tools" describe --always --tags 2>/dev/null || echo "?")" "$runtime"
printf 'columns count TAP assertions; the last line counts test executables\n\n'
printf '%-40s %6s %6s %7s  %s\n' test passed failed skipped status

files_passed=0
files_failed=0
files_skipped=0
for t in "${tests[@]}"; do
  name=$(basename "$t" .t)
  out=$logs/$name.tap
  err=$logs/$name.stderr
  rc=0
  # In a copy of the host's mount namespace: a runtime that mounts in its own
  # namespace (linux_ns_itype; runc 1.1.5 also makes every shared mount of
  # it private) changes only the copy, which goes with the test's processes.
  (cd "$tools" && TMPDIR=$scratch RUNTIME=$runtime unshare --mount --propagation unchanged \
    timeout -k 10 "$timeout_s" "$t") >"$out" 2>"$err" </dev/null || rc=$?
  cleanup_after_test
  read -r passed failed skipped todo planned run bailed error_diag < <(count_tap "$out")
  status=PASS
  if ((rc == 124 || rc == 137)); then
    status=TIMEOUT
  elif ((rc == 0)) && [[ ! -s $out ]]; then
    status=NO-TAP-OK
  elif ((bailed)); then
    status=BAILED
  elif ((planned < 0)); then
    status=NO-PLAN
  elif ((run != planned)); then
    status="RAN-$run/$planned"
  elif ((failed > 0)); then
    status=FAIL
  elif ((rc != 0)); then
    status="EXIT-$rc"
  elif ((run == 0 && error_diag)); then
    status=ERROR-DIAG
  elif ((run == 0)); then
    status=NO-ASSERT-OK
  elif ((passed == 0 && todo == 0)); then
    status=SKIP
  fi
  case $status in
    PASS | NO-TAP-OK | NO-ASSERT-OK) files_passed=$((files_passed + 1)) ;;
    SKIP) files_skipped=$((files_skipped + 1)) ;;
    *) files_failed=$((files_failed + 1)) ;;
  esac
  ((todo > 0)) && status="$status (todo $todo)"
  printf '%-40s %6d %6d %7d  %s\n' "$name" "$passed" "$failed" "$skipped" "$status"
done

printf '\nlogs: %s; skipped entirely: %d\n' "$logs" "$files_skipped"
printf '%d passed, %d failed\n' "$files_passed" "$files_failed"
((files_failed == 0))
