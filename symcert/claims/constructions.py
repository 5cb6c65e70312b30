"""Construction helpers shared by several papers (untrusted side).

Three constructions, each used by more than one paper folder:

* best affine fit (he2020, christof2023): spurious local minima that output the best affine fit;
* smooth networks (yun2019.thm2, ding2022, petzka2021, christof2023.thm-smooth): smooth
  activations and problems (parameter text: ``real_text``; documents: ``certificate.document``);
* points on cell boundaries (he2020.kink, yun2018.test, ``certify --spec``): ``certify_point``
  decides local optimality with the kink engine (:mod:`symcert.provers.kinks`).

Best affine fit. The local minimum: a network of any depth whose first hidden layer forms the best affine fit
(under the problem's convex loss) on neurons that stay on one affine piece of the activation,
carried through the later layers on that piece (:mod:`symcert.provers.embed`). Inside its
cell the network is affine in x, so its risk cannot drop below the affine optimum: the
``affine_optimality`` obligation, whose multipliers certify that optimum exactly.

The better point: add eps times a feature h(w . x + b) that bends on the data, carried on a
spare neuron, and, when the loss has kinks at the fit (zero residuals under the absolute loss,
margins of exactly 1 under the hinge loss), tilt the affine part by eps times an affine map
cancelling the feature on those samples. The one-sided derivative of the risk in eps is then
sum_j g_j v_j for the multipliers g; a feature with sum_j g_j v_j != 0 and the sign of eps
against it lowers the risk for small eps. The generator tries eps = +-2^-k and keeps the best
exact risk.
"""
from __future__ import annotations

import copy
from fractions import Fraction

import mpmath
from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.certificate import point_json, real_text  # noqa: F401  (re-exported for the claim modules)
from symcert.checker.api import kernel, losses
from symcert.checker.api import CONVEX_LEMMA as LEMMA
from symcert.checker.api import RATIONAL
from symcert.checker.api import FormatError
from symcert.checker.api import parse_point
from symcert.checker.api import parse_problem
from symcert.errors import ConstructionFailed, HypothesisViolation, InputError
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.data import Dataset
from symcert.inputs.losses import loss_spec  # noqa: F401  (re-exported for the claim modules)
from symcert.provers import lp
from symcert.provers.affine import augmented
from symcert.provers.cells import interior_radius
from symcert.provers.convex_fit import ConvexFit, best_affine
from symcert.provers.embed import affine_channels, build, carrier_piece, kink_feature_candidates
from symcert.provers.kinks import decide


def loss_label(spec: dict) -> str:
    return f"huber{spec['delta'].replace('/', '_')}" if spec["kind"] == "huber" else spec["kind"]


def problem_json(data: Dataset, widths: list, act: dict, loss: dict) -> dict:
    # copies: a caller mutating the returned document must not change shared specs
    return {"network": {"widths": list(widths), "activation": copy.deepcopy(act)}, "loss": dict(loss), "data": data.to_json()}


def parse(pj: dict):
    """The checker's reading of a problem statement; a malformed one is a one-line InputError."""
    try:
        return parse_problem(pj)
    except FormatError as exc:
        raise InputError(None, exc.field, exc.value, exc.reason) from None


def matrices(data: Dataset) -> tuple[fmpq_mat, fmpq_mat]:
    X = fmpq_mat(data.m, data.dx, [v for row in data.inputs for v in row]).transpose()
    Y = fmpq_mat(data.m, data.dy, [v for row in data.targets for v in row]).transpose()
    return X, Y


def fit_for(prob, X, Y) -> ConvexFit:
    return best_affine(prob.loss, X, Y, prob.loss_delta)


def local_minimum(prob, act: dict, X, fit: ConvexFit, lam=None, shift=None, idle_bias=None, piece_index=None) -> dict:
    piece = carrier_piece(act, piece_index)
    layer1, coef, const = affine_channels(fit.weights, fit.bias, X, piece, lam, shift)
    return build(list(prob.widths), prob.act.value, piece, X, layer1, coef, const, idle_bias)


