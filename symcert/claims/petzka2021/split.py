"""Petzka & Sminchisescu (JMLR 22(143), 2021): neuron splitting turns a critical point into a
line of critical points; along the line, local minima for 0 < lambda < 1 and saddles outside
[0, 1] when B^r is positive definite.

Claim ``petzka2021.split``. Certificates:

* ``critical_line`` (any network, any activation the checker knows): ``neuron_split`` proves the
  function is unchanged and the gradient is zero for every lambda (identities in lambda);
* ``local_minimum`` at a split point with 0 < lambda < 1: ``neuron_split`` +
  ``split_local_minimum`` (exact rational Hessian: zero on the line's tangent, positive definite
  on the complement; Morse-Bott);
* ``not_local_minimum`` at lambda outside [0, 1]: ``neuron_split`` (critical) +
  ``smooth_descent`` along (du_r, du_copy) = (1 - lambda, -lambda) w, whose curvature is exactly
  lambda (1 - lambda) w^T B^r w < 0, with an exactly/rigorously evaluated lower point.

The paper's worked instance (bias-free) is verified figure by figure in ``worked_figures``;
the checker's networks always carry biases, and with a free hidden bias that point is not
critical (d/db1 = 4/225 != 0 for the 1/2-sum loss), so the certified sigmoid instance is a
biased analogue of the same kind (u = ln 2, b1 = 2 ln 2: every sigmoid value stays rational).
Seeded random sigmoid and tanh instances (``seeded_smooth``) solve the labels exactly for a drawn
definite B^r of either sign; with B^r negative definite the roles swap (saddles inside (0, 1),
minima outside [0, 1]). The escape path and deep growth are in :mod:`.escape` and :mod:`.deep`. See docs/papers/petzka2021.md.
"""
from __future__ import annotations

import functools
from fractions import Fraction

from flint import fmpq, fmpq_mat, fmpq_poly

from symcert.checker.api import parse_point
from symcert.checker.api import parse_problem
from symcert import certificate
from symcert.claims import constructions as SC
from symcert.claims.base import Claim, Instance
from symcert.claims.petzka2021.common import (PAPER, SmoothInstance, _definite, _hd, _inst, _small,
                                              _smooth_problem, _split_point_json, b_matrix)
from symcert.exact.rationals import format_rational as fr
from symcert.provers.affine import nullspace
from symcert.transform.split import certify_split
from symcert.inputs.data import load_json

CLAIM_ID = "petzka2021.split"
STATEMENT = ("Splitting a hidden neuron of a network at a critical point gives a line of critical points with the same "
             "network function; with B^r positive definite the points with 0 < lambda < 1 are local minima and those "
             "with lambda outside [0, 1] are saddles.")

# ---- the paper's worked instance (bias-free), every figure exact ------------------------------

WORKED_X = (-1, 1, 2, 3)
WORKED_Y = (Fraction(37, 75), Fraction(-2, 15), Fraction(9, 5), Fraction(119, 225))


def _sig_log(q: Fraction, x: int) -> Fraction:
    """sigma(x ln q) = q^x / (1 + q^x), exactly (x an integer)."""
    return q ** x / (1 + q ** x)


def _worked_split_hessian(lam: Fraction, s, d1, d2, r) -> list:
    """Hessian of the mean-squared loss of v1 sigma(u1 x) + v2 sigma(u2 x) at u1 = u2 = ln 2,
    (v1, v2) = (lam, 1 - lam), coordinates (u1, u2, v1, v2)."""
    m, v = len(WORKED_X), (lam, 1 - lam)
    H = [[Fraction(0)] * 4 for _ in range(4)]
    for a, x in enumerate(WORKED_X):
        J = [v[0] * d1[a] * x, v[1] * d1[a] * x, s[a], s[a]]
        for i in range(4):
            for j in range(4):
                H[i][j] += 2 * J[i] * J[j] / m
        for k in range(2):
            H[k][k] += 2 * r[a] * v[k] * d2[a] * x * x / m
            H[k][2 + k] += 2 * r[a] * d1[a] * x / m
            H[2 + k][k] += 2 * r[a] * d1[a] * x / m
    return H


