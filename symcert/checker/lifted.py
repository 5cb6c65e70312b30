"""Obligations ``lifted_normal_equations`` and ``float_distance`` (trusted).

``lifted_normal_equations`` proves a local minimum of a one-hidden-layer piecewise-linear network
whose hidden neurons may use different pieces on different samples (the normal case for a
trained network, which ``affine_reduction`` cannot handle).

What is proved. Let theta be the point, r the obligation's radius, and suppose the fact
``("cell_box", r)`` holds (``interior_cell``: over the whole sup-norm box B of radius r around
theta, every hidden pre-activation stays strictly inside the open piece it occupies at theta).
Let a_ij, c_ij be the slope and intercept of the piece of neuron i on sample j, and
x~_j = (x_j, 1). For every theta' = (W1', b1', W2', b2') in B the pieces are the same, so output r
on sample j is

    yhat_rj(theta') = sum_i a_ij U_i[r] . x~_j + sum_i c_ij V_i[r] + b2'_r,
    with U_i = W2'[:, i] (W1'_i, b1'_i)  (dy x (dx+1))  and  V_i = W2'[:, i],

that is yhat(theta') = Z(theta') Phi^T for the fixed m x n design matrix Phi (columns: a_ij x~_j
for every neuron i and input coordinate, c_ij for every neuron, and 1) and the lifted variables
Z(theta') (dy x n). The risk on B is therefore R(theta') = f(Z(theta')), where
f(Z) = sum_rj ell((Z Phi^T)_rj, y_rj) is a convex function of Z on all of R^{dy x n}.

Given multipliers G (dy x m) with G_rj in the subdifferential of ell at yhat_rj(theta) (for the
squared loss G is the residual yhat - Y itself, and is not written), and the normal equations
G Phi = 0 exactly, the subgradient inequality gives for every Z

    f(Z) >= f(Z(theta)) + sum_rj G_rj ((Z - Z(theta)) Phi^T)_rj = f(Z(theta)) + <G Phi, Z - Z(theta)> = f(Z(theta)).

So Z(theta) minimises f over every Z, hence R(theta') = f(Z(theta')) >= f(Z(theta)) = R(theta) for
every theta' in B: theta is a minimum of the risk over B, i.e. a local minimum in parameter
space. (For the squared loss G Phi = 0 are the normal equations of the lifted least-squares
problem.) The map theta' -> Z(theta') need not be onto; the argument does not need it. It is
onto near theta (dy = 1, W2_i != 0) only for the converse, which the generator uses to find the
point: a local minimum in a cell must solve the lifted problem.

The checker computes G Phi column block by column block: for neuron i the (dx+1) block is
sum_j G_j a_ij x~_j, the intercept column is G c_i^T, and the last is G 1. It does so over
integers, one neuron at a time (symcert.checker.stream: the output and the pieces come from
``Context.layer``, which holds one row of pre-activations at a time when the point's numbers are
large, as after an exact snap), so G (dy x m) is the one large matrix it holds.

``float_distance`` records the float point the user gave (every entry exact, normally a dyadic
rational read from a binary float) and the sup-norm distance ``distance`` from it to the point;
the checker recomputes the distance exactly. Fact ``("near_float", d)``.
"""
from __future__ import annotations

from flint import fmpq

from symcert.checker import losses, scaled, stream
from symcert.checker.obligations import RATIONAL, Context, Outcome, box_radius_needed
from symcert.checker.ledger import LIFTED_LEMMA as LEMMA
from symcert.checker.problem import FormatError, PiecewiseLinear, Problem, get, matrix, point, rational
from symcert.checker.scaled import Scaled

MAX_ENTRIES = 50_000_000  # d1 * m bound before any work


def multipliers(ctx: Context, ob: dict, path: str, out: Scaled):
    """G (as integer numerators over one denominator) and None, or None and a failing Outcome."""
    prob = ctx.prob
    if "multipliers" not in ob:
        if prob.loss != "squared":
            raise FormatError(f"{path}.multipliers", None, f"missing (needed for the {prob.loss} loss)")
        return out.minus(scaled.of(prob.Y)), None
    G = matrix(get(ob, "multipliers", path), prob.widths[-1], prob.m, f"{path}.multipliers")
    n = prob.m
    for k, (o, y, g) in enumerate(zip(out.rational().entries(), prob.Y.entries(), G.entries())):
        lo, hi = losses.subdifferential(prob.loss, prob.loss_delta, o, y)
        if not lo <= g <= hi:
            return None, Outcome("fails", f"multiplier {g} at output {k // n + 1} sample {k % n + 1} is not in the "
                                          f"subdifferential [{lo}, {hi}] of the {prob.loss} loss at {o} (target {y})", [RATIONAL])
    return scaled.of(G), None


def stationary_in_lifted(ctx: Context, ob: dict, path: str):
    """(the point's stream.Layer, None) when the certificate's multipliers are in the loss's
    subdifferential and G Phi = 0 holds exactly (stream.balance, block by block); else (None,
    the Outcome that fails)."""
    lay = ctx.layer(ctx.point)
    G, bad = multipliers(ctx, ob, path, lay.out)
    if bad:
        return None, bad
    why = stream.balance(ctx.prob, ctx.xs(), G, lay.pieces)
    if why:
        return None, Outcome("fails", f"the lifted normal equations G Phi = 0 fail at {why}", [RATIONAL])
    return lay, None


def check_lifted_normal_equations(ctx: Context, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    if not isinstance(prob, Problem) or not isinstance(prob.act, PiecewiseLinear):
        raise FormatError(f"{path}.kind", ob.get("kind"), "applies to piecewise-linear problems only")
    if prob.depth != 2:
        return Outcome("fails", f"stated for one hidden layer; this network has {prob.depth - 1}", [])
    if prob.widths[1] * prob.m > MAX_ENTRIES:
        raise FormatError("problem", prob.widths[1] * prob.m, f"too large for lifted_normal_equations (d1 * m > {MAX_ENTRIES})")
    r, missing = box_radius_needed(ctx, ob, path)
    if missing:
        return missing
    _, bad = stationary_in_lifted(ctx, ob, path)
    if bad:
        return bad
    n = prob.widths[1] * (prob.widths[0] + 2) + 1
    return Outcome("holds", f"the risk in the box is a convex function of {n} lifted variables per output, minimised "
                            f"at the point (G Phi = 0 exactly); risk {ctx.risk}", [RATIONAL, LEMMA], (("local_min", r),))


def check_float_distance(ctx: Context, ob: dict, path: str) -> Outcome:
    if not isinstance(ctx.prob, Problem):
        raise FormatError(f"{path}.kind", ob.get("kind"), "applies to problems with rational parameters only")
    fp = point(get(ob, "float_point", path), ctx.prob, f"{path}.float_point")
    d = rational(get(ob, "distance", path), f"{path}.distance")
    sup = fmpq(0)
    for name in ctx.prob.param_names():
        diff = ctx.point[name] - fp[name]
        sup = max([sup] + [abs(v) for v in diff.entries()])
    if sup != d:
        return Outcome("fails", f"the sup-norm distance from the float point is {sup}, not {d}", [RATIONAL])
    return Outcome("holds", f"the point lies at sup-norm distance {d} from the float point", [RATIONAL], (("near_float", d),))


CHECKS = {"lifted_normal_equations": check_lifted_normal_equations, "float_distance": check_float_distance}
