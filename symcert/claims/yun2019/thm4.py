"""Yun, Sra, Jadbabaie (ICLR 2019), Theorem 4 and Corollary 5: deep linear networks.

For the squared loss, every critical point of a deep linear network (every hidden width
>= min(dx, dy)) is either a global minimum or a saddle, and the two are told apart by whether the
end-to-end map is a least-squares solution. Given a critical point, this module builds an exact
certificate of which one it is:

* global minimum: obligation ``linear_global_minimum`` (the checker recomputes the end-to-end
  map and checks the normal equations; every parameter computes some affine map, whose loss is
  >= the least-squares optimum);
* saddle: ``descent_curve`` (a polynomial curve along which the risk drops, exactly) and
  ``ascent_curve`` (a line along which it rises), both with ``gradient_zero``.

The checker's networks carry biases: y = W_L(...(W_1 x + b_1)...) + b_L. The end-to-end map is
affine, x -> P x + c, and the classification is by the affine least-squares problem (with
centred data and zero biases this is exactly the paper's bias-free setting; see
docs/papers/yun2019-thm4.md for the reduction).

Descent curves (untrusted construction, checked exactly). At a critical point whose map is not
optimal, move first along a direction E that keeps the network function unchanged for every t:
"left-kernel" moves E_l with W_L ... W_{l+1} E_l = 0, or "right-kernel" moves E_l with
E_l [W_{l-1} ... W_1, h_{l-1}(0)] = 0. Along theta + t E the gradient g(t) becomes a nonzero
polynomial, g(t) = t^a F + O(t^(a+1)); the curve theta + t E - t^(a+1) F then has
R(t) - R(0) = -||F||^2 t^(2a+1) + O(t^(2a+2)) (the function, hence the risk, is constant along
theta + t E, and the second-order term in the t^(a+1) step is O(t^(2a+2))).
"""
from __future__ import annotations

import random

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import LINEAR_LEMMA, POLY_T, RATIONAL, FormatError, end_to_end, kernel, parse_point, parse_problem
from symcert.checker.api import risk_along
from symcert.claims.base import Claim, Instance
from symcert.claims.constructions import parse as parse_data_problem
from symcert.errors import ConstructionFailed, HypothesisViolation, InputError
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.activations import piecewise_linear
from symcert.inputs.data import Dataset, from_rows, load_json
from symcert.provers.affine import nullspace, pivot_columns

CLAIM_ID = "yun2019.thm4"
PAPER = ("Yun, Sra, Jadbabaie, 'Small nonlinearities in activation functions create bad local "
         "minima in neural networks', ICLR 2019, arXiv:1802.03487")
STATEMENT = ("Deep linear networks with a convex differentiable loss l0 (squared, Huber) and every hidden width >= "
             "min(dx, dy): a critical point is a global minimum when grad l0(product) = 0 (for the squared loss: the "
             "end-to-end map is a least-squares solution) and a saddle otherwise (Theorem 4, Corollary 5).")
IDENTITY = piecewise_linear("identity", [], [(1, 0)])
TRIES = 8  # random kernel moves tried per strategy


def problem_json(data: Dataset, widths: list, loss: dict | None = None) -> dict:
    return {"network": {"widths": list(widths), "activation": IDENTITY}, "loss": dict(loss or {"kind": "squared"}),
            "data": data.to_json()}


def identity(n: int) -> fmpq_mat:
    return fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])


def chain(params: dict, top: int, bottom: int, n: int) -> fmpq_mat:
    """W_top ... W_bottom (the n x n identity when top < bottom)."""
    M = identity(n)
    for l in range(bottom, top + 1):
        M = params[f"W{l}"] * M
    return M


def rank_factor(P: fmpq_mat) -> tuple[fmpq_mat, fmpq_mat]:
    """P = U V with U of full column rank r and V of full row rank r (r = rank P >= 1)."""
    R, r = P.rref()
    pivots = pivot_columns(R, r)
    U = fmpq_mat(P.nrows(), r, [P[i, c] for i in range(P.nrows()) for c in pivots])
    V = fmpq_mat(r, P.ncols(), [R[i, j] for i in range(r) for j in range(P.ncols())])
    return U, V


