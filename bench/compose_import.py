#!/usr/bin/env python3
"""The `topoc import` benchmark (docs/benchmarks.md, "Importing a compose file").

Writes a compose file of TENANTS x 20 services (default 1,000 tenants: 20,000 services), each
tenant on its own network with a pinned subnet: a web front end publishing one port on
loopback, 18 identical workers that differ by their index, and a database with a volume. Then
runs `topoc import` on it RUNS times (release build) under /usr/bin/time and prints the wall
time and peak RSS of each run.

    python3 bench/compose_import.py [--tenants N] [--runs R] [--topoc target/release/topoc]
"""
import argparse
import os
import re
import subprocess
import tempfile


def compose(tenants: int) -> str:
    out = ["services:"]
    for t in range(1, tenants + 1):
        net = f"t{t}"
        out += [
            f"  t{t}-web:",
            "    image: registry.example.org/shop/web:2.0.1",
            f"    ports: [\"127.0.0.1:{20000 + t}:8080\"]",
            f"    environment: {{TENANT: \"{t}\", DB_HOST: t{t}-db}}",
            f"    networks: [{net}, edge]",
        ]
        for w in range(1, 19):
            out += [
                f"  t{t}-worker-{w}:",
                "    image: registry.example.org/shop/worker:2.0.1",
                f"    hostname: t{t}-worker-{w}",
                f"    environment: {{SLOT: \"{w}\"}}",
                f"    networks: [{net}]",
            ]
        out += [
            f"  t{t}-db:",
            "    image: postgres:16.3",
            f"    volumes: [\"t{t}-data:/var/lib/postgresql/data\"]",
            f"    networks: [{net}]",
        ]
    out.append("networks:")
    out.append("  edge: {}")
    for t in range(1, tenants + 1):
        out += [f"  t{t}:", "    internal: true", "    ipam:", "      config:",
                f"        - subnet: 10.{t // 256}.{t % 256}.0/24"]
    out.append("volumes:")
    out += [f"  t{t}-data: {{}}" for t in range(1, tenants + 1)]
    return "\n".join(out) + "\n"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--tenants", type=int, default=1000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--topoc", default="target/release/topoc")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "compose.yaml")
        with open(src, "w") as f:
            f.write(compose(a.tenants))
        print(f"{a.tenants * 20} services, {os.path.getsize(src)} bytes")
        for i in range(a.runs):
            spec = os.path.join(d, f"spec{i}.yaml")
            r = subprocess.run(["/usr/bin/time", "-v", a.topoc, "import", src, "-p", "bench", "-o", spec],
                               capture_output=True, text=True)
            wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", r.stderr).group(1)
            rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
            ok = "ok" if r.returncode == 0 else f"exit {r.returncode}"
            print(f"run {i + 1}: wall {wall}, peak RSS {rss / 1024:.0f} MB, {ok}, spec {os.path.getsize(spec) if os.path.exists(spec) else 0} bytes")


if __name__ == "__main__":
    main()
