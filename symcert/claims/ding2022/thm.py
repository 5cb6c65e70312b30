"""Ding, Li, Sun (Math. of OR 2022; arXiv 1911.01413): sub-optimal local minima exist however
wide the network is, for generic inputs (labels chosen by the construction).

Construction (reconstruction; see docs/papers/ding2022.md): labels Y = c* 1 - e with the
residual e orthogonal to every affine function of x and M = sum_i e_i x_i x_i^T positive
definite; the point has every input weight 0, biases b_j = -log 2 (sigmoid = 1/3, sigmoid'' =
2/27 > 0), output weights v_j = 1 and output bias c = c* - n/3, so the network outputs c*.
It is a local minimum by the Morse-Bott route (``morse_bott``: gradient zero on the critical
manifold {w = 0, c compensates (b, v)}, Hessian PSD with kernel exactly its tangent space) and,
on the worked 1-D instance, also by the convexity route. With b_j = +log 2 (v sigma'' < 0) the
same kind of point is a saddle: ``smooth_descent`` exhibits an exact negative-curvature
direction and a nearby point of lower loss.
"""
from __future__ import annotations

from fractions import Fraction as F

import mpmath
import sympy

from symcert.checker.api import smooth as S
from symcert.checker.api import Verdict
from symcert import certificate
from symcert.claims import constructions as C
from symcert.claims.base import Claim, Instance
from symcert.errors import ConstructionFailed, HypothesisViolation
from symcert.exact.reals import log_of
from symcert.inputs.data import Dataset

CLAIM_ID = "ding2022.thm"
PAPER = ("Ding, Li, Sun, 'Sub-optimal local minima exist for neural networks with almost all "
         "non-linear activations', Math. of Operations Research 2022, arXiv:1911.01413")
STATEMENT = ("For generic inputs (labels chosen by the construction), a sigmoid network whose last "
             "hidden layer has n >= 2 neurons has a sub-optimal local minimum, for every width n.")
X1 = [F(-1), F(0), F(1)]
Y1 = [F(0), F(1), F(0)]
SIG = C.smooth_activation("sigmoid")
LOG2 = log_of(2)


def _claim(instance, conclusion, records, construction):
    return {"id": CLAIM_ID, "paper": PAPER, "theorem": "Main theorem (one hidden layer; deeper variant)",
            "statement": STATEMENT, "conclusion": conclusion, "instance": instance,
            "hypotheses": records, "construction": construction}


def _check(doc, what):
    doc, rep = certificate.fill_ledgers_checked(doc)  # one run of the checker per certificate
    if rep.verdict is not Verdict.CERTIFIED:
        raise ConstructionFailed(f"{CLAIM_ID} {what}: {rep.verdict.name}: {rep.summary}")
    return doc


def choose_labels(inputs: list, cstar=F(1, 3), scale=None) -> tuple[list, list, F]:
    """Labels Y = c* - e with e the residual of ||x||^2 after its least-squares affine fit,
    scaled; raises HypothesisViolation when M = sum e_i x_i x_i^T is not positive definite."""
    from flint import fmpq, fmpq_mat

    from symcert.checker.api import positive_definite
    m, dx = len(inputs), len(inputs[0])
    Xt = fmpq_mat(m, dx + 1, [fmpq(v.numerator, v.denominator) for row in inputs for v in (*row, F(1))])
    q = fmpq_mat(m, 1, [fmpq(sum(v * v for v in row).numerator, sum(v * v for v in row).denominator) for row in inputs])
    G = Xt.transpose() * Xt
    if G.rank() < dx + 1:
        raise HypothesisViolation(CLAIM_ID, "generic inputs", "the inputs lie in an affine hyperplane")
    e = q - Xt * G.solve(Xt.transpose() * q)
    M = fmpq_mat(dx, dx)
    for i in range(m):
        for a in range(dx):
            for b in range(dx):
                M[a, b] += e[i, 0] * Xt[i, a] * Xt[i, b]
    if not positive_definite(M):
        raise HypothesisViolation(CLAIM_ID, "M positive definite", "sum_i e_i x_i x_i^T is not positive definite for these inputs "
                                  "(with e the residual of ||x||^2): the construction does not apply")
    emax = max(abs(e[i, 0]) for i in range(m))
    scale = scale if scale is not None else F(1) / F(int(emax.p), int(emax.q))
    es = [F(int(e[i, 0].p), int(e[i, 0].q)) * scale for i in range(m)]
    return [cstar - v for v in es], es, cstar


