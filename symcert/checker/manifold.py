"""The Morse-Bott manifold identity (trusted): by the per-neuron argument, or for an arbitrary
activation.

``neuron_identity`` proves it without symbols when every free coordinate is the bias or output
weight of a neuron whose input weights are exactly 0 (the construction of ding2022): see its
docstring. Otherwise:

``morse_bott`` needs the gradient of the risk to vanish identically on its critical manifold
(the graph, over the free coordinates, of the output bias that keeps the output at sample 1
fixed). This module proves that identity with the activation and its derivative replaced by
two undefined functions h0, h1: the risk's gradient is then a polynomial in the free
coordinates, the data and the values h0(z), h1(z), and ``sympy.expand`` deciding it is 0 proves
it for every activation at once, hence for the problem's own (an identity in independent
symbols stays one under any substitution). When expansion leaves a non-zero polynomial, the
identity may still hold for the specific activation; the caller then falls back to the
concrete check. Near a point whose hidden pre-activations lie inside open pieces, a
piecewise activation is smooth, so the identity applies there as well.
"""
from __future__ import annotations

import sympy

from symcert.checker import sizes
from symcert.checker import smooth as S
from symcert.checker.ledger import MANIFOLD_IDENTITY as LEDGER  # noqa: F401  (read by smooth_hessian)
from symcert.checker.ledger import NEURON_IDENTITY
from symcert.checker.obligations import Outcome


def neuron_identity(ctx, free: list) -> list | None:
    """The manifold identity by the per-neuron argument, with no symbols and in time linear in
    the width: its ledger, or None when a hypothesis below is not met (the caller then proves the
    identity symbolically).

    Hypotheses: the point is critical (fact ``critical``, from an earlier smooth_gradient_zero);
    every free coordinate is b1[j] or W2[1, j] of a neuron j whose input weights W1[j] are exactly
    0; the residuals r_i at the point satisfy sum_i r_i x_i = 0 exactly.
    Argument: on the manifold a free neuron's pre-activation is b_j on every sample, so it adds the
    same v_j h(b_j) to every output; the output bias keeps output 1 fixed, so it cancels that change
    and every output, hence every residual, keeps its value at the point. A partial derivative of
    the risk is sum_i r_i d f_i / d theta. For a neuron with no free coordinate it depends on that
    neuron's (fixed) parameters and the (fixed) residuals only, so it keeps its value at the point,
    0. For a free neuron j it is h(b_j) sum r_i (v_j), v_j h'(b_j) sum r_i (b_j) or
    v_j h'(b_j) sum r_i x_i (W1[j]); for the output bias sum r_i. sum r_i = 0 is the output bias's
    partial derivative at the critical point, and sum r_i x_i = 0 is checked here."""
    if "critical" not in ctx.facts or any(name not in ("b1", "W2") for name, _, _ in free):
        return None
    neurons = {i if name == "b1" else j for name, i, j in free}
    if any(w != 0 for j in neurons for w in ctx.point["W1"][j]):  # structural: exactly the number 0
        return None
    res, X, ledger = ctx.ev.residuals(ctx.point), ctx.prob.X, [S.SYMPY]
    for k in range(ctx.prob.widths[0]):
        total = sympy.Add(*[res[s][0] * sympy.Rational(int(X[k, s].p), int(X[k, s].q)) for s in range(ctx.prob.m)])
        zero, how = S.sign(total)
        if zero != 0:
            return None
        ledger += [how] if how not in ledger else []
    return [*ledger, NEURON_IDENTITY]



class GenericEvaluator(S.Evaluator):
    """Forward pass and gradient with h(z) = h0(z), h'(z) = h1(z) undefined functions."""

    _H = (sympy.Function("h0"), sympy.Function("h1"))

    def h(self, z: sympy.Expr, order: int = 0) -> sympy.Expr:
        if order > 1:
            raise ValueError("the generic evaluator has no second derivative")
        return self._H[order](z)


