"""Ascent curves (trusted): exact proof that a point is NOT a local maximum.

Obligation ``ascent_curve``: the same curve format as ``descent_curve`` (``direction``, optional
``second_order`` and ``higher_order``); the checker proves with exact polynomial arithmetic in t
that the risk R(t) along theta + t D + t^2 C + ... satisfies R(t) > R(0) for all small t > 0
(the lowest nonzero coefficient of R(t) - R(0) is positive). With ``critical`` and ``descent``
this makes the point a saddle: critical, neither a local minimum nor a local maximum.
Every loss that ``descent_curve`` handles (squared, absolute, Huber, hinge).
"""
from __future__ import annotations

from symcert.checker.descent import POLY_T, risk_change
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, PiecewiseLinear, Problem


def check_ascent_curve(ctx: Context, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    if not isinstance(prob, Problem) or not isinstance(prob.act, PiecewiseLinear):
        raise FormatError(f"{path}.kind", ob.get("kind"), "applies to piecewise-linear problems only")
    res = risk_change(ctx, ob, path)
    if isinstance(res, Outcome):
        return res
    rise, order, c = res
    if c < 0:
        return Outcome("fails", f"the risk decreases along the curve: R(t) - R(0) = {c} t^{order} + ...", [RATIONAL])
    return Outcome("holds", f"R(t) - R(0) = {c} t^{order} + O(t^{order + 1}) > 0 for small t > 0 (degree {rise.degree()})",
                   [RATIONAL, POLY_T], ("ascent",))


CHECKS = {"ascent_curve": check_ascent_curve}
