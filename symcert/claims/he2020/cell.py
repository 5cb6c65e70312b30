"""He, Wang, Tao (ICLR 2020), Theorems 3-4 for a given cell (claim ``he2020.cell``): one hidden
layer, one output. The certificate names a point strictly inside a cell (every hidden
pre-activation off the breakpoints, every output weight non-zero) that minimises the risk over the
whole cell; the checker's obligation ``cell_global_minima`` then proves that every local minimum
in the point's signed cell is a global minimum of the cell and that these minima form one connected
set (checker/cellmin.py states the argument).

Construction (untrusted). The cell is read off a point: the user's (``--point``) or the end of a
seeded floating-point run (Adam on the squared loss, numpy, then ``refine``: a descent in the
lifted variables that moves towards the current cell's least-squares target and steps into the next
cell where a breakpoint is crossed). In the cell the outputs are Phi w for the lifted variables
w = (W2_i (W1_i, b1_i), W2_i, b2); the best lifted fit under the loss is an affine fit on the
columns of Phi (provers/convex_fit.py, exact, with multipliers). For small problems an exact linear
program (provers/lp.py) finds w with Phi w = the fit inside the cell's open cone with the largest
margin (capped at 1), so the certificate depends on the cell and the data only, not on float noise;
larger ones move the float point exactly onto that fit along independent columns of Phi
(``projected``); W2_i = v_i, (W1_i, b1_i) = u_i / v_i. When no run gives an interior
minimiser, the certificate is about the affine cell (he2020.thm1's local minimum, every output
weight made non-zero), and says so; with ``--point`` the answer is UNKNOWN (exit 3).
"""
from __future__ import annotations

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import CELL_MINIMA_LEMMA, RATIONAL, kernel, lifted_design, parse_point, parse_problem
from symcert.checker.api import FormatError
from symcert.claims import constructions as AM
from symcert.claims.base import Claim, Instance
from symcert.claims.he2020.common import ACTS, LOSSES, PAPER, SPREAD_ACTS, WORKED, random_dataset, rows
from symcert.errors import ConstructionFailed, HypothesisViolation, InputError
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.data import Dataset
from symcert.provers import lp
from symcert.provers.convex_fit import best_affine

CLAIM_ID = "he2020.cell"
STATEMENT = ("One hidden layer, one output, a piecewise-linear activation, a convex loss: in a cell (every hidden "
             "neuron on a fixed piece for every sample), every local minimum is a global minimum of the cell, and "
             "the local minima of a cell form one connected valley (Theorems 3-4; here for the signed cell, the "
             "signs of the output weights fixed as well).")


def _float_problem(prob):
    import numpy as np
    X = np.array([[float(v) for v in row] for row in _rows(prob.X)])  # dx x m
    y = np.array([float(v) for v in prob.Y.entries()])
    bps = [float(b) for b in prob.act.breakpoints]
    sl, ic = np.array([float(s) for s in prob.act.slopes]), np.array([float(c) for c in prob.act.intercepts])

    def piece(Z):
        return np.searchsorted(bps, Z, side="right") if bps else np.zeros(Z.shape, dtype=int)
    return X, y, bps, sl, ic, piece


def train(prob, hidden: int, seed: int, steps: int = 4000) -> dict:
    """A float point near a local minimum of the squared risk (Adam, then ``refine``), as dyadic
    rationals. Untrusted: it only picks a cell."""
    import numpy as np
    rng = np.random.default_rng(seed)
    X, y, bps, sl, ic, piece = _float_problem(prob)
    p = [rng.normal(size=(hidden, X.shape[0])), rng.normal(size=(hidden, 1)), rng.normal(size=(1, hidden)) / hidden,
         np.full((1, 1), y.mean())]
    mom, var = [np.zeros_like(a) for a in p], [np.zeros_like(a) for a in p]
    for t in range(1, steps + 1):
        Z = p[0] @ X + p[1]
        k = piece(Z)
        H = sl[k] * Z + ic[k]
        r = (p[2] @ H + p[3]) - y  # 1 x m
        dZ = (p[2].T @ r) * sl[k]
        grads = [dZ @ X.T, dZ.sum(axis=1, keepdims=True), r @ H.T, r.sum(keepdims=True).reshape(1, 1)]
        for i, g in enumerate(grads):
            mom[i] = 0.9 * mom[i] + 0.1 * g
            var[i] = 0.999 * var[i] + 0.001 * g * g
            p[i] -= 0.01 * (mom[i] / (1 - 0.9 ** t)) / (np.sqrt(var[i] / (1 - 0.999 ** t)) + 1e-12)
    w = refine(prob, np.concatenate([(p[2].T * np.hstack([p[0], p[1]])).ravel(), p[2].ravel(), p[3].ravel()]), hidden)
    n, dx = hidden, X.shape[0]
    u, v = w[:n * (dx + 1)].reshape(n, dx + 1), w[n * (dx + 1):n * (dx + 2)]
    vals = {"W1": u[:, :dx] / v[:, None], "b1": u[:, dx:] / v[:, None], "W2": v.reshape(1, n), "b2": w[-1:].reshape(1, 1)}
    return {name: fmpq_mat(a.shape[0], a.shape[1], [fmpq(round(float(x) * 2 ** 30), 2 ** 30) for x in a.flat])
            for name, a in vals.items()}


