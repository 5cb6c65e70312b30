"""Descent curves (trusted): exact proof that a point is NOT a local minimum.

Obligation ``descent_curve``: the certificate gives a direction D (and optionally a second-order
term C, same shapes as the point) and claims that along theta(t) = theta + t D + t^2 C the risk
drops for every small t > 0. The checker proves it with exact polynomial arithmetic in t:

Optional ``higher_order``: a list of ``{"power": k, "term": {...}}`` (3 <= k <= 64, distinct)
adds t^k C_k to the curve, so any polynomial curve can be stated (needed e.g. at a zero point of
a deep linear network, where the first descent appears only at a high order in t).

1. every hidden pre-activation z(t) along the curve is a polynomial in t once the activation
   pieces are fixed; for all small t > 0 the piece of z(t) is decided by the sign of the lowest
   nonzero coefficient of z(t) - breakpoint (or z(t) stays on the breakpoint identically, where
   both pieces agree), layer by layer, so one cell contains theta(t) for all t in (0, t0);
2. on that cell the risk along the curve is a polynomial R(t) with R(0) = risk(theta);
3. the lowest nonzero coefficient of R(t) - R(0) is negative, so R(t) < R(0) for small t > 0.

Since theta(t) -> theta, every neighbourhood of theta holds points of strictly lower risk.
Any loss of checker/losses.py (squared, absolute, Huber, hinge): each is piecewise polynomial in
the output, and along the curve the branch taken for small t > 0 is decided the same way.
"""
from __future__ import annotations

from flint import fmpq, fmpq_poly

from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, get, not_for, point
from symcert.checker.ledger import POLY_T



def lowest_sign(p: fmpq_poly) -> int:
    """Sign of p(t) for all small t > 0 (0 if p is identically zero)."""
    for c in p.coeffs():
        if c != 0:
            return 1 if c > 0 else -1
    return 0


def _piece_poly(act, z: fmpq_poly) -> fmpq_poly:
    """h(z(t)) as a polynomial valid for all small t > 0."""
    k = 0
    for bp in act.breakpoints:
        s = lowest_sign(z - bp)
        if s == 0:  # z(t) == bp identically: h is continuous, its value is h(bp)
            return fmpq_poly([act.slopes[k] * bp + act.intercepts[k]])
        if s < 0:
            break
        k += 1
    return z * act.slopes[k] + act.intercepts[k]


MAX_POWER = 64


def higher_terms(ob: dict, prob, path: str) -> dict:
    """The optional ``higher_order`` terms of a curve: {power: parameter matrices}."""
    if "higher_order" not in ob:
        return {}
    items = ob["higher_order"]
    if not isinstance(items, list):
        raise FormatError(f"{path}.higher_order", items, "expected a list of {power, term} objects")
    out = {}
    for n, item in enumerate(items):
        p = f"{path}.higher_order[{n}]"
        k = get(item, "power", p, int)
        if not 3 <= k <= MAX_POWER or k in out:
            raise FormatError(f"{p}.power", k, f"expected a power 3..{MAX_POWER}, each at most once")
        out[k] = point(get(item, "term", p), prob, f"{p}.term")
    return out


def risk_along(prob, base: dict, d1: dict, d2: dict | None, higher: dict | None = None) -> fmpq_poly:
    higher = higher or {}
    top = max(higher, default=2)
    curve = {}
    for name in prob.param_names():
        B, D = base[name], d1[name]
        C = d2[name] if d2 is not None else None
        def coeffs(i, j):
            cs = [B[i, j], D[i, j], C[i, j] if C is not None else 0] + [0] * (top - 2)
            for k, H in higher.items():
                cs[k] = H[name][i, j]
            return cs
        curve[name] = [[fmpq_poly(coeffs(i, j)) for j in range(B.ncols())] for i in range(B.nrows())]
    return sum((loss_poly(prob, out, y) for out, y in curve_outputs(prob, curve)), fmpq_poly([]))


def curve_outputs(prob, curve: dict):
    """(output, target) for every sample and output entry along the curve, the outputs as
    polynomials in t (``curve[name][i][j]`` the entry's polynomial; the pieces are those that hold
    for small t > 0, see ``_piece_poly``)."""
    for s in range(prob.m):
        a = [fmpq_poly([prob.X[k, s]]) for k in range(prob.widths[0])]
        for l in range(1, prob.depth + 1):
            W, b = curve[f"W{l}"], curve[f"b{l}"]
            z = [sum((W[i][k] * a[k] for k in range(len(a))), b[i][0]) for i in range(len(W))]
            a = z if l == prob.depth else [_piece_poly(prob.act, zi) for zi in z]
        yield from ((out, prob.Y[i, s]) for i, out in enumerate(a))


def loss_poly(prob, out: fmpq_poly, y: fmpq) -> fmpq_poly:
    """The per-entry loss of output ``out(t)`` as a polynomial valid for all small t > 0: each
    loss of checker/losses.py is piecewise polynomial in the output, and the branch taken for
    small t > 0 is decided by the lowest nonzero coefficient (on a branch boundary held
    identically, both branches agree)."""
    r = out - y
    if prob.loss == "squared":
        return r * r / 2
    if prob.loss == "absolute":
        return r * lowest_sign(r)
    if prob.loss == "huber":
        d = prob.loss_delta
        if lowest_sign(r - d) > 0:
            return (r - d / 2) * d
        if lowest_sign(r + d) < 0:
            return (-r - d / 2) * d
        return r * r / 2
    if prob.loss == "hinge":
        margin = 1 - out * y
        return margin if lowest_sign(margin) > 0 else fmpq_poly([])
    raise AssertionError(f"unknown loss {prob.loss}")


def risk_change(ctx: Context, ob: dict, path: str):
    """(R(t) - R(0) along the obligation's curve, order of its lowest nonzero term, that
    coefficient), or an Outcome when the curve's risk is constant or inconsistent."""
    prob = ctx.prob
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
    change = R - ctx.risk
    order = next((k for k, c in enumerate(change.coeffs()) if c != 0), None)
    if order is None:
        return Outcome("fails", "the risk is constant along the curve", [RATIONAL])
    return change, order, change.coeffs()[order]


def check_descent_curve(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "descent_curve")):
        return Outcome("fails", why, [])
    res = risk_change(ctx, ob, path)
    if isinstance(res, Outcome):
        return res
    drop, order, c = res
    if c > 0:
        return Outcome("fails", f"the risk increases along the curve: R(t) - R(0) = {c} t^{order} + ...", [RATIONAL])
    return Outcome("holds", f"R(t) - R(0) = {c} t^{order} + O(t^{order + 1}) < 0 for small t > 0 (degree {drop.degree()})",
                   [RATIONAL, POLY_T], ("descent",))


CHECKS = {"descent_curve": check_descent_curve}
