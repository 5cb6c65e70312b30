#!/usr/bin/env python3
"""Hand-written exact helpers against maintained libraries, timed in the same run.

1. ``symcert.provers.lp.solve`` (two-phase simplex on fmpq, Bland's rule) against sympy's exact
   simplex (``sympy.solvers.simplex.lpmin``) on seeded feasibility and optimisation programs
   of the sizes the kink engine and the affine fits solve (min c^T x, A x = b, x >= 0).
2. ``symcert.checker.path.root_free`` (Descartes' rule after a Moebius map, with bisection;
   exact fmpq_poly) against python-flint's ``fmpz_poly.complex_roots`` (arb root isolation, real roots with
   imaginary part exactly 0: the
   interval [a, b] is root-free when every real root's ball lies outside it; a ball meeting
   it is refined or undecided) on seeded polynomials of the degrees escape paths produce.

   Also against sympy's exact root counting (``Poly.count_roots``, Sturm sequences over QQ).
   python-flint 0.9's ``fmpq_poly.real_roots`` raises NotImplementedError, so it cannot be timed.
3. The kink engine's Gordan prefixes: a chain of feasibility programs, each extending the previous
   one by one column, solved by the warm-started ``lp.Phase1`` against a cold ``lp.solve`` per
   prefix and against sympy's ``lpmin`` per prefix.
4. The rref: no hand-written rref is left in the code; every caller uses python-flint's
   ``fmpq_mat.rref``. It is timed against sympy's ``Matrix.rref`` for the record.

Both sides must agree on every instance (optimal values; root-free or not; feasibility; the
reduced form); the script fails otherwise. It prints per-family medians and the ratio
library / hand-written.

    .venv/bin/python bench/bench_oracles.py [--reps 5]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from flint import fmpq, fmpq_mat, fmpq_poly

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(__import__("os").path.abspath(__file__))))

from symcert.checker.path import root_free  # noqa: E402
from symcert.provers import lp  # noqa: E402


def lp_instance(rng: random.Random, m: int, n: int):
    """A feasible, bounded program: A x0 = b for a random x0 >= 0, and c >= 0."""
    A = [[fmpq(rng.randint(-6, 6), rng.randint(1, 4)) for _ in range(n)] for _ in range(m)]
    x0 = [fmpq(rng.randint(0, 5), rng.randint(1, 3)) for _ in range(n)]
    b = [sum((a * x for a, x in zip(row, x0)), fmpq(0)) for row in A]
    c = [fmpq(rng.randint(0, 9), rng.randint(1, 3)) for _ in range(n)]
    return c, A, b


def sympy_lp(c, A, b):
    import sympy as sp
    xs = sp.symbols(f"x0:{len(c)}")
    q = lambda v: sp.Rational(int(v.p), int(v.q))  # noqa: E731
    cons = [sp.Eq(sum(q(a) * x for a, x in zip(row, xs)), q(bi)) for row, bi in zip(A, b)] + [x >= 0 for x in xs]
    val, _ = sp.solvers.simplex.lpmin(sum(q(ci) * x for ci, x in zip(c, xs)), cons)
    return fmpq(int(sp.fraction(val)[0]), int(sp.fraction(val)[1]))


def flint_root_free(p: fmpq_poly, a: fmpq, b: fmpq) -> bool | None:
    if p(a) == 0 or p(b) == 0:
        return False
    for root, _mult in p.numer().complex_roots():  # arb isolation; real roots have imaginary part exactly 0
        if root.imag != 0:
            continue
        ball = root.real
        lo, hi = ball.lower(), ball.upper()
        if hi < a or lo > b:
            continue
        if lo > a and hi < b:
            return False
        return None  # a ball straddles an end: undecided at this precision
    return True


def sympy_root_free(p: fmpq_poly, a: fmpq, b: fmpq) -> bool:
    import sympy as sp
    x = sp.Symbol("x")
    q = lambda v: sp.Rational(int(v.p), int(v.q))  # noqa: E731
    poly = sp.Poly([q(c) for c in reversed(p.coeffs())], x, domain="QQ")
    return poly.count_roots(q(a), q(b)) == 0


def gordan_chain(rng: random.Random, dx: int, n: int):
    """Columns s_j (x_j, 1), 1 of a sign prefix over n collinear-ish samples (the kink engine's programs)."""
    cols = []
    for _ in range(n):
        s = rng.choice((1, -1))
        cols.append([fmpq(s * rng.randint(-4, 4)) for _ in range(dx)] + [fmpq(s), fmpq(1)])
    return cols


def chain_warm(cols):
    lp_ = lp.Phase1([fmpq(0)] * (len(cols[0]) - 1) + [fmpq(1)])
    return [lp_.add_column(c) is not None for c in cols]


def chain_cold(cols, solver):
    out = []
    for k in range(1, len(cols) + 1):
        A = [[c[i] for c in cols[:k]] for i in range(len(cols[0]))]
        b = [fmpq(0)] * (len(cols[0]) - 1) + [fmpq(1)]
        try:
            solver([fmpq(0)] * k, A, b)
            out.append(True)
        except (lp.Infeasible, ValueError):
            out.append(False)
    return out


SYMPY_WRONG = [0]  # infeasible programs for which sympy's lpmin returned a point violating A x = b


def sympy_feasible(c, A, b):
    """Feasibility by sympy's lpmin; its point is verified exactly (sympy 1.14 returns a point
    violating the equalities on some infeasible programs: counted in SYMPY_WRONG, read as infeasible)."""
    import sympy as sp
    from sympy.solvers.simplex import InfeasibleLPError
    xs = sp.symbols(f"x0:{len(c)}")
    q = lambda v: sp.Rational(int(v.p), int(v.q))  # noqa: E731
    cons = [sp.Eq(sum(q(a) * x for a, x in zip(row, xs)), q(bi)) for row, bi in zip(A, b)] + [x >= 0 for x in xs]
    try:
        _, point = sp.solvers.simplex.lpmin(sum(xs), cons)
    except InfeasibleLPError:
        raise lp.Infeasible() from None
    x = [point.get(v, 0) for v in xs]
    if any(sum(q(a) * xi for a, xi in zip(row, x)) != q(bi) for row, bi in zip(A, b)) or any(xi < 0 for xi in x):
        SYMPY_WRONG[0] += 1
        raise lp.Infeasible()


def poly_instance(rng: random.Random, deg: int):
    p = fmpq_poly([fmpq(rng.randint(-20, 20), rng.randint(1, 5)) for _ in range(deg + 1)])
    return p, fmpq(0), fmpq(rng.randint(1, 8), rng.randint(1, 3))


def timed(fn, *args):
    t0 = time.process_time()
    out = fn(*args)
    return out, time.process_time() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5, help="instances per family (default 5)")
    args = ap.parse_args(argv)
    rng = random.Random(16)
    print(f"{'family':<28} {'hand-written s':>15} {'library s':>11} {'library / hand':>15}")
    for m, n in ((5, 12), (10, 24), (20, 48)):
        mine, theirs = [], []
        for _ in range(args.reps):
            c, A, b = lp_instance(rng, m, n)
            (x, v1), t1 = timed(lp.solve, c, A, b)
            v2, t2 = timed(sympy_lp, c, A, b)
            if v1 != v2:
                print(f"disagreement: simplex {v1}, sympy {v2}", file=sys.stderr)
                return 1
            mine.append(t1)
            theirs.append(t2)
        a, s = statistics.median(mine), statistics.median(theirs)
        print(f"{f'LP {m} x {n}':<28} {a:>15.4f} {s:>11.4f} {s / a:>15.1f}")
    for deg in (8, 24, 64):
        mine, theirs, undecided = [], [], 0
        for _ in range(args.reps * 4):
            p, a, b = poly_instance(rng, deg)
            r1, t1 = timed(root_free, p, a, b)
            r2, t2 = timed(flint_root_free, p, a, b)
            if r2 is None:
                undecided += 1
            elif r1 is not None and r1 != r2:
                print(f"disagreement on {p} over [{a}, {b}]: {r1} vs {r2}", file=sys.stderr)
                return 1
            mine.append(t1)
            theirs.append(t2)
        a, s = statistics.median(mine), statistics.median(theirs)
        print(f"{f'root-free, degree {deg}':<28} {a:>15.5f} {s:>11.5f} {s / a:>15.2f}" + (f"  ({undecided} undecided by balls)" if undecided else ""))
    for deg in (8, 24, 64):
        mine, theirs = [], []
        for _ in range(args.reps * 2):
            p, a, b = poly_instance(rng, deg)
            r1, t1 = timed(root_free, p, a, b)
            r2, t2 = timed(sympy_root_free, p, a, b)
            if r1 is not None and r1 != r2:
                print(f"disagreement on {p} over [{a}, {b}]: {r1} vs sympy {r2}", file=sys.stderr)
                return 1
            mine.append(t1)
            theirs.append(t2)
        a, s = statistics.median(mine), statistics.median(theirs)
        print(f"{f'root-free vs sympy, deg {deg}':<28} {a:>15.5f} {s:>11.5f} {s / a:>15.2f}")
    for n in (12, 48):
        warm, cold, sym = [], [], []
        for _ in range(args.reps):
            cols = gordan_chain(rng, 2, n)
            r1, t1 = timed(chain_warm, cols)
            r2, t2 = timed(chain_cold, cols, lp.solve)
            r3, t3 = timed(chain_cold, cols, sympy_feasible)
            if not r1 == r2 == r3:
                print(f"disagreement on a Gordan chain: {r1} / {r2} / {r3}", file=sys.stderr)
                return 1
            warm.append(t1)
            cold.append(t2)
            sym.append(t3)
        a, c, s = statistics.median(warm), statistics.median(cold), statistics.median(sym)
        print(f"{f'Gordan chain of {n}, warm':<28} {a:>15.4f} {s:>11.4f} {s / a:>15.1f}  (cold lp.solve per prefix: {c:.4f} s, {c / a:.1f}x the warm start)")
    if SYMPY_WRONG[0]:
        print(f"sympy lpmin returned {SYMPY_WRONG[0]} points violating A x = b on infeasible Gordan programs (exact re-check)")
    for size in (20, 60):
        mine, theirs = [], []
        for _ in range(args.reps):
            M = fmpq_mat(size, size + 3, [fmpq(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(size * (size + 3))])
            (R1, r1), t1 = timed(M.rref)
            (R2, pivots), t2 = timed(lambda: sympy_rref(M))
            if r1 != len(pivots) or R1 != R2:
                print("disagreement on an rref", file=sys.stderr)
                return 1
            mine.append(t1)
            theirs.append(t2)
        a, s = statistics.median(mine), statistics.median(theirs)
        print(f"{f'rref {size} x {size + 3} (fmpq_mat)':<28} {a:>15.5f} {s:>11.5f} {s / a:>15.1f}  (sympy Matrix.rref)")
    return 0


def sympy_rref(M):
    import sympy as sp
    S = sp.Matrix(M.nrows(), M.ncols(), [sp.Rational(int(v.p), int(v.q)) for v in M.entries()])
    R, pivots = S.rref()
    return fmpq_mat(M.nrows(), M.ncols(), [fmpq(int(sp.fraction(v)[0]), int(sp.fraction(v)[1])) for v in R]), pivots


if __name__ == "__main__":
    sys.exit(main())
