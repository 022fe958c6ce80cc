#!/usr/bin/env bash
# Entry of the pre-commit hooks in .pre-commit-hooks.yaml: `pre-commit-topoc.sh COMMAND [FLAG...] FILE...`
# runs `topoc COMMAND FLAG... FILE` once per file (topoc reads one spec per run) and exits 1 if
# any run found errors, 2 if any could not run.
#
# pre-commit's `language: rust` cannot install topoc: it runs `cargo install --path .` at the
# repository root, which is a virtual workspace. So this script builds topoc from the hook's
# clone (the revision your `rev:` pins) on first use, into the clone's own target/ directory,
# and cargo's up-to-date check makes later runs start at once. It needs cargo (Rust 1.89 or
# newer) on PATH. Flags that take a value must be written `--flag=value` (`--target=swarm`):
# any other argument is a file.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 COMMAND [FLAG...] FILE..." >&2
  exit 2
fi
command=$1
shift

flags=()
files=()
for arg in "$@"; do
  case $arg in
    -*) flags+=("$arg") ;;
    *) files+=("$arg") ;;
  esac
done
[ ${#files[@]} -eq 0 ] && exit 0

repo=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="$repo/target"
if ! command -v cargo >/dev/null; then
  echo "topoc's pre-commit hook builds topoc with cargo: install Rust 1.89 or newer (https://rustup.rs)" >&2
  exit 2
fi
# Concurrent hook processes wait on cargo's lock on the target directory.
cargo build --quiet --locked --release --manifest-path "$repo/Cargo.toml" -p topoc-cli --bin topoc
topoc="$CARGO_TARGET_DIR/release/topoc"

status=0
for file in "${files[@]}"; do
  code=0
  "$topoc" "$command" ${flags[@]+"${flags[@]}"} "$file" || code=$?
  if [ "$code" -gt "$status" ]; then status=$code; fi
done
exit "$status"
