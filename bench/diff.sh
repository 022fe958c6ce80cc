#!/usr/bin/env bash
# The cost of `topoc diff` against `topoc check` on the tenants workload (docs/benchmarks.md,
# "topoc diff"): N projects (4N+2 services) against two edits of it: one more project (a small
# change), and `defaults: egress: true` (every project network gets egress: a change of every
# class). Prints the median wall and CPU (user + system) times of RUNS runs of each command and
# the ratios to `check` of the same spec.
# Usage: N=5000 RUNS=7 bench/diff.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-5000}
RUNS=${RUNS:-7}
cargo build --release -q -p topoc-cli -p topoc-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/topoc-gen tenants "$N" > "$work/old.yaml"
target/release/topoc-gen tenants "$((N + 1))" > "$work/small.yaml"
sed '0,/egress: false/s//egress: true/' "$work/old.yaml" > "$work/large.yaml"
# Write the locks first, so no timed run writes one.
for s in old small large; do target/release/topoc check "$work/$s.yaml" --fail-on never > /dev/null 2>&1 || true; done
python3 - "$work" "$RUNS" <<'PY'
import resource, statistics, subprocess, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
def median(cmd):
    """Median wall time and median CPU time (user + system) of `runs` runs, after a warm-up."""
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)
topoc = "target/release/topoc"
print("| command | wall | / check | CPU | / check |\n|---|---:|---:|---:|---:|")
for edit in ["small", "large"]:
    cw, cc = median([topoc, "check", f"{work}/{edit}.yaml", "--fail-on", "never"])
    print(f"| topoc check ({edit} edit) | {cw*1000:.0f} ms | | {cc*1000:.0f} ms | |", flush=True)
    for fmt in ["human", "markdown", "json"]:
        w, c = median([topoc, "diff", f"{work}/old.yaml", f"{work}/{edit}.yaml", "--fail-on", "never", "--format", fmt])
        print(f"| topoc diff --format {fmt} ({edit} edit) | {w*1000:.0f} ms | {w/cw:.2f}x | {c*1000:.0f} ms | {c/cc:.2f}x |", flush=True)
PY