def _affine_cancelling(Xt: fmpq_mat, v: list, Z: list) -> list | None:
    """Coefficients c (length p) with c . x~_j = -v_j for j in Z, or None if inconsistent."""
    p = Xt.nrows()
    if not Z:
        return [fmpq(0)] * p
    rows = [[Xt[k, j] for k in range(p)] + [-v[j]] for j in Z]
    M = fmpq_mat(len(Z), p + 1, [x for r in rows for x in r])
    rref, rank = M.rref()
    c = [fmpq(0)] * p
    for i in range(rank):
        lead = next(k for k in range(p + 1) if rref[i, k] != 0)
        if lead == p:
            return None
        c[lead] = rref[i, p]
    return c


def _min_directional_derivative(kind: str, Xt: fmpq_mat, y: list, g: list, Z: list, v: list):
    """min over affine ell of the one-sided derivative at eps = 0+ of the risk along
    f + eps (v + ell): sum_{j not in Z} g_j w_j + sum_{j in Z} phi_j(w_j), w = v + ell, with
    phi_j(w) = |w| (absolute loss, zero residual) or max(0, -y_j w) (hinge, unit margin).
    An exact LP; returns (value, coefficients of ell)."""
    p, m = Xt.nrows(), Xt.ncols()
    nz = len(Z)
    rows, rhs = [], []
    nslack = 2 * nz if kind == "absolute" else nz
    # variables: ell+ (p), ell- (p), t (nz), slacks
    def row(cp, t_idx, slack_idx, coef_t=1):
        r = cp + [-a for a in cp] + [fmpq(0)] * nz + [fmpq(0)] * nslack
        r[2 * p + t_idx] = fmpq(coef_t)
        r[2 * p + nz + slack_idx] = fmpq(-1)
        return r
    for n, j in enumerate(Z):
        xj = [Xt[k, j] for k in range(p)]
        if kind == "absolute":  # t >= w and t >= -w
            rows.append(row([-a for a in xj], n, 2 * n)); rhs.append(v[j])
            rows.append(row(list(xj), n, 2 * n + 1)); rhs.append(-v[j])
        else:  # t >= -y w
            rows.append(row([y[j] * a for a in xj], n, n)); rhs.append(-y[j] * v[j])
    lin = [sum((g[j] * Xt[k, j] for j in range(m) if j not in Z), fmpq(0)) for k in range(p)]
    cost = lin + [-a for a in lin] + [fmpq(1)] * nz + [fmpq(0)] * nslack
    x, val = lp.solve(cost, rows, rhs)
    const = sum((g[j] * v[j] for j in range(m) if j not in Z), fmpq(0))
    return val + const, [x[k] - x[p + k] for k in range(p)]


