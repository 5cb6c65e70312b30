"""yun2019.thm4 under the logistic and cross-entropy losses (generator): a global minimum in a layer box.

For these losses the minimiser of l0 over the affine maps is transcendental, so a rational point is
in general not exactly critical. Given a point at which Theorem 4's rank condition holds at some
layer j (W_L..W_{j+1} of full row rank dy, W_{j-1}..W_1 of full column rank dx), the variables of
layer j (dy rows of [W_j | b_j] by dx + 1 columns, chosen by exact pivots) reach every affine map
exactly once, and the checker's ``layer_minimum_box`` proves by the Krawczyk test that the point
theta* obtained by moving only those variables (within rho of the point) has grad l0(product) = 0:
a global minimum of the network's risk, with its risk enclosed (checker/layer_box.py).

Not certified for these losses: the saddle half (a point with grad l0(product) != 0; the exact
descent curves of the squared and Huber losses rest on polynomial risks), and points at which the
rank condition holds at no layer (ConstructionFailed, exit 3).
"""
from __future__ import annotations

import random
from itertools import combinations

from flint import arb, fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import arb_precision, kernel, parse_problem
from symcert.exact.rationals import format_rational as fr
from symcert.claims.base import Instance
from symcert.claims.layer_box import _box, enclosure_json, finish, labelled_dataset, layer_obligations, or_separable, rational_fit, refine
from symcert.errors import ConstructionFailed, HypothesisViolation
from symcert.inputs.data import from_rows
from symcert.provers.affine import pivot_columns


def _pivots(M: fmpq_mat) -> list:
    R, r = M.rref()
    return pivot_columns(R, r)


def layer_variables(prob, params: dict, j: int) -> list:
    """[(row, column)] of [W_j | b_j]: dy (cross-entropy: dy - 1) rows whose columns of
    T = W_L..W_{j+1} span R^dy (with the all-ones vector for cross-entropy), times dx + 1 columns
    whose features of layer j - 1 (with the constant) span the rows of X~."""
    from symcert.claims.yun2019.thm4 import chain
    L, dy = prob.depth, prob.widths[-1]
    T = chain(params, L, j + 1, prob.widths[j])
    rows = _pivots(T)
    if prob.loss == "cross_entropy":  # softmax is shift invariant: dy - 1 rows, spanning R^dy with 1
        rows = next((list(c) for c in combinations(range(T.ncols()), dy - 1)
                     if fmpq_mat(dy, dy, [v for i in range(dy) for v in [T[i, k] for k in c] + [1]]).rank() == dy), None)
        if rows is None:
            raise ConstructionFailed("no dy - 1 columns of W_L..W_{j+1} span R^dy with the all-ones vector")
    feats = kernel.forward(prob, params)[1][j - 1]  # the activations of layer j - 1 (the inputs for j = 1)
    d = feats.nrows()
    Phi = fmpq_mat(d + 1, prob.m, list(feats.entries()) + [1] * prob.m).transpose()
    cols = _pivots(Phi)
    return [(i, c) for i in rows for c in cols]


def _rank_layers(prob, params: dict) -> list:
    """Every layer j where Theorem 4's rank condition holds, the output layer first."""
    from symcert.claims.yun2019.thm4 import chain
    L, dx, dy = prob.depth, prob.widths[0], prob.widths[-1]
    return [j for j in range(L, 0, -1)
            if chain(params, L, j + 1, prob.widths[j]).rank() == dy and chain(params, j - 1, 1, dx).rank() == dx]


def classify_point(pj: dict, params: dict, instance: str) -> dict:
    """The certificate of a global minimum theta* in the layer box of the point ``params``."""
    from symcert.claims.yun2019.thm4 import CLAIM_ID, PAPER, STATEMENT
    prob = parse_problem(pj)
    dx, dy = prob.widths[0], prob.widths[-1]
    narrow = [(l, w) for l, w in enumerate(prob.widths[1:-1], start=1) if w < min(dx, dy)]
    if prob.depth < 2 or narrow:
        raise HypothesisViolation(CLAIM_ID, "H1", f"widths {list(prob.widths)}: at least one hidden layer, each of width >= "
                                  f"min(dx, dy) = {min(dx, dy)}")
    layers = _rank_layers(prob, params)
    if not layers and prob.loss == "logistic" and all(v == 0 for v in kernel.forward(prob, params)[2].entries()):
        return saddle_point(pj, prob, params, instance)
    return or_separable(CLAIM_ID, prob, lambda: _global(pj, prob, params, instance, layers))


