#!/bin/bash
# Start-up cost of the commands engines call most, tsrun beside runc,
# measured in one run with hyperfine. Prints medians in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-30}
TSRUN=${TSRUN:-$PWD/bin/tsrun}
RUNC=${RUNC:-$(command -v runc)}
work=$(mktemp -d)
cleanup() {
  for id in bench-state bench-exec; do "$TSRUN" --root "$work/tsrun-root" delete -f $id >/dev/null 2>&1 || true; done
  for id in bench-state-runc bench-exec-runc; do "$RUNC" --root "$work/runc-root" delete -f $id >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

bash bundles/make-rootfs.sh "$work/bundle/rootfs" >/dev/null
node -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync("bundles/demo/config.json", "utf8"));
c.ociVersion = "1.0.2-dev";  // runc 1.1 predates 1.3.0
c.process.args = ["/bin/true"];
fs.writeFileSync(process.argv[1], JSON.stringify(c));
' "$work/bundle/config.json"

# Distinct ids: both runtimes default to the cgroup /<id>.
"$TSRUN" --root "$work/tsrun-root" create -b "$work/bundle" bench-state
"$RUNC" --root "$work/runc-root" create -b "$work/bundle" bench-state-runc
# A running container to exec into (its process sleeps).
node -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
c.process.args = ["sleep", "3600"];
c.root.path = require("path").dirname(process.argv[1]) + "/rootfs";
fs.mkdirSync(process.argv[2], { recursive: true });
fs.writeFileSync(process.argv[2] + "/config.json", JSON.stringify(c));
' "$work/bundle/config.json" "$work/sleeper"
"$TSRUN" --root "$work/tsrun-root" run -d -b "$work/sleeper" bench-exec
"$RUNC" --root "$work/runc-root" run -d -b "$work/sleeper" bench-exec-runc

median() { node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1])).results[0]; const t=[...r.times].sort((a,b)=>a-b); console.log((t[Math.floor(t.length/2)]*1000).toFixed(1))' "$1"; }

bench() { # name command
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/$1.json" "$2" >/dev/null 2>&1
  median "$work/$1.json"
}

printf '%-28s %10s %10s %8s\n' benchmark 'tsrun ms' 'runc ms' ratio
row() { # key label tsrun-cmd runc-cmd
  local a b
  a=$(bench "tsrun-$1" "$3")
  b=$(bench "runc-$1" "$4")
  printf '%-28s %10s %10s %8s\n' "$2" "$a" "$b" "$(node -e "console.log(($a/$b).toFixed(2))")"
}
row state 'state (median)' "$TSRUN --root $work/tsrun-root state bench-state" "$RUNC --root $work/runc-root state bench-state-runc"
row exec 'exec /bin/true (median)' "$TSRUN --root $work/tsrun-root exec bench-exec /bin/true" "$RUNC --root $work/runc-root exec bench-exec-runc /bin/true"
row run 'run /bin/true (median)' "$TSRUN --root $work/tsrun-root run -b $work/bundle bench-run" "$RUNC --root $work/runc-root run -b $work/bundle bench-run-runc"
echo "budget: state <= 30 ms, run <= 60 ms (tsrun medians)"
pid=$("$TSRUN" --root "$work/tsrun-root" state bench-state | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).pid))')
rpid=$("$RUNC" --root "$work/runc-root" state bench-state-runc | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).pid))')
printf '%-28s %10s %10s\n' 'created container RSS (kB)' "$(awk '/VmRSS/{print $2}' /proc/$pid/status)" "$(awk '/VmRSS/{print $2}' /proc/$rpid/status)"
