"""Obligation ``cell_multilinear`` (trusted): inside the point's cell, the network's output is
multilinear in the layers' parameters (He, Wang, Tao 2020, Theorem 2), checked per instance.

The checker reads the cell off the point: for every hidden neuron and sample, the piece its
pre-activation occupies (the point must not sit on a breakpoint, so the cell is open and the
point is interior). With those pieces fixed, it expands each output on each sample as an exact
polynomial in all the parameters (python-flint ``fmpq_mpoly``, one variable per weight and
bias), and checks:

* every monomial has degree <= 1 in each layer's parameter group {W_l, b_l}: the output is
  affine in each layer's parameters when the others are fixed (multilinear across layers);
* the polynomial evaluated at the point equals the exact forward pass (the expansion is the
  network's, on this cell).

A polynomial is smooth, so the risk restricted to the open cell is smooth too (for the
squared and Huber losses away from the Huber switch points; the check is about the output).
"""
from __future__ import annotations

from flint import fmpq_mpoly_ctx

from symcert.checker import kernel
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import not_for
from symcert.exact.limits import MAX_MONOMIALS, MAX_POLY_VARIABLES
from symcert.checker.ledger import POLY_MPOLY as POLY

MAX_VARIABLES = MAX_POLY_VARIABLES


def monomial_bound(widths) -> int:
    """Upper bound on the monomials built per sample before any is built: a layer-l pre-activation
    sum_t W_it a_t + b_i has at most M_l = d_(l-1) (M_(l-1) + 1) + 1 monomials (the activation adds
    a constant), M_0 = 0 for the constant inputs; the total over all neurons is returned, and the
    count stops past MAX_MONOMIALS."""
    total, prev = 0, 0
    for l in range(1, len(widths)):
        prev = widths[l - 1] * (prev + 1) + 1
        total += widths[l] * prev
        if total > MAX_MONOMIALS:
            return total
    return total


def check_cell_multilinear(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "cell_multilinear")):
        return Outcome("fails", why, [])
    prob = ctx.prob
    pre, _, out = kernel.forward(prob, ctx.point)
    k = kernel.kinks(prob, pre)
    if k:
        l, i, j = k[0]
        return Outcome("fails", f"the point is on a cell boundary: layer {l} neuron {i + 1} sample {j + 1} is on a breakpoint", [RATIONAL])
    names, group, value = [], [], []
    for l in range(1, prob.depth + 1):
        for p in ("W", "b"):
            M = ctx.point[f"{p}{l}"]
            for i in range(M.nrows()):
                for j in range(M.ncols()):
                    names.append(f"{p}{l}_{i + 1}_{j + 1}")
                    group.append(l)
                    value.append(M[i, j])
    if len(names) > MAX_VARIABLES:
        return Outcome("unknown", f"{len(names)} parameters: more than this check expands (limit MAX_POLY_VARIABLES = {MAX_VARIABLES})", [])
    terms = monomial_bound(prob.widths)
    if terms > MAX_MONOMIALS:
        return Outcome("unknown", f"the expansion may reach {terms} monomials per sample, more than MAX_MONOMIALS = {MAX_MONOMIALS}", [])
    R = fmpq_mpoly_ctx.get(tuple(names), "lex")
    gens = R.gens()
    var = dict(zip(names, gens))
    act = prob.act
    worst = {l: 0 for l in range(1, prob.depth + 1)}
    for s in range(prob.m):
        a = [R.from_dict({}) + prob.X[t, s] for t in range(prob.widths[0])]
        for l in range(1, prob.depth + 1):
            z = [sum((var[f"W{l}_{i + 1}_{t + 1}"] * a[t] for t in range(len(a))), var[f"b{l}_{i + 1}_1"])
                 for i in range(prob.widths[l])]
            if l == prob.depth:
                break
            a = []
            for i, zi in enumerate(z):
                piece = act.piece(pre[l - 1][i, s])[0]
                a.append(zi * act.slopes[piece] + act.intercepts[piece])
        for i, poly in enumerate(z):
            if poly(*value) != out[i, s]:
                return Outcome("fails", f"expansion of output {i + 1} on sample {s + 1} disagrees with the forward pass", [RATIONAL, POLY])
            for mono in poly.monoms():
                deg = {}
                for e, g in zip(mono, group):
                    deg[g] = deg.get(g, 0) + e
                for g, d in deg.items():
                    worst[g] = max(worst[g], d)
                    if d > 1:
                        return Outcome("fails", f"output {i + 1} on sample {s + 1} has degree {d} in layer {g}'s parameters", [RATIONAL, POLY])
    degs = ", ".join(f"layer {l}: {d}" for l, d in worst.items())
    return Outcome("holds", f"on this cell all {prob.m * prob.widths[-1]} outputs are polynomials in the {len(names)} parameters "
                            f"of degree <= 1 in each layer's group (largest degrees {degs})", [RATIONAL, POLY], ("multilinear",))


CHECKS = {"cell_multilinear": check_cell_multilinear}
