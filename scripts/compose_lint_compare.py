#!/usr/bin/env python3
"""Run topoc and compose-lint on every case of tests/compose-corpus/ and print, per case, what
each reports, rule by rule with its locations: the data of docs/compose-lint.md.

    python3 scripts/compose_lint_compare.py [--topoc target/debug/topoc] [--compose-lint .venv/bin/compose-lint]

topoc runs as `topoc check FILE [args] --format json` (default lints, as a user gets them);
compose-lint as `compose-lint check FILE [-f overrides] --format json --no-env`.
"""
import argparse
import collections
import json
import os
import subprocess

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def run(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        return {"error": (r.stderr or r.stdout).strip().splitlines()[-1:] }


# compose-lint rule -> the topoc code that reports the same thing (None: topoc has no default
# lint for it). CL-0001 is split by what it names: the socket, or a host folder holding it.
SAME = {
    "CL-0005": "port-all-interfaces", "CL-0020": "secret-in-environment", "CL-0002": "privileged",
    "CL-0008": "escape-hatch", "CL-0011": "dangerous-capability", "CL-0013": "sensitive-mount",
}
# What a finding is worth on these files, by kind.
VERDICT = {
    "port-all-interfaces": "true: open on every host interface, past the host firewall (intended for a public front end)",
    "secret-in-environment": "true: a literal credential in the file",
    "docker-socket": "true: control of the container is control of the host",
    "sensitive-mount": "true: a host folder holding the runtime's sockets or kernel state",
    "privileged": "true",
    "dangerous-capability": "true (intended for routers, VPNs, DNS)",
    "escape-hatch": "true: the service leaves the network model (intended)",
    "subnet-unpinned": "advice: Docker picks the subnet at creation",
    "docker-pool-overlap": "true: a pinned subnet inside Docker's default pools can collide with a network Docker allocates",
    "static-in-dynamic-range": "true: Docker may hand the address to another container first",
    "ineffective": "true: the port is silently not published (the service is only on internal networks)",
    "target-ignored": "true: Swarm-only settings do nothing under Compose",
    "compose-not-carried": "topoc limit: a key the spec does not carry yet, not a problem of the file",
    "CL-0003": "advice: hardening baseline on every service (topoc: `hardening` group, off by default)",
    "CL-0006": "advice: hardening baseline on every service (topoc: `hardening` group, off by default)",
    "CL-0007": "advice: hardening baseline on every service (topoc: `hardening` group, off by default)",
    "CL-0026": "advice: hardening baseline on every service (topoc: `hardening` group, off by default)",
    "CL-0019": "advice: tag without digest (topoc: `image-no-digest`, hardening group)",
    "CL-0010": "true: topoc misses it (it carries `pid` but has no lint for it)",
}


def concept(rule_id, message):
    if rule_id == "CL-0001":
        return "docker-socket" if "socket mounted" in message else "sensitive-mount"
    return SAME.get(rule_id, rule_id)


def markdown(rows):
    out = ["| case | finding | where | topoc | compose-lint | verdict |", "|---|---|---|:-:|:-:|---|"]
    for case, kind, lines, t, c in rows:
        where = ", ".join(str(x) for x in lines[:12]) + (f", … ({len(lines)})" if len(lines) > 12 else "")
        out.append(f"| {case} | `{kind}` | {where} | {t} | {c} | {VERDICT.get(kind, '')} |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--topoc", default=os.path.join(ROOT, "target/debug/topoc"))
    p.add_argument("--compose-lint", default=os.path.join(ROOT, ".venv/bin/compose-lint"))
    a = p.parse_args()
    corpus = os.path.join(ROOT, "tests/compose-corpus")
    rows = []
    totals = collections.Counter()
    for case in sorted(os.listdir(corpus)):
        d = os.path.join(corpus, case)
        if not os.path.isdir(d):
            continue
        main_file = "compose.yaml" if os.path.exists(os.path.join(d, "compose.yaml")) else "docker-compose.yml"
        args = open(os.path.join(d, "args")).read().split() if os.path.exists(os.path.join(d, "args")) else []
        overrides = [args[i + 1] for i, x in enumerate(args) if x == "-f"]
        t = run([a.topoc, "check", main_file, *args, "--format", "json"], d)
        c = run([a.compose_lint, "check", main_file, *overrides, "--format", "json", "--no-env"], d)
        # (kind, line) -> {tool}
        seen = collections.defaultdict(set)
        for f in t.get("diagnostics", []):
            prim = next((l for l in f["labels"] if l.get("primary")), None)
            line = f"{prim['file']}:{prim['start']['line']}" if prim else "-"
            seen[(f["code"].replace("topoc::", ""), line)].add("topoc")
            totals["topoc"] += 1
        for f in c.get("findings", []):
            line = f"{os.path.basename(f.get('file', ''))}:{f.get('line')}"
            seen[(concept(f["rule_id"], f.get("message", "")), line)].add("compose-lint")
            totals["compose-lint"] += 1
        grouped = collections.defaultdict(list)
        for (kind, line), tools in seen.items():
            grouped[(kind, "topoc" in tools, "compose-lint" in tools)].append(line)
        for (kind, in_t, in_c), lines in sorted(grouped.items()):
            lines.sort(key=lambda l: (l.split(":")[0], int(l.split(":")[1]) if l.split(":")[1].isdigit() else 0))
            rows.append((case, kind, lines, "yes" if in_t else "—", "yes" if in_c else "—"))
    print(markdown(rows))
    print()
    print(f"Findings in all: topoc {totals['topoc']}, compose-lint {totals['compose-lint']}.")


if __name__ == "__main__":
    main()
