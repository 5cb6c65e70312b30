"""Certificates for the logistic, cross-entropy and pseudo-Huber losses (untrusted generator side).

The minimiser of an affine fit under these losses is irrational in general, so the
certificates are about a point theta* near the rational point theta that differs from it only in
the variables of one layer (checker/layer_box.py): ``layer_minimum_box`` proves by the Krawczyk
test that theta* exists in the variables' box and is a minimum of the risk (local: piecewise-linear
cell; global: linear network), and ``arb_strictly_lower`` that a better point lies below it.

* ``separable_violation``: NOT_APPLICABLE (exit 5) when the loss has no minimum on the data (a
  separating direction, found by an exact LP and checked exactly, is named).
* ``_network``: the network that computes the float affine fit, rounded to dyadic rationals, with
  every neuron on one affine piece for every sample: the first dx neurons of every hidden layer
  carry the input coordinates (every hidden width >= dx + 1; the variables are the output layer's),
  or, narrower, the first dy neurons carry the fitted outputs as in the paper (the variables are
  those neurons' first-layer rows, inside the box of an ``interior_cell`` obligation).
* ``spurious_certificate``: a spurious local minimum in a layer box under these losses, outputting
  the best affine fit (he2020.thm1 and christof2023.thm; ``he2020_certificate`` is the same).
* ``linear_certificate``: yun2019.thm4 under these losses (global minimum in a layer box).
"""
from __future__ import annotations

from flint import arb, fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import arb_precision, kernel, layer_minimum, parse_problem, risk_balls
from symcert.errors import ConstructionFailed, HypothesisViolation
from symcert.exact.rationals import format_rational as fr
from symcert.provers.cells import interior_radius
from symcert.provers.embed import affine_channels, build, carrier_piece, kink_feature_candidates
from symcert.provers.logistic_fit import dyadic, fit, separating_direction

PREC = 128
RADII = [fmpq(1, 2 ** k) for k in (36, 28, 20, 44, 12)]


def _exact(x: arb) -> fmpq:
    man, exp = x.mid().man_exp()
    two = fmpq(2) ** abs(int(exp))
    return fmpq(man) * two if exp >= 0 else fmpq(man) / two


def enclosure_json(x: arb) -> list:
    """[lo, hi] exact dyadic rationals enclosing the ball (its lower and upper ends)."""
    return [fr(_exact(x.lower())), fr(_exact(x.upper()))]


def separable_violation(claim_id: str, loss: str, X: fmpq_mat, Y: fmpq_mat) -> None:
    D = separating_direction(loss, X, Y)
    if D is not None:
        text = "; ".join("(" + ", ".join(fr(v) for v in row) + ")" for row in D)
        raise HypothesisViolation(claim_id, "minimum exists",
                                  f"the data are separable: along the affine direction D = {text} (rows: outputs; last entry the "
                                  f"bias) no sample's {loss} loss grows and one decreases, so the loss has no minimum")


def matrices(data) -> tuple:
    X = fmpq_mat(data.m, data.dx, [v for r in data.inputs for v in r]).transpose()
    Y = fmpq_mat(data.m, data.dy, [v for r in data.targets for v in r]).transpose()
    return X, Y


def rational_fit(loss: str, X, Y, delta=None) -> tuple:
    W, b = fit(loss, X, Y, delta=delta)
    dy, dx = W.shape
    return (fmpq_mat(dy, dx, [dyadic(W[i, k]) for i in range(dy) for k in range(dx)]),
            fmpq_mat(dy, 1, [dyadic(b[i]) for i in range(dy)]))


def _network(prob, act: dict, X, W0, b0, extra=None, carry: str = "inputs"):
    """Parameters computing x -> W0 x + b0 on the data. Channels (one neuron each, on one affine
    piece of the activation): the input coordinates (``carry="inputs"``, the output layer applies
    the fit) or the dy fitted outputs (``"outputs"``, the paper's construction); plus the feature
    ``extra`` = (w, b, output coefficients) when given."""
    dx, dy = X.nrows(), W0.nrows()
    piece = carrier_piece(act)
    if carry == "outputs":
        layer1, out_coef, out_const = affine_channels(W0, b0, X, piece)
    else:
        ident = fmpq_mat(dx, dx, [int(i == k) for i in range(dx) for k in range(dx)])
        layer1, coef, const = affine_channels(ident, fmpq_mat(dx, 1), X, piece)
        out_coef = [[W0[i, k] * coef[k][k] for k in range(dx)] for i in range(dy)]
        out_const = [b0[i, 0] + sum((W0[i, k] * const[k] for k in range(dx)), fmpq(0)) for i in range(dy)]
    if extra is not None:
        layer1 = layer1 + [(extra[0], extra[1])]
        out_coef = [row + [extra[2][i]] for i, row in enumerate(out_coef)]
    return build(list(prob.widths), prob.act.value, piece, X, layer1, out_coef, out_const)


