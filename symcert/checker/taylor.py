"""Saddles under the logistic loss at points whose outputs are all 0 (trusted): exact Taylor series.

At a point theta where every output of every sample is exactly 0, the logistic loss's Taylor
series at 0 has rational coefficients: with y = +-1,

    ell(u, y) - log 2 = log(1 + e^{-y u}) - log 2 = -y u / 2 + log cosh(u / 2),

and log cosh(v) = log(1 + w), w = cosh(v) - 1 = v^2/2 + v^4/24 + ... (exact series arithmetic over
Q, truncated at degree N). The function u -> ell(u, y) is analytic for |u| < pi, so
ell(u) - log 2 = phi_N(u) + O(u^(N+1)) with phi_N the truncated series.

Along a polynomial curve theta(t) = theta + t D + t^2 C + sum t^k C_k (the ``descent_curve``
format), every output o(t) is a polynomial with o(0) = 0 once the activation pieces for small
t > 0 are fixed (checker/descent.py, ``_piece_poly``), so
R(t) - R(0) = sum phi_N(o(t)) + O(t^(N+1)): every coefficient of t^n, n <= N, is exact. If the
lowest nonzero one, c t^n with n <= N, is negative the risk drops for small t > 0, if positive it
rises. N = ``order`` (given, at most 64).

* ``taylor_critical``: every output at theta is 0, no hidden pre-activation is on a breakpoint (so
  near theta the outputs are polynomials in the parameters and the risk is smooth), the
  certificate's loss enclosure contains R(theta) = (entries) log 2 (arb), and for every coordinate
  e_k of the parameters the t^1 coefficient of R(theta + t e_k) - R(theta), the partial
  derivative, is exactly 0. Fact ``critical``.
* ``taylor_descent`` / ``taylor_ascent``: the lowest coefficient with n <= N is negative /
  positive. Facts ``descent`` / ``ascent``.
"""
from __future__ import annotations

from flint import arb, fmpq, fmpq_poly

from symcert.checker import kernel
from symcert.checker.descent import curve_outputs, higher_terms
from symcert.checker.krawczyk_core import precision
from symcert.checker.ledger import ARB, POLY_T, RATIONAL, TAYLOR_LOGISTIC
from symcert.checker.obligations import Outcome
from symcert.checker.problem import FormatError, get, point

MAX_ORDER = 64


def _trunc(p: fmpq_poly, n: int) -> fmpq_poly:
    return fmpq_poly(p.coeffs()[:n + 1])


