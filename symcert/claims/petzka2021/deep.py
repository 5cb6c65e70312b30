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
             "instance": f"leaky ReLU 1/10 (outside the paper's class A of smooth activations), seeded data (seed {seed}, m = {m}, "
                         f"dx = 2): 2-1-1-1 grown to 2-{grow}-{grow}-1 by {len(steps)} exact splits", "construction": info}
    return certificate.document(claim, wide, final, loss, obligations)


def instances() -> list:
    return [Instance("deep-growth-2-21-21-1", lambda: deep_growth(), "2-1-1-1 -> 2-21-21-1, 20 samples, leaky ReLU (outside the paper's class A)"),
            Instance("deep-growth-2-4-4-1", lambda: deep_growth(seed=5, m=8, grow=4), "2-1-1-1 -> 2-4-4-1, 8 samples, leaky ReLU (outside the paper's class A)"),
            Instance("deep-growth-sigmoid-1-21-21-1", lambda: deep_growth_smooth("sigmoid", 3, 8, 21),
                     "sigmoid (class A): 1-1-1-1 -> 1-21-21-1, 8 samples, local minimum and D^(r,s) = 0"),
            Instance("deep-growth-tanh-1-6-6-1", lambda: deep_growth_smooth("tanh", 6, 6, 6),
                     "tanh (class A): 1-1-1-1 -> 1-6-6-1, 6 samples, local minimum and D^(r,s) = 0"),
            Instance("deep-split-saddle-tanh-2-2-2-1", lambda: _contrast("tanh", 0, [2, 2, 2, 1], 24),
                     "tanh (class A): a strict local minimum of a trained 2-2-2-1 network (box); its split in layer 1 "
                     "(D^(r,s) != 0) is a saddle for every lambda in [-1, 2]"),
            Instance("deep-split-saddle-tanh-2-3-3-1", lambda: _contrast("tanh", 3, [2, 3, 3, 1], 60, 0.01),
                     "tanh (class A): the same contrast for a trained 2-3-3-1 network on 60 samples"),
            Instance("deep-split-saddle-sigmoid-2-2-2-1", lambda: _contrast("sigmoid", 0, [2, 2, 2, 1], 24),
                     "sigmoid (class A): the 2-2-2-1 contrast rewritten as a sigmoid network, certified in sigmoid")]


def _contrast(act, seed, widths, m, noise=0.03):
    from symcert.claims.petzka2021.contrast import contrast
    return contrast(act, seed, widths, m, fmpq(-1), fmpq(2), noise=noise)


CLAIM = Claim(CLAIM_ID, PAPER, "deep networks: growth by exact neuron splitting (sigmoid 1-1-1-1 -> 1-21-21-1, tanh, leaky ReLU), D^{r,s} = 0",
              instances)


# ---- the paper's own class: sigmoid / tanh deep growth ---------------------------------------

def _sympy_rows(M) -> list:
    import sympy
    return [[sympy.nsimplify(v) if not hasattr(v, "to_sympy") else v.to_sympy() for v in row] for row in M]


def d_matrix_smooth(prob, params: dict, layer: int, neuron: int) -> list:
    """D^{r,s}_i (Thm 9) exactly for a smooth network: rows s (neurons of layer + 1), columns i
    (inputs of layer ``layer``, then the bias input 1); entries as exact sympy numbers."""
    import sympy

    from symcert.checker.api import smooth as S
    ev = S.Evaluator(prob)
    fw = ev.forward(params)
    res = ev.residuals(params, fw)
    L = prob.depth
    rows = None
    for a, (pres, acts, _) in enumerate(fw):
        delta = [sympy.Integer(1) * r for r in res[a]]  # d loss / d output
        for l in range(L, layer + 1, -1):  # back to layer + 1 pre-activations
            W = params[f"W{l}"]
            delta = [sympy.Add(*[W[i][k] * delta[i] for i in range(len(delta))]) * ev.h(pres[l - 2][k], 1) for k in range(len(W[0]))]
        hr = ev.h(pres[layer - 1][neuron - 1], 1)
        inputs = list(acts[layer - 1]) + [sympy.Integer(1)]
        term = [[d * hr * x for x in inputs] for d in delta]
        rows = term if rows is None else [[p + q for p, q in zip(r1, r2)] for r1, r2 in zip(rows, term)]
    return [[sympy.expand(v) for v in row] for row in rows]


