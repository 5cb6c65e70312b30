"""Benchmark: certify + check time of ding2022.thm (worked data, sigmoid) by hidden width,
and the cost of the rigorous arithmetic by precision.

Usage: .venv/bin/python bench/bench_ding2022.py [WIDTH ...]   (default widths 2 10 100 1000)
       .venv/bin/python bench/bench_ding2022.py --general ACT [WIDTH ...]
Prints a markdown table (the figures in docs/benchmarks-smooth.md come from this script).
With --general, certify + check time of the general route (seeded random 1-D inputs, labels
with M = I, activation ACT) by width, as a ratio to the sigmoid worked instance at the same
width timed in the same run.
"""
from __future__ import annotations

import json
import platform
import sys
import time

import sympy

from symcert import certificate
from symcert.checker import check_document
from symcert.checker import smooth as S
from symcert.claims.ding2022 import thm as D


def bench_width(n: int) -> tuple:
    t0 = time.perf_counter()
    doc = D.certify([[x] for x in D.X1], n, f"benchmark n = {n}", targets=D.Y1, better=D.worked_better(n), convexity=False)
    t1 = time.perf_counter()
    raw = certificate.canonical_bytes(doc)
    t2 = time.perf_counter()
    rep = check_document(json.loads(raw))
    t3 = time.perf_counter()
    return n, 3 * n + 1, rep.verdict.name, t1 - t0, t3 - t2, len(raw)


def bench_precision() -> list:
    """Time to decide sign(risk(better) - 1/3) on the generic 1-D instance's better point."""
    expr = sympy.Add(*[sympy.Integer(k) / (1 + sympy.exp(-sympy.Rational(k, 7))) for k in range(1, 200)]) - sympy.Rational(12345, 1)
    out = []
    for prec in (64, 128, 256, 1024, 4096):
        t0 = time.perf_counter()
        for _ in range(20):
            b = S.arb_at(expr, prec)
        out.append((prec, (time.perf_counter() - t0) / 20, b.rad()))
    return out


def bench_general(act: str, n: int) -> tuple:
    from symcert.claims import constructions as C
    from symcert.claims.ding2022 import general as G
    spec = C.smooth_activation(act, alpha=1) if act == "elu" else C.smooth_activation(act)
    t0 = time.perf_counter()
    doc = G.certify_shallow(G.random_inputs(36, 6, 1), n, spec, f"benchmark {act} n = {n}", 36)
    t1 = time.perf_counter()
    rep = check_document(json.loads(certificate.canonical_bytes(doc)))
    return rep.verdict.name, t1 - t0, time.perf_counter() - t1


def main_general(act: str, widths: list) -> int:
    print(f"python {platform.python_version()}, {platform.machine()}, sympy {sympy.__version__}")
    print(f"| width n | {act} verdict | {act} certify+check (s) | sigmoid worked certify+check (s) | ratio |")
    print("|---|---|---|---|---|")
    for n in widths:
        v, tc, tk = bench_general(act, n)
        _, _, _, bc, bk, _ = bench_width(n)
        print(f"| {n} | {v} | {tc + tk:.2f} | {bc + bk:.2f} | {(tc + tk) / (bc + bk):.2f} |", flush=True)
    return 0


def main(argv) -> int:
    if argv[:1] == ["--general"]:
        return main_general(argv[1], [int(a) for a in argv[2:]] or [2, 10, 100, 1000])
    widths = [int(a) for a in argv] or [2, 10, 100, 1000]
    print(f"python {platform.python_version()}, {platform.machine()}, sympy {sympy.__version__}")
    print("| width n | parameters | verdict | certify (s) | check (s) | certificate bytes |")
    print("|---|---|---|---|---|---|")
    for n in widths:
        n, p, v, tc, tk, size = bench_width(n)
        print(f"| {n} | {p} | {v} | {tc:.2f} | {tk:.2f} | {size} |", flush=True)
    print()
    print("| arb precision (bits) | time per evaluation (ms), 199-term sigmoid sum | ball radius |")
    print("|---|---|---|")
    for prec, t, rad in bench_precision():
        print(f"| {prec} | {1000 * t:.3f} | {rad.str(3)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
