"""Measure the trusted base and write its table into docs/trust-model.md.

    python scripts/trusted_size.py            # print the table
    python scripts/trusted_size.py --update-docs

Lines are counted as ``wc -l`` counts them. The last column is measured, not typed: the
checker is imported, then a yun2019.thm1 certificate is checked under ``sys.settrace`` and a
file counts as used when any of its lines runs during that check (imports excluded).
"""
from __future__ import annotations

import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
SAMPLE = os.path.join(ROOT, "proofs", "yun2019", "thm1-case1-relu.json")
BEGIN, END = "<!-- trusted-size:begin -->", "<!-- trusted-size:end -->"


def trusted_files() -> list[str]:
    files = sorted(glob.glob(os.path.join(ROOT, "symcert", "checker", "*.py")))
    return files + sorted(glob.glob(os.path.join(ROOT, "symcert", "exact", "*.py")))


def first_line(path: str) -> str:
    """The module's one-line summary (first line of its docstring)."""
    text = open(path, encoding="utf-8").read()
    m = re.match(r'\s*"""(.*?)(\n|""")', text)
    return m.group(1).strip().rstrip(".") if m else ""


def used_by_sample() -> set[str]:
    from symcert.checker import check_file
    used: set[str] = set()

    def tracer(frame, event, arg):
        used.add(os.path.abspath(frame.f_code.co_filename))
        return None
    sys.settrace(tracer)
    try:
        rep = check_file(SAMPLE)
    finally:
        sys.settrace(None)
    assert rep.verdict.name == "CERTIFIED", rep.summary
    return used


def table() -> str:
    files, used = trusted_files(), used_by_sample()
    rows, total, sample = [], 0, 0
    for f in files:
        n = sum(1 for _ in open(f, encoding="utf-8"))
        total += n
        mark = "yes" if f in used else ""
        sample += n if mark else 0
        rows.append(f"| `{os.path.relpath(f, ROOT)}` | {n} | {first_line(f)} | {mark} |")
    head = "| file | lines | what it holds | used by a yun2019.thm1 check |\n|---|---:|---|---|"
    return "\n".join([head, *rows, f"| **total** | **{total}** | | **{sample}** |"])


def main(argv: list[str]) -> int:
    text = table()
    if "--update-docs" not in argv:
        print(text)
        return 0
    path = os.path.join(ROOT, "docs", "trust-model.md")
    doc = open(path, encoding="utf-8").read()
    if BEGIN not in doc or END not in doc:
        print(f"{path}: markers {BEGIN} / {END} missing", file=sys.stderr)
        return 2
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    open(path, "w", encoding="utf-8").write(f"{head}{BEGIN}\n{text}\n{END}{tail}")
    print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
