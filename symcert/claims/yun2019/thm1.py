"""Yun, Sra, Jadbabaie (ICLR 2019), Theorem 1: ReLU-like one-hidden-layer networks have
spurious local minima for almost all data.

Construction (see docs/papers/yun2019.md): the local minimum outputs the least-squares affine
fit with every hidden pre-activation strictly positive; the better point splits the fitted
values at a gap and shifts the two sides by -+ kappa gamma (case 1), after tilting the fit
when fitted values tie (case 2). All numbers are exact rationals.
"""
from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import kernel, scaled, stream
from symcert.checker.api import FormatError, parse_problem
from symcert.claims.base import Claim, Instance
from symcert.errors import ConstructionFailed, HypothesisViolation, InputError
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.activations import leaky_relu, relu, relu_like_slopes
from symcert.inputs.data import Dataset, from_rows
from symcert.provers.affine import least_squares
from symcert.provers.cells import interior_radius_one_layer, interior_radius_rows
from symcert.provers.smt import smt_cell_minimum_holds

CLAIM_ID = "yun2019.thm1"
PAPER = ("Yun, Sra, Jadbabaie, 'Small nonlinearities in activation functions create bad local "
         "minima in neural networks', ICLR 2019, arXiv:1802.03487")
STATEMENT = ("For a one-hidden-layer network with a ReLU-like activation, width d1 >= 2, scalar "
             "output and squared loss, if no affine map fits the data exactly and the inputs are "
             "distinct, there is a spurious local minimum (a continuum of them).")
SMT_AUTO_LIMIT = 50  # include the z3 cross-check when m * (number of parameters) is at most this
SMT_AUTO_TIMEOUT_MS = 2000  # --smt auto: the cross-check is added only if z3 proves it within this time
PACK_MIN_ENTRIES = 1000  # user data of at least this many numbers is written packed (format version 3); less stays readable lists


def _problem_json(data: Dataset, hidden: int, act: dict, packed: bool = False) -> dict:
    """The problem statement; ``packed``: the data in the packed form of version 3 when it fits
    (exact/packed.py), else as rows of numbers."""
    body = data.packed_json() if packed else None
    if body is None:
        body = data.to_json() if data.text is not None else {"inputs": _rows_text(data.inputs), "targets": _rows_text(data.targets)}
    return {"network": {"widths": [data.dx, hidden, data.dy], "activation": act}, "loss": {"kind": "squared"}, "data": body}