def _quad(H, d) -> Fraction:
    return sum((d[i] * H[i][j] * d[j] for i in range(len(d)) for j in range(len(d))), Fraction(0))


def worked_figures() -> dict:
    """Recompute every figure the paper notes state for the worked instance, exactly."""
    m, q2 = len(WORKED_X), Fraction(2)
    s = [_sig_log(q2, x) for x in WORKED_X]
    d1 = [a * (1 - a) for a in s]
    d2 = [a * (1 - a) * (1 - 2 * a) for a in s]
    r = [a - y for a, y in zip(s, WORKED_Y)]
    loss = sum((x * x for x in r), Fraction(0)) / m
    grad_v = 2 * sum((ri * si for ri, si in zip(r, s)), Fraction(0)) / m
    grad_u = 2 * sum((ri * di * x for ri, di, x in zip(r, d1, WORKED_X)), Fraction(0)) / m
    huu = 2 * sum(((di * x) ** 2 + ri * ei * x * x for di, x, ri, ei in zip(d1, WORKED_X, r, d2)), Fraction(0)) / m
    huv = 2 * sum((di * x * si + ri * di * x for di, x, si, ri in zip(d1, WORKED_X, s, r)), Fraction(0)) / m
    hvv = 2 * sum((si * si for si in s), Fraction(0)) / m
    B = sum((ri * ei * x * x for ri, ei, x in zip(r, d2, WORKED_X)), Fraction(0))
    out = {"sigma": s, "loss": loss, "gradient": (grad_u, grad_v), "hessian": ((huu, huv), (huv, hvv)),
           "hessian_pd": huu > 0 and huu * hvv - huv * huv > 0, "B": B,
           "bias_gradients": (sum((ri * di for ri, di in zip(r, d1)), Fraction(0)), sum(r, Fraction(0)))}
    for lam in (Fraction(1, 2), Fraction(2)):
        H = _worked_split_hessian(lam, s, d1, d2, r)
        tangent = [0, 0, -1, 1]
        line_kernel = all(sum(H[i][j] * tangent[j] for j in range(4)) == 0 for i in range(4))
        comp = [[H[i][j] for j in range(3)] for i in range(3)]  # coordinates u1, u2, v1
        minors = [comp[0][0], comp[0][0] * comp[1][1] - comp[0][1] ** 2,
                  fmpq_mat(3, 3, [fmpq(v.numerator, v.denominator) for row in comp for v in row]).det()]
        curv = _quad(H, [1 - lam, -lam, 0, 0])
        out[f"split_{lam}"] = {"tangent_in_kernel": line_kernel, "complement_minors": minors,
                               "curvature": curv, "curvature_formula": 2 * lam * (1 - lam) * B / m}
    v, qs = (2, -1), (Fraction(9, 5), Fraction(8, 5))
    better = sum(((v[0] * _sig_log(qs[0], x) + v[1] * _sig_log(qs[1], x) - y) ** 2 for x, y in zip(WORKED_X, WORKED_Y)), Fraction(0)) / m
    out["better_loss"] = better
    out["escape_monotone"] = worked_escape_monotone()
    return out


