#!/usr/bin/env bash
# Fuzz topoc for a bounded time per target, failing on any crash, hang or out-of-memory.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target: the first argument, else $FUZZ_SECONDS, else 60. Targets (default all):
# load_yaml, load_toml, pipeline, emit_roundtrip (fuzz/fuzz_targets/). Installs cargo-fuzz 0.13.2
# when missing.
# The toolchain is stable, so RUSTC_BOOTSTRAP=1 unlocks the -Z flags cargo-fuzz needs.
#
# Seeds come from fuzz/corpus/<target>/ and are only read: what a run discovers goes to a
# scratch directory, so the committed corpus stays small. With FUZZ_GROW=1 (a campaign, see
# docs/fuzzing.md) discoveries are written into fuzz/corpus/<target>/ instead, minimized with
# `cargo fuzz cmin` before they are committed. A crashing input is saved under
# fuzz/artifacts/<target>/; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>
# and minimize it with `cargo fuzz tmin <target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-${FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(load_yaml load_toml pipeline emit_roundtrip)
case $seconds in '' | *[!0-9]*)
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
  ;;
esac

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz 0.13.2" >&2
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

cargo fuzz build # once, before the clock starts for any target
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
for target in "${targets[@]}"; do
  scratch="$logs/corpus-$target"
  mkdir -p "$scratch"
  echo "== fuzzing $target for ${seconds}s" >&2
  status=0
  dirs=("$scratch" "fuzz/corpus/$target")
  [ "${FUZZ_GROW:-0}" = 1 ] && dirs=("fuzz/corpus/$target")
  cargo fuzz run "$target" "${dirs[@]}" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$logs/$target.log" 2>&1 || status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logs/$target.log" | grep -o '[0-9]*$' | tail -1 || true)
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$logs/$target.log" >&2
    echo "== $target: FAILED (exit $status) after ${execs:-?} executions; see fuzz/artifacts/$target/" >&2
    failed+=("$target")
  else
    echo "== $target: ${execs:-?} executions in ${seconds}s, no crash" >&2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]}" >&2
  exit 1
fi