def refine(prob, w, n: int, rounds: int = 300):
    """Float cell descent in the lifted variables w: move towards the least-squares target of the
    current cell along a segment (the squared risk decreases along it), stepping just past the first
    breakpoint crossing into the next cell; stop at a target inside its cell, or after ``rounds``."""
    import numpy as np
    X, y, bps, sl, ic, piece = _float_problem(prob)
    dx, m = X.shape
    Xt = np.vstack([X, np.ones((1, m))])
    for _ in range(rounds):
        u, v = w[:n * (dx + 1)].reshape(n, dx + 1), w[n * (dx + 1):n * (dx + 2)]
        ux = u @ Xt  # n x m; pre-activation = ux / v
        k = piece(ux / v[:, None])
        Phi = np.hstack([(sl[k][:, :, None] * Xt.T[None, :, :]).transpose(1, 0, 2).reshape(m, -1), ic[k].T, np.ones((m, 1))])
        d = np.linalg.lstsq(Phi, y - Phi @ w, rcond=None)[0]
        du, dv = d[:n * (dx + 1)].reshape(n, dx + 1), d[n * (dx + 1):n * (dx + 2)]
        dux = du @ Xt
        t_hit = 2.0
        for b in bps:  # (ux + t dux) - b (v + t dv) = 0
            num, den = -(ux - b * v[:, None]), dux - b * dv[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                ts = np.where(np.abs(den) > 1e-15, num / den, np.inf)
            ts = ts[(ts > 1e-12)]
            if ts.size:
                t_hit = min(t_hit, ts.min())
        with np.errstate(divide="ignore", invalid="ignore"):
            tv = np.where(np.abs(dv) > 1e-15, -v / dv, np.inf)
        tv = tv[tv > 0]
        if tv.size and tv.min() <= min(1.0, t_hit):
            return w + 0.5 * tv.min() * d  # an output weight would pass 0: stop on this side
        if t_hit > 1:
            return w + d
        w = w + min(1.0, t_hit * (1 + 1e-6) + 1e-9) * d
    return w


def _rows(M: fmpq_mat) -> list:
    return [[M[i, j] for j in range(M.ncols())] for i in range(M.nrows())]


def _independent(Phi: fmpq_mat) -> list:
    """Indices of a set of non-constant columns of Phi that, with the constant last column, span its columns."""
    m, N = Phi.nrows(), Phi.ncols()
    order = [N - 1] + list(range(N - 1))
    P = fmpq_mat(m, N, [Phi[j, c] for j in range(m) for c in order])
    R, rank = P.rref()
    piv, c = [], 0
    for r in range(rank):
        while R[r, c] == 0:
            c += 1
        piv.append(order[c])
    return [c for c in piv if c != N - 1]


def lifted_fit(prob, Phi: fmpq_mat):
    """The best fit of the targets by the columns of Phi under the loss (exact, with multipliers)."""
    cols = _independent(Phi)
    F = fmpq_mat(len(cols), prob.m, [Phi[j, c] for c in cols for j in range(prob.m)])
    return best_affine(prob.loss, F, prob.Y, prob.loss_delta)


def interior_point(prob, pieces: list, signs: list, yhat: list, Phi: fmpq_mat):
    """(margin, w) maximising the margin t <= 1 of w inside the signed cell's cone with Phi w = yhat."""
    m, n, dx = prob.m, len(signs), prob.X.nrows()
    N = Phi.ncols()
    nv = 2 * N + 1  # w+ , w-, t
    ineq = []  # rows a with a . w - t >= 0
    for i, s in enumerate(signs):
        vi = n * (dx + 1) + i
        ineq.append({vi: s})
        for j in range(m):
            lo, hi = prob.act.piece_bounds(pieces[i][j])
            x = [prob.X[k, j] for k in range(dx)] + [fmpq(1)]
            for end, sg in ((lo, 1), (hi, -1)):
                if end is not None:
                    row = {i * (dx + 1) + k: s * sg * x[k] for k in range(dx + 1)}
                    row[vi] = -s * sg * end
                    ineq.append(row)
    ns = len(ineq) + 1
    A, b = [], []
    for j in range(m):
        A.append([Phi[j, c] for c in range(N)] + [-Phi[j, c] for c in range(N)] + [0] + [0] * ns)
        b.append(yhat[j])
    for q, row in enumerate(ineq):
        line = [0] * (nv + ns)
        for c, v in row.items():
            line[c], line[N + c] = v, -v
        line[2 * N], line[nv + q] = -1, -1
        A.append(line)
        b.append(0)
    A.append([0] * (2 * N) + [1] + [0] * (ns - 1) + [1])
    b.append(1)
    x, val = lp.solve([0] * (2 * N) + [-1] + [0] * ns, A, b)
    return -val, [x[c] - x[N + c] for c in range(N)]


def _lifted(pt: dict) -> list:
    n, dx = pt["W1"].nrows(), pt["W1"].ncols()
    v = list(pt["W2"].entries())
    u = [v[i] * x for i in range(n) for x in [pt["W1"][i, k] for k in range(dx)] + [pt["b1"][i, 0]]]
    return u + v + [pt["b2"][0, 0]]


def projected(prob, start: dict, Phi: fmpq_mat, yhat: list):
    """w(start) moved onto Phi w = yhat along a set of independent columns (exact), or None if the
    move leaves the signed cell. Fast, and enough when ``start`` is near an interior minimiser."""
    cols = _independent(Phi) + [Phi.ncols() - 1]
    w = _lifted(start)
    d = fmpq_mat(prob.m, 1, [a - b for a, b in zip(yhat, (Phi * fmpq_mat(Phi.ncols(), 1, w)).entries())])
    S = fmpq_mat(prob.m, len(cols), [Phi[j, c] for j in range(prob.m) for c in cols])
    c = (S.transpose() * S).solve(S.transpose() * d)
    for k, col in enumerate(cols):
        w[col] += c[k, 0]
    n = start["W1"].nrows()
    if any(w[n * (prob.X.nrows() + 1) + i] * s <= 0 for i, s in enumerate(start["W2"].entries())):
        return None
    pt = _point_from(w, n, prob.X.nrows())
    pre = kernel.forward(prob, pt)[0][0]
    same = all(prob.act.piece(a) == (prob.act.piece(b)[0], False) for a, b in zip(pre.entries(), kernel.forward(prob, start)[0][0].entries()))
    return pt if same else None


MAX_LP_ROWS = 400  # the dense exact simplex is slow beyond this; larger problems use ``projected``


def _point_from(w: list, n: int, dx: int) -> dict:
    v = [w[n * (dx + 1) + i] for i in range(n)]
    W1 = [w[i * (dx + 1) + k] / v[i] for i in range(n) for k in range(dx)]
    b1 = [w[i * (dx + 1) + dx] / v[i] for i in range(n)]
    return {"W1": fmpq_mat(n, dx, W1), "b1": fmpq_mat(n, 1, b1), "W2": fmpq_mat(1, n, v), "b2": fmpq_mat(1, 1, [w[-1]])}


RUNS = 12  # seeded training runs tried before the affine cell


def affine_cell_point(prob, act: dict, data: Dataset, hidden: int) -> dict:
    """he2020.thm1's local minimum at the best affine fit (every neuron on the carrier piece on every
    sample), with each idle neuron's zero output weight set to 1 and its constant output taken off b2."""
    X, Y = AM.matrices(data)
    pt = AM.local_minimum(prob, act, X, AM.fit_for(prob, X, Y))
    W2, b2 = fmpq_mat(pt["W2"]), fmpq_mat(pt["b2"])
    for i in range(hidden):
        if W2[0, i] == 0:
            W2[0, i] = 1
            b2[0, 0] -= prob.act.value(pt["b1"][i, 0]) if all(v == 0 for v in _rows(pt["W1"])[i]) else 0
    out = {**pt, "W2": W2, "b2": b2}
    assert kernel.forward(prob, out)[2] == kernel.forward(prob, pt)[2], "an idle neuron is not constant"
    return out


def cell_minimum(prob, start: dict):
    """(point, multipliers, pieces, how) for a minimiser inside the signed cell of ``start``, or None."""
    pre = kernel.forward(prob, start)[0][0]
    n = pre.nrows()
    if kernel.kinks(prob, [pre]) or any(v == 0 for v in start["W2"].entries()):
        return None
    pieces = [[prob.act.piece(pre[i, j])[0] for j in range(prob.m)] for i in range(n)]
    signs = [1 if v > 0 else -1 for v in start["W2"].entries()]
    Phi = lifted_design(prob, pre)
    fit = lifted_fit(prob, Phi)
    yhat = list(fit.fitted.entries())
    if list(kernel.forward(prob, start)[2].entries()) == yhat:
        return start, fit.multipliers, pieces, "already a minimiser"
    if prob.m + n * (2 * prob.m + 1) > MAX_LP_ROWS:  # large: the float point moved exactly onto the fit
        pt = projected(prob, start, Phi, yhat)
        return None if pt is None else (pt, fit.multipliers, pieces, "moved onto the exact lifted fit")
    try:  # small: the LP's point depends only on the cell and the data (no float noise reaches the certificate)
        margin, w = interior_point(prob, pieces, signs, yhat, Phi)
    except lp.Infeasible:  # not even the closed cone meets the lifted minimisers
        return None
    if margin <= 0:
        return None
    pt = _point_from(w, n, prob.X.nrows())
    assert list(kernel.forward(prob, pt)[2].entries()) == yhat
    return pt, fit.multipliers, pieces, "the exact LP's interior point"


def _interior(prob, point: dict) -> None:
    found = kernel.kinks(prob, kernel.forward(prob, point)[0])
    if found:
        _, i, j = found[0]
        raise HypothesisViolation(CLAIM_ID, "cell interior", f"hidden neuron {i + 1} is on a breakpoint at sample {j + 1}: "
                                  "the point is on a cell boundary (see he2020.kink)")
    if any(v == 0 for v in point["W2"].entries()):
        raise HypothesisViolation(CLAIM_ID, "signed cell", "an output weight is 0: the point is in no signed cell")


def certify_cell(data: Dataset, act: dict, loss: dict, hidden: int, instance: str, seed: int = 0, point=None) -> dict:
    if data.dy != 1:
        raise HypothesisViolation(CLAIM_ID, "one output", f"the data have dy = {data.dy} targets; the lifted variables "
                                  "W2_i (W1_i, b1_i) make the cell convex for one output only")
    widths = [data.dx, hidden, 1]
    pj = AM.problem_json(data, widths, act, loss)
    prob = parse_problem(pj)
    if point is not None:
        _interior(prob, point)
    starts = [point] if point is not None else (train(prob, hidden, s) for s in range(seed, seed + RUNS))
    for k, start in enumerate(starts):
        found = cell_minimum(prob, start)
        if found:
            break
    else:
        if point is not None:
            raise ConstructionFailed("the given point's signed cell contains no minimiser of the risk over the cell in its "
                                     "interior (its lifted optimum lies outside the cell): nothing to certify there")
        found = cell_minimum(prob, affine_cell_point(prob, act, data, hidden))
        how = (f"{RUNS} seeded training runs found no minimiser inside the cells they ended in (their descent kept crossing "
               "cell boundaries), so the certificate is about the affine cell: the affine-fit local minimum of he2020.thm1 "
               "with every output weight non-zero")
        if not found:
            raise ConstructionFailed(f"{RUNS} seeded training runs found no interior cell minimiser, and the affine cell gave none")
        k = None
    pt, G, pieces, how2 = found
    how = how if k is None else how2
    ob = {"id": "cell_global_minima", "kind": "cell_global_minima", "rests_on": [RATIONAL, CELL_MINIMA_LEMMA]}
    if prob.loss != "squared":
        ob["multipliers"] = certificate.mat_json(G)
    origin = ("the given point" if pt is point else "a minimiser in the given point's signed cell") if point is not None \
        else how if k is None else f"seeded training run {seed + k}, then the exact lifted fit: {how}"
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorems 3-4 (a given cell)", "statement": STATEMENT,
             "conclusion": "global_minima_of_cell", "instance": instance,
             "construction": {"point": origin, "cell": ["".join(str(k) for k in row) for row in pieces],
                              "cell_key": "row i: the piece index of hidden neuron i on each sample",
                              "output_weight_signs": ["+" if v > 0 else "-" for v in pt["W2"].entries()]}}
    if point is not None and pt is not point:
        claim["construction"]["given_point_risk"] = fr(kernel.risk(prob, point))
    return certificate.document(claim, pj, pt, kernel.risk(prob, pt), [ob])