def _radius_below(point: dict) -> Fraction:
    """A power of 2 at most 1/1000 and at most half the smallest weight of layers 2 and 3 (all
    positive), so every weight into layers 2 and 3 keeps its sign over the box."""
    w = min(v for n in ("W2", "W3") for row in point[n] for v in row)
    r = Fraction(1, 1024)
    while r > w / 2:
        r /= 2
    return r


def deep_growth_smooth(act: str, seed: int, m: int, grow: int) -> dict:
    """The paper's class A: a 1-1-1-1 sigmoid or tanh network at a local minimum (first-layer
    weight 0, every pre-activation at b* = -log 2, labels chosen by convex combinations; the
    ding2022 deep construction) grown to 1-grow-grow-1 by exact splits with lambda in (0, 1); the
    grown point is certified a local minimum directly (convexity_bound: every outgoing weight
    stays positive), the final split's line critical (neuron_split), and D^{r,s} = 0 computed."""
    import random as _random

    from symcert.checker.api import parse_point
    from symcert.checker.api import parse_problem as parse
    from symcert.checker.api import split_line
    from symcert.claims.ding2022 import general as G
    spec = SC.smooth_activation(act)
    op = G.Op(spec)
    xs = [r[0] for r in G.random_inputs(seed, m, 1)]
    targets, e, cstar, combos = G.convex_labels(xs, rng=_random.Random(seed))
    origin = {"W1": [[Fraction(0)]], "b1": [[op.b]], "W2": [[Fraction(1)]], "b2": [[op.shifted(op.b.to_string(), 1)]],
              "W3": [[Fraction(1)]], "b3": [[op.shifted(cstar, 1)]]}
    steps = growth_chain(grow)
    pt, widths = origin, [1, 1, 1, 1]
    for l, r, lam in steps[:-1]:
        pt = split_line(pt, 3, l, r - 1, lam)
        widths[l] += 1
    l, r, lam = steps[-1]
    small = SC.smooth_problem_json(list(widths), spec, [[x] for x in xs], targets)
    final = split_line(pt, 3, l, r - 1, lam)
    widths[l] += 1
    wide = SC.smooth_problem_json(list(widths), spec, [[x] for x in xs], targets)
    flat = lambda P: {n: ([v[0] for v in M] if n[0] == "b" else M) for n, M in P.items()}  # noqa: E731
    sprob = parse(small)
    D = d_matrix_smooth(sprob, parse_point(SC.point_json(flat(pt)), sprob, "point"), l, r)
    obligations = [
        {"id": "gradient_zero", "kind": "smooth_gradient_zero"},
        {"id": "neuron_split", "kind": "neuron_split", "layer": l, "neuron": r, "lambda": SC.real_text(lam),
         "source": SC.point_json(flat(origin)), "chain": [[cl, cr, SC.real_text(cv)] for cl, cr, cv in steps[:-1]]},
        {"id": "convexity_bound", "kind": "convexity_bound", "radius": SC.real_text(_radius_below(final)), "combinations": combos}]
    info = {"origin_widths": [1, 1, 1, 1], "final_widths": widths, "splits": len(steps), "activation": act,
            "operating_point": {"b": op.b.to_string(), "h(b)": op.h.to_string()},
            "final_split": {"layer": l, "neuron": r, "lambda": SC.real_text(lam)},
            "D_rs": [[str(v) for v in row] for row in D], "D_rs_zero": all(v == 0 for row in D for v in row)}
    records = [{"id": "class A", "statement": "the activation is in the paper's class A (sigmoid, tanh: smooth, h'' != 0)",
                "evidence": f"{act}, h''(b*) = {op.derivs[2]}", "check": {"kind": "obligation_holds", "obligation": "convexity_bound"}}]
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "deep networks: splitting in a non-last hidden layer (Thm 9), growth (Sec. 6)",
             "statement": STATEMENT, "conclusion": "local_minimum", "hypotheses": records,
             "instance": f"{act} (the paper's class A), seeded 1-D data (seed {seed}, m = {m}), labels chosen by convex combinations: "
                         f"1-1-1-1 grown to 1-{grow}-{grow}-1 by {len(steps)} exact splits; D^(r,s) = 0", "construction": info}
    loss = sum((v * v for v in e), Fraction(0)) / 2
    doc = certificate.document(claim, wide, flat(final), loss, obligations)
    return certificate.fill_ledgers(doc)