def _zero_like(prob) -> dict:
    return {n: fmpq_mat(*prob.param_shape(n)) for n in prob.param_names()}


def _nonzero(params: dict) -> bool:
    return any(v != 0 for M in params.values() for v in M.entries())


def _hidden_at_zero(prob, params: dict) -> list:
    """h_l(0) for l = 0..L-1 (h_0(0) = 0), as column vectors."""
    Z = fmpq_mat(prob.widths[0], 1)
    _, acts, _ = kernel.forward(prob, params, Z)
    return acts


def kernel_move(prob, params: dict, side: str, rng: random.Random) -> dict:
    """A direction E keeping the network function unchanged along theta + t E for every t."""
    L = prob.depth
    E = _zero_like(prob)
    if side == "left":  # W_L ... W_{l+1} E_l = 0, l = 1..L-1
        for l in range(1, L):
            A = chain(params, L, l + 1, prob.widths[l])
            N = nullspace(A)
            if N is not None:
                Rnd = fmpq_mat(N.ncols(), prob.widths[l - 1], [rng.randint(-2, 2) for _ in range(N.ncols() * prob.widths[l - 1])])
                E[f"W{l}"] = N * Rnd
    else:  # E_l [W_{l-1} ... W_1, h_{l-1}(0)] = 0, l = 2..L
        h0 = _hidden_at_zero(prob, params)
        for l in range(2, L + 1):
            B = chain(params, l - 1, 1, prob.widths[0])
            d = prob.widths[l - 1]
            Bt = fmpq_mat(d, B.ncols() + 1, [v for i in range(d) for v in [B[i, j] for j in range(B.ncols())] + [h0[l - 1][i, 0]]])
            N = nullspace(Bt.transpose())
            if N is not None:
                Rnd = fmpq_mat(prob.widths[l], N.ncols(), [rng.randint(-2, 2) for _ in range(prob.widths[l] * N.ncols())])
                E[f"W{l}"] = Rnd * N.transpose()
    return E


def gradient_along(prob, params: dict, E: dict, eps=fmpq(1)) -> list:
    """Coefficients [G_0, G_1, ...] of the gradient along theta + t E (exact interpolation at
    t = 0, eps, 2 eps, ...; for a loss other than the squared one eps must be small enough that
    no output changes its regime of the loss on [0, deg eps], where the risk is a polynomial)."""
    deg = 2 * prob.depth - 1  # the risk has degree 2L in the parameters
    names = prob.param_names()
    rows = []
    for k in range(deg + 1):
        pt = {n: params[n] + E[n] * (k * eps) for n in names}
        g = kernel.gradient(prob, pt)
        rows.append([v for n in names for v in g[n].entries()])
    V = fmpq_mat(deg + 1, deg + 1, [(k * eps) ** p for k in range(deg + 1) for p in range(deg + 1)])
    C = V.solve(fmpq_mat(deg + 1, len(rows[0]), [v for r in rows for v in r]))
    out = []
    for p in range(deg + 1):
        flat, pos, coeff = [C[p, j] for j in range(C.ncols())], 0, {}
        for n in names:
            r, c = prob.param_shape(n)
            coeff[n] = fmpq_mat(r, c, flat[pos:pos + r * c])
            pos += r * c
        out.append(coeff)
    return out


def descent_witness(prob, params: dict, seed: int = 0):
    """(E, order a, F, drop polynomial) or None: a function-preserving move E and the curve
    theta + t E - t^(a+1) F along which the risk drops exactly."""
    rng = random.Random(seed)
    for side in ("left", "right"):
        for _ in range(TRIES):
            E = kernel_move(prob, params, side, rng)
            if not _nonzero(E):
                break
            coeffs = gradient_along(prob, params, E, fmpq(1) if prob.loss == "squared" else fmpq(1, 2**40))
            a = next((p for p, G in enumerate(coeffs) if _nonzero(G)), None)
            if a is None:
                continue
            F = {n: -M for n, M in coeffs[a].items()}
            d2, higher = (F, {}) if a + 1 == 2 else (None, {a + 1: F})
            R = risk_along(prob, params, E, d2, higher) - kernel.risk(prob, params)
            low = next((c for c in R.coeffs() if c != 0), None)
            if low is not None and low < 0:
                return side, E, a, F, R
    return None