def local_min(n: int, dx: int, cstar, bias=None):
    b = -LOG2 if bias is None else bias
    return {"W1": [[0] * dx for _ in range(n)], "b1": [b] * n, "W2": [[1] * n],
            "b2": [cstar - n * (F(1, 3) if bias is None else F(2, 3))]}


def worked_better(n: int) -> dict:
    """The notes' zero-loss point for the worked data, padded with idle neurons."""
    return {"W1": [[LOG2], [-LOG2]] + [[0]] * (n - 2), "b1": [LOG2, LOG2] + [-LOG2] * (n - 2),
            "W2": [[30, 30] + [0] * (n - 2)], "b2": [-39]}


def fitted_better(inputs, targets, n: int) -> dict:
    """Untrusted: fixed rational hidden features; output layer by float64 least squares
    (numpy.linalg.lstsq: SVD with the minimum-norm solution, so repeated or dependent features
    are no obstacle and the cost is O(m n^2) in compiled code), each weight then written as a
    rational within 10^-20 of it. The checker decides whether the point is better (exactly or by
    arb); ConstructionFailed when the fit is not finite."""
    import numpy as np
    dx = len(inputs[0])
    W1 = [[F((j + k) % 3 - 1, 1 + j % 2) for k in range(dx)] for j in range(n)]
    b1 = [F(j % 5 - 2, 2) for j in range(n)]
    X = np.array([[float(v) for v in x] for x in inputs])
    Z = X @ np.array([[float(w) for w in row] for row in W1]).T + np.array([float(b) for b in b1])
    A = np.hstack([1 / (1 + np.exp(-Z)), np.ones((len(inputs), 1))])
    sol = np.linalg.lstsq(A, np.array([float(t) for t in targets]), rcond=None)[0]
    if not np.all(np.isfinite(sol)):
        raise ConstructionFailed(f"{CLAIM_ID}: the better-point fit is not finite on these data")
    vals = [F(float(v)).limit_denominator(10**20) for v in sol]
    return {"W1": W1, "b1": b1, "W2": [vals[:n]], "b2": [vals[n]]}


def certify(inputs, n: int, instance: str, targets=None, better=None, convexity=False) -> dict:
    dx = len(inputs[0])
    if n < 2:
        raise HypothesisViolation(CLAIM_ID, "n >= 2", f"hidden width {n} < 2")
    if targets is None:
        targets, e, cstar = choose_labels(inputs)
    else:
        cstar = sum(targets, F(0)) / len(targets)
        e = [cstar - t for t in targets]
    pj = C.smooth_problem_json([dx, n, 1], SIG, inputs, targets)
    point = local_min(n, dx, cstar)
    free = [["b1", j + 1, 1] for j in range(n)] + [["W2", 1, j + 1] for j in range(n)]
    obligations = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"},
                   {"id": "morse_bott", "kind": "morse_bott", "free": free}]
    if convexity:
        obligations.append({"id": "convexity_bound", "kind": "convexity_bound", "radius": "1/10",
                            "combinations": [{"sample": 2, "of": [[1, "1/2"], [3, "1/2"]], "multiplier": "2/3"}]})
    obligations.append({"id": "strictly_lower", "kind": "smooth_strictly_lower"})
    better = better if better is not None else fitted_better(inputs, targets, n)
    loss = sum((v * v for v in e), F(0)) / 2
    records = [{"id": "labels", "statement": "residual e = c* - Y orthogonal to 1 and x; M = sum e_i x_i x_i^T PD",
                "evidence": f"c* = {C.real_text(cstar)}, e = ({', '.join(C.real_text(v) for v in e)})"},
               {"id": "n >= 2", "statement": "hidden width at least 2", "evidence": f"n = {n}",
                "check": {"kind": "hidden_widths_at_least", "min": 2}}]
    cons = {"b": "-log(2)", "v": "1", "c": C.real_text(cstar - F(n, 3))}
    doc = certificate.document(_claim(instance, "spurious_local_minimum", records, cons), pj, point, loss, obligations, better)
    if _zero_risk(pj, better):
        doc["better_loss"] = "0"
    return _check(doc, instance)