def _global(pj: dict, prob, params: dict, instance: str, layers: list) -> dict:
    from symcert.claims.yun2019.thm4 import CLAIM_ID, PAPER, STATEMENT
    if not layers:
        raise ConstructionFailed(f"{CLAIM_ID}: Theorem 4's rank condition holds at no layer of this point; under the "
                                 f"{prob.loss} loss only that case is certified (see docs/papers/yun2019-thm4.md)")
    found, moved, last = None, None, None
    for refined in (False, True):  # the given point first; then its layer-j variables refined by Newton's method
        for j in layers:
            variables = layer_variables(prob, params, j)
            pt = refine(prob, params, j, variables) if refined else params
            try:
                found = (j, variables, pt, *_box(prob, pt, j, variables))
                break
            except ConstructionFailed as exc:
                last = exc
        if found:
            break
    if found is None:
        raise last
    j, variables, pt, r, rho, enc = found
    if pt is not params:
        moved = max(abs(pt[n][i, k] - params[n][i, k]) for n in pt for i in range(pt[n].nrows()) for k in range(pt[n].ncols()))
        params = pt
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem 4, Corollary 5", "statement": STATEMENT,
             "conclusion": "global_minimum_in_layer_box", "instance": instance, "hypotheses": [
                 {"id": "H1", "statement": "linear network (identity activation), every hidden width >= min(dx, dy)",
                  "evidence": f"widths {list(prob.widths)}", "check": [{"kind": "identity_activation"}, {"kind": "hidden_widths_at_least_min_io"}]},
                 {"id": "H2", "statement": "l0 convex and differentiable", "evidence": f"{prob.loss} loss", "check": {"kind": "loss_convex"}},
                 {"id": "H3", "statement": "a point theta* with grad l0(product) = 0 lies in the layer box of the point",
                  "evidence": "Krawczyk test in the variables of layer j", "check": {"kind": "obligation_holds", "obligation": "layer_minimum_box"}}],
             "construction": {"rank_condition_j": str(j), "layer_box": {"layer": str(j), "variables": str(len(variables)),
                                                                         "radius": str(r), "rho": f"{float(rho):.3g}"}}}
    if moved is not None:
        claim["construction"]["refined"] = (f"the given point's layer-{j} variables were moved by Newton's method (sup-norm "
                                            f"distance {float(moved):.3g}); the certificate's point is the refined one")
    doc = certificate.document(claim, pj, params, fmpq(0), layer_obligations(r, j, variables, False))
    doc["loss"] = enclosure_json(enc)
    return finish(doc)


