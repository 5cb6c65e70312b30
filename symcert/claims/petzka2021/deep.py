"""Petzka & Sminchisescu (2021), Thm 9 and Sec. 6 (claim ``petzka2021.deep``): growing a 2-1-1-1
leaky-ReLU network to 2-21-21-1 by exact neuron splits; in a non-last hidden layer the split line is a
region of local minima iff also D^{r,s} = 0."""
from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.claims import constructions as SC
from symcert.claims.base import Claim, Instance
from symcert.claims.petzka2021.common import PAPER
from symcert.exact.rationals import format_rational as fr
from symcert.transform.split import split_point


CLAIM_ID = "petzka2021.deep"
STATEMENT = ("Repeated neuron splitting grows a critical point of a small deep network into critical points of "
             "arbitrarily wide ones with the same function (the paper's 2-1-1-1 -> 2-21-21-1 example); in a "
             "non-last hidden layer the split line is a region of local minima iff also D^{r,s} = 0.")


def _deep_data(seed: int, m: int):
    import random

    from symcert.inputs.data import from_rows
    rng = random.Random(seed)
    xs = [[fmpq(rng.randint(-6, 6)), fmpq(rng.randint(-6, 6))] for _ in range(m)]
    ys = [[fmpq(rng.randint(-12, 12), 4)] for _ in range(m)]
    return from_rows(xs, ys)


def deep_origin(data, slope=fmpq(1, 10)):
    """A critical point of the 2-1-1-1 leaky-ReLU network: every pre-activation positive and the
    output equal to the least-squares affine fit (the Yun et al. construction, depth 3)."""
    from symcert.inputs.activations import leaky_relu
    from symcert.provers.affine import least_squares
    X = fmpq_mat(data.m, data.dx, [v for r in data.inputs for v in r]).transpose()
    Y = fmpq_mat(data.m, 1, [r[0] for r in data.targets]).transpose()
    fit = least_squares(X, Y)
    eta = min(fmpq(-1), 2 * min(fit.fitted.entries()))
    point = {"W1": fmpq_mat(1, 2, [fit.weights[0, 0], fit.weights[0, 1]]), "b1": fmpq_mat(1, 1, [fit.bias[0, 0] - eta]),
             "W2": fmpq_mat(1, 1, [1]), "b2": fmpq_mat(1, 1, [0]), "W3": fmpq_mat(1, 1, [1]), "b3": fmpq_mat(1, 1, [eta])}
    pj = {"network": {"widths": [2, 1, 1, 1], "activation": leaky_relu(slope)}, "loss": {"kind": "squared"}, "data": data.to_json()}
    return pj, point, fit


def growth_chain(grow: int) -> list:
    """Alternate splits of layers 1 and 2 until both have ``grow`` neurons: (layer, neuron, lambda)."""
    steps, widths = [], {1: 1, 2: 1}
    k = 0
    while widths[1] < grow or widths[2] < grow:
        for l in (1, 2):
            if widths[l] < grow:
                steps.append((l, 1 + k % widths[l], Fraction(1, 2 + k % 5)))
                widths[l] += 1
                k += 1
    return steps


def d_matrix(prob, params: dict, layer: int, neuron: int) -> list:
    """D^{r,s}_i = sum_a (d l_a / d n_{l+1,s}) h'(n_{l,r}(x_a)) a_{l-1,i}(x_a), exactly (rows s, columns i,
    with a final column for the bias input 1)."""
    from symcert.checker.api import kernel
    pre, acts, out = kernel.forward(prob, params)
    L = prob.depth
    G = out - prob.Y
    deltas = {L: G}
    for l in range(L, 1, -1):
        back = params[f"W{l}"].transpose() * deltas[l]
        Z = pre[l - 2]
        deltas[l - 1] = fmpq_mat(back.nrows(), back.ncols(), [b * prob.act.slope(z) for b, z in zip(back.entries(), Z.entries())])
    dnext, Z, A = deltas[layer + 1], pre[layer - 1], acts[layer - 1]
    rows = []
    for s_ in range(dnext.nrows()):
        row = []
        for i in range(A.nrows() + 1):
            tot = fmpq(0)
            for a in range(prob.m):
                ai = A[i, a] if i < A.nrows() else fmpq(1)
                tot += dnext[s_, a] * prob.act.slope(Z[neuron - 1, a]) * ai
            row.append(tot)
        rows.append(row)
    return rows


