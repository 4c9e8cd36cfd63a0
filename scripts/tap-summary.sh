#!/bin/bash
# tap-summary.sh LOG STATUS: the one summary line "N passed, N failed,
# N skipped" from tap's output in LOG; a non-zero STATUS (tap's exit status)
# with no failed test counts as one failure. Skipped and todo tests are not
# failures.
set -uo pipefail
log=$1
status=${2:-0}
summary=$(grep -E '^# \{ total: [0-9]+' "$log" | tail -1)
pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary")
fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
skip=$(sed -nE 's/.*skip: ([0-9]+).*/\1/p' <<<"$summary")
todo=$(sed -nE 's/.*todo: ([0-9]+).*/\1/p' <<<"$summary")
pass=${pass:-0}
fail=${fail:-0}
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
echo "${pass} passed, ${fail} failed, $(( ${skip:-0} + ${todo:-0} )) skipped"
