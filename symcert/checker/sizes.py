"""Size bounds before symbolic work (trusted): sympy calls that can run without end are given
only expressions that have been measured first.

Each bound is a constant of :mod:`symcert.exact.limits`; reaching one raises
:class:`~symcert.exact.limits.LimitReached`, which the driver reports as UNKNOWN naming it.
These bounds are a stop-gap: they turn a hang inside sympy into UNKNOWN, where an evaluation
that does not go through sympy (arb balls and exact rationals only) would decide the instance.
"""
from __future__ import annotations

import flint
import sympy
from flint import arb, fmpq

from symcert.exact.limits import (MAX_EXPANDED_TERMS, MAX_EXPR_NODES, MAX_MAGNITUDE_BITS, MAX_SIMPLIFY_NODES,
                                  LimitReached)


def count_nodes(expr, cap: int = MAX_EXPR_NODES) -> int:
    """Nodes of ``expr`` (a sympy expression), counting stops just past ``cap``."""
    n = 0
    stack = [expr]
    while stack:
        e = stack.pop()
        n += 1
        if n > cap:
            return n
        stack.extend(e.args)
    return n


def require_nodes(expr, what: str, cap: int = MAX_EXPR_NODES) -> None:
    if count_nodes(expr, cap) > cap:
        raise LimitReached(f"{what}: an expression of more than {cap} nodes (limit MAX_EXPR_NODES)")


def expanded_terms(expr, cap: int = MAX_EXPANDED_TERMS) -> int:
    """Upper bound on the terms ``sympy.expand(expr)`` produces (sums add, products multiply,
    a positive integer power n of k terms gives at most k^n); counting stops past ``cap``."""
    if expr.is_Atom:
        return 1
    if expr.is_Add:
        total = 0
        for a in expr.args:
            total += expanded_terms(a, cap)
            if total > cap:
                return total
        return total
    if expr.is_Mul:
        total = 1
        for a in expr.args:
            total *= expanded_terms(a, cap)
            if total > cap:
                return total
        return total
    if expr.is_Pow:
        base = expanded_terms(expr.args[0], cap)
        e = expr.args[1]
        if base > cap or expanded_terms(e, cap) > cap:
            return cap + 1
        if not (e.is_Integer and e > 1) or base == 1:
            return 1
        total = 1
        for _ in range(int(e)):  # stops after about log2(cap) rounds, since base >= 2
            total *= base
            if total > cap:
                return total
        return total
    for a in expr.args:  # a function: one term, its argument expanded on its own
        if expanded_terms(a, cap) > cap:
            return cap + 1
    return 1


def bounded_expand(expr, what: str):
    """``sympy.expand(expr)`` after bounding its input nodes and its output terms."""
    require_nodes(expr, what)
    if expanded_terms(expr) > MAX_EXPANDED_TERMS:
        raise LimitReached(f"{what}: expanding would give more than {MAX_EXPANDED_TERMS} terms (limit MAX_EXPANDED_TERMS)")
    try:
        return sympy.expand(expr)
    except RecursionError:
        raise LimitReached(f"{what}: expression too deep for sympy.expand") from None


def simplifiable(expr) -> bool:
    """Whether ``expr`` is small enough to hand to ``sympy.simplify`` (MAX_SIMPLIFY_NODES)."""
    return count_nodes(expr, MAX_SIMPLIFY_NODES) <= MAX_SIMPLIFY_NODES


def require_magnitude(value, what: str, to_arb) -> None:
    """Rigorously |value| < 2^MAX_MAGNITUDE_BITS (``to_arb`` evaluates a sympy number as a ball),
    so that sympy's automatic evaluation never meets an astronomically large exponent."""
    if value.is_Rational:
        if max(abs(int(value.p)).bit_length() - int(value.q).bit_length(), 0) >= MAX_MAGNITUDE_BITS:
            raise LimitReached(f"{what}: |value| >= 2^{MAX_MAGNITUDE_BITS} (limit MAX_MAGNITUDE_BITS)")
        return
    require_nodes(value, what)
    if value.free_symbols:  # a symbolic value (a path or manifold parameter): only its size is bounded
        return
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = 128
        ball = to_arb(value)
    except (ValueError, RecursionError) as exc:
        raise LimitReached(f"{what}: cannot bound its size with arb ({exc})") from None
    finally:
        flint.ctx.prec = saved
    bound = arb(fmpq(2) ** MAX_MAGNITUDE_BITS)
    if not (ball.is_finite() and abs(ball) < bound):
        raise LimitReached(f"{what}: |value| is not certainly below 2^{MAX_MAGNITUDE_BITS} (limit MAX_MAGNITUDE_BITS)")
