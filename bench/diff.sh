#!/usr/bin/env bash
# The cost of `topoc diff` against `topoc check` on the tenants workload (docs/benchmarks.md,
# "topoc diff"): N projects (4N+2 services) against two edits of it: one more project (a small
# change), and `defaults: egress: true` (every project network gets egress: a change of every
# class). Prints the median wall time of RUNS runs of each command and the ratios.
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
import statistics, subprocess, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
def median(cmd):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)
topoc = "target/release/topoc"
rows = []
for edit in ["small", "large"]:
    check = median([topoc, "check", f"{work}/{edit}.yaml", "--fail-on", "never"])
    rows.append((f"topoc check ({edit} edit)", check, None))
    for fmt in ["human", "markdown", "json"]:
        t = median([topoc, "diff", f"{work}/old.yaml", f"{work}/{edit}.yaml", "--fail-on", "never", "--format", fmt])
        rows.append((f"topoc diff --format {fmt} ({edit} edit)", t, t / check))
print("| command | median | / check |\n|---|---:|---:|")
for name, t, ratio in rows:
    print(f"| {name} | {t*1000:.0f} ms | {'' if ratio is None else f'{ratio:.2f}x'} |")
PY