def _zero_risk(pj: dict, params: dict) -> bool:
    """Untrusted: whether the exact risk at a point is 0 (the certificate then claims better_loss 0,
    which the checker decides again)."""
    from symcert.checker.api import parse_point, parse_problem
    prob = parse_problem(pj)
    return S.sign(S.Evaluator(prob).risk(parse_point(certificate.point_json(params), prob, "better_point")))[0] == 0


def deeper(instance: str, n1: int = 2, n2: int = 2) -> dict:
    """Two hidden layers (widths n1 >= 2, n2 >= 2) on the worked data: convexity route (every
    neuron convex and increasing near the point, positive weights into layer 2 and the output)."""
    pj = C.smooth_problem_json([1, n1, n2, 1], SIG, [[x] for x in X1], Y1)
    point = {"W1": [[0]] * n1, "b1": [-LOG2] * n1, "W2": [[1] * n1 for _ in range(n2)], "b2": [-LOG2 - F(n1, 3)] * n2,
             "W3": [[1] * n2], "b3": [F(1, 3) - F(n2, 3)]}
    better = {"W1": [[LOG2], [-LOG2]] + [[0]] * (n1 - 2), "b1": [LOG2, LOG2] + [0] * (n1 - 2),
              "W2": [[1, 0] + [0] * (n1 - 2), [0, 2] + [0] * (n1 - 2)] + [[0] * n1 for _ in range(n2 - 2)], "b2": [0] * n2}
    last = _fit_last(better)
    better.update({"W3": [last["W3"][0] + [0] * (n2 - 2)], "b3": last["b3"]})
    obligations = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"},
                   {"id": "convexity_bound", "kind": "convexity_bound", "radius": "1/20",
                    "combinations": [{"sample": 2, "of": [[1, "1/2"], [3, "1/2"]], "multiplier": "2/3"}]},
                   {"id": "strictly_lower", "kind": "smooth_strictly_lower"}]
    records = [{"id": "last hidden layer >= 2", "statement": f"deeper variant, widths (1, {n1}, {n2}, 1)", "evidence": f"n = {n2}",
                "check": {"kind": "last_hidden_width_at_least", "min": 2}}]
    doc = certificate.document(_claim(instance, "spurious_local_minimum", records, {"route": "convexity"}), pj, point, F(1, 3), obligations, better)
    return _check(doc, instance)


def _fit_last(params) -> dict:
    mpmath.mp.dps = 50
    sig = lambda t: 1 / (1 + mpmath.exp(-t))  # noqa: E731
    rows = []
    for x in X1:
        a = [sig(mpmath.log(2) * (1 if j == 0 else -1) * x + mpmath.log(2)) for j in range(2)]
        z = [a[0], 2 * a[1]]
        rows.append([sig(z[0]), sig(z[1]), mpmath.mpf(1)])
    sol = mpmath.lu_solve(mpmath.matrix(rows), mpmath.matrix([mpmath.mpf(int(y)) for y in Y1]))
    vals = [C.rationalize(s, 25) for s in sol]
    return {"W3": [vals[:2]], "b3": [vals[2]]}


def saddle(instance: str) -> dict:
    """b = +log 2: v sigma'' = -2/27 < 0. Direction w1 = +1, w2 = -1 keeps the output's first
    order unchanged and has d^T H d = -8/81 < 0."""
    pj = C.smooth_problem_json([1, 2, 1], SIG, [[x] for x in X1], Y1)
    point = local_min(2, 1, F(1, 3), bias=LOG2)
    obligations = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"},
                   {"id": "descent", "kind": "smooth_descent", "witness_t": "1/10",
                    "direction": {"W1": [["1"], ["-1"]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["0"]}}]
    records = [{"id": "contrast", "statement": "v_j sigma''(b_j) < 0", "evidence": "sigma''(log 2) = -2/27, v = 1",
                "check": {"kind": "obligation_holds", "obligation": "descent"}}]
    doc = certificate.document(_claim(instance, "not_local_minimum", records, {"b": "log(2)", "v": "1", "c": "-1"}), pj, point, F(1, 3), obligations)
    return _check(doc, instance)