def worked_escape_monotone() -> dict:
    """The notes' escape path on the worked instance: v = (2, -1), u1 = ln(2(1 - t)),
    u2 = ln(2(1 - 2t)), biases 0: for each T, is the loss strictly decreasing on [0, T]? (exact
    rational function of t; real-root isolation of the derivative's numerator)."""
    from symcert.checker.api import risk_fraction, root_free
    pj = SC.smooth_problem_json([1, 2, 1], SC.smooth_activation("sigmoid"), [[x] for x in WORKED_X], list(WORKED_Y))
    prob = parse_problem(pj)
    W1 = [[fmpq_poly([2, -2])], [fmpq_poly([2, -4])]]
    N, D = risk_fraction(prob, W1, [fmpq(1), fmpq(1)], [fmpq(2), fmpq(-1)], fmpq(0))
    P = N.derivative() * D - N * D.derivative()
    k = next(i for i, c in enumerate(P.coeffs()) if c != 0)
    P1 = fmpq_poly(P.coeffs()[k:])
    out = {}
    for T in (Fraction(1, 10), Fraction(1, 20)):
        t = fmpq(T.numerator, T.denominator)
        out[str(T)] = root_free(P1, fmpq(0), t) is True and P1(t) < 0 and root_free(D, fmpq(0), t) is True
    return out


# ---- seeded random smooth instances --------------------------------------------------------

SEED_P = (Fraction(2), Fraction(3), Fraction(1, 2), Fraction(1, 3), Fraction(3, 2), Fraction(2, 3))  # u = ln p
SEED_C = (Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2), Fraction(3), Fraction(4))  # b1 = ln c
SEED_V = (Fraction(1), Fraction(2), Fraction(-1), Fraction(1, 2), Fraction(-2), Fraction(3, 2))
SEED_B2 = (Fraction(0), Fraction(1, 2), Fraction(-1, 2), Fraction(1), Fraction(-1))
SEED_LAMBDA_IN = (Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4))
SEED_LAMBDA_OUT = (Fraction(2), Fraction(3), Fraction(-1), Fraction(-1, 2), Fraction(3, 2))


def _mat(rows: list) -> fmpq_mat:
    return fmpq_mat(len(rows), len(rows[0]), [fmpq(v.numerator, v.denominator) for row in rows for v in row])


