"""The risk as an exact symbolic expression in named parameters (sympy).

For inspection, teaching and cross-checking: the parameters are sympy symbols ``W1_i_j``,
``b1_i`` ..., the activation a sympy ``Piecewise`` built from the exact breakpoints and pieces,
and the gradient is obtained by symbolic differentiation. Fast exact evaluation at rational
points uses :mod:`symcert.checker.kernel` instead (matrix products over Q, no expansion).
Everything is built constructively from exact rationals; no text is ever parsed by sympy.
"""
from __future__ import annotations

import sympy as sp

from symcert.checker.problem import Problem


def _q(v) -> sp.Rational:
    return sp.Rational(int(v.p), int(v.q))


def param_symbols(prob: Problem) -> dict:
    syms = {}
    for name in prob.param_names():
        r, c = prob.param_shape(name)
        if name[0] == "W":
            syms[name] = sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}_{i + 1}_{j + 1}", real=True))
        else:
            syms[name] = sp.Matrix(r, 1, lambda i, j: sp.Symbol(f"{name}_{i + 1}", real=True))
    return syms


def activation_expr(prob: Problem, t: sp.Expr) -> sp.Expr:
    act = prob.act
    pieces = []
    for k, bp in enumerate(act.breakpoints):
        pieces.append((_q(act.slopes[k]) * t + _q(act.intercepts[k]), t < _q(bp)))
    k = len(act.breakpoints)
    pieces.append((_q(act.slopes[k]) * t + _q(act.intercepts[k]), True))
    return sp.Piecewise(*pieces) if len(pieces) > 1 else pieces[0][0]


def risk_expr(prob: Problem, syms: dict | None = None) -> tuple[sp.Expr, dict]:
    """(risk as a sympy expression, parameter symbols). Squared loss, 1/2 sum convention."""
    syms = syms or param_symbols(prob)
    total = sp.Integer(0)
    for j in range(prob.m):
        a = sp.Matrix([_q(prob.X[k, j]) for k in range(prob.widths[0])])
        for l in range(1, prob.depth + 1):
            z = syms[f"W{l}"] * a + syms[f"b{l}"]
            a = z if l == prob.depth else z.applyfunc(lambda t: activation_expr(prob, t))
        for i in range(prob.widths[-1]):
            total += (a[i] - _q(prob.Y[i, j])) ** 2
    return total / 2, syms


def substitution(syms: dict, params: dict) -> dict:
    sub = {}
    for name, M in syms.items():
        P = params[name]
        for i in range(M.rows):
            for j in range(M.cols):
                sub[M[i, j]] = _q(P[i, j])
    return sub


def gradient_at(prob: Problem, params: dict) -> dict:
    """Symbolic gradient evaluated exactly at a rational point (a dict of sympy matrices)."""
    expr, syms = risk_expr(prob)
    sub = substitution(syms, params)
    return {name: M.applyfunc(lambda s: sp.diff(expr, s).subs(sub)) for name, M in syms.items()}


def risk_at(prob: Problem, params: dict) -> sp.Rational:
    expr, syms = risk_expr(prob)
    value = expr.subs(substitution(syms, params))
    assert value.is_Rational, value
    return value