def _curve_json(E: dict, a: int, F: dict) -> dict:
    ob = {"id": "descent_curve", "kind": "descent_curve", "direction": certificate.point_json(E)}
    if a + 1 == 2:
        ob["second_order"] = certificate.point_json(F)
    else:
        ob["higher_order"] = [{"power": a + 1, "term": certificate.point_json(F)}]
    return ob


def rank_condition(prob, params: dict):
    """The j of Theorem 4's sufficient condition (W_L..W_{j+1} full row rank, W_{j-1}..W_1 full
    column rank), or None."""
    L, dx, dy = prob.depth, prob.widths[0], prob.widths[-1]
    for j in range(1, L + 1):
        A = chain(params, L, j + 1, prob.widths[j])
        B = chain(params, j - 1, 1, dx)
        if A.rank() == dy and B.rank() == dx:
            return j
    return None


def classify(pj: dict, params: dict, instance: str = "user point", seed: int = 0, source: str = "point") -> dict:
    """Certificate that the critical point ``params`` of the deep linear network ``pj`` is a
    global minimum or a saddle (raises HypothesisViolation if a hypothesis fails)."""
    prob = parse_problem(pj)
    dx, dy, L = prob.widths[0], prob.widths[-1], prob.depth
    narrow = [(l, w) for l, w in enumerate(prob.widths[1:-1], start=1) if w < min(dx, dy)]
    if L < 2:
        raise HypothesisViolation(CLAIM_ID, "H1", f"depth {L}: a deep linear network has at least one hidden layer")
    if narrow:
        raise HypothesisViolation(CLAIM_ID, "H1", f"hidden layer {narrow[0][0]} has width {narrow[0][1]} < min(dx, dy) = {min(dx, dy)}")
    grad = kernel.gradient(prob, params)
    for name in prob.param_names():
        G = grad[name]
        for i in range(G.nrows()):
            for j in range(G.ncols()):
                if G[i, j] != 0:
                    raise HypothesisViolation(CLAIM_ID, "H3", f"{source} is not a critical point: d risk / d {name}[{i + 1},{j + 1}] = {fr(G[i, j])}")
    loss = kernel.risk(prob, params)
    P, c = end_to_end(prob, params)
    out = kernel.forward(prob, params)[2]
    if kernel.loss_kinks(prob, out):
        raise HypothesisViolation(CLAIM_ID, "H2", f"the {prob.loss} loss is not differentiable at an output of the point")
    R = kernel.loss_derivative(prob, out)  # grad l0 at the product, per sample (the residual for the squared loss)
    Gp = R * prob.X.transpose()
    optimal = all(v == 0 for v in Gp.entries()) and all(v == 0 for v in (R * fmpq_mat(prob.m, 1, [1] * prob.m)).entries())
    j = rank_condition(prob, params)
    if j is not None and not optimal:
        raise AssertionError("Theorem 4's rank condition holds at a non-optimal critical point")
    records = [
        {"id": "H1", "statement": "linear network (identity activation), every hidden width >= min(dx, dy)",
         "evidence": f"widths {list(prob.widths)}, min(dx, dy) = {min(dx, dy)}",
         "check": [{"kind": "identity_activation"}, {"kind": "hidden_widths_at_least_min_io"}]},
        {"id": "H2", "statement": "l0 convex and differentiable at the point's outputs: every critical point of l0 is global",
         "evidence": f"loss kind {prob.loss}", "check": {"kind": "loss_convex"}},
        {"id": "H3", "statement": "the point is a critical point", "evidence": "exact gradient 0 (re-checked: gradient_zero)",
         "check": {"kind": "obligation_holds", "obligation": "gradient_zero"}},
    ]
    info = {"end_to_end_rank": str(P.rank()), "min_dx_dy": str(min(dx, dy)),
            "rank_condition_j": str(j) if j is not None else "none",
            "gradient_of_l0_at_product": certificate.mat_json(Gp)}
    obligations = [{"id": "gradient_zero", "kind": "gradient_zero"}]
    if optimal and prob.loss == "squared":
        conclusion = "global_minimum"
        obligations.append({"id": "linear_global_minimum", "kind": "linear_global_minimum",
                            "end_to_end": {"weights": certificate.mat_json(P), "bias": certificate.vec_json(c)},
                            "rests_on": [RATIONAL, LINEAR_LEMMA]})
    elif optimal:
        from symcert.checker.api import CONVEX_LINEAR_LEMMA
        conclusion = "global_minimum"
        ob = {"id": "convex_global_minimum", "kind": "convex_global_minimum",
              "end_to_end": {"weights": certificate.mat_json(P), "bias": certificate.vec_json(c)},
              "rests_on": [RATIONAL, CONVEX_LINEAR_LEMMA]}
        if j is not None:
            ob["rank_condition_j"] = j
        obligations.append(ob)
    else:
        conclusion = "saddle_point"
        found = descent_witness(prob, params, seed)
        if found is None:
            raise ConstructionFailed(f"{CLAIM_ID}: no descent curve found by kernel moves at this saddle")
        side, E, a, F, drop = found
        obligations.append(_curve_json(E, a, F))
        up = _zero_like(prob)
        up[f"b{L}"][0, 0] = fmpq(1)
        obligations.append({"id": "ascent_curve", "kind": "ascent_curve", "direction": certificate.point_json(up),
                            "rests_on": [RATIONAL, POLY_T]})
        info["descent"] = {"kernel_move": side, "gradient_order_a": str(a), "curve_degree": str(a + 1),
                           "drop_order": str(next(k for k, v in enumerate(drop.coeffs()) if v != 0))}
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem 4, Corollary 5", "statement": STATEMENT,
             "conclusion": conclusion, "instance": instance, "hypotheses": records, "construction": info}
    return certificate.document(claim, pj, params, loss, obligations)