CASES = [  # (seed, m, dx, hidden, activation, loss)
    (41, 8, 1, 3, "relu", "squared"), (42, 10, 2, 3, "leaky", "squared"), (43, 8, 2, 2, "hard_tanh", "huber"),
    (44, 9, 1, 3, "abs", "absolute"), (45, 10, 2, 4, "relu", "huber"), (46, 8, 2, 3, "relu6", "squared"),
    (49, 10, 2, 3, "relu", "hinge"),
]


WORKED_CASES = [(4, "the affine cell (every neuron active on every sample): minimum 1/3, the affine fit, as in he2020.valley"),
                (1, "a cell whose minimum 1/4 is below the affine fit"), (3, "a cell containing global minima (risk 0)")]


def instances() -> list:
    out = [Instance(f"cell-worked-relu-squared-t{seed}",
                    lambda seed=seed, text=text: certify_cell(rows(*WORKED), ACTS["relu"](), LOSSES["squared"], 2,
                                                              f"worked data X = (-1, 0, 1), Y = (1, 0, 1); relu; width 2; {text}", seed),
                    f"worked data, relu, width 2: {text}") for seed, text in WORKED_CASES]
    for seed, m, dx, hidden, an, ln in CASES:
        out.append(Instance(
            f"cell-s{seed}-m{m}-dx{dx}-n{hidden}-{an}-{ln}",
            lambda seed=seed, m=m, dx=dx, hidden=hidden, an=an, ln=ln: certify_cell(
                random_dataset(seed, m, dx, "pm1" if ln == "hinge" else "real"), SPREAD_ACTS[an](), LOSSES[ln], hidden,
                f"seeded random data: seed {seed}, m = {m}, dx = {dx}; {an}; {ln} loss; width {hidden}", seed),
            f"seeded random data, {an}, {ln}, width {hidden}"))
    return out