def saddle_point(pj: dict, prob, params: dict, instance: str) -> dict:
    """A saddle under the logistic loss at a point whose outputs are all 0 (checker/taylor.py). Near
    outputs 0, ell(u, y) - log 2 = (1/4)((u - 2y)^2 / 2 - 2) + O(u^4): the squared loss with targets
    2y, scaled; its descent curve (thm4.descent_witness, exact) is the candidate, checked with the
    logistic loss's exact Taylor series; the ascent line is b_L + t e_1."""
    from symcert.claims.yun2019.thm4 import CLAIM_ID, PAPER, STATEMENT, _curve_json, _zero_like, descent_witness
    proxy = parse_problem(dict(pj, loss={"kind": "squared"}, data={"inputs": pj["data"]["inputs"],
                                                                   "targets": [[fr(2 * fmpq(v)) for v in row] for row in pj["data"]["targets"]]}))
    if any(v != 0 for M in kernel.gradient(proxy, params).values() for v in M.entries()):
        raise HypothesisViolation(CLAIM_ID, "H3", "the point's outputs are 0 but it is not a critical point of the logistic risk "
                                  "(the labels do not sum to 0, or a weight's partial derivative is not 0)")
    found = descent_witness(proxy, params)
    if found is None:
        raise ConstructionFailed(f"{CLAIM_ID}: no descent curve found by kernel moves at this saddle")
    side, E, a, F, drop = found
    curve = _curve_json(E, a, F)
    order = next(k for k, v in enumerate(drop.coeffs()) if v != 0) + 1
    up = _zero_like(prob)
    up[f"b{prob.depth}"][0, 0] = fmpq(1)
    obligations = [{"id": "taylor_critical", "kind": "taylor_critical"},
                   dict(curve, id="taylor_descent", kind="taylor_descent", order=order),
                   {"id": "taylor_ascent", "kind": "taylor_ascent", "direction": certificate.point_json(up), "order": 2}]
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem 4, Corollary 5", "statement": STATEMENT,
             "conclusion": "saddle_point", "instance": instance, "hypotheses": [
                 {"id": "H1", "statement": "linear network (identity activation), every hidden width >= min(dx, dy)",
                  "evidence": f"widths {list(prob.widths)}", "check": [{"kind": "identity_activation"}, {"kind": "hidden_widths_at_least_min_io"}]},
                 {"id": "H2", "statement": "l0 convex and differentiable", "evidence": "logistic loss", "check": {"kind": "loss_convex"}},
                 {"id": "H3", "statement": "the point is a critical point", "evidence": "exact Taylor coefficients (taylor_critical)",
                  "check": {"kind": "obligation_holds", "obligation": "taylor_critical"}}],
             "construction": {"rank_condition_j": "none", "descent": {"kernel_move": side, "curve_degree": str(a + 1), "taylor_order": str(order)},
                              "grad_l0_at_product": "-Y X~^T / 2 != 0 (outputs 0)"}}
    doc = certificate.document(claim, pj, params, fmpq(0), obligations)
    with arb_precision(64):  # a wider ball than the checker's 128-bit one
        doc["loss"] = enclosure_json(arb(prob.m * prob.widths[-1]) * arb(2).log())
    return finish(doc)


CASES = [(71, 2, 12, 2, 1, "logistic"), (72, 3, 12, 2, 1, "logistic"), (74, 4, 14, 3, 1, "logistic"),
         (73, 3, 12, 2, 3, "cross_entropy")]  # (seed, depth, m, dx, dy, loss)
SADDLES = [(75, 2, 10, 2), (76, 3, 12, 2)]  # (seed, depth, m, dx): balanced labels +-1, every weight 0: outputs 0


def instances() -> list:
    """Seeded instances: the rounded float fit, factored through mixed layers."""
    from symcert.claims.yun2019.thm4 import factor_point, problem_json
    out = []
    for seed, L, m, dx, dy, loss in CASES:
        name = f"thm4-{loss.replace('_', '-')}-s{seed}-depth{L}-global"
        desc = f"{loss} loss, seeded random labels (seed {seed}, m = {m}, dx = {dx}, dy = {dy}), depth {L}: the rounded float fit"

        def build(seed=seed, L=L, m=m, dx=dx, dy=dy, loss=loss, desc=desc):
            data = labelled_dataset(seed, m, dx, dy, loss)
            pj = problem_json(data, [dx] + [max(dx, dy)] * (L - 1) + [dy], {"kind": loss})
            prob = parse_problem(pj)
            P, c = rational_fit(loss, prob.X, prob.Y)
            return classify_point(pj, factor_point(P, c, list(prob.widths), 80 + seed, True), desc)
        out.append(Instance(name, build, desc))
    for seed, L, m, dx in SADDLES:
        name, desc = f"thm4-logistic-s{seed}-depth{L}-saddle-zero", f"logistic loss, balanced random labels (seed {seed}, m = {m}, dx = {dx}), depth {L}: every weight 0"

        def build(seed=seed, L=L, m=m, dx=dx, desc=desc):
            rng = random.Random(seed)
            ys = [1] * (m // 2) + [-1] * (m // 2)
            rng.shuffle(ys)
            xs = [[fmpq(rng.randint(-12, 12), 4) for _ in range(dx)] for _ in range(m)]
            pj = problem_json(from_rows(xs, [[fmpq(y)] for y in ys]), [dx] + [dx] * (L - 1) + [1], {"kind": "logistic"})
            prob = parse_problem(pj)
            return classify_point(pj, {n: fmpq_mat(*prob.param_shape(n)) for n in prob.param_names()}, desc)
        out.append(Instance(name, build, desc))
    return out