def _mat(rows) -> fmpq_mat:
    return fmpq_mat(len(rows), len(rows[0]), [fmpq(v) for r in rows for v in r])


def orthogonal_data(targets_map, noise) -> Dataset:
    """X = the 8 sign vectors of R^3 (centred, X X^T = 8 I); Y = P* X + N with N orthogonal to
    the rows of X and to 1 (products of coordinates), so P* is the least-squares solution."""
    xs = [(a, b, c) for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)]
    P = _mat(targets_map)
    ys = []
    for x in xs:
        walsh = (x[0] * x[1], x[0] * x[2], x[1] * x[2], x[0] * x[1] * x[2])
        ys.append([sum((P[i, k] * x[k] for k in range(3)), fmpq(0)) + sum((fmpq(w) * n for w, n in zip(walsh, noise[i])), fmpq(0))
                   for i in range(P.nrows())])
    return from_rows([[fmpq(v) for v in x] for x in xs], ys)


PSTAR = [[1, 1, 0], [1, -1, 1]]  # orthogonal rows, norms 2 and 3: distinct principal directions
NOISE = [[fmpq(1, 2), 0, 0, 0], [0, 0, 0, fmpq(1, 2)]]
PRANK1 = [[1, 1, 0], [2, 2, 0]]  # a rank-deficient least-squares solution


def _unimodular(n: int, rng: random.Random) -> tuple[fmpq_mat, fmpq_mat]:
    """A random integer matrix with integer inverse (product of unit triangular factors)."""
    Lo, Up = identity(n), identity(n)
    for i in range(n):
        for j in range(n):
            if i > j:
                Lo[i, j] = rng.randint(-1, 1)
            elif i < j:
                Up[i, j] = rng.randint(-1, 1)
    M = Lo * Up
    return M, M.inv()