def _fraction(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def _nullspace(rows: list) -> list:
    """A basis of {r : row . r = 0 for every row} (exact: FLINT's reduced row echelon form; a
    free coordinate 1 per basis vector), as lists of Fractions."""
    N = nullspace(_mat(rows))
    if N is None:
        return []
    return [[_fraction(N[i, k]) for i in range(N.nrows())] for k in range(N.ncols())]


def _solve(A: list, b: list):
    """The solution of a square system (exact, FLINT), or None if it is singular."""
    try:
        x = _mat(A).solve(_mat([[v] for v in b]))
    except ZeroDivisionError:
        return None
    return [_fraction(v) for v in x.entries()]


def _positive_definite(M: list) -> bool:
    """Sylvester: every leading principal minor is positive (exact determinants, FLINT)."""
    return all(_mat([row[:k] for row in M[:k]]).det() > 0 for k in range(1, len(M) + 1))


def small_hessian(S: SmoothInstance) -> list:
    """Hessian of the 1/2-sum squared loss of v h(u x + b1) + b2 in (u, b1, v, b2), exactly."""
    H = [[Fraction(0)] * 4 for _ in range(4)]
    for x, y in zip(S.X, S.Y):
        h, d1, d2 = _hd(S.act, S.c * S.p ** x)
        res = S.v * h + S.b2 - y
        J = [S.v * d1 * x, S.v * d1, h, Fraction(1)]
        for i in range(4):
            for j in range(4):
                H[i][j] += J[i] * J[j]
        t = (x, 1)
        for i in range(2):
            for j in range(2):
                H[i][j] += res * S.v * d2 * t[i] * t[j]
            H[i][2] += res * d1 * t[i]
            H[2][i] += res * d1 * t[i]
    return H


# (activation, seed) of the certified seeded instances
SEEDED = (("sigmoid", 1), ("sigmoid", 5), ("tanh", 2), ("tanh", 6))


@functools.lru_cache(maxsize=None)
def seeded_smooth(act: str, seed: int, m: int = 7) -> dict:
    """A seeded random instance of the construction, solved exactly (no search over labels).

    Draw (random.Random(seed)): m distinct integer inputs in [-3, 4]; u = ln p, b1 = ln c, v, b2
    from small rational tables; a target sign s = +-1 and a target matrix T = s [[a, b], [b, d]]
    with 1 <= a, d <= 4, |b| <= 1 (ad - b^2 > 0: definite). The residuals r = f - y must be
    orthogonal to the four gradient features (1, h, h', x h') (then the small point is critical)
    and give B^r = sum_a r_a v h''_a (x_a, 1)(x_a, 1)^T = T: three linear equations on the
    (m - 4)-dimensional orthogonal complement, solved exactly (free coefficients beyond the
    third drawn as small integers). r is then scaled by a power of 2 so that max |r_a| lies in
    (1/2, 1] (keeps the labels small; B^r stays definite with the same sign), and, if the small
    Hessian is not positive definite (possible only when B^r is negative definite: otherwise
    H = J^T J + diag(B^r, 0) is PD as soon as the features are independent), halved until it is.
    A draw with a pre-activation exactly 0, dependent features or a singular 3 x 3 system is
    redrawn from the same generator (deterministic); the number of draws is recorded. Labels y = f - r. Finally
    lambda_in in (0, 1) and lambda_out outside [0, 1] are drawn."""
    import random
    rng = random.Random(seed)
    draws = 0
    while True:
        draws += 1
        X = tuple(sorted(rng.sample(range(-3, 5), m)))
        p, c, v, b2 = rng.choice(SEED_P), rng.choice(SEED_C), rng.choice(SEED_V), rng.choice(SEED_B2)
        sgn = rng.choice((1, -1))
        a, d, b = rng.randint(1, 4), rng.randint(1, 4), rng.randint(-1, 1)
        if any(c * p ** x == 1 for x in X):
            # a pre-activation exactly 0 (ln c + x ln p cancels): the checker's symbolic evaluation
            # then keeps exp(0) unevaluated and cannot treat the Hessian as rational; redraw
            continue
        hs = [_hd(act, c * p ** x) for x in X]
        basis = _nullspace([[Fraction(1)] * m, [h[0] for h in hs], [h[1] for h in hs], [x * h[1] for x, h in zip(X, hs)]])
        if len(basis) != m - 4:  # dependent features: redraw
            continue
        extra = [Fraction(rng.randint(-2, 2)) for _ in basis[3:]]
        entries = ((0, 0), (0, 1), (1, 1))
        Bs = [[sum((r * v * h[2] * (x, 1)[i] * (x, 1)[j] for r, h, x in zip(vec, hs, X)), Fraction(0)) for i, j in entries]
              for vec in basis]
        rhs = [sgn * t - sum((e * Bk[n] for e, Bk in zip(extra, Bs[3:])), Fraction(0)) for n, t in enumerate((a, b, d))]
        k = _solve([[Bk[n] for Bk in Bs[:3]] for n in range(3)], rhs)
        if k is None:  # B^r does not reach every symmetric 2 x 2 matrix: redraw
            continue
        res = [sum((kk * vec[i] for kk, vec in zip(k + extra, basis)), Fraction(0)) for i in range(m)]
        top, scale = max(abs(x) for x in res), Fraction(1)
        while top * scale > 1:
            scale /= 2
        while top * scale <= Fraction(1, 2):
            scale *= 2
        halvings = 0
        while True:
            r = [x * scale for x in res]
            Y = tuple(v * h[0] + b2 - ra for h, ra in zip(hs, r))
            S = SmoothInstance(act, X, Y, f"log({SC.real_text(p)})", f"log({SC.real_text(c)})", p, c, v, b2)
            if _positive_definite(small_hessian(S)):
                break
            scale /= 2
            halvings += 1
        lam_in, lam_out = rng.choice(SEED_LAMBDA_IN), rng.choice(SEED_LAMBDA_OUT)
        return {"instance": S, "seed": seed, "draws": draws, "target_sign": sgn, "halvings": halvings,
                "lambda_in": lam_in, "lambda_out": lam_out}


def sigmoid_split(lam: Fraction, instance: str, act="sigmoid", seeded: dict | None = None) -> dict:
    wide = _smooth_problem(2, act)
    B = b_matrix(act)
    info = {"split": {"layer": 1, "neuron": 1, "lambda": SC.real_text(lam)},
            "B_r": [[SC.real_text(v) for v in row] for row in B],
            "B_r_definite": _definite(B)}
    if seeded is not None:
        S = _inst(act)
        info["seeded"] = {"seed": seeded["seed"], "draws": seeded["draws"], "halvings": seeded["halvings"],
                          "small_network": f"{SC.real_text(S.v)} {S.act}(x ln {SC.real_text(S.p)} + ln {SC.real_text(S.c)}) "
                                           f"+ {SC.real_text(S.b2)}"}
    obligations = [{"id": "smooth_gradient_zero", "kind": "smooth_gradient_zero"},
                   {"id": "neuron_split", "kind": "neuron_split", "layer": 1, "neuron": 1, "lambda": SC.real_text(lam), "source": _small(act)}]
    # B^r positive definite: minima for 0 < lambda < 1, saddles outside [0, 1]; negative definite: the roles swap
    if (0 < lam < 1) == (B[0][0] > 0):
        conclusion = "local_minimum"
        obligations.append({"id": "split_local_minimum", "kind": "split_local_minimum", "layer": 1, "neuron": 1})
    else:
        conclusion = "not_local_minimum"
        # neuron 1 keeps (1 - lambda) v, the copy gets lambda v: incoming-weight directions -lambda and 1 - lambda
        # (the paper's (1 - lambda, -lambda) for (v1, v2) = (lambda, 1 - lambda)); first-order output change cancels
        d = {"W1": [[SC.real_text(-lam)], [SC.real_text(1 - lam)]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["0"]}
        curv = lam * (1 - lam) * B[0][0]
        info["curvature_along_split_direction"] = SC.real_text(curv)
        obligations.append({"id": "smooth_descent", "kind": "smooth_descent", "direction": d, "witness_t": "1/10"})
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "neuron splitting (Sec. 4, Fukumizu-Amari; Thm 9)", "statement": STATEMENT,
             "conclusion": conclusion, "instance": instance, "construction": info}
    pj = wide
    prob = parse_problem(pj)
    from symcert.checker.api import Evaluator
    risk = Evaluator(prob).risk(parse_point(_split_point_json(lam, act), prob, "point"))
    loss = Fraction(int(risk.p), int(risk.q))
    for t in ("1/10", "1/100", "1/1000", "1/10000"):  # the first witness t the checker accepts
        if conclusion == "not_local_minimum":
            obligations[-1]["witness_t"] = t
        try:
            return certificate.fill_ledgers(certificate.document(claim, pj, _split_point_json(lam, act), loss, [dict(o) for o in obligations]),
                                               strict=True)
        except AssertionError:
            if conclusion != "not_local_minimum" or t == "1/10000":
                raise
    raise AssertionError("unreachable")


def relu_split(lam: Fraction, data, hidden: int, instance: str, act=None) -> dict:
    from symcert.claims.yun2019 import thm1 as Y
    from symcert.inputs.activations import relu
    act = act or relu()
    base = Y.certify(data, act, hidden=hidden, smt="never")
    prob = parse_problem(base["problem"])
    pt = parse_point(base["point"], prob, "point")
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "neuron splitting gamma^r_lambda", "statement": STATEMENT,
             "instance": instance, "construction": {"source": "yun2019.thm1 local minimum", "split": {"layer": 1, "neuron": 1, "lambda": fr(fmpq(lam.numerator, lam.denominator))}}}
    return certify_split(base["problem"], pt, 1, 1, fmpq(lam.numerator, lam.denominator), claim)


