#!/usr/bin/env python3
"""Benchmark: the petzka2021.deep growth instances (2-1-1-1 -> 2-21-21-1 and 2-41-41-1) and the
sigmoid split/escape certificates: certify (build), serialise, check, each timed separately;
with ``--base TREE``, the check of the 2-41-41-1 certificate by this tree against the checker of
another tree (a read-only worktree of an earlier commit), timed in the same run.

Usage (from the repository root)::

    .venv/bin/python bench/bench_petzka2021.py                     # a table
    .venv/bin/python bench/bench_petzka2021.py --json              # also print the rows as JSON
    git worktree add --detach /work/petzka-base 25f56db            # once: the checker before the vectorised split pass
    .venv/bin/python bench/bench_petzka2021.py --base /work/petzka-base [--update-docs]

The comparison runs each checker in its own child process (same interpreter, same certificate
file), alternating new and base, ``--rounds`` times; each child checks once to warm up, then
``--repeats`` times, and reports CPU seconds per check. The ratio is base / new of the medians
(and of the minima, which load from other jobs disturbs least). ``--update-docs`` writes the
comparison table into docs/benchmarks-smooth.md (between its bench_petzka2021 markers).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # bench/_outputs.py

from _outputs import replace_section  # noqa: E402
from symcert import certificate  # noqa: E402
from symcert.checker import Verdict, check_document  # noqa: E402
from symcert.claims.petzka2021 import deep as PD  # noqa: E402
from symcert.claims.petzka2021 import escape as PE  # noqa: E402
from symcert.claims.petzka2021 import split as PS  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "benchmarks-smooth.md")
MARK = ("<!-- bench_petzka2021 begin -->", "<!-- bench_petzka2021 end -->")
CASES = [
    ("deep 2-1-1-1 -> 2-21-21-1, m = 20", lambda: PD.deep_growth()),
    ("deep 2-1-1-1 -> 2-41-41-1, m = 40", lambda: PD.deep_growth(seed=4, m=40, grow=41)),
    ("split sigmoid lambda = 1/2 (local minimum)", lambda: PS.sigmoid_split(Fraction(1, 2), "bench")),
    ("split sigmoid lambda = 2 (saddle)", lambda: PS.sigmoid_split(Fraction(2), "bench")),
    ("escape path sigmoid", lambda: PE.escape()),
]
CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from symcert.checker import check_document
doc = json.load(open(sys.argv[2]))
check_document(doc)  # warm-up: imports, caches
times = []
for _ in range(int(sys.argv[3])):
    t0 = time.process_time()
    rep = check_document(doc)
    times.append(time.process_time() - t0)
print(json.dumps({"verdict": rep.verdict.name, "times": times}))
"""


def run(name, build) -> dict:
    t0 = time.perf_counter()
    doc = build()
    t1 = time.perf_counter()
    data = certificate.canonical_bytes(doc)
    t2 = time.perf_counter()
    rep = check_document(json.loads(data))
    t3 = time.perf_counter()
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    return {"case": name, "certify_s": round(t1 - t0, 3), "serialise_s": round(t2 - t1, 3), "check_s": round(t3 - t2, 3),
            "bytes": len(data), "verdict": rep.verdict.name}


def _child(tree: str, path: str, repeats: int) -> list:
    p = subprocess.run([sys.executable, "-c", CHILD, tree, path, str(repeats)], capture_output=True, text=True, cwd=tree)
    if p.returncode != 0:
        raise SystemExit(f"{sys.argv[0]}: error: the checker of {tree} failed: {p.stderr.strip().splitlines()[-1:]}")
    out = json.loads(p.stdout.strip().splitlines()[-1])
    if out["verdict"] != "CERTIFIED":
        raise SystemExit(f"{sys.argv[0]}: error: the checker of {tree} answered {out['verdict']}")
    return out["times"]


def compare(base: str, rounds: int, repeats: int) -> dict:
    """CPU seconds per check of the 2-41-41-1 certificate, this tree against ``base``."""
    doc = PD.deep_growth(seed=4, m=40, grow=41)
    new_t, base_t = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "deep-2-41-41-1.json")
        certificate.write(doc, path)
        for _ in range(rounds):
            new_t += _child(ROOT, path, repeats)
            base_t += _child(os.path.abspath(base), path, repeats)
    chain = next(len(o.get("chain", [])) for o in doc["obligations"] if o["kind"] == "neuron_split")
    return {"chain": chain, "new_median": statistics.median(new_t), "base_median": statistics.median(base_t), "new_min": min(new_t),
            "base_min": min(base_t), "checks": len(new_t), "base": os.path.abspath(base), "commit": _commit(base)}


def _commit(tree: str) -> str:
    p = subprocess.run(["git", "-C", tree, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return p.stdout.strip() or "?"


def table(c: dict) -> str:
    rows = [f"`.venv/bin/python bench/bench_petzka2021.py --base TREE` (TREE: a worktree of commit {c['commit']}, the "
            f"checker before the vectorised split pass): the 2-41-41-1 growth certificate (m = 40, a chain of {c['chain']} splits "
            f"before the split checked as a line), "
            f"checked {c['checks']} times by each checker in alternating child processes, CPU seconds per check.", "",
            "| checker | median (s) | minimum (s) |", "|---|---:|---:|",
            f"| base ({c['commit']}) | {c['base_median']:.3f} | {c['base_min']:.3f} |",
            f"| this tree | {c['new_median']:.3f} | {c['new_min']:.3f} |",
            f"| ratio base / new | {c['base_median'] / c['new_median']:.1f} | {c['base_min'] / c['new_min']:.1f} |"]
    return "\n".join(rows)


def write_docs(text: str) -> None:
    replace_section(DOC, MARK, text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--base", metavar="TREE", help="a worktree of an earlier commit: compare the 2-41-41-1 check against it")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds of the comparison (default 3)")
    ap.add_argument("--repeats", type=int, default=5, help="checks per child process (default 5)")
    ap.add_argument("--update-docs", action="store_true", help="write the comparison into docs/benchmarks-smooth.md")
    args = ap.parse_args()
    if args.update_docs and not args.base:
        ap.error("--update-docs writes the comparison: give --base TREE")
    if args.base and not os.path.isfile(os.path.join(args.base, "symcert", "checker", "split.py")):
        ap.error(f"--base {args.base}: not a symcert tree (no symcert/checker/split.py)")
    if args.rounds < 1 or args.repeats < 1:
        ap.error("--rounds and --repeats must be at least 1")
    rows = [run(n, b) for n, b in CASES]
    print(f"{'case':<45} {'certify s':>10} {'check s':>8} {'bytes':>9}  verdict")
    for r in rows:
        print(f"{r['case']:<45} {r['certify_s']:>10.3f} {r['check_s']:>8.3f} {r['bytes']:>9}  {r['verdict']}")
    if args.base:
        c = compare(args.base, args.rounds, args.repeats)
        text = table(c)
        print()
        print(text)
        if args.update_docs:
            write_docs(text)
            print(f"written to {os.path.relpath(DOC, ROOT)}")
        if args.json:
            rows.append({"comparison": c})
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