def factor_point(P: fmpq_mat, c: fmpq_mat, widths: list, seed: int | None, hidden_bias: bool) -> dict:
    """Parameters of the linear network with end-to-end map x -> P x + c: a rank factorisation
    through the first hidden units, mixed by random unimodular maps between layers and given
    random hidden biases (compensated in b_L) when a seed is given."""
    L, dy = len(widths) - 1, P.nrows()
    params = {}
    for l in range(1, L + 1):
        params[f"W{l}"] = fmpq_mat(widths[l], widths[l - 1])
        params[f"b{l}"] = fmpq_mat(widths[l], 1)
    if any(v != 0 for v in P.entries()):
        U, V = rank_factor(P)
        r = U.ncols()
        for i in range(r):
            for j in range(V.ncols()):
                params["W1"][i, j] = V[i, j]
            for l in range(2, L):
                params[f"W{l}"][i, i] = 1
            for k in range(dy):
                params[f"W{L}"][k, i] = U[k, i]
    params[f"b{L}"] = fmpq_mat(c)
    if seed is None:
        return params
    rng = random.Random(seed)
    for l in range(1, L):
        M, Minv = _unimodular(widths[l], rng)
        params[f"W{l}"] = M * params[f"W{l}"]
        params[f"b{l}"] = M * params[f"b{l}"]
        params[f"W{l + 1}"] = params[f"W{l + 1}"] * Minv
    if hidden_bias:
        for l in range(1, L):
            v = fmpq_mat(widths[l], 1, [fmpq(rng.randint(-3, 3), 2) for _ in range(widths[l])])
            params[f"b{l}"] += v
            params[f"b{L}"] -= chain(params, L, l + 1, widths[l]) * v
    return params


def _instance(data: Dataset, widths: list, P, c, name: str, desc: str, seed, hidden_bias=True) -> Instance:
    def build():
        params = factor_point(P, c, widths, seed, hidden_bias)
        return classify(problem_json(data, widths), params, desc)
    return Instance(name, build, desc)


def random_dataset(seed: int, m: int, dx: int, dy: int) -> Dataset:
    """Seeded random rational data: inputs k/4 with |k| <= 12, targets k/8 with |k| <= 16."""
    rng = random.Random(seed)
    xs = [[fmpq(rng.randint(-12, 12), 4) for _ in range(dx)] for _ in range(m)]
    ys = [[fmpq(rng.randint(-16, 16), 8) for _ in range(dy)] for _ in range(m)]
    return from_rows(xs, ys)


def huber_fit(data: Dataset, delta, with_x: bool = True, rounds: int = 100):
    """Untrusted: the exact affine Huber regression (constant only without ``with_x``) by an active
    set: fix which residuals lie in the quadratic zone and the signs of the others, solve the
    resulting linear normal equations exactly, repeat until the zones agree. (weights, bias)."""
    m, dx, dy = data.m, (data.dx if with_x else 0), data.dy
    Xt = fmpq_mat(m, dx + 1, [v for r in data.inputs for v in (list(r[:dx]) + [fmpq(1)])])
    W, b = fmpq_mat(dy, data.dx), fmpq_mat(dy, 1)
    for o in range(dy):
        y = [r[o] for r in data.targets]
        zone = [0] * m  # 0: quadratic, +-1: linear with that sign
        for _ in range(rounds):
            Q = [i for i in range(m) if zone[i] == 0]
            A = fmpq_mat(len(Q), dx + 1, [Xt[i, k] for i in Q for k in range(dx + 1)])
            rhs = A.transpose() * fmpq_mat(len(Q), 1, [y[i] for i in Q])
            for i in range(m):
                if zone[i]:
                    for k in range(dx + 1):
                        rhs[k, 0] -= delta * zone[i] * Xt[i, k]
            G = A.transpose() * A
            if G.rank() < dx + 1:
                raise ConstructionFailed(f"{CLAIM_ID}: fewer than {dx + 1} affinely independent residuals in the quadratic zone of "
                                         "the Huber loss; the active-set fit does not handle that case")
            theta = G.solve(rhs)
            r = [sum((Xt[i, k] * theta[k, 0] for k in range(dx + 1)), fmpq(0)) - y[i] for i in range(m)]
            new = [0 if abs(v) <= delta else (1 if v > 0 else -1) for v in r]
            if new == zone:
                break
            zone = new
        else:
            raise ConstructionFailed(f"{CLAIM_ID}: the Huber active set did not settle in {rounds} rounds")
        for k in range(dx):
            W[o, k] = theta[k, 0]
        b[o, 0] = theta[dx, 0]
    return W, b