def instances() -> list:
    from symcert.claims.yun2019 import thm1 as Y
    from symcert.inputs.activations import leaky_relu
    out = []
    for lam, tag in ((Fraction(1, 2), "1-2"), (Fraction(1, 4), "1-4"), (Fraction(2), "2"), (Fraction(-1), "minus1")):
        kind = "local minimum" if 0 < lam < 1 else "saddle (not a local minimum)"
        out.append(Instance(f"split-sigmoid-lambda-{tag}", lambda lam=lam, kind=kind: sigmoid_split(
            lam, f"sigmoid, biased analogue of the worked instance, split at lambda = {SC.real_text(lam)}: {kind}"),
            f"sigmoid, lambda = {SC.real_text(lam)}: {kind}"))
    for lam, tag in ((Fraction(1, 3), "1-3"), (Fraction(3), "3")):
        kind = "local minimum" if 0 < lam < 1 else "saddle (not a local minimum)"
        out.append(Instance(f"split-tanh-lambda-{tag}", lambda lam=lam, kind=kind: sigmoid_split(
            lam, f"tanh instance (u = ln 2, b1 = -2 ln 2), split at lambda = {SC.real_text(lam)}: {kind}", act="tanh"),
            f"tanh, lambda = {SC.real_text(lam)}: {kind}"))
    # seeded random smooth instances (seeded_smooth): the seeds are picked so that both signs of B^r
    # occur for each activation (B^r positive definite: minimum inside (0, 1), saddle outside;
    # negative definite: the roles swap); each gives one certificate at lambda_in and one at lambda_out
    for act, seed in SEEDED:
        sd = seeded_smooth(act, seed)
        sign = _definite(b_matrix(sd["instance"]))
        for lam in (sd["lambda_in"], sd["lambda_out"]):
            kind = "local minimum" if (0 < lam < 1) == (sign == "positive") else "saddle (not a local minimum)"
            tag = SC.real_text(abs(lam)).replace("/", "-")
            out.append(Instance(f"split-{act}-random-s{seed}-lambda-{'minus' if lam < 0 else ''}{tag}",
                                lambda act=act, seed=seed, lam=lam, kind=kind, sign=sign: sigmoid_split(
                                    lam, f"{act}, seeded random instance (seed {seed}), B^r {sign} definite, split at "
                                         f"lambda = {SC.real_text(lam)}: {kind}",
                                    act=seeded_smooth(act, seed)["instance"], seeded=seeded_smooth(act, seed)),
                                f"{act}, seed {seed}, B^r {sign} definite, lambda = {SC.real_text(lam)}: {kind}"))
    for lam, tag in ((fmpq(1, 2), "1-2"), (fmpq(2), "2")):  # Thm 5 by the box route (contrast.thm5_box)
        out.append(Instance(f"split-box-sigmoid-lambda-{tag}", lambda lam=lam: _box(lam),
                            f"sigmoid from a float point, lambda = {lam}: the box route (Morse-Bott minimum or saddle)"))
    for lam, tag in ((Fraction(1, 2), "1-2"), (Fraction(3), "3")):
        out.append(Instance(f"split-relu-yun-lambda-{tag}", lambda lam=lam: relu_split(
            lam, Y._rows(*Y.CASE1), 2, f"ReLU (outside the paper's class A), split of the yun2019.thm1 worked local minimum at lambda = {SC.real_text(lam)}"),
            f"ReLU line of critical points, lambda = {SC.real_text(lam)} (outside the paper's class A)"))
    for seed, m, dx, d1 in ((11, 8, 2, 2), (12, 12, 3, 3)):
        out.append(Instance(f"split-leaky-random-s{seed}-m{m}-dx{dx}-d{d1}", lambda seed=seed, m=m, dx=dx, d1=d1: relu_split(
            Fraction(-2, 3), Y.random_dataset(seed, m, dx), d1,
            f"leaky ReLU 1/10 (outside the paper's class A), seeded random data (seed {seed}, m = {m}, dx = {dx}, d1 = {d1}), "
            "split at lambda = -2/3", act=leaky_relu(fmpq(1, 10))), f"seed {seed}, leaky ReLU line of critical points (outside the paper's class A)"))
    return out