def better_point(prob, act: dict, X, fit: ConvexFit, l0: fmpq, lam=None, piece_index=None, max_k: int = 40):
    """A point of strictly lower risk (see the module docstring), and a description of it."""
    piece = carrier_piece(act, piece_index)
    dx, m, dy = X.nrows(), X.ncols(), prob.widths[-1]
    if min(prob.widths[1:-1]) < dy + 1:
        raise HypothesisViolation("affine minima", "widths", f"hidden widths {list(prob.widths[1:-1])} must be at least dy + 1 = {dy + 1}")
    Xt = augmented(X)
    # work on the first output whose affine fit is not exact
    i0 = next((i for i in range(dy) if any(losses.value(prob.loss, prob.loss_delta, fit.fitted[i, j], prob.Y[i, j]) != 0 for j in range(m))), 0)
    g = [fit.multipliers[i0, j] for j in range(m)]
    Z = [j for j in range(m) if not losses.differentiable(prob.loss, prob.loss_delta, fit.fitted[i0, j], prob.Y[i0, j])]

    def search(w, b, c, fsign, sign):
        """Output f + eps (c . x~) + fsign eps h(w . x + b), eps = sign 2^-k: the best exact risk below l0."""
        best = None
        for k in range(max_k):
            eps = fmpq(sign, 2 ** k)
            Wf = fmpq_mat(dy, dx, [fit.weights[i, j] + (eps * c[j] if i == i0 else 0) for i in range(dy) for j in range(dx)])
            bf = fmpq_mat(dy, 1, [fit.bias[i, 0] + (eps * c[dx] if i == i0 else 0) for i in range(dy)])
            layer1, coef, const = affine_channels(Wf, bf, X, piece, lam)
            layer1.append((w, b))
            coef = [row + [fsign * eps if i == i0 else fmpq(0)] for i, row in enumerate(coef)]
            pt = build(list(prob.widths), prob.act.value, piece, X, layer1, coef, const)
            lb = kernel.risk(prob, pt)
            if lb < l0 and (best is None or lb < best[0]):
                best = (lb, pt, eps)
            elif best is not None:
                break
        return best

    def features():
        for w, b in kink_feature_candidates(act, X, piece_index):
            yield w, b, [prob.act.value(sum((w[k] * X[k, j] for k in range(dx)), b)) for j in range(m)]

    # first: cancel the feature on the kink samples; the rate is then sum_j g_j v_j
    for w, b, v in features():
        D = sum((gj * vj for gj, vj in zip(g, v)), fmpq(0))
        c = _affine_cancelling(Xt, v, Z) if D != 0 else None
        if c is None:
            continue
        best = search(w, b, c, 1, -1 if D > 0 else 1)
        if best is not None:
            info = {"feature_weights": [fr(t) for t in w], "feature_bias": fr(b), "eps": fr(best[2]),
                    "first_order_rate": fr(-abs(D)), "affine_tilt": [fr(t) for t in c]}
            return best[1], best[0], info
    # then, with loss kinks the cancellation cannot handle: the best affine tilt by an exact LP
    if Z and prob.loss in ("absolute", "hinge"):
        y = [prob.Y[i0, j] for j in range(m)]
        for w, b, v in features():
            for fsign in (1, -1):
                D, c = _min_directional_derivative(prob.loss, Xt, y, g, Z, [fsign * t for t in v])
                if not D < 0:
                    continue
                best = search(w, b, c, fsign, 1)
                if best is not None:
                    info = {"feature_weights": [fr(t) for t in w], "feature_bias": fr(b), "feature_sign": str(fsign),
                            "eps": fr(best[2]), "first_order_rate": fr(D), "affine_tilt": [fr(t) for t in c],
                            "tilt": "exact LP minimising the one-sided derivative"}
                    return best[1], best[0], info
    seen, dup = {}, None
    for j in range(m):
        key = tuple(X[k, j] for k in range(dx))
        if key in seen and prob.Y[0, seen[key]] != prob.Y[0, j]:
            dup = (seen[key] + 1, j + 1)
        seen.setdefault(key, j)
    hint = (f" (samples {dup[0]} and {dup[1]} have the same input and different targets: the affine fit may be globally optimal)"
            if dup else "")
    raise ConstructionFailed("no lowering feature found among the candidate kink features" + hint)


def obligations_for(prob, point: dict, fit: ConvexFit, r: fmpq, lower: bool = True) -> list:
    out = kernel.forward(prob, point)[2]
    obs = []
    if not kernel.loss_kinks(prob, out):
        obs.append({"id": "gradient_zero", "kind": "gradient_zero"})
    obs += [
        {"id": "interior_cell", "kind": "interior_cell", "radius": fr(r)},
        {"id": "affine_optimality", "kind": "affine_optimality", "radius": fr(r),
         "affine_fit": {"weights": certificate.mat_json(fit.weights), "bias": certificate.vec_json(fit.bias)},
         "multipliers": certificate.mat_json(fit.multipliers), "rests_on": [RATIONAL, LEMMA]},
    ]
    if lower:
        obs.append({"id": "strictly_lower", "kind": "strictly_lower"})
    return obs


def certify(claim: dict, data: Dataset, widths: list, act: dict, loss: dict, lam=None, shift=None,
            idle_bias=None, piece_index=None, point: dict | None = None, better: dict | None = None) -> dict:
    """Certificate of a spurious local minimum outputting the best affine fit. ``point`` and
    ``better`` (parameter dicts) override the generic constructions (the papers' worked
    instances); they are checked like everything else."""
    if loss.get("kind") in ("logistic", "cross_entropy", "pseudo_huber"):  # irrational: the layer-box route (claims/layer_box.py)
        raise HypothesisViolation(claim["id"], "exact loss", f"this construction is exact: the {loss['kind']} loss is not "
                                  "supported by it (the layer-box route takes it: he2020.thm1 and yun2019.thm4 for logistic and "
                                  "cross_entropy, christof2023.thm for logistic and pseudo_huber)")
    pj = problem_json(data, widths, act, loss)
    prob = parse(pj)
    X, Y = matrices(data)
    fit = fit_for(prob, X, Y)
    if fit.loss == 0:
        raise HypothesisViolation(claim["id"], "non-affine target", "an affine map fits the data with loss 0")
    if point is None:
        point = local_minimum(prob, act, X, fit, lam, shift, idle_bias, piece_index)
    loss = kernel.risk(prob, point)
    if loss != fit.loss:
        raise ConstructionFailed(f"{claim['id']}: the local minimum has risk {loss}, not the affine optimum {fit.loss}")
    r = interior_radius(prob, point)
    if r is None:
        raise ConstructionFailed(f"{claim['id']}: the point is not inside an open cell")
    if better is None:
        better, better_loss, info = better_point(prob, act, X, fit, loss, lam, piece_index)
    else:
        better_loss, info = kernel.risk(prob, better), {"given": "the paper's better point"}
    claim = dict(claim)
    claim["construction"] = dict(claim.get("construction", {}), affine_fit_loss=fr(fit.loss), better_point=info)
    return certificate.document(claim, pj, point, loss, obligations_for(prob, point, fit, r), better, better_loss)