def _least_squares(data: Dataset):
    from symcert.provers.affine import least_squares
    X = fmpq_mat(data.m, data.dx, [v for r in data.inputs for v in r]).transpose()
    Y = fmpq_mat(data.m, data.dy, [v for r in data.targets for v in r]).transpose()
    fit = least_squares(X, Y)
    return fit.weights, fit.bias


def instances() -> list:
    out = []
    data = orthogonal_data(PSTAR, NOISE)
    zero_c = fmpq_mat(2, 1)
    pstar, p1 = _mat(PSTAR), _mat([PSTAR[0], [0, 0, 0]])
    for L in (2, 3, 4, 5):
        widths = [3] + [3] * (L - 1) + [2]
        out.append(_instance(data, widths, pstar, zero_c, f"thm4-depth{L}-global",
                             f"depth {L}, widths {widths}: product = least-squares solution P* (mixed factors, hidden biases)", 10 + L))
        out.append(_instance(data, widths, fmpq_mat(2, 3), zero_c, f"thm4-depth{L}-saddle-zero",
                             f"depth {L}, widths {widths}: all weights zero (product rank 0, degenerate)", None))
        out.append(_instance(data, widths, p1, zero_c, f"thm4-depth{L}-saddle-rank1",
                             f"depth {L}, widths {widths}: product = first principal row of P* only (rank 1 < 2, not optimal)", 20 + L))
    narrow = [3, 2, 2, 2]
    out.append(_instance(data, narrow, _mat([[0, 0, 0], PSTAR[1]]), zero_c, "thm4-depth3-narrow-saddle-rank1",
                         f"depth 3, widths {narrow} (hidden width = min(dx, dy)): product = second principal row only", 31))
    data1 = orthogonal_data(PRANK1, NOISE)
    out.append(_instance(data1, [3, 3, 3, 2], _mat(PRANK1), zero_c, "thm4-depth3-global-rank-deficient",
                         "depth 3: the least-squares solution itself has rank 1 < min(dx, dy) = 2; global minimum", 41))
    for seed, L, kind in ((1, 3, "global"), (2, 4, "saddle-zero"), (3, 5, "global")):
        rd = random_dataset(seed, 10, 2, 2)
        widths = [2] + [2] * (L - 1) + [2]
        W, b = _least_squares(rd)
        if kind == "global":
            P, c = W, b
        else:  # all weights zero; b_L = mean target (the optimal constant): a critical point
            P, c = fmpq_mat(2, 2), fmpq_mat(2, 1, [sum((r[i] for r in rd.targets), fmpq(0)) / rd.m for i in range(2)])
        out.append(_instance(rd, widths, P, c, f"thm4-random-s{seed}-depth{L}-{kind}",
                             f"seeded random data (seed {seed}, m = 10, dx = dy = 2), depth {L}, {kind}", 50 + seed))
    for seed, L, kind in ((67, 3, "global"), (62, 2, "global"), (63, 4, "saddle-zero"), (64, 3, "saddle-zero")):
        out.append(_huber_instance(seed, L, kind))
    from symcert.claims.yun2019.thm4_arb import instances as arb_instances
    return out + arb_instances()


HUBER = {"kind": "huber", "delta": "1/2"}