def manifold_point(prob, point: dict, free: list, value_at_1: sympy.Expr, ev: S.Evaluator) -> tuple[dict, dict]:
    """(parameters on the manifold, symbol of each free coordinate): each free coordinate is its
    point value plus a symbol; the output bias keeps the output at sample 1 equal to value_at_1."""
    syms = {c: sympy.Symbol(f"s_{c[0]}_{c[1] + 1}_{c[2] + 1}") for c in free}
    last = f"b{prob.depth}"
    gen = {n: [list(row) for row in M] for n, M in point.items()}
    for (n, i, j), sym in syms.items():
        gen[n][i][j] = point[n][i][j] + sym
    gen[last][0][0] = sympy.Integer(0)
    f1 = ev.forward(gen)[0][2][0]
    gen[last][0][0] = value_at_1 - f1
    return gen, syms


def generic_identity(prob, point: dict, free: list, value_at_1: sympy.Expr) -> bool:
    """True if the gradient vanishes identically on the manifold for an arbitrary activation."""
    ev = GenericEvaluator(prob)
    gen, _ = manifold_point(prob, point, free, value_at_1, ev)
    grad = ev.gradient(gen)
    for n in prob.param_names():
        for row in grad[n]:
            for v in row:
                if v != 0 and sizes.bounded_expand(v, "the manifold identity") != 0:
                    return False
    return True


def concrete_identity(ctx, free: list, fw0) -> tuple:
    """(failing Outcome or None, ledger): the manifold identity for the problem's own activation
    (exact expansion, a refuting arb sample, or sympy.simplify)."""
    prob = ctx.prob
    ev = S.Evaluator(prob)
    gen, syms = manifold_point(prob, ctx.point, free, fw0[0][2][0], ev)
    grad = ev.gradient(gen)
    ledger = [S.SYMPY]
    vals = [(f"d risk / d {n}[{i + 1},{j + 1}]", v) for n in prob.param_names() for i, row in enumerate(grad[n]) for j, v in enumerate(row)]
    vals = [(lab, v if v == 0 else sizes.bounded_expand(v, lab)) for lab, v in vals]
    bad = [(lab, v) for lab, v in vals if v != 0]
    for lab, v in bad:  # a sample of the manifold where arb proves the gradient nonzero refutes the identity
        at = v.subs({sym: sympy.Rational(1, 7 + 2 * k) for k, sym in enumerate(syms.values())})
        try:
            ball = S.arb_at(at, S.PREC)
        except ValueError:
            continue
        if ball > 0 or ball < 0:
            return Outcome("fails", f"the gradient does not vanish on the manifold: {lab} is {ball} at a sample point of it",
                           [S.SYMPY, S.ARB(S.PREC)]), ledger
    if bad:
        if not all(sizes.simplifiable(v) for _, v in bad):
            return Outcome("unknown", "the gradient on the manifold is too large for sympy.simplify (limit MAX_SIMPLIFY_NODES)", ledger), ledger
        simp = [(lab, sympy.simplify(v)) for lab, v in bad]
        ledger.append(S.SIMPLIFY)
        still = [(lab, v) for lab, v in simp if v != 0]
        if still:
            return Outcome("fails", f"the gradient does not vanish on the manifold: {still[0][0]} = {str(still[0][1])[:80]}", ledger), ledger
    return None, ledger


def arb_inertia(H: list, prec: int) -> str | None:
    """LDL^T of a symmetric matrix of exact sympy numbers in arb balls at ``prec`` bits: "pd" when
    every pivot is certainly > 0, "not_pd" when the first pivot that is not certainly > 0 is
    certainly < 0 (all before it certainly > 0: a leading principal minor is then negative),
    None when undecided at this precision."""
    import flint
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        n = len(H)
        A = [[S.to_arb(H[i][j]) for j in range(n)] for i in range(n)]
        for k in range(n):
            d = A[k][k]
            if not d > 0:
                return "not_pd" if d < 0 else None
            for i in range(k + 1, n):
                f = A[i][k] / d
                for j in range(k + 1, n):
                    A[i][j] -= f * A[k][j]
        return "pd"
    finally:
        flint.ctx.prec = saved