def hessian_eigen_summary(n: int = 2) -> dict:
    """Exact characteristic polynomial of the worked instance's Hessian (for docs and tests)."""
    from symcert.checker.api import parse_problem
    from symcert.checker.api import parse_point
    pj = C.smooth_problem_json([1, n, 1], SIG, [[x] for x in X1], Y1)
    prob = parse_problem(pj)
    pt = parse_point(certificate.point_json(local_min(n, 1, F(1, 3))), prob, "point")
    H = S.Evaluator(prob).hessian(pt, prob.coordinates())
    t = sympy.Symbol("t")
    coeffs = [sympy.Rational(int(c.p), int(c.q)) for c in H.charpoly().coeffs()]
    poly = sympy.Poly(list(reversed(coeffs)), t)
    return {"charpoly": poly, "roots": sympy.roots(poly)}


WIDTHS = (2, 3, 10, 100)


def instances() -> list:
    out = [Instance(f"thm-worked-n{n}", (lambda n=n: certify([[x] for x in X1], n, f"worked instance X = (-1,0,1), Y = (0,1,0), sigmoid, n = {n}",
                                                             targets=Y1, better=worked_better(n), convexity=n <= 10)),
                    f"worked data, width {n}") for n in WIDTHS]
    gen = [[F(-2)], [F(-1, 2)], [F(1, 3)], [F(1)], [F(5, 2)]]
    out.append(Instance("thm-generic-1d-n3", lambda: certify(gen, 3, "inputs (-2, -1/2, 1/3, 1, 5/2), labels chosen by the construction, n = 3"),
                        "user-style 1-D inputs, labels chosen by the construction"))
    gen2 = [[F(0), F(0)], [F(1), F(0)], [F(0), F(1)], [F(1), F(1)], [F(2), F(1)], [F(1), F(3)], [F(-1), F(2)]]
    out.append(Instance("thm-generic-2d-n4", lambda: certify(gen2, 4, "7 inputs in R^2, labels chosen by the construction, n = 4"),
                        "2-D inputs, labels chosen by the construction"))
    out.append(Instance("thm-deeper", lambda: deeper("deeper variant: widths (1, 2, 2, 1), worked data"), "two hidden layers"))
    out.append(Instance("thm-deeper-3-10", lambda: deeper("deeper variant: widths (1, 3, 10, 1), worked data", 3, 10),
                        "two hidden layers, last hidden layer of width 10"))
    out.append(Instance("thm-saddle-refuted", lambda: saddle("contrast: b = +log 2 is a saddle (not a local minimum)"),
                        "b = +log 2: exact negative-curvature direction"))
    return out


def certify_data(data: Dataset, options: dict) -> dict:
    """User inputs (targets ignored): one hidden layer by the Morse-Bott route, deeper networks
    (--depth >= 3, 1-D inputs) by the convexity route; every smooth activation of the table."""
    from symcert.claims.ding2022 import general as G
    from symcert.errors import InputError
    if data.dy != 1:
        raise HypothesisViolation(CLAIM_ID, "scalar output", f"dy = {data.dy}")
    loss = options.get("loss")
    if loss is not None and loss.get("kind") != "squared":
        raise HypothesisViolation(CLAIM_ID, "squared loss", f"the construction is stated for the squared loss (--loss {loss.get('kind')})")
    for flag, given in (("--alpha", options.get("alpha_given")), ("--continuum", options.get("continuum")), ("--point", options.get("point"))):
        if given:
            raise InputError(flag, None, None, f"{CLAIM_ID} does not take {flag}")
    inputs = [[F(int(v.p), int(v.q)) for v in row] for row in data.inputs]
    spec = options["activation"] if options.get("activation_given") else C.smooth_activation("sigmoid")
    G.act_spec(spec)
    n, depth = options.get("hidden", 2), options.get("depth", 2)
    name = options.get("instance", "user inputs (labels chosen by the construction)")
    if depth < 2:
        raise HypothesisViolation(CLAIM_ID, "depth >= 2", f"--depth {depth}: at least one hidden layer")
    if depth == 2:
        return G.certify_shallow(inputs, n, spec, name)
    if data.dx != 1:
        raise HypothesisViolation(CLAIM_ID, "1-D inputs for depth >= 3", f"dx = {data.dx}: the deeper (convexity) route "
                                  "is implemented for 1-D inputs only")
    return G.certify_deep([x[0] for x in inputs], [1] + [n] * (depth - 1) + [1], spec, name)