def _huber_instance(seed: int, L: int, kind: str) -> Instance:
    """Huber loss (delta 1/2) on seeded random data: the product is the exact Huber regression
    (global minimum, some residuals in the linear zone), or every weight is 0 with b_L the Huber
    constant (a critical point, a saddle)."""
    name = f"thm4-huber-s{seed}-depth{L}-{kind}"
    desc = f"Huber loss (delta 1/2), seeded random data (seed {seed}, m = 10, dx = dy = 2), depth {L}, {kind}"

    def build():
        rd = random_dataset(seed, 10, 2, 2)
        widths = [2] + [2] * (L - 1) + [2]
        P, c = huber_fit(rd, fmpq(1, 2), with_x=(kind == "global"))
        if kind != "global":
            P = fmpq_mat(2, 2)
        return classify(problem_json(rd, widths, HUBER), factor_point(P, c, widths, 70 + seed, True), desc)
    return Instance(name, build, desc)


def read_point(path):
    """The point of --point FILE (or a dict of exact values given through the Python API)."""
    doc = path if isinstance(path, dict) else load_json(path, parse_float=str, parse_int=str)
    if isinstance(doc, dict) and isinstance(doc.get("point"), dict):
        doc = doc["point"]
    if not isinstance(doc, dict):
        raise InputError(path, None, None, "expected an object {W1: [[...]], b1: [...], ...}")
    return doc


def widths_of(doc: dict, dx: int, path: str) -> list:
    widths, l = [dx], 1
    while f"W{l}" in doc:
        W = doc[f"W{l}"]
        if not isinstance(W, list) or not W or not all(isinstance(r, list) for r in W):
            raise InputError(path, f"W{l}", None, "expected a non-empty matrix (list of rows)")
        if len(W[0]) != widths[-1]:
            raise InputError(path, f"W{l}", f"{len(W)} x {len(W[0])}", f"expected {widths[-1]} columns (the width of layer {l - 1})")
        widths.append(len(W))
        l += 1
    if l == 1:
        raise InputError(path, "W1", None, "missing")
    return widths


def certify_data(data: Dataset, options: dict) -> dict:
    path = options.get("point")
    if not path:
        raise InputError(None, "--point", None, f"{CLAIM_ID} classifies a given critical point: pass --point FILE "
                         "(JSON {W1: [[...]], b1: [...], ..., WL, bL}; numbers as strings like \"1/3\")")
    doc = read_point(path)
    path = "<point>" if isinstance(path, dict) else path
    widths = widths_of(doc, data.dx, path)
    if widths[-1] != data.dy:
        raise InputError(path, f"W{len(widths) - 1}", widths[-1], f"the output width must be dy = {data.dy}")
    loss = options.get("loss")
    if loss is not None and loss.get("kind") not in ("squared", "huber", "logistic", "cross_entropy"):
        raise HypothesisViolation(CLAIM_ID, "H2", f"l0 must be convex and differentiable: the {loss.get('kind')} loss has kinks "
                                  "(use squared, huber:D, logistic or cross_entropy)")
    pj = problem_json(data, widths, loss)
    prob = parse_data_problem(pj)  # the data's labels against the loss: one line naming the field (exit 2)
    try:
        params = parse_point(doc, prob, "point")
    except FormatError as exc:
        raise InputError(path, exc.field, exc.value, exc.reason) from None
    if loss is not None and loss["kind"] in ("logistic", "cross_entropy"):  # transcendental: the layer-box route
        from symcert.claims.yun2019.thm4_arb import classify_point
        return classify_point(pj, params, options.get("instance", f"user point {path}"))
    return classify(pj, params, options.get("instance", f"user point {path}"), source=path)


CLAIM = Claim(CLAIM_ID, PAPER, "deep linear networks (squared, Huber, logistic loss): a critical point is a global minimum or a saddle",
              instances, certify_data, {"--point FILE": "the critical point to classify (JSON of W1, b1, ..., WL, bL; depth = number of layers)",
                                        "--loss": "squared (default) | huber:DELTA | logistic | cross_entropy (convex differentiable l0; "
                                                  "the last two: global minima in a layer box only)"})
