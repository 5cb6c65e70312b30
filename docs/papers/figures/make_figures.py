"""Regenerate the figures of docs/papers/yun2019-thm4.md and docs/papers/petzka2021.md.

    .venv/bin/python docs/papers/figures/make_figures.py

Every plotted value is computed exactly (rationals, or rigorous enclosures) from the
certificates under proofs/; floats appear only as plot coordinates. The figures are drawn with
matplotlib (the `plot` extra) by symcert/plots.py, the code behind `symcert report`, and are
byte-identical when regenerated.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, ROOT)

def svg_plot(path, series, title, xlabel, ylabel, logx=False, logy=False, marks=()):
    """A line plot drawn by the same deterministic code as `symcert report` (symcert/plots.py)."""
    from symcert.plots import line_figure, pyplot, save
    fig = line_figure(series, title, xlabel, ylabel, logx=logx, logy=logy, marks=marks, size=(7, 4.2))
    save(fig, path)
    pyplot().close(fig)


def thm4_figure():
    from flint import fmpq

    from symcert.checker import descent
    from symcert.checker.problem import point, problem
    series = []
    for L in (2, 3, 4, 5):
        with open(os.path.join(ROOT, "proofs", "yun2019", f"thm4-depth{L}-saddle-zero.json")) as fh:
            doc = json.load(fh)
        prob = problem(doc["problem"])
        ob = next(o for o in doc["obligations"] if o["kind"] == "descent_curve")
        d1 = point(ob["direction"], prob, "d")
        d2 = point(ob["second_order"], prob, "c") if "second_order" in ob else None
        hi = descent.higher_terms(ob, prob, "o")
        R = descent.risk_along(prob, point(doc["point"], prob, "p"), d1, d2, hi)
        drop = R - R(fmpq(0))
        pts = []
        for k in range(41):
            t = fmpq(round(1000 * 10 ** (2 * k / 40)), 10 ** 6)  # t from 1e-3 to 1e-1, rational
            v = -drop(t)
            if v > 0:
                pts.append((float(t), float(v)))
        series.append((f"depth {L}: order t^{2 * L - 1}", pts))
    svg_plot(os.path.join(HERE, "yun2019-thm4-descent.svg"), series,
             "risk drop R(0) - R(t) along the certified descent curves at W = 0", "t (log scale)", "R(0) - R(t) (log scale)",
             logx=True, logy=True)


def petzka_figures():
    from fractions import Fraction

    from flint import fmpq, fmpq_poly

    from symcert.checker import path as PA
    from symcert.checker.problem import problem
    from symcert.claims.petzka2021 import common as PC
    from symcert.claims.petzka2021 import split as PS
    # 1. the certified escape path (biased sigmoid instance): constant on the split line, then down
    prob = problem(PC._smooth_problem(2))
    N, D = PA._risk_fraction(prob, [[fmpq_poly([2, -4])], [fmpq_poly([2, -2])]], [fmpq(4), fmpq(4)], [fmpq(-1), fmpq(2)], fmpq(0))
    L0 = N(fmpq(0)) / D(fmpq(0))
    line = [(float(Fraction(1, 2) + Fraction(3, 2) * k / 20), 0.0) for k in range(21)]
    T = Fraction(1, 20)
    tq = lambda k: fmpq((T * k / 40).numerator, (T * k / 40).denominator)  # noqa: E731
    seg = [(2 + float(T * k / 40) * 10, float(N(tq(k)) / D(tq(k)) - L0)) for k in range(41)]
    svg_plot(os.path.join(HERE, "petzka2021-escape.svg"),
             [("split line, lambda 1/2 -> 2 (constant)", line), ("log-affine segment, t in [0, 1/20] (x = 2 + 10 t)", seg)],
             "certified escape path: risk minus risk at the minimum", "path parameter", "R - R(minimum)",
             marks=[(0.5, "minimum"), (1.0, "lambda = 1"), (2.0, "saddle")])
    # 2. the notes' path on the worked instance: decreasing up to t ~ 0.092, then up again
    m = len(PS.WORKED_X)
    pts = []
    for k in range(51):
        t = Fraction(k, 400)
        q1, q2 = 2 * (1 - t), 2 * (1 - 2 * t)
        L = sum(((2 * PS._sig_log(q1, x) - PS._sig_log(q2, x) - y) ** 2 for x, y in zip(PS.WORKED_X, PS.WORKED_Y)), Fraction(0)) / m
        pts.append((float(t), float(L - Fraction(561, 1250))))
    svg_plot(os.path.join(HERE, "petzka2021-worked-path.svg"), [("L(t) - L*, v = (2, -1)", pts)],
             "worked instance: u1 = ln(2(1-t)), u2 = ln(2(1-2t))", "t", "L(t) - 561/1250",
             marks=[(0.05, "certified monotone to 1/20"), (0.1, "t = 1/10")])


if __name__ == "__main__":
    thm4_figure()
    petzka_figures()