def _box(prob, params: dict, layer: int, variables: list, cell=None):
    """(radius, rho, enclosure ball) for the first radius at which the checker's test holds."""
    last = "no radius inside the cell box"
    for r in (r for r in RADII if cell is None or r <= cell):
        why, rho, enc = layer_minimum(prob, params, layer, _names(prob, layer, variables), r, PREC, cell)
        if why is None:
            return r, rho, enc
        last = why
    raise ConstructionFailed(f"the Krawczyk test fails at every radius tried: {last}")


def refine(prob, params: dict, layer: int, variables: list, steps: int = 60) -> dict:
    """Untrusted: Newton's method in floats on the risk in the named variables (outputs affine in
    them: a linear network, or the output layer), rounded to multiples of 2^-48; the other
    parameters are kept. Used when the given point is too far from the minimiser for the test."""
    import numpy as np
    names = _names(prob, layer, variables)
    base = kernel.forward(prob, params)[2]
    dy, m = base.nrows(), base.ncols()
    E = []
    for n, i, j in names:
        moved = dict(params)
        moved[n] = fmpq_mat(params[n])
        moved[n][i, j] += 1
        out = kernel.forward(prob, moved)[2]
        E.append(np.array([[float(out[a, b] - base[a, b]) for b in range(m)] for a in range(dy)]))
    v0 = np.array([float(params[n][i, j]) for n, i, j in names])
    N0 = np.array([[float(base[a, b]) for b in range(m)] for a in range(dy)]) - sum(v * e for v, e in zip(v0, E))
    Y = np.array([[float(prob.Y[a, b]) for b in range(m)] for a in range(dy)])
    J = np.stack([e.reshape(-1) for e in E], axis=1)  # (dy m) x n, row a * m + b
    v = v0.copy()
    for _ in range(steps):
        O = N0 + sum(x * e for x, e in zip(v, E))
        if prob.loss == "pseudo_huber":
            dl = float(prob.loss_delta)
            s = np.sqrt(1 + ((O - Y) / dl) ** 2)
            d, H = ((O - Y) / s).reshape(-1), J.T @ (J * (1 / s ** 3).reshape(-1)[:, None])
        elif prob.loss == "logistic":
            s = 1 / (1 + np.exp(Y * O))
            d, H = (-Y * s).reshape(-1), J.T @ (J * (s * (1 - s)).reshape(-1)[:, None])
        else:
            P = np.exp(O - O.max(axis=0))
            P /= P.sum(axis=0)
            d = (P - Y).reshape(-1)
            H = sum(np.outer(J[b::m].T @ P[:, b], J[b::m].T @ P[:, b]) * -1 + (J[b::m].T * P[:, b]) @ J[b::m] for b in range(m))
        step = np.linalg.lstsq(H, J.T @ d, rcond=None)[0]
        v -= step
        if np.max(np.abs(step)) < 1e-15:
            break
    out = {k: fmpq_mat(M) for k, M in params.items()}
    for (n, i, j), x in zip(names, v):
        out[n][i, j] = dyadic(x)
    return out


def _names(prob, layer: int, variables: list) -> list:
    cols = prob.widths[layer - 1]
    return [(f"b{layer}", i, 0) if j == cols else (f"W{layer}", i, j) for i, j in variables]


def _better(prob, act: dict, X, W0, b0, lo: fmpq, carry: str):
    """A point with risk certainly below lo: the fit plus eps times a bending feature on the spare
    neuron, eps = +-2^-k (float first-order rate only chooses the sign)."""
    dy = W0.nrows()
    for w, b in kink_feature_candidates(act, X):
        for i0 in range(dy):
            for k in range(2, 40):
                for sign in (1, -1):
                    coefs = [fmpq(sign, 2 ** k) if i == i0 else fmpq(0) for i in range(dy)]
                    pt = _network(prob, act, X, W0, b0, (w, b, coefs), carry)
                    with arb_precision(PREC):
                        rb = risk_balls(prob, kernel.forward(prob, pt)[2])
                        if rb < arb(lo):
                            return pt, rb, {"feature_weights": [fr(t) for t in w], "feature_bias": fr(b),
                                            "output": str(i0 + 1), "coefficient": fr(coefs[i0])}
    raise ConstructionFailed("no lowering feature found among the candidate kink features")


