#!/usr/bin/env bash
# Two topoc binaries give the same bytes: for a performance change, run the binary before and
# after on the examples and on generated workloads, and compare what `check --format json`,
# `build` (compose and swarm) and `import` of the emitted compose file write.
# usage: bench/same-output.sh OLD_TOPOC NEW_TOPOC [N]     (N: workload size, default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "$1")
NEW=$(realpath "$2")
N=${3:-500}
GEN="$PWD/target/release/topoc-gen"
[ -x "$GEN" ] || cargo build --release --locked -q -p topoc-bench
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
specs=()
for f in examples/*/topology.yaml examples/*/topology.toml examples/*/topology.as-written.yaml; do
  [ -f "$f" ] && specs+=("$f")
done
for w in tenants tenants-flat tenants-relay tenants-relay-flat; do
  "$GEN" "$w" "$N" >"$W/$w.yaml"
  specs+=("$W/$w.yaml")
done
"$GEN" swarm 4 50 >"$W/swarm.yaml"
specs+=("$W/swarm.yaml")
failed=0
for spec in "${specs[@]}"; do
  for side in old new; do
    bin=$OLD; [ $side = new ] && bin=$NEW
    # Both sides run in the same folder, so that paths in the output are the same.
    d="$W/run"
    rm -rf "$d"
    mkdir -p "$d"
    cp "$spec" "$d/spec.${spec##*.}"
    lock="${spec%.*}.lock"
    [ -f "$lock" ] && cp "$lock" "$d/spec.lock"
    s="$d/spec.${spec##*.}"
    "$bin" check "$s" --format json --color never >"$d/check.json" 2>/dev/null || true
    "$bin" build "$s" --out "$d/compose.yaml" --force --color never >/dev/null 2>&1 || true
    "$bin" build "$s" --target swarm --allow-drop static-address,gateway --out "$d/stack.yaml" --force --color never >/dev/null 2>&1 || true
    if [ -f "$d/compose.yaml" ]; then
      "$bin" import "$d/compose.yaml" --out "$d/imported.yaml" --lossy --force --color never >/dev/null 2>&1 || true
      "$bin" check "$d/compose.yaml" --format json --color never >"$d/check-compose.json" 2>/dev/null || true
    fi
    name=$(echo "$spec" | tr / _)
    mkdir -p "$W/$side"
    mv "$d" "$W/$side/$name"
  done
  if ! diff -r "$W/old/$name" "$W/new/$name" >"$W/diff.txt"; then
    echo "DIFFERENT: $spec" >&2
    head -20 "$W/diff.txt" >&2
    failed=1
  else
    echo "same: $spec ($(ls "$W/new/$name" | wc -l) files)"
  fi
done
exit $failed
