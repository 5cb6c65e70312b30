"""Global minima of networks with an affine activation (trusted): deep linear networks.

Obligation ``linear_global_minimum``. When the activation has no breakpoints it is one affine
map h(t) = a t + c on all of R, so for EVERY parameter the network computes an affine map of
its input, x -> P x + c. The squared loss of an affine map [P, c] is
l0(P, c) = 1/2 ||[P, c] X~ - Y||^2 with X~ = [X; 1^T]. If the residual R at the point is
orthogonal to the rows of X~ (the normal equations R X^T = 0, R 1 = 0), then for every affine
map A', l0(A') = l0(A) + 1/2 ||(A' - A) X~||^2 >= l0(A): the point's risk is the least-squares
optimum, a lower bound for the risk of every parameter, hence the point is a GLOBAL minimum.

The certificate states the end-to-end map (``end_to_end``: ``weights`` dy x dx and ``bias``);
the checker recomputes it from the point (forward passes at x = 0 and x = e_j), compares, and
reports its rank (a rank-deficient product is allowed: optimality is decided by the normal
equations, not by rank). Squared loss only.
"""
from __future__ import annotations

from flint import fmpq_mat

from symcert.checker import kernel
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, PiecewiseLinear, Problem, get, matrix, vector
from symcert.checker.ledger import LINEAR_LEMMA as LEMMA



def end_to_end(prob: Problem, params: dict) -> tuple[fmpq_mat, fmpq_mat]:
    """(P, c) with f(x) = P x + c, from forward passes at 0 and the unit vectors (affine h only)."""
    dx = prob.widths[0]
    basis = fmpq_mat(dx, dx + 1, [int(i + 1 == j) for i in range(dx) for j in range(dx + 1)])
    out = kernel.forward(prob, params, basis)[2]  # dy x (dx + 1): f(0), f(e_1), ..., f(e_dx)
    dy = out.nrows()
    c = fmpq_mat(dy, 1, [out[i, 0] for i in range(dy)])
    P = fmpq_mat(dy, dx, [out[i, j + 1] - out[i, 0] for i in range(dy) for j in range(dx)])
    return P, c


def stated_end_to_end(ctx: Context, ob: dict, path: str):
    """(P, c, None) when the obligation's ``end_to_end`` map equals the one computed from the point,
    else (None, None, the Outcome that fails)."""
    prob = ctx.prob
    dx, dy = prob.widths[0], prob.widths[-1]
    e2e = get(ob, "end_to_end", path, dict)
    Pc = matrix(get(e2e, "weights", f"{path}.end_to_end"), dy, dx, f"{path}.end_to_end.weights")
    cc = fmpq_mat(dy, 1, vector(get(e2e, "bias", f"{path}.end_to_end"), dy, f"{path}.end_to_end.bias"))
    P, c = end_to_end(prob, ctx.point)
    if P != Pc or c != cc:
        return None, None, Outcome("fails", "the stated end-to-end map differs from the one computed from the point", [RATIONAL])
    return P, c, None


def check_linear_global_minimum(ctx: Context, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    if not isinstance(prob, Problem) or not isinstance(prob.act, PiecewiseLinear):
        raise FormatError(f"{path}.kind", ob.get("kind"), "applies to piecewise-linear problems only")
    if prob.loss != "squared":
        return Outcome("fails", f"stated for the squared loss only (loss is {prob.loss})", [])
    if prob.act.breakpoints:
        return Outcome("fails", f"the activation has breakpoints {[str(b) for b in prob.act.breakpoints]}: "
                                "the network is not affine in x for every parameter", [])
    dx, dy = prob.widths[0], prob.widths[-1]
    P, c, bad = stated_end_to_end(ctx, ob, path)
    if bad:
        return bad
    m = prob.m
    out = kernel.forward(prob, ctx.point)[2]
    if out != P * prob.X + c * kernel.ones_row(m):
        return Outcome("fails", "internal inconsistency: the output is not P X + c 1^T", [RATIONAL])
    R = out - prob.Y
    N = kernel.normal_equations(R, prob.X)  # columns: R X^T, then R 1
    for i in range(N.nrows()):
        for j in range(N.ncols()):
            if N[i, j] != 0:
                name, col = ("R 1", 1) if j == dx else ("R X^T", j + 1)
                return Outcome("fails", f"normal equations fail: ({name})[{i + 1},{col}] = {N[i, j]} != 0, so the "
                                        "end-to-end map is not a least-squares solution", [RATIONAL])
    rank = P.rank()
    unique = "unique" if kernel.lifted(prob.X).rank() == dx + 1 else "not unique (X~ is rank deficient)"
    deficient = " (rank deficient)" if rank < min(dx, dy) else ""
    return Outcome("holds", f"the end-to-end map [P, c] satisfies the normal equations exactly; rank P = {rank}{deficient} of "
                            f"min(dx, dy) = {min(dx, dy)}; least-squares solution {unique}; global optimum {ctx.risk}",
                   [RATIONAL, LEMMA], ("global_min",))


CHECKS = {"linear_global_minimum": check_linear_global_minimum}
