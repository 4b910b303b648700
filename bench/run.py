"""Run benchmarks by name, each in its own process: `make bench` runs the roster import (both
databases, a few minutes); `make bench NAMES="member_list lost_list"` runs those. Each script
prints its figures; bench/RESULTS.md keeps the last ones measured. Without names and with
`--list`, prints what there is.
"""

import ast
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT = ["import_members"]


def available() -> dict[str, str]:
    scripts = {}
    for path in sorted(HERE.glob("*.py")):
        if path.name == "run.py":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        scripts[path.stem] = doc.splitlines()[0] if doc else ""
    return scripts


def main(argv: list[str]) -> int:
    scripts = available()
    if "--list" in argv:
        for name, summary in scripts.items():
            print(f"{name:20} {summary}")
        return 0
    names = argv or DEFAULT
    unknown = [n for n in names if n not in scripts]
    if unknown:
        print(
            f"没有这个基准测试：{'、'.join(unknown)}；可用：{'、'.join(scripts)}", file=sys.stderr
        )
        return 2
    for name in names:
        print(f"== bench/{name}.py: {scripts[name]}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / f"{name}.py")])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
