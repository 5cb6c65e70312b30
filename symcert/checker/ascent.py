"""Ascent curves (trusted): exact proof that a point is NOT a local maximum.

Obligation ``ascent_curve``: the same curve format as ``descent_curve`` (``direction``, optional
``second_order`` and ``higher_order``); the checker proves with exact polynomial arithmetic in t
that the risk R(t) along theta + t D + t^2 C + ... satisfies R(t) > R(0) for all small t > 0
(the lowest nonzero coefficient of R(t) - R(0) is positive). With ``critical`` and ``descent``
this makes the point a saddle: critical, neither a local minimum nor a local maximum.
Squared loss only.
"""
from __future__ import annotations

from flint import fmpq

from symcert.checker.descent import POLY_T, higher_terms, risk_along
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, PiecewiseLinear, Problem, get, point


def check_ascent_curve(ctx: Context, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    if not isinstance(prob, Problem) or not isinstance(prob.act, PiecewiseLinear):
        raise FormatError(f"{path}.kind", ob.get("kind"), "applies to piecewise-linear problems only")
    if prob.loss != "squared":
        return Outcome("fails", "ascent_curve is stated for the squared loss only", [])
    d1 = point(get(ob, "direction", path), prob, f"{path}.direction")
    d2 = point(ob["second_order"], prob, f"{path}.second_order") if "second_order" in ob else None
    higher = higher_terms(ob, prob, path)
    terms = [d1] + ([d2] if d2 is not None else []) + list(higher.values())
    if all(v == 0 for T in terms for M in T.values() for v in M.entries()):
        raise FormatError(f"{path}.direction", "0", "the curve must move")
    R = risk_along(prob, ctx.point, d1, d2, higher)
    coeffs = R.coeffs()
    if (coeffs[0] if coeffs else fmpq(0)) != ctx.risk:
        return Outcome("fails", f"internal inconsistency: R(0) = {coeffs[0] if coeffs else 0} but risk = {ctx.risk}", [RATIONAL])
    rise = R - ctx.risk
    order = next((k for k, c in enumerate(rise.coeffs()) if c != 0), None)
    if order is None:
        return Outcome("fails", "the risk is constant along the curve (no ascent)", [RATIONAL])
    c = rise.coeffs()[order]
    if c < 0:
        return Outcome("fails", f"the risk decreases along the curve: R(t) - R(0) = {c} t^{order} + ...", [RATIONAL])
    return Outcome("holds", f"R(t) - R(0) = {c} t^{order} + O(t^{order + 1}) > 0 for small t > 0 (degree {rise.degree()})",
                   [RATIONAL, POLY_T], ("ascent",))


CHECKS = {"ascent_curve": check_ascent_curve}