def series(y: fmpq, n: int) -> fmpq_poly:
    """phi_n(u) = ell(u, y) - log 2 for the logistic loss, truncated at degree n (exact)."""
    cosh = fmpq_poly([fmpq(1, 2 ** k) / _fact(k) if k % 2 == 0 else 0 for k in range(n + 1)])  # cosh(u / 2)
    w, out, power = cosh - 1, fmpq_poly([0, -y / 2]), fmpq_poly([1])
    for k in range(1, n // 2 + 1):  # w = O(u^2): powers beyond n/2 vanish below degree n + 1
        power = _trunc(power * w, n)
        out += power * fmpq((-1) ** (k + 1), k)
    return _trunc(out, n)


def _fact(k: int) -> int:
    out = 1
    for i in range(2, k + 1):
        out *= i
    return out


def _outputs(prob, base: dict, terms: dict) -> list:
    """Every output along theta + sum_k t^k terms[k], as polynomials (pieces fixed for small t > 0)."""
    top = max(terms)
    curve = {n: [[fmpq_poly([base[n][i, j]] + [terms[k][n][i, j] if k in terms else 0 for k in range(1, top + 1)])
                  for j in range(base[n].ncols())] for i in range(base[n].nrows())] for n in prob.param_names()}
    return list(curve_outputs(prob, curve))


def change(prob, base: dict, terms: dict, n: int):
    """(R(t) - R(0) through degree n, or None when some output at theta is not 0)."""
    outs = _outputs(prob, base, terms)
    if any(o.coeffs() and o.coeffs()[0] != 0 for o, _ in outs):
        return None
    total = fmpq_poly([])
    for o, y in outs:
        phi, acc, power = series(y, n), fmpq_poly([]), fmpq_poly([1])
        for c in phi.coeffs()[1:]:
            power = _trunc(power * o, n)
            acc += power * c
        total += acc
    return _trunc(total, n)


def _order(ob: dict, path: str) -> int:
    n = get(ob, "order", path, int)
    if not 1 <= n <= MAX_ORDER:
        raise FormatError(f"{path}.order", n, f"expected 1..{MAX_ORDER}")
    return n


def _logistic(ctx) -> Outcome | None:
    if ctx.prob.loss != "logistic":
        return Outcome("fails", f"the Taylor route is written for the logistic loss, not {ctx.prob.loss}", [])
    return None


def check_taylor_critical(ctx, ob: dict, path: str) -> Outcome:
    if (bad := _logistic(ctx)):
        return bad
    prob, ledger = ctx.prob, [RATIONAL, POLY_T, TAYLOR_LOGISTIC, ARB(128)]
    if kernel.kinks(prob, kernel.forward(prob, ctx.point)[0]):
        return Outcome("fails", "a hidden pre-activation is on a breakpoint: the risk need not be differentiable there", ledger)
    names = [(n, i, j) for n in prob.param_names() for i in range(ctx.point[n].nrows()) for j in range(ctx.point[n].ncols())]
    for n, i, j in names:
        e = {m: ctx.point[m] * 0 for m in prob.param_names()}
        e[n][i, j] = 1
        c = change(prob, ctx.point, {1: e}, 1)
        if c is None:
            return Outcome("fails", "the Taylor route needs every output at the point to be exactly 0", ledger)
        if c.coeffs()[1:2] not in ([], [0]):
            return Outcome("fails", f"d risk / d {n}[{i + 1},{j + 1}] = {c.coeffs()[1]}: not a critical point", ledger)
    lo, hi = ctx.enclosure
    with precision(128):
        r = arb(prob.m * prob.widths[-1]) * arb(2).log()
        if not (r >= arb(lo) and r <= arb(hi)):
            return Outcome("fails", f"the loss enclosure [{lo}, {hi}] does not contain R(theta) = {prob.m * prob.widths[-1]} log 2", ledger)
    return Outcome("holds", f"every output is 0 and every partial derivative of the risk is exactly 0 ({len(names)} coordinates); "
                            f"R(theta) = {prob.m * prob.widths[-1]} log 2", ledger, ("critical",))


def _curve(ctx, ob: dict, path: str, want: int, fact: str) -> Outcome:
    if (bad := _logistic(ctx)):
        return bad
    prob, n = ctx.prob, _order(ob, path)
    terms = {1: point(get(ob, "direction", path), prob, f"{path}.direction")}
    if "second_order" in ob:
        terms[2] = point(ob["second_order"], prob, f"{path}.second_order")
    terms.update(higher_terms(ob, prob, path))
    ledger = [RATIONAL, POLY_T, TAYLOR_LOGISTIC]
    c = change(prob, ctx.point, terms, n)
    if c is None:
        return Outcome("fails", "the Taylor route needs every output at the point to be exactly 0", ledger)
    k = next((k for k, v in enumerate(c.coeffs()) if v != 0), None)
    if k is None:
        return Outcome("fails", f"every coefficient of R(t) - R(0) through t^{n} is 0: undecided at this order", ledger)
    v = c.coeffs()[k]
    if (v > 0) != (want > 0):
        return Outcome("fails", f"R(t) - R(0) = {v} t^{k} + O(t^{k + 1}) has the wrong sign", ledger)
    return Outcome("holds", f"R(t) - R(0) = {v} t^{k} + O(t^{k + 1}) {'<' if want < 0 else '>'} 0 for small t > 0 "
                            f"(Taylor series of the loss through degree {n})", ledger, (fact,))


def check_taylor_descent(ctx, ob: dict, path: str) -> Outcome:
    return _curve(ctx, ob, path, -1, "descent")


def check_taylor_ascent(ctx, ob: dict, path: str) -> Outcome:
    return _curve(ctx, ob, path, 1, "ascent")


CHECKS = {"taylor_critical": check_taylor_critical, "taylor_descent": check_taylor_descent, "taylor_ascent": check_taylor_ascent}