def deep_growth(seed: int = 3, m: int = 20, grow: int = 21) -> dict:
    from symcert.checker.api import kernel
    from symcert.checker.api import parse_problem as parse
    from symcert.provers.cells import interior_radius
    data = _deep_data(seed, m)
    pj, origin, fit = deep_origin(data)
    steps = growth_chain(grow)
    pt, widths = origin, [2, 1, 1, 1]
    for l, r, lam in steps[:-1]:
        pt = split_point(pt, l, r, fmpq(lam.numerator, lam.denominator))
        widths[l] += 1
    l, r, lam = steps[-1]
    small_pj = dict(pj, network=dict(pj["network"], widths=list(widths)))
    final = split_point(pt, l, r, fmpq(lam.numerator, lam.denominator))
    widths[l] += 1
    wide = dict(pj, network=dict(pj["network"], widths=list(widths)))
    prob = parse(wide)
    loss = kernel.risk(prob, final)
    rad = interior_radius(prob, final)
    D = d_matrix(parse(small_pj), pt, l, r)
    from symcert.checker.api import AFFINE_LEMMA, RATIONAL
    from symcert.checker.api import POLY_LAMBDA
    obligations = [
        {"id": "gradient_zero", "kind": "gradient_zero", "rests_on": [RATIONAL]},
        {"id": "neuron_split", "kind": "neuron_split", "layer": l, "neuron": r, "lambda": SC.real_text(lam),
         "source": certificate.point_json(origin), "chain": [[cl, cr, SC.real_text(cv)] for cl, cr, cv in steps[:-1]],
         "rests_on": [RATIONAL, POLY_LAMBDA]},
        {"id": "interior_cell", "kind": "interior_cell", "radius": fr(rad), "rests_on": [RATIONAL]},
        {"id": "affine_reduction", "kind": "affine_reduction", "radius": fr(rad),
         "affine_fit": {"weights": certificate.mat_json(fit.weights), "bias": certificate.vec_json(fit.bias)},
         "rests_on": [RATIONAL, AFFINE_LEMMA]},
    ]
    info = {"origin_widths": [2, 1, 1, 1], "final_widths": widths, "splits": len(steps),
            "final_split": {"layer": l, "neuron": r, "lambda": SC.real_text(lam)},
            "B_r": "0 (piecewise linear: h'' = 0 on every piece)",
            "D_rs": [[fr(v) for v in row] for row in D], "D_rs_zero": all(v == 0 for row in D for v in row)}
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "deep networks: splitting in a non-last hidden layer (Thm 9), growth (Sec. 6)",
             "statement": STATEMENT, "conclusion": "local_minimum",
             "instance": f"leaky ReLU 1/10, seeded data (seed {seed}, m = {m}, dx = 2): 2-1-1-1 grown to 2-{grow}-{grow}-1 by "
                         f"{len(steps)} exact splits", "construction": info}
    return certificate.document(claim, wide, final, loss, obligations)


def instances() -> list:
    return [Instance("deep-growth-2-21-21-1", lambda: deep_growth(), "2-1-1-1 -> 2-21-21-1, 20 samples, leaky ReLU"),
            Instance("deep-growth-2-4-4-1", lambda: deep_growth(seed=5, m=8, grow=4), "2-1-1-1 -> 2-4-4-1, 8 samples")]


CLAIM = Claim(CLAIM_ID, PAPER, "deep networks: growth by exact neuron splitting (2-1-1-1 -> 2-21-21-1), D^{r,s} = 0",
              instances)
