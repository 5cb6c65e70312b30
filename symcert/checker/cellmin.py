"""Obligation ``cell_global_minima`` (trusted): the minima of the risk on one activation cell of a
one-hidden-layer network with one output (He, Wang, Tao 2020, Theorems 3-4).

Setting. Widths [dx, n, 1], a piecewise-linear activation, a convex loss. The point theta must
have no hidden pre-activation on a breakpoint and every output weight W2_i != 0. Its *cell* C is
the open set of parameters theta' whose hidden pre-activation (W1'_i, b1'_i) . x~_j lies on every
sample j in the same open piece as at theta (slope a_ij, intercept c_ij); its *signed cell*
C_s = {theta' in C : sign W2'_i = sign W2_i for every i}. As in ``lifted_normal_equations``
(checker/lifted.py), on C the output is yhat(theta') = Phi w(theta') for the fixed m x N design
matrix Phi (N = n (dx + 2) + 1 columns: a_ij x~_j, c_ij, 1) and the lifted variables
w(theta') = (W2'_i (W1'_i, b1'_i), W2'_i, b2'), so R = f o w with f(w) = sum_j ell((Phi w)_j, y_j)
convex on R^N.

The check: the point is off every breakpoint, W2 has no zero, the multipliers G lie in the loss's
subdifferential at the point's outputs, and G Phi = 0 exactly (lifted.balance); it computes
rank Phi exactly. What follows (the lemma CELL_MINIMA_LEMMA):

1. f(w) >= f(w(theta)) for every w (subgradient inequality), so theta minimises R over all of C
   (whatever the signs of W2'), with minimum value R(theta); theta is a local minimum (C is open).
2. On C_s, w is a diffeomorphism onto the open convex polyhedral cone K_s = {w : s_i v_i > 0,
   lo_ij v_i < u_i . x~_j < hi_ij v_i (sides swapped when s_i < 0)} (inverse W1'_i, b1'_i = u_i / v_i).
   A local minimum of R on C_s maps to a local minimum of f on the open set K_s, hence (f convex)
   to a global minimum of f on R^N: every local minimum in C_s is a global minimum of C, at risk
   R(theta). For a differentiable loss (squared, Huber) the same holds at every point of C, W2'_i = 0
   included (there the reachable directions of w_i form an open double cone, on which the
   derivative of f, a linear form, must vanish).
3. The set M of minimisers on C_s is w^{-1}(K_s cap argmin f), the preimage of a convex set under a
   diffeomorphism: connected (any two minima are joined by the image of a segment, at constant
   risk). For the squared loss argmin f = {w : Phi w = yhat(theta)}, an affine space, and M is a
   connected manifold of dimension N - rank Phi; for other losses argmin f contains that space.
Fact ``("cell_minima", N - rank Phi)``.
"""
from __future__ import annotations

from flint import fmpq_mat

from symcert.checker import kernel
from symcert.checker.lifted import stationary_in_lifted
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, PiecewiseLinear, Problem
from symcert.checker.ledger import CELL_MINIMA_LEMMA as LEMMA
from symcert.exact.limits import MAX_RANK_ENTRIES, LimitReached


def design(prob: Problem, pre: fmpq_mat) -> fmpq_mat:
    """Phi (m x N): per sample j, a_ij x~_j for each neuron i, then c_ij for each neuron, then 1."""
    m, n, dx = prob.m, pre.nrows(), prob.X.nrows()
    rows = []
    for j in range(m):
        xt = [prob.X[k, j] for k in range(dx)] + [1]
        ks = [prob.act.piece(pre[i, j])[0] for i in range(n)]
        rows += [prob.act.slopes[k] * v for k in ks for v in xt] + [prob.act.intercepts[k] for k in ks] + [1]
    return fmpq_mat(m, n * (dx + 2) + 1, rows)


def _shape(ctx: Context, path: str, ob: dict) -> str | None:
    prob = ctx.prob
    if not isinstance(prob, Problem) or not isinstance(prob.act, PiecewiseLinear):
        raise FormatError(f"{path}.kind", ob.get("kind"), "applies to piecewise-linear problems only")
    if prob.depth != 2 or prob.widths[-1] != 1:
        return f"stated for one hidden layer and one output; the widths are {prob.widths}"
    n_params = prob.widths[1] * (prob.widths[0] + 2) + 1
    if prob.m * n_params > MAX_RANK_ENTRIES:
        raise LimitReached(f"the design matrix has {prob.m} x {n_params} entries, beyond MAX_RANK_ENTRIES = {MAX_RANK_ENTRIES}")
    kinks = kernel.kinks(prob, ctx.forward(ctx.point)[0])
    if kinks:
        _, i, j = kinks[0]
        return f"hidden neuron {i + 1} is on a breakpoint at sample {j + 1}: the point is on the boundary of its cell"
    zero = [i + 1 for i, v in enumerate(ctx.point["W2"].entries()) if v == 0]
    if zero:
        return f"output weight W2[{zero[0]}] is 0: the point is in no signed cell"
    return None


def check_cell_global_minima(ctx: Context, ob: dict, path: str) -> Outcome:
    why = _shape(ctx, path, ob)
    if why:
        return Outcome("fails", why, [])
    prob = ctx.prob
    _, bad = stationary_in_lifted(ctx, ob, path)
    if bad:
        return bad
    Phi = design(prob, ctx.forward(ctx.point)[0][0])
    dim = Phi.ncols() - Phi.rank()
    shape = f"of dimension {dim}" if prob.loss == "squared" else f"containing a manifold of dimension {dim}"
    return Outcome("holds", f"the point minimises the risk over its whole cell (minimum {ctx.risk}); every local minimum in its "
                            f"signed cell is a global minimum of the cell, and they form one connected set {shape} "
                            f"({Phi.ncols()} lifted variables, rank Phi = {Phi.ncols() - dim})",
                   [RATIONAL, LEMMA], (("cell_minima", dim),))


CHECKS = {"cell_global_minima": check_cell_global_minima}