def _rows_text(rows) -> list:
    """``[[format_rational(v) for v in row] for row in rows]``, computed over one common
    denominator d with Python integers (v = p/d is p/g over d/g in lowest terms, g = gcd(p, d))."""
    n = len(rows[0])
    N, d = fmpq_mat(len(rows), n, [v for row in rows for v in row]).numer_denom()
    d = int(d)
    if d.bit_length() > 256 or any(int(p).bit_length() > 10_000 for p in N.entries()):  # many denominators, or
        # numbers beyond Python's int/str limit: entry by entry (FLINT prints them)
        return [[fr(v) for v in row] for row in rows]
    gcd = math.gcd
    flat = [str(p // g) if g == d else f"{p // g}/{d // g}" for p in map(int, N.entries()) for g in (gcd(p, d),)]
    return [flat[i:i + n] for i in range(0, len(flat), n)]


def check_hypotheses(data: Dataset, hidden: int, act: dict, prob=None):
    """Check C1.1-C1.4; return (s+, s-, affine fit, hypothesis records) or raise. ``prob``: the
    checker's reading of the problem, whose X and Y are then used instead of the rows of ``data``."""
    slopes = relu_like_slopes(act)
    if slopes is None or not (slopes[0] > 0 and slopes[1] >= 0 and slopes[0] != slopes[1]):
        raise HypothesisViolation(CLAIM_ID, "C1.3", f"activation {act.get('name')} is not ReLU-like with s+ > 0, s- >= 0, s+ != s-")
    sp, sm = slopes
    if data.dy != 1:
        raise HypothesisViolation(CLAIM_ID, "C1.1", f"the output must be scalar (dy = 1), got dy = {data.dy}")
    if hidden < 2:
        raise HypothesisViolation(CLAIM_ID, "C1.4", f"hidden width d1 = {hidden} < 2")
    X = prob.X if prob is not None else fmpq_mat(data.m, data.dx, [v for row in data.inputs for v in row]).transpose()
    xs = scaled.inputs(prob) if prob is not None else None
    same = kernel.equal_columns(X, xs.N if xs is not None else None)
    if same:
        x = data.inputs[same[1]]
        raise HypothesisViolation(CLAIM_ID, "C1.2", f"samples {same[0] + 1} and {same[1] + 1} have the same input ({', '.join(fr(v) for v in x)})")
    Y = prob.Y if prob is not None else fmpq_mat(data.m, 1, [row[0] for row in data.targets]).transpose()
    fit = least_squares(X, Y, xs)
    if fit.loss == 0:
        raise HypothesisViolation(CLAIM_ID, "C1.1", "an affine map fits the data exactly (least-squares loss 0): "
                                  f"weights ({', '.join(fr(fit.weights[0, j]) for j in range(data.dx))}), bias {fr(fit.bias[0, 0])}")
    records = [
        {"id": "C1.1", "statement": "dy = 1 and no affine map fits the data exactly", "evidence": f"least-squares loss l0 = {fr(fit.loss)} > 0",
         "check": [{"kind": "scalar_output"}, {"kind": "no_affine_fit"}]},
        {"id": "C1.2", "statement": "all inputs distinct", "evidence": f"{data.m} distinct inputs", "check": {"kind": "distinct_inputs"}},
        {"id": "C1.3", "statement": "h is ReLU-like: s+ > 0, s- >= 0, s+ != s-", "evidence": f"s+ = {fr(sp)}, s- = {fr(sm)}", "check": {"kind": "relu_like"}},
        {"id": "C1.4", "statement": "hidden width d1 >= 2", "evidence": f"d1 = {hidden}", "check": {"kind": "hidden_widths_at_least", "min": 2}},
    ]
    return sp, sm, X, Y, fit, records


def _read_problem(pj: dict, data: Dataset):
    """The checker's reading of the problem when the data's texts were read by it already
    (data.reads, from a CSV file's canonical cells; nothing is read twice), else None."""
    if not data.reads or data.dy != 1:
        return None
    try:
        return parse_problem(pj, "problem", data.reads)
    except FormatError:  # e.g. more data than the checker reads: the check says so
        return None


def _risk(prob, params: dict, fwd=None, xs=None) -> fmpq:
    """The exact squared-loss risk at ``params`` (``fwd``: scaled.forward(prob, params), if computed;
    ``xs``: scaled.inputs(prob)); one neuron at a time when the first layer is large (stream.wanted)."""
    if fwd is None and xs is not None and stream.wanted(prob, params):
        return scaled.half_sq_norm(stream.layer(prob, params, xs).out.minus(scaled.of(prob.Y)))
    fwd = scaled.forward(prob, params, xs) if fwd is None else fwd
    return scaled.half_sq_norm(fwd[3].minus(scaled.of(prob.Y)))


def _minimum_risk_and_radius(prob, point: dict, xs) -> tuple:
    """(risk, interior radius or None) at the local minimum: from the full forward pass, or one
    neuron at a time when the first layer is large (as the checker then does)."""
    if stream.wanted(prob, point):
        return _risk(prob, point, xs=xs), interior_radius_rows(prob, point, xs)
    fwd = scaled.forward(prob, point, xs)
    return _risk(prob, point, fwd), interior_radius_one_layer(prob, point, fwd)


def local_minimum(fit, hidden: int, dx: int, sp: fmpq, alpha: fmpq) -> tuple[dict, fmpq]:
    num, den = fit.fitted_num, fit.fitted_den  # fitted values num / den: the minimum over integers
    eta = min(fmpq(-1), 2 * fmpq(min(num.entries()), den))
    W1 = fmpq_mat(hidden, dx)
    for j in range(dx):
        W1[0, j] = alpha * fit.weights[0, j]
    b1 = fmpq_mat(hidden, 1, [alpha * (fit.bias[0, 0] - eta)] + [-alpha * eta] * (hidden - 1))
    W2 = fmpq_mat(1, hidden, [1 / (alpha * sp)] + [0] * (hidden - 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": fmpq_mat(1, 1, [eta])}, eta


def _split(values: list, targets: list, kappa: fmpq, best: bool = False):
    """A split of the sorted fitted values: (j0, beta, gamma) or None.

    With outputs values_i - kappa gamma (sorted index <= j0) and values_i + kappa gamma
    (after), the loss changes by -kappa gamma (2 Q_j - S) + (m/2) kappa^2 gamma^2, where Q_j is
    the partial sum of residuals and S their total; gamma is the unconstrained optimum
    clamped to a quarter of the gap. The paper's recipe takes the first admissible j (case 1);
    with ``best`` the j of largest decrease is taken (used after a tilt, where only the splits
    of formerly tied values beat the cost of the tilt).
    """
    # sort, partial sums and gaps in Python integers over one common denominator D
    # (values[i] = V[i] / D, targets[i] = T[i] / D); rationals only at candidate splits.
    # ``values`` may be given as (integer row matrix, its denominator) instead of a list
    Vn, dv = values if isinstance(values, tuple) else fmpq_mat(1, len(values), values).numer_denom()
    m = Vn.ncols()
    Tn, dt = fmpq_mat(1, m, targets).numer_denom()
    dv, dt = int(dv), int(dt)
    V = [int(v) * dt for v in Vn.entries()]
    T = [int(t) * dv for t in Tn.entries()]
    D = dv * dt
    order = sorted(range(m), key=V.__getitem__)
    S = sum(V) - sum(T)
    Q = 0
    found, found_gain = None, fmpq(0)
    for pos in range(m - 1):
        i, nxt = order[pos], order[pos + 1]
        Q += V[i] - T[i]
        if V[nxt] > V[i] and 2 * Q != S:
            c = fmpq(2 * Q - S, D)
            gamma = c / (m * kappa)
            bound = fmpq(V[nxt] - V[i], 4 * D)  # a quarter of the gap
            if abs(gamma) > bound:
                gamma = bound if gamma > 0 else -bound
            beta = fmpq(V[i] + V[nxt], 2 * D)
            if not best:
                return pos + 1, beta, gamma
            gain = kappa * gamma * c - m * kappa * kappa * gamma * gamma / 2
            if gain > found_gain:
                found, found_gain = (pos + 1, beta, gamma), gain
    return found


def _split_point(wx: list, wb: fmpq, hidden: int, sp, sm, beta, gamma) -> dict:
    dx = len(wx)
    W1 = fmpq_mat(hidden, dx)
    for j in range(dx):
        W1[0, j], W1[1, j] = wx[j], -wx[j]
    b1 = fmpq_mat(hidden, 1, [wb - beta + gamma, -wb + beta + gamma] + [0] * (hidden - 2))
    W2 = fmpq_mat(1, hidden, [1 / (sp + sm), -1 / (sp + sm)] + [0] * (hidden - 2))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": fmpq_mat(1, 1, [beta])}


def better_point(prob, data: Dataset, fit, hidden: int, sp, sm, l0, tilt_start=fmpq(1), max_halvings: int = 64):
    """A point of strictly lower risk: case 1 on the fit, else case 2 (tilted fit)."""
    kappa = (sp - sm) / (sp + sm)
    y = [row[0] for row in data.targets]
    wx = [fit.weights[0, j] for j in range(data.dx)]
    wb = fit.bias[0, 0]
    split = _split((fit.fitted_num, fit.fitted_den), y, kappa)
    if split is not None:
        j0, beta, gamma = split
        pt = _split_point(wx, wb, hidden, sp, sm, beta, gamma)
        return pt, {"case": "1", "j0": str(j0), "beta": fr(beta), "gamma": fr(gamma)}
    # case 2: tilt the fit along the longest tied input with nonzero residual, then the axes
    ybar = list(fit.fitted.entries())
    counts = Counter(ybar)
    tied = [i for i in range(data.m) if counts[ybar[i]] > 1 and ybar[i] != y[i]]
    cands = []
    if tied:
        far = max(tied, key=lambda i: sum(abs(v) for v in data.inputs[i]))
        cands.append(list(data.inputs[far]))
    cands += [[fmpq(int(j == k)) for j in range(data.dx)] for k in range(data.dx)]
    for v in cands:
        a = tilt_start
        for _ in range(max_halvings):
            wt = [wx[j] - a * v[j] for j in range(data.dx)]
            vals = [sum((wt[j] * x[j] for j in range(data.dx)), wb) for x in data.inputs]
            split = _split(vals, y, kappa, best=True)
            if split is not None:
                j0, beta, gamma = split
                pt = _split_point(wt, wb, hidden, sp, sm, beta, gamma)
                if _risk(prob, pt) < l0:
                    info = {"case": "2", "tilt": fr(a), "tilt_direction": [fr(t) for t in v], "j0": str(j0), "beta": fr(beta), "gamma": fr(gamma)}
                    return pt, info
            a /= 2
    raise ConstructionFailed(f"{CLAIM_ID}: no better point found by the case-2 tilt within {max_halvings} halvings")


def certify(data: Dataset, act: dict, hidden: int = 2, alpha=fmpq(1), instance: str = "user data",
            smt: str = "auto", tilt_start=fmpq(1), smt_timeout_s: int = 60, packed: bool = False) -> dict:
    """Build the certificate of Theorem 1 on ``data`` (raises HypothesisViolation if it does not apply).
    ``smt``: "auto" adds the z3 cross-check on small instances when z3 proves it within
    SMT_AUTO_TIMEOUT_MS; "always" requires it within ``smt_timeout_s`` seconds (else
    ConstructionFailed, UNKNOWN); "never" leaves it out. ``packed``: the certificate's data in the
    packed form (format version 3), as for user data."""
    alpha = fmpq(alpha)
    if not alpha > 0:
        raise InputError(None, "alpha", fr(alpha), "alpha must be positive")
    pj = _problem_json(data, hidden, act, packed)
    read = _read_problem(pj, data)
    sp, sm, X, Y, fit, records = check_hypotheses(data, hidden, act, read)
    # the checker's reading of the problem; its data either read already (read) or exact already (X, Y)
    first = {"inputs": [[fr(v) for v in data.inputs[0]]], "targets": [[fr(v) for v in data.targets[0]]]}
    prob = read if read is not None else dataclasses.replace(parse_problem({**pj, "data": first}), X=X, Y=Y)
    point, eta = local_minimum(fit, hidden, data.dx, sp, alpha)
    xs = scaled.inputs(prob)  # integer numerators over common denominators (checker/scaled.py)
    loss, r = _minimum_risk_and_radius(prob, point, xs)
    assert loss == fit.loss, "construction error: the local minimum must output the affine fit"
    if r is None:
        raise ConstructionFailed(f"{CLAIM_ID}: no interior radius found")
    better, info = better_point(prob, data, fit, hidden, sp, sm, loss, tilt_start)
    better_loss = _risk(prob, better, xs=xs)
    obligations = [
        {"id": "gradient_zero", "kind": "gradient_zero"},
        {"id": "interior_cell", "kind": "interior_cell", "radius": fr(r)},
        {"id": "affine_reduction", "kind": "affine_reduction", "radius": fr(r),
         "affine_fit": {"weights": certificate.mat_json(fit.weights), "bias": certificate.vec_json(fit.bias)}},
    ]
    nparams = sum(v.nrows() * v.ncols() for v in point.values())
    if smt == "always" or (smt == "auto" and data.m * nparams <= SMT_AUTO_LIMIT):
        budget = 1000 * smt_timeout_s if smt == "always" else min(SMT_AUTO_TIMEOUT_MS, 1000 * smt_timeout_s)
        if smt_cell_minimum_holds(prob, point, r, loss, budget):
            obligations.append({"id": "smt_cell_minimum", "kind": "smt_cell_minimum", "radius": fr(r), "solver": "z3"})
        elif smt == "always":
            raise ConstructionFailed(f"{CLAIM_ID}: --smt always: z3 did not prove the cell minimum within "
                                     f"{smt_timeout_s} s (raise --smt-timeout, or use --smt auto or never)")
    obligations.append({"id": "strictly_lower", "kind": "strictly_lower"})
    claim = {
        "id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem 1", "statement": STATEMENT,
        "conclusion": "spurious_local_minimum", "instance": instance, "hypotheses": records,
        "construction": {"alpha": fr(alpha), "eta": fr(eta), "better_point": info},
    }
    return certificate.document(claim, pj, point, loss, obligations, better, better_loss)


CONTINUUM = ("For every alpha > 0 the point W1 = alpha (w; 0), b1 = alpha (b - eta; -eta, ...), W2 = (1/(alpha s+), 0, ...), "
             "b2 = eta is a local minimum at the least-squares risk l0, and a point of lower risk exists: a continuum "
             "of spurious local minima, proved for all alpha at once.")


def certify_continuum(data: Dataset, act: dict, hidden: int = 2, instance: str = "user data", smt: str = "auto",
                      tilt_start=fmpq(1), packed: bool = False) -> dict:
    """The whole continuum in one certificate: the alpha = 1 member's certificate plus a
    ``scaling_family`` obligation (alpha a symbol; parameters scale like alpha and 1/alpha; box
    radius r alpha), checked for every alpha > 0 at once."""
    sp, _, _, _, fit, _ = check_hypotheses(data, hidden, act)
    doc = certify(data, act, hidden, fmpq(1), instance, smt, tilt_start, packed=packed)
    _, eta = local_minimum(fit, hidden, data.dx, sp, fmpq(1))
    mono = lambda v, k: [fr(v), k if v != 0 else 0]  # noqa: E731
    w, b = [fit.weights[0, j] for j in range(data.dx)], fit.bias[0, 0]
    family = {"W1": [[mono(v, 1) for v in w]] + [[mono(0, 0)] * data.dx for _ in range(hidden - 1)],
              "b1": [mono(b - eta, 1)] + [mono(-eta, 1)] * (hidden - 1),
              "W2": [[mono(1 / sp, -1)] + [mono(0, 0)] * (hidden - 1)], "b2": [mono(eta, 0)]}
    radius = next(o["radius"] for o in doc["obligations"] if o["kind"] == "interior_cell")
    ob = {"id": "continuum", "kind": "scaling_family", "parameter": "alpha", "family": family, "radius": [radius, 1],
          "affine_fit": next(o["affine_fit"] for o in doc["obligations"] if o["kind"] == "affine_reduction")}
    from symcert.checker.api import AFFINE_LEMMA, LAURENT_LEMMA, LAURENT_POLY, RATIONAL
    ob["rests_on"] = [LAURENT_POLY, RATIONAL, AFFINE_LEMMA, LAURENT_LEMMA]
    doc["obligations"].insert(len(doc["obligations"]) - 1, ob)
    doc.pop("rests_on", None)
    certificate.declare_ledger(doc)
    doc["claim"] = dict(doc["claim"], conclusion="continuum_of_spurious_local_minima", statement=CONTINUUM,
                        construction=dict(doc["claim"]["construction"], alpha="every alpha > 0 (a symbol)"))
    return doc


# ---- instances -----------------------------------------------------------------------------

def _rows(xs, ys) -> Dataset:
    return from_rows([[fmpq(v) for v in (x if isinstance(x, (list, tuple)) else [x])] for x in xs], [[fmpq(y)] for y in ys])


CASE1 = ([0, 1, 2, 3], [0, 1, 0, 1])
CASE2 = ([(1, 0), (-1, 0), (0, 1), (0, -1)], [1, 1, 0, 0])
SEEDED = [  # (seed, m, dx, d1, activation)
    (1, 6, 1, 2, "relu"), (2, 8, 2, 2, "leaky"), (3, 10, 3, 3, "relu"),
    (4, 12, 2, 4, "leaky"), (5, 20, 5, 2, "relu"), (6, 30, 4, 3, "relu_like"),
]


def random_dataset(seed: int, m: int, dx: int) -> Dataset:
    """Seeded random rational data: inputs k/4 with |k| <= 20, targets k/8 with |k| <= 16."""
    rng = random.Random(seed)
    xs = [[fmpq(rng.randint(-20, 20), 4) for _ in range(dx)] for _ in range(m)]
    ys = [[fmpq(rng.randint(-16, 16), 8)] for _ in range(m)]
    return from_rows(xs, ys)


def _seeded_activation(kind: str) -> dict:
    from symcert.inputs.activations import relu_like
    return {"relu": relu(), "leaky": leaky_relu(fmpq(1, 10)), "relu_like": relu_like(fmpq(1, 2), fmpq(2))}[kind]


def instances() -> list:
    out = [
        Instance("thm1-case1-relu", lambda: certify(_rows(*CASE1), relu(), instance="worked instance, case 1, ReLU"),
                 "X = [0,1,2,3], Y = [0,1,0,1], ReLU"),
        Instance("thm1-case1-leaky", lambda: certify(_rows(*CASE1), leaky_relu(fmpq(1, 2)), instance="worked instance, case 1, leaky ReLU s- = 1/2"),
                 "X = [0,1,2,3], Y = [0,1,0,1], leaky ReLU 1/2"),
        Instance("thm1-case2-relu", lambda: certify(_rows(*CASE2), relu(), instance="worked instance, case 2, ReLU", tilt_start=fmpq(1, 5)),
                 "X = [(1,0),(-1,0),(0,1),(0,-1)], Y = [1,1,0,0], ReLU (tilt 1/5 as in the paper)"),
        Instance("thm1-case2-leaky", lambda: certify(_rows(*CASE2), leaky_relu(fmpq(1, 2)), instance="worked instance, case 2, leaky ReLU s- = 1/2", tilt_start=fmpq(1, 5)),
                 "case-2 data, leaky ReLU 1/2"),
        Instance("thm1-case1-relu-alpha3", lambda: certify(_rows(*CASE1), relu(), alpha=fmpq(3), instance="worked instance, case 1, ReLU, alpha = 3 (the continuum)"),
                 "case-1 data, alpha = 3: another member of the continuum"),
    ]
    out += [Instance("thm1-continuum-case1-relu", lambda: certify_continuum(_rows(*CASE1), relu(), instance="worked instance, case 1, ReLU, every alpha > 0"),
                     "case-1 data: the continuum alpha > 0 in one certificate"),
            Instance("thm1-continuum-case2-leaky", lambda: certify_continuum(_rows(*CASE2), leaky_relu(fmpq(1, 2)), tilt_start=fmpq(1, 5),
                                                                              instance="worked instance, case 2, leaky ReLU 1/2, every alpha > 0"),
                     "case-2 data: the continuum alpha > 0 in one certificate"),
            Instance("thm1-continuum-s4-m12-dx2-d4-leaky", lambda: certify_continuum(random_dataset(4, 12, 2), _seeded_activation("leaky"), hidden=4,
                                                                                      instance="seeded random data: seed 4, m = 12, dx = 2, d1 = 4, leaky, every alpha > 0"),
                     "seeded random data: the continuum alpha > 0 in one certificate")]
    for seed, m, dx, d1, kind in SEEDED:
        out.append(Instance(
            f"thm1-random-s{seed}-m{m}-dx{dx}-d{d1}-{kind}",
            lambda seed=seed, m=m, dx=dx, d1=d1, kind=kind: certify(
                random_dataset(seed, m, dx), _seeded_activation(kind), hidden=d1,
                instance=f"seeded random data: seed {seed}, m = {m}, dx = {dx}, d1 = {d1}, {kind}"),
            f"seed {seed}, m = {m}, dx = {dx}, d1 = {d1}, {kind}"))
    return out


def _pack(data: Dataset) -> bool:
    """User data is written packed from PACK_MIN_ENTRIES numbers on."""
    return data.m * (data.dx + data.dy) >= PACK_MIN_ENTRIES


def certify_data(data: Dataset, options: dict) -> dict:
    loss = options.get("loss")
    if loss is not None and loss.get("kind") != "squared":
        raise HypothesisViolation(CLAIM_ID, "squared loss", f"the theorem is stated for the squared loss only (--loss {loss.get('kind')})")
    if options.get("depth") not in (None, 2):
        raise HypothesisViolation(CLAIM_ID, "one hidden layer", f"the theorem is stated for depth 2 (--depth {options['depth']})")
    if options.get("continuum"):
        if options.get("alpha_given"):
            raise InputError("--alpha", None, fr(options["alpha"]), "--continuum proves every alpha > 0 at once; do not give --alpha")
        return certify_continuum(data, options["activation"], hidden=options.get("hidden", 2),
                                 instance=options.get("instance", "user data"), smt=options.get("smt", "auto"), packed=_pack(data))
    return certify(data, options["activation"], hidden=options.get("hidden", 2),
                   alpha=options.get("alpha", fmpq(1)), instance=options.get("instance", "user data"),
                   smt=options.get("smt", "auto"), smt_timeout_s=options.get("smt_timeout", 60), packed=_pack(data))


CLAIM = Claim(CLAIM_ID, PAPER, "ReLU-like one-hidden-layer nets: spurious local minimum for almost all data",
              instances, certify_data,
              {"--hidden N": "hidden width d1 (default 2)", "--activation": "relu | leaky_relu:S | relu_like:SPLUS,SMINUS",
               "--alpha A": "scale of the local minimum (default 1; every A > 0 gives one)",
               "--smt MODE": "z3 cross-check of the cell: auto (small instances, if proved within 2 s; default) | always "
                             "(required within --smt-timeout, else UNKNOWN) | never",

               "--continuum": "prove the minimum for every alpha > 0 at once (alpha a symbol; not with --alpha)"},
              data_rows=False)