def certify_data(data, options: dict) -> dict:
    """Split a user's critical point: ``--point FILE`` holds {"point": {W1, b1, ...}, "split":
    {"layer": l, "neuron": r, "lambda": "1/2"}}; the activation is ``--activation`` (piecewise
    linear), the loss squared. The answer is a ``critical_line`` certificate."""
    from symcert.checker.api import FormatError
    from symcert.claims.yun2019 import thm4 as T4
    from symcert.errors import HypothesisViolation, InputError
    from symcert.exact.rationals import RationalSyntaxError, parse_rational
    path = options.get("point")
    if not path:
        raise InputError(None, "--point", None, f"{CLAIM_ID} splits a given critical point: pass --point FILE with "
                         "{\"point\": {W1: ..., b1: ..., ...}, \"split\": {\"layer\": 1, \"neuron\": 1, \"lambda\": \"1/2\"}}")
    doc = path if isinstance(path, dict) else load_json(path, parse_float=str)
    path = "<point>" if isinstance(path, dict) else path
    if not isinstance(doc, dict) or not isinstance(doc.get("point"), dict) or not isinstance(doc.get("split"), dict):
        raise InputError(path, "point/split", None, "expected an object with 'point' (parameters) and 'split' {layer, neuron, lambda}")
    sp = doc["split"]
    layer, neuron = sp.get("layer"), sp.get("neuron")
    for key, v in (("layer", layer), ("neuron", neuron)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise InputError(path, f"split.{key}", v, "expected an integer")
    try:
        lam = parse_rational(sp.get("lambda"))
    except RationalSyntaxError as exc:
        raise InputError(path, "split.lambda", sp.get("lambda"), str(exc)) from None
    widths = T4.widths_of(doc["point"], data.dx, path)
    if widths[-1] != data.dy:
        raise InputError(path, f"W{len(widths) - 1}", widths[-1], f"the output width must be dy = {data.dy}")
    if not 1 <= layer <= len(widths) - 2:
        raise InputError(path, "split.layer", layer, f"expected a hidden layer 1..{len(widths) - 2}")
    if not 1 <= neuron <= widths[layer]:
        raise InputError(path, "split.neuron", neuron, f"expected a neuron 1..{widths[layer]}")
    pj = {"network": {"widths": widths, "activation": options["activation"]}, "loss": {"kind": "squared"}, "data": data.to_json()}
    try:
        prob = parse_problem(pj)
        params = parse_point(doc["point"], prob, "point")
    except FormatError as exc:
        raise InputError(path, exc.field, exc.value, exc.reason) from None
    from symcert.checker.api import kernel
    pre = kernel.forward(prob, params)[0]
    if kernel.kinks(prob, pre):
        raise HypothesisViolation(CLAIM_ID, "differentiable", "a hidden pre-activation lies on a breakpoint: the gradient is not defined")
    grad = kernel.gradient(prob, params)
    for name in prob.param_names():
        for i, v in enumerate(grad[name].entries()):
            if v != 0:
                raise HypothesisViolation(CLAIM_ID, "critical", f"{path} is not a critical point: d risk / d {name} (entry {i + 1}) = {fr(v)}")
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "neuron splitting gamma^r_lambda", "statement": STATEMENT,
             "instance": options.get("instance", f"user point {path}"),
             "construction": {"split": {"layer": layer, "neuron": neuron, "lambda": fr(lam)}}}
    return certify_split(pj, params, layer, neuron, lam, claim)


def _box(lam):
    from symcert.claims.petzka2021.contrast import thm5_box
    return thm5_box(lam)


CLAIM = Claim(CLAIM_ID, PAPER, "neuron splitting: a critical point becomes a line of critical points (minima inside [0, 1], saddles outside)",
              instances, certify_data,
              {"--point FILE": "JSON {point: {W1, b1, ...}, split: {layer, neuron, lambda}} (critical point to split)",
               "--activation": "piecewise-linear activation of the network (default relu)"})
