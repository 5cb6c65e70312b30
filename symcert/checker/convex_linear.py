"""Global minima of deep linear networks under a convex differentiable loss (trusted).

Kind ``convex_global_minimum`` (Yun et al. 2019, Theorem 4 beyond the squared loss). With an
activation without breakpoints every parameter computes an affine map A' = [P', c'], and the
risk is l0(A') = sum_i ell(A' x~_i, y_i) with ell convex in the output. If the loss is
differentiable at every output of the point (no output on a kink of an absolute or hinge loss;
Huber is differentiable everywhere) and D = d ell / d output satisfies D X^T = 0 and D 1 = 0
exactly (grad l0(product) = 0), convexity gives l0(A') >= l0(A) + <D, (A' - A) X~> = l0(A) for
every affine map: the point is a global minimum. The squared loss is the kind
``linear_global_minimum`` (checker/linear.py).

The rank condition of Theorem 4 is checked as a statement when the certificate names it
(``rank_condition_j``): W_L ... W_{j+1} has full row rank dy and W_{j-1} ... W_1 full column
rank dx (exact ranks); the report then says that it holds and that grad l0(product) = 0 there,
as the theorem asserts.
"""
from __future__ import annotations

from flint import fmpq_mat

from symcert.checker import kernel
from symcert.checker.linear import stated_end_to_end
from symcert.checker.obligations import RATIONAL, Outcome
from symcert.checker.problem import FormatError
from symcert.checker.ledger import CONVEX_LINEAR_LEMMA as LEMMA



def _chain(point: dict, top: int, bottom: int, n: int) -> fmpq_mat:
    M = fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])
    for l in range(bottom, top + 1):
        M = point[f"W{l}"] * M
    return M


def _rank_condition(prob, point: dict, j) -> tuple[bool, str]:
    L, dx, dy = prob.depth, prob.widths[0], prob.widths[-1]
    if not isinstance(j, int) or isinstance(j, bool) or not 1 <= j <= L:
        raise FormatError("rank_condition_j", j, f"expected a layer 1..{L}")
    top, bottom = _chain(point, L, j + 1, prob.widths[j]), _chain(point, j - 1, 1, dx)
    ok = top.rank() == dy and bottom.rank() == dx
    return ok, f"rank W_{L}..W_{j + 1} = {top.rank()} (dy = {dy}), rank W_{j - 1}..W_1 = {bottom.rank()} (dx = {dx})"


def check_convex_global_minimum(ctx, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    if prob.act.breakpoints:
        return Outcome("fails", "the activation has breakpoints: the network is not affine in x for every parameter", [])
    m = prob.m
    P, c, bad = stated_end_to_end(ctx, ob, path)
    if bad:
        return bad
    out = kernel.forward(prob, ctx.point)[2]
    kinks = kernel.loss_kinks(prob, out)
    if kinks:
        i, s = kinks[0]
        return Outcome("fails", f"output {i + 1} at sample {s + 1} is on a kink of the {prob.loss} loss: not differentiable", [RATIONAL])
    D = kernel.loss_derivative(prob, out)
    for name, M in (("D X^T", D * prob.X.transpose()), ("D 1", D * fmpq_mat(m, 1, [1] * m))):
        bad = [(i, j) for i in range(M.nrows()) for j in range(M.ncols()) if M[i, j] != 0]
        if bad:
            i, j = bad[0]
            return Outcome("fails", f"grad l0(product) != 0: ({name})[{i + 1},{j + 1}] = {M[i, j]}", [RATIONAL])
    detail = f"grad l0 at the end-to-end map (rank {P.rank()}) is exactly 0 under the {prob.loss} loss; global optimum {ctx.risk}"
    if "rank_condition_j" in ob:
        ok, ranks = _rank_condition(prob, ctx.point, ob["rank_condition_j"])
        if not ok:
            return Outcome("fails", f"the stated rank condition fails at j = {ob['rank_condition_j']}: {ranks}", [RATIONAL])
        detail += f"; Theorem 4's rank condition holds at j = {ob['rank_condition_j']} ({ranks})"
    return Outcome("holds", detail, [RATIONAL, LEMMA], ("global_min",))


CHECKS = {"convex_global_minimum": check_convex_global_minimum}
