#!/usr/bin/env bash
# Proves the README's two set-up commands work on a fresh machine from a fresh clone: a Debian
# bookworm root made with debootstrap and `docker import` (no registry), holding only what the
# README lists as prerequisites, gets a `git clone` of this repository's HEAD and runs
#   1. the main job on a shipped example:  cargo run -q -- build examples/showcase/topology.yaml ...
#   2. the test command:                   bash scripts/test.sh
# The Rust toolchain cannot be downloaded here, so the machine's is mounted read-only, and so is
# its Docker CLI (the README's Docker prerequisite; `docker stack config` judges stack files
# offline). The machine reaches its registries through a TLS-intercepting proxy, so the container
# also gets the machine's CA bundle and the variables that point tools at it (as a fresh machine
# of this kind has them). The container has no Docker engine: the live part of the suite says SKIPPED there (it runs on real
# engines in scripts/engine-lab.sh); everything else runs.
#
#   scripts/fresh-clone-check.sh            (needs root, Docker, debootstrap; installs debootstrap)
#
# The image is cached as topoc-fresh:bookworm-<hash of the package list>; set FRESH_REBUILD=1 to
# make it again. The container and its clone are removed at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# What the README says a machine needs besides the Rust toolchain (keep the two lists equal).
prerequisites=(ca-certificates git gcc libc6-dev python3)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
tag="topoc-fresh:bookworm-$(printf '%s\n' "${prerequisites[@]}" "$mirror" | sha256sum | cut -c1-12)"

toolchain=$(rustc --print sysroot)
[ -x "$toolchain/bin/cargo" ] || { echo "no cargo in the toolchain at $toolchain" >&2; exit 2; }
docker_cli=$(command -v docker) || { echo "no docker CLI on PATH" >&2; exit 2; }
docker_cli=$(readlink -f "$docker_cli")

if [ -n "${FRESH_REBUILD:-}" ] || ! docker image inspect "$tag" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  root=$(mktemp -d /tmp/topoc-fresh-root.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "fresh-clone-check: debootstrap bookworm with ${prerequisites[*]}" >&2
  include=$(IFS=,; echo "${prerequisites[*]}")
  debootstrap --variant=minbase --include="$include" bookworm "$root" "$mirror" >/dev/null
  tar -C "$root" -c . | docker import - "$tag" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# The machine's trust settings: its CA bundle and every *_CA_* / *CERT* variable that names it.
trust=()
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  trust+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
fi
while IFS='=' read -r var _; do
  trust+=(-e "$var")
done < <(env | grep -E '^(SSL_CERT_FILE|SSL_CERT_DIR|PIP_CERT|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|GIT_SSL_CAINFO|CARGO_HTTP_CAINFO)=' || true)

name="topoc-fresh-$$"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

# Everything but the toolchain is the container's own: a clone in /work, a fresh CARGO_HOME.
script='set -euo pipefail
git config --global --add safe.directory /src/.git
git clone -q /src /work/topoc
cd /work/topoc
echo "== README command 1: the main job on a shipped example"
start=$(date +%s)
cargo run -q -- build examples/showcase/topology.yaml --out /tmp/compose.yaml
test -s /tmp/compose.yaml
echo "   built /tmp/compose.yaml ($(wc -l </tmp/compose.yaml) lines) in $(( $(date +%s) - start )) s (cold build)"
echo "== README command 2: the test suite (no Docker engine here: the live part says SKIPPED;"
echo "   it runs on real engines in scripts/engine-lab.sh)"
start=$(date +%s)
bash scripts/test.sh
echo "   test suite passed in $(( $(date +%s) - start )) s"'

echo "fresh-clone-check: running both README commands in $tag" >&2
docker run --name "$name" --rm \
  -v "$repo:/src:ro" \
  -v "$toolchain:/opt/rust:ro" \
  -v "$docker_cli:/usr/local/bin/docker:ro" \
  -e PATH=/opt/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  -e CARGO_HOME=/root/.cargo \
  -e HOME=/root \
  "${trust[@]}" \
  -w / \
  "$tag" bash -c "$script"
echo "fresh-clone-check: both README commands passed in a fresh clone on a fresh bookworm root" >&2