def certify_data(data: Dataset, options: dict) -> dict:
    if options.get("depth", 2) != 2:
        raise HypothesisViolation(CLAIM_ID, "one hidden layer", f"--depth {options['depth']}: Theorems 3-4 are stated for one hidden layer")
    if options.get("alpha_given"):
        raise InputError(None, "--alpha", None, f"{CLAIM_ID} has no alpha (yun2019.thm1 does)")
    act = AM.require_piecewise_linear(CLAIM_ID, options["activation"])
    loss = options.get("loss") or AM.loss_spec("squared")
    point, hidden = None, options.get("hidden", 2)
    if options.get("point"):
        from symcert.claims.yun2019.thm4 import read_point, widths_of
        path = options["point"]
        doc = read_point(path)
        widths = widths_of(doc, data.dx, path)
        if len(widths) != 3:
            raise HypothesisViolation(CLAIM_ID, "one hidden layer", f"{path}: the point has {len(widths) - 2} hidden layers")
        if hidden not in (2, widths[1]):
            raise InputError(None, "--hidden", hidden, f"the point {path} has hidden width {widths[1]}")
        hidden = widths[1]
        try:
            point = parse_point(doc, parse_problem(AM.problem_json(data, widths, act, loss)), "point")
        except FormatError as exc:
            raise InputError(path, exc.field, exc.value, exc.reason) from None
    return certify_cell(data, act, loss, hidden, options.get("instance", "user data"), point=point)


OPTIONS = {"--activation": "a piecewise-linear activation (as he2020.thm1; default relu)",
           "--loss": "squared | absolute | huber:DELTA | hinge (default squared)",
           "--hidden N": "hidden width (default 2); with --point it must be the point's (or left out)",
           "--point FILE": "a point (W1, b1, W2, b2) whose signed cell is examined; without it a seeded training run picks the cell"}

CLAIM = Claim(CLAIM_ID, PAPER, "one hidden layer, a given cell: every local minimum is a global minimum of the cell, and they "
              "form one connected valley", instances, certify_data, OPTIONS)