def _general_instances() -> list:
    from symcert.claims.ding2022 import general as G
    out = []
    for act, seed, m, dx, n in SHALLOW:
        spec = C.smooth_activation(act, alpha=1) if act == "elu" else C.smooth_activation(act)
        name = f"thm-{act}-s{seed}-m{m}-dx{dx}-n{n}"
        desc = f"{act}, {m} seeded random inputs in R^{dx} (seed {seed}), labels chosen by the construction, n = {n}"
        out.append(Instance(name, (lambda spec=spec, seed=seed, m=m, dx=dx, n=n, desc=desc:
                                   G.certify_shallow(G.random_inputs(seed, m, dx), n, spec, desc, seed)), desc))
    for act, seed, m, widths in DEEP:
        spec = C.smooth_activation(act, alpha=1) if act == "elu" else C.smooth_activation(act)
        shape = "-".join(map(str, widths))
        desc = f"{act}, widths {shape}, {m} seeded random 1-D inputs (seed {seed}), labels chosen by the construction"
        out.append(Instance(f"thm-deep-{act}-s{seed}-m{m}-{shape}", (lambda spec=spec, seed=seed, m=m, widths=widths, desc=desc:
                            G.certify_deep([r[0] for r in G.random_inputs(seed, m, 1)], list(widths), spec, desc, seed)), desc))
    for act in SADDLES:
        spec = C.smooth_activation(act, alpha=1) if act == "elu" else C.smooth_activation(act)
        desc = f"contrast: {act} with v h''(b*) < 0 on the worked data is a saddle (not a local minimum)"
        out.append(Instance(f"thm-saddle-{act}-refuted", (lambda spec=spec, desc=desc: G.certify_saddle(spec, desc)), desc))
    return out


SADDLES = ("tanh", "arctan", "softplus", "elu", "selu", "silu", "gelu", "quadratic", "exponential")
# (activation, seed, m, dx, hidden width): one hidden layer, Morse-Bott route
SHALLOW = (("sigmoid", 31, 8, 2, 5), ("tanh", 32, 7, 1, 100), ("softplus", 33, 9, 2, 20), ("elu", 34, 12, 3, 10),
           ("selu", 35, 7, 2, 3), ("silu", 36, 6, 1, 50), ("gelu", 37, 8, 2, 2), ("arctan", 38, 6, 1, 7),
           ("quadratic", 39, 7, 2, 4), ("exponential", 40, 5, 1, 3))
# (activation, seed, m, widths): deeper networks, convexity route
DEEP = (("sigmoid", 41, 6, (1, 3, 10, 1)), ("tanh", 42, 5, (1, 4, 4, 4, 1)), ("gelu", 43, 6, (1, 3, 10, 1)),
        ("silu", 44, 5, (1, 4, 4, 4, 1)), ("arctan", 45, 6, (1, 3, 10, 1)), ("softplus", 46, 5, (1, 4, 4, 4, 1)),
        ("elu", 47, 6, (1, 3, 10, 1)), ("selu", 48, 5, (1, 4, 4, 4, 1)))


CLAIM = Claim(CLAIM_ID, PAPER, "sub-optimal local minima for every width n >= 2 and every smooth activation of the table "
              "(labels chosen by the construction); deeper networks; saddle contrast",
              lambda: instances() + _general_instances(), certify_data,
              {"--hidden N": "hidden width n >= 2 (default 2); the data file's targets are ignored",
               "--activation A": "sigmoid (default), tanh, arctan, softplus, elu[:A], selu, silu, gelu, quadratic, exponential; "
                                 "piecewise-linear ones are NOT_APPLICABLE (h'' = 0)",
               "--depth L": "weight layers (default 2); L >= 3 takes 1-D inputs, hidden widths all N"})
