"""Regenerate the figures of docs/papers/yun2019-thm4.md and docs/papers/petzka2021.md.

    .venv/bin/python docs/papers/figures/make_figures.py

Every plotted value is computed exactly (rationals, or rigorous enclosures) from the
certificates under proofs/; floats appear only as SVG coordinates.
"""
from __future__ import annotations

import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, ROOT)

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def svg_plot(path, series, title, xlabel, ylabel, width=560, height=360, logx=False, logy=False, marks=()):
    """A minimal line plot: series = [(label, [(x, y), ...])]; marks = [(x, label)] vertical lines."""
    tx = (lambda v: math.log10(v)) if logx else (lambda v: v)
    ty = (lambda v: math.log10(v)) if logy else (lambda v: v)
    pts = [(tx(x), ty(y)) for _, s in series for x, y in s]
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
    if y1 == y0:
        y0, y1 = y0 - 1, y1 + 1
    pad = 0.05 * (y1 - y0)
    y0, y1 = y0 - pad, y1 + pad
    L, R, T, B = 70, 20, 40, 50
    sx = lambda v: L + (v - x0) / (x1 - x0) * (width - L - R)  # noqa: E731
    sy = lambda v: height - B - (v - y0) / (y1 - y0) * (height - T - B)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{L}" y1="{height - B}" x2="{width - R}" y2="{height - B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{height - B}" stroke="black"/>',
           f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">{xlabel}</text>',
           f'<text x="16" y="{height / 2}" text-anchor="middle" transform="rotate(-90 16 {height / 2})">{ylabel}</text>']
    for k in range(5):
        xv, yv = x0 + k * (x1 - x0) / 4, y0 + k * (y1 - y0) / 4
        xl = f"1e{xv:.1f}" if logx else f"{xv:.3g}"
        yl = f"1e{yv:.1f}" if logy else f"{yv:.4g}"
        out.append(f'<text x="{sx(xv):.1f}" y="{height - B + 16}" text-anchor="middle">{xl}</text>')
        out.append(f'<text x="{L - 6}" y="{sy(yv) + 4:.1f}" text-anchor="end">{yl}</text>')
    for xm, label in marks:
        out.append(f'<line x1="{sx(tx(xm)):.1f}" y1="{T}" x2="{sx(tx(xm)):.1f}" y2="{height - B}" stroke="#999" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{sx(tx(xm)) + 3:.1f}" y="{T + 12}" fill="#555">{label}</text>')
    for n, (label, s) in enumerate(series):
        c = COLORS[n % len(COLORS)]
        d = " ".join(f"{sx(tx(x)):.1f},{sy(ty(y)):.1f}" for x, y in s)
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{d}"/>')
        out.append(f'<text x="{width - R - 150}" y="{T + 16 * (n + 1)}" fill="{c}">{label}</text>')
    out.append("</svg>")
    with open(path, "w", encoding="ascii") as fh:
        fh.write("\n".join(out) + "\n")


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
