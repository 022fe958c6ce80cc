"""The Jinja2 baseline of docs/benchmarks.md: render the tenants compose file from plain data.

usage: python3 jinja_baseline.py DATA.json OUT.yaml

This is what a team without topoc writes: a template fed with the already-expanded topology.
It validates nothing, allocates nothing and checks no policy; it is here as the speed floor.
"""

import json
import pathlib
import sys

import jinja2


def main() -> None:
    data_path, out_path = sys.argv[1], sys.argv[2]
    here = pathlib.Path(__file__).parent
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(here), trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
    )
    data = json.loads(pathlib.Path(data_path).read_text())
    text = env.get_template("compose.yaml.j2").render(**data)
    pathlib.Path(out_path).write_text(text)


if __name__ == "__main__":
    main()
