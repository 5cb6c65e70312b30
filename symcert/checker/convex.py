"""Obligation ``affine_optimality`` (trusted): a local minimum through an optimal affine fit,
for any convex loss (squared, absolute, Huber, hinge).

Argument. Inside a box where every hidden neuron keeps one piece of the activation on every
sample (an earlier ``interior_cell`` fact of radius >= r, plus the check below that each
neuron uses the same piece on all samples), every hidden layer is an affine map of the
previous one on the data, so the network's outputs are A x~_j for an affine map A depending on
the parameters. Given multipliers G (dy x m) with G_ij in the subdifferential of the loss at
the fitted value Abar x~_j and G X~^T = 0, the subgradient inequality gives, for every affine A,

    sum_ij ell((A x~_j)_i, y_ij) >= sum_ij ell((Abar x~_j)_i, y_ij) + <G, (A - Abar) X~>
                                 = sum_ij ell((Abar x~_j)_i, y_ij),

so the risk in the box is at least the risk at the point, whose outputs are exactly Abar X~.
No differentiability is needed: a zero residual under the absolute loss, or a margin of
exactly 1 under the hinge loss, is covered (the multiplier may be anything in the interval).
For the absolute and hinge losses this is linear-programming duality; for the squared loss it
is the normal equations.

Certificate fields: ``radius``, ``affine_fit`` {``weights`` (dy x dx), ``bias`` (dy)},
``multipliers`` (dy rows of m numbers).
"""
from __future__ import annotations

from flint import fmpq_mat

from symcert.checker import kernel, losses
from symcert.checker.obligations import RATIONAL, Context, Outcome, affine_fit, box_radius_needed
from symcert.checker.problem import get, matrix, not_for
from symcert.checker.ledger import CONVEX_MULTIPLIER_LEMMA as LEMMA



def one_piece_per_neuron(prob, pre: list):
    """None if every hidden neuron uses one piece on all samples, else (layer, neuron, count)."""
    for l, Z in enumerate(pre, start=1):
        for i in range(Z.nrows()):
            pieces = {prob.act.piece(Z[i, j])[0] for j in range(Z.ncols())}
            if len(pieces) > 1:
                return l, i + 1, len(pieces)
    return None


def multipliers_certify(prob, fitted: fmpq_mat, G: fmpq_mat) -> str | None:
    """None if G certifies that ``fitted`` (dy x m, of the form Abar X~) is an optimal affine
    fit; otherwise the reason it does not."""
    n = prob.m
    for k, (f, y, g) in enumerate(zip(fitted.entries(), prob.Y.entries(), G.entries())):
        lo, hi = losses.subdifferential(prob.loss, prob.loss_delta, f, y)
        if not lo <= g <= hi:
            where = f"output {k // n + 1} sample {k % n + 1}"
            return (f"multiplier {g} at {where} is not in the subdifferential [{lo}, {hi}] of the {prob.loss} loss "
                    f"at fitted value {f} (target {y})")
    if any(v != 0 for v in kernel.normal_equations(G, prob.X).entries()):
        return "the multipliers are not balanced: G X~^T != 0 (the fit is not certified optimal)"
    return None


def check_affine_optimality(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "affine_optimality")):
        return Outcome("fails", why, [])
    prob = ctx.prob
    r, missing = box_radius_needed(ctx, ob, path)
    if missing:
        return missing
    dy, m = prob.widths[-1], prob.m
    Wb, bb = affine_fit(ob, prob, path)
    G = matrix(get(ob, "multipliers", path), dy, m, f"{path}.multipliers")
    pre, _, out = kernel.forward(prob, ctx.point)
    bad = one_piece_per_neuron(prob, pre)
    if bad:
        return Outcome("fails", f"layer {bad[0]} neuron {bad[1]} uses {bad[2]} pieces across samples: the cell is not affine in x", [RATIONAL])
    fitted = Wb * prob.X + bb * kernel.ones_row(m)
    if fitted != out:
        k = next(k for k, (a, b) in enumerate(zip(fitted.entries(), out.entries())) if a != b)
        return Outcome("fails", f"the network's output at sample {k % m + 1} is {out.entries()[k]}, "
                                f"not the affine fit's {fitted.entries()[k]}", [RATIONAL])
    why = multipliers_certify(prob, fitted, G)
    if why:
        return Outcome("fails", why, [RATIONAL])
    return Outcome("holds", f"in the box the network is affine in x; the multipliers certify that the affine fit is optimal "
                            f"for the {prob.loss} loss, with risk {ctx.risk} at the point", [RATIONAL, LEMMA], (("local_min", r),))


CHECKS = {"affine_optimality": check_affine_optimality}
