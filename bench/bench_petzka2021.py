#!/usr/bin/env python3
"""Benchmark: the petzka2021.deep growth instance (2-1-1-1 -> 2-21-21-1, 20 samples) and the
sigmoid split/escape certificates: certify (build), serialise, check, each timed separately.

Usage (from the repository root)::

    .venv/bin/python bench/bench_petzka2021.py           # a table
    .venv/bin/python bench/bench_petzka2021.py --json    # also print the rows as JSON
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from symcert import certificate  # noqa: E402
from symcert.checker import Verdict, check_document  # noqa: E402
from symcert.claims.petzka2021 import deep as PD  # noqa: E402
from symcert.claims.petzka2021 import escape as PE  # noqa: E402
from symcert.claims.petzka2021 import split as PS  # noqa: E402

CASES = [
    ("deep 2-1-1-1 -> 2-21-21-1, m = 20", lambda: PD.deep_growth()),
    ("deep 2-1-1-1 -> 2-41-41-1, m = 40", lambda: PD.deep_growth(seed=4, m=40, grow=41)),
    ("split sigmoid lambda = 1/2 (local minimum)", lambda: PS.sigmoid_split(Fraction(1, 2), "bench")),
    ("split sigmoid lambda = 2 (saddle)", lambda: PS.sigmoid_split(Fraction(2), "bench")),
    ("escape path sigmoid", lambda: PE.escape()),
]


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = [run(n, b) for n, b in CASES]
    print(f"{'case':<45} {'certify s':>10} {'check s':>8} {'bytes':>9}  verdict")
    for r in rows:
        print(f"{r['case']:<45} {r['certify_s']:>10.3f} {r['check_s']:>8.3f} {r['bytes']:>9}  {r['verdict']}")
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