# ---- smooth networks ----------------------------------------------------------------------


def require_piecewise_linear(claim_id: str, act: dict) -> dict:
    """NOT_APPLICABLE (exit 5) for a smooth activation given to a claim stated for piecewise-linear ones."""
    from symcert.errors import HypothesisViolation
    if act.get("kind") != "piecewise_linear":
        raise HypothesisViolation(claim_id, "piecewise-linear activation",
                                  f"{act.get('name')} is a smooth activation; {claim_id} is stated for piecewise-linear activations")
    return act


def smooth_activation(name: str, **params) -> dict:
    spec = {"kind": "smooth", "name": name}
    spec.update({k: real_text(v) for k, v in params.items()})
    return spec


def smooth_problem_json(widths, act: dict, inputs, targets) -> dict:
    return {
        "network": {"widths": list(widths), "activation": act},
        "loss": {"kind": "squared"},
        "data": {"inputs": [[real_text(v) for v in row] for row in inputs],
                 "targets": [[real_text(v) for v in (row if isinstance(row, (list, tuple)) else [row])] for row in targets]},
    }


def rationalize(x, digits: int = 30) -> Fraction:
    """A nearby rational of an mpmath number (untrusted: the checker decides what it gives)."""
    return Fraction(mpmath.nstr(x, digits, strip_zeros=False, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)).limit_denominator(10**digits)


# ---- points on cell boundaries ------------------------------------------------------------

def certify_point(pj: dict, pt: dict, claim: dict, radius_cap=fmpq(1), timeout_ms: int = 60000,
                  max_cells: int = 1 << 20, solver_free: bool = True) -> tuple[dict, object]:
    """Decide local optimality of ``pt`` and return (certificate, decision); raise
    ConstructionFailed (exit 3, UNKNOWN) naming the limit hit when neither side is proved."""
    try:
        prob = parse_problem(pj)
        point = parse_point(pt, prob, "point")
    except FormatError as exc:
        raise InputError(None, exc.field, exc.value, exc.reason) from None
    dec = decide(prob, point, fmpq(radius_cap), timeout_ms, max_cells, solver_free)
    loss = kernel.risk(prob, point)
    claim = dict(claim, construction=dict(claim.get("construction", {}), **_stats(dec)))
    if dec.status == "local_min":
        claim["conclusion"] = "local_minimum"
        return certificate.document(claim, pj, point, loss, dec.obligations), dec
    if dec.status == "descent":
        claim["conclusion"] = "not_local_minimum"
        obs = list(dec.obligations)
        lower = dec.lower_point
        if lower is not None:
            obs.append({"id": "strictly_lower", "kind": "strictly_lower"})
            return certificate.document(claim, pj, point, loss, obs, lower, kernel.risk(prob, lower)), dec
        return certificate.document(claim, pj, point, loss, obs), dec
    raise ConstructionFailed(f"local optimality undecided: {dec.reason}")


def _stats(dec) -> dict:
    s = dec.stats
    keys = ("kinks", "patterns", "pruned", "farkas", "cells", "z3_cells")
    out = {k: str(s[k]) for k in keys if k in s}
    if dec.radius is not None:
        out["radius"] = fr(dec.radius)
    return out


def text_problem_json(widths, act, xs, ys, loss=None) -> dict:
    row = lambda v: [str(c) for c in (v if isinstance(v, (list, tuple)) else [v])]  # noqa: E731
    return {"network": {"widths": list(widths), "activation": act}, "loss": loss or {"kind": "squared"},
            "data": {"inputs": [row(x) for x in xs], "targets": [row(y) for y in ys]}}