def layer_obligations(r, layer: int, variables: list, lower: bool, cell=None) -> list:
    obs = [{"id": "interior_cell", "kind": "interior_cell", "radius": fr(cell)}] if cell is not None else []
    obs += [{"id": "layer_minimum_box", "kind": "layer_minimum_box", "layer": layer, "variables": [list(v) for v in variables],
            "radius": fr(r), "precision": PREC}]
    if lower:
        obs.append({"id": "arb_strictly_lower", "kind": "arb_strictly_lower", "precision": PREC})
    return obs


def finish(doc: dict) -> dict:
    """Version 2 (a loss enclosure), the ledgers the checker derives, and the checker's verdict."""
    from symcert.checker.api import check_document
    doc["version"] = 2
    doc.pop("rests_on", None)
    rep = check_document(doc)
    if rep.verdict.name != "CERTIFIED":
        raise ConstructionFailed(f"the certificate does not check: {rep.summary}")
    doc["rests_on"] = list(rep.rests_on)
    return doc


def or_separable(claim_id: str, prob, build):
    """``build()``; when it fails (no minimiser near the float fit), NOT_APPLICABLE if the data are
    separable (the exact LP runs only then: it is slow on large data), else the failure."""
    import numpy as np
    try:
        return build()
    except (ConstructionFailed, ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
        if prob.loss != "pseudo_huber":  # pseudo-Huber grows like |r|: its minimum always exists
            separable_violation(claim_id, prob.loss, prob.X, prob.Y)
        if isinstance(exc, ConstructionFailed):
            raise
        raise ConstructionFailed(f"{claim_id}: the float fit failed ({exc.__class__.__name__}) on data that are not separable") from None


def spurious_certificate(claim: dict, pj: dict, act: dict) -> dict:
    """A spurious local minimum in a layer box under the logistic, cross-entropy or pseudo-Huber loss: the
    network outputs the best affine fit (he2020.thm1, christof2023.thm)."""
    prob = parse_problem(pj)
    return or_separable(claim["id"], prob, lambda: _spurious(claim, pj, act, prob))


he2020_certificate = spurious_certificate


def _spurious(claim: dict, pj: dict, act: dict, prob) -> dict:
    X, Y = prob.X, prob.Y
    dx, dy, L = X.nrows(), Y.nrows(), prob.depth
    W0, b0 = rational_fit(prob.loss, X, Y, prob.loss_delta)
    rows = range(dy - 1 if prob.loss == "cross_entropy" else dy)
    if min(prob.widths[1:-1]) >= dx + 1:  # the input coordinates carried: the output layer reaches every affine map
        carry, layer, cell = "inputs", L, None
        params = _network(prob, act, X, W0, b0)
        variables = [(i, j) for i in rows for j in list(range(dx)) + [prob.widths[L - 1]]]
    else:  # the paper's dy channels: their first-layer rows reach every affine map, inside the cell's box
        carry, layer = "outputs", 1
        params = _network(prob, act, X, W0, b0, carry=carry)
        cell = interior_radius(prob, params)
        if cell is None:
            raise ConstructionFailed(f"{claim['id']}: the point is not inside an open cell")
        variables = [(i, j) for i in rows for j in range(dx + 1)]
    r, rho, enc = _box(prob, params, layer, variables, cell)
    lo = _exact(enc.lower())
    better, rb, info = _better(prob, act, X, W0, b0, lo, carry)
    claim = dict(claim, construction=dict(claim.get("construction", {}), affine_fit="float Newton, rounded to multiples of 2^-48",
                                          layer_box={"layer": str(layer), "radius": fr(r), "rho": f"{float(rho):.3g}"}, better_point=info))
    doc = certificate.document(claim, pj, params, fmpq(0), layer_obligations(r, layer, variables, True, cell), better, fmpq(0))
    doc["loss"], doc["better_loss"] = enclosure_json(enc), enclosure_json(rb)
    return finish(doc)


def labelled_dataset(seed: int, m: int, dx: int, dy: int, loss: str):
    """Seeded random inputs k/4 (|k| <= 12); labels +-1 (logistic) or one-hot over dy classes."""
    import random

    from symcert.inputs.data import from_rows
    rng = random.Random(seed)
    xs = [[fmpq(rng.randint(-12, 12), 4) for _ in range(dx)] for _ in range(m)]
    if loss == "logistic":
        ys = [[fmpq(rng.choice((-1, 1))) for _ in range(dy)] for _ in range(m)]
    else:
        ys = [[fmpq(int(i == c)) for i in range(dy)] for c in (rng.randrange(dy) for _ in range(m))]
    return from_rows(xs, ys)
