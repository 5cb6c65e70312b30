"""Saddles on a line of split critical points (untrusted generator for checker/split_box.py).

``certify_split(pj_merged, c0, layer, neuron, lam, lam_range)`` refines the merged network's float
point ``c0`` to a box holding one critical point p* (the Krawczyk route of provers/krawczyk.py),
picks the direction that moves the two copies of neuron ``neuron`` apart (incoming e, outgoing n:
the Theorem 9 direction of Petzka & Sminchisescu, whose curvature is
lambda (1 - lambda) e^T B e + 2 n^T D e), and writes a certificate about the split network's
point s_lam(c) whose checker re-derives everything. ``near_duplicates`` finds two neurons of a
trained network with (nearly) equal incoming weights, the usual cause of a singular Hessian.
"""
from __future__ import annotations

import numpy as np
from flint import arb, fmpq

from symcert import __version__, certificate
from symcert.checker.api import balls as B
from symcert.checker.api import krawczyk as K
from symcert.checker.api import check_document, parse_problem
from symcert.checker.api import split_box as SB
from symcert.exact.rationals import format_rational
from symcert.provers import krawczyk as PK
from symcert.provers import refine as R

PIECES = (1, 16, 64, 256, 1024)  # pieces of the lambda range tried, fewest first
STATEMENT = ("the merged network (one neuron fewer) has exactly one critical point p* in the box; for every lambda in the "
             "range the split point s_lambda(p*) is a critical point of the certificate's network, and a saddle")


def split_widths(widths, layer: int) -> list:
    out = list(widths)
    out[layer] += 1
    return out


def _split_net(merged, layer):
    return B.Net(tuple(split_widths(merged.widths, layer)), merged.name, merged.h, merged.X, merged.Y)


def _reduced(merged, c, layer, j, lam: fmpq, prec: int) -> np.ndarray:
    """The split Hessian at s_lam(c) on the directions d_lam(e, n) (float; rows e then n)."""
    net, table = _split_net(merged, layer), SB.coordinate_map(merged, layer, j)
    d0, d2 = merged.widths[layer - 1] + 1, merged.widths[layer + 1]
    with K.precision(prec):
        H = R.hessian(net, [arb(SB.apply(c[i], f, lam)) for i, f in table])
        Hf = np.array([[float(H[a, b].mid()) for b in range(H.ncols())] for a in range(H.nrows())])
        cols = []
        for q in range(d0 + d2):
            unit = [fmpq(int(q == k)) for k in range(d0 + d2)]
            cols.append([float(x.mid()) for x in SB.direction_balls(merged, layer, j, unit[:d0], unit[d0:], arb(lam))])
    M = np.array(cols).T
    return M.T @ Hf @ M


def direction(merged, c, layer, j, lams, prec) -> tuple | None:
    """(e, n, D) with e, n dyadic rationals whose float curvature is negative at every lambda of ``lams``
    (D: the e-n block, Thm 9's D^(r,s) in floats, rows s), or None. The reduced matrix is
    [[mu B, D^T], [D, 0]] (mu = lambda (1 - lambda)): with D != 0, e and n are D's top singular vectors,
    n scaled up until mu e^T B e + 2 t n^T D e < 0 at every lambda given; else (or if that fails) e is an
    eigenvector of B whose eigenvalue has the sign opposite to every mu, and n = 0 (Thm 5: B^r indefinite)."""
    d0 = merged.widths[layer - 1] + 1
    mats = [_reduced(merged, c, layer, j, lam, prec) for lam in lams]
    D = mats[0][d0:, :d0]
    ok = lambda v: all(v @ M @ v < -1e-9 * (1 + np.abs(M).max()) for M in mats)  # noqa: E731
    cands = []
    U, s, Vt = np.linalg.svd(D)
    if s[0] > 1e-12:
        e, n = Vt[0] / np.max(np.abs(Vt[0])), -U[:, 0] / np.max(np.abs(U[:, 0]))
        cands += [np.concatenate([e, t * n]) for t in (2.0 ** k for k in range(0, 40))]
    w, V = np.linalg.eigh(mats[0][:d0, :d0] + mats[-1][:d0, :d0])
    cands += [np.concatenate([V[:, i] / np.max(np.abs(V[:, i])), np.zeros(len(D))]) for i in (0, len(w) - 1)]
    q = lambda x: PK.dyadic(fmpq(*float(x).as_integer_ratio()), 40)  # noqa: E731
    for v in cands:
        if ok(v):
            return [q(x) for x in v[:d0]], [q(x) for x in v[d0:]], [[float(f"{x:.6g}") for x in row] for row in D]
    return None


def unsplit_float(theta: np.ndarray, widths: list, layer: int, a: int, b: int) -> tuple:
    """(merged float point, lambda estimate, sup distance): neuron b of ``layer`` removed, its outgoing
    weights added to neuron a's; lambda = share of b in the outgoing weights (least squares)."""
    Ws, off = [], 0
    for l in range(1, len(widths)):
        d0, d1 = widths[l - 1], widths[l]
        Ws.append([theta[off:off + d1 * d0].reshape(d1, d0).copy(), theta[off + d1 * d0:off + d1 * d0 + d1].copy()])
        off += d1 * (d0 + 1)
    W, bias = Ws[layer - 1]
    V = Ws[layer][0]
    va, vb = V[:, a], V[:, b]
    lam = float(vb @ (va + vb) / ((va + vb) @ (va + vb)))
    gap = max(np.max(np.abs(W[a] - W[b])), abs(bias[a] - bias[b]))
    V[:, a] = va + vb
    keep = [i for i in range(widths[layer]) if i != b]
    Ws[layer - 1] = [W[keep], bias[keep]]
    Ws[layer][0] = V[:, keep]
    return np.concatenate([np.concatenate([M.ravel(), v]) for M, v in Ws]), lam, gap


def near_duplicates(theta: np.ndarray, widths: list, tol: float = 1e-4) -> list:
    """(layer, a, b) for neurons a < b of a hidden layer whose incoming weights and bias differ by at
    most tol (sup norm, relative to 1 + their size), closest pairs first."""
    found, off = [], 0
    for l in range(1, len(widths) - 1):
        d0, d1 = widths[l - 1], widths[l]
        W, bias = theta[off:off + d1 * d0].reshape(d1, d0), theta[off + d1 * d0:off + d1 * d0 + d1]
        rows = np.hstack([W, bias[:, None]])
        for a in range(d1 - 1):  # one vectorised comparison of neuron a with every later neuron
            gaps = np.max(np.abs(rows[a + 1:] - rows[a]), axis=1) / (1 + np.max(np.abs(rows[a])))
            found += [(float(gaps[k]), l, a, a + 1 + int(k)) for k in np.flatnonzero(gaps <= tol)]
        off += d1 * (d0 + 1)
    return [f[1:] for f in sorted(found)]


def _lams(lo: fmpq, hi: fmpq) -> list:
    out = [lo, hi]
    return out + [fmpq(1, 2)] if lo < fmpq(1, 2) < hi else out


def certify_split(pj_merged: dict, c0: list, layer: int, j: int, lam: fmpq, lam_range=None, name="split",
                  claim: dict | None = None, construction: dict | None = None, max_distance=PK.MAX_DISTANCE) -> tuple:
    """(answer, certificate or None, message); answer "saddle", "minimum" (a local minimum on the line, by
    the Morse-Bott test at lambda), "no_direction" or "unknown". ``c0``: the merged float point (flat, exact
    rationals); j: the split neuron (0-based); the copy is appended as the last neuron of ``layer``."""
    prob = parse_problem(pj_merged)
    merged = B.Net(prob.widths, *B.activation(pj_merged["network"]["activation"], "problem.network.activation"), prob.X, prob.Y)
    found, why = PK.locate(merged, c0, max_distance)
    if found is None:
        return "unknown", None, f"the merged network: {why}"
    c, r, prec, out, dist, steps = found
    enc, pivot, _, r2 = out
    lo, hi = lam_range or (lam, lam)
    split_pj = dict(pj_merged, network=dict(pj_merged["network"], widths=split_widths(prob.widths, layer)))
    point = [SB.apply(c[i], f, lam) for i, f in SB.coordinate_map(merged, layer, j)]
    base = dict(layer=layer, neuron=j + 1, **{"lambda": format_rational(lam)})
    box = dict(base, radius=format_rational(r2), precision=prec)
    obs = [dict(id="merged_critical", kind="merged_krawczyk_box", radius=format_rational(r), precision=prec, **base,
                rests_on=[B.ARB(prec), K.KRAWCZYK, SB.SPLIT_MAP])]
    if pivot is None:
        obs.append(dict(id="merged_minimum", kind="merged_definite_box", rests_on=[B.ARB(prec), K.LDL], **box))
    probe = lambda ob: _holds(split_pj, point, obs + [ob], enc, prec)  # noqa: E731
    d = direction(merged, c, layer, j, _lams(lo, hi), prec)
    last = _saddle(d, lo, hi, box, prec, probe) if d is not None else None
    what = "a strict local minimum" if pivot is None else "a critical point"
    head = f"the merged network {list(prob.widths)} has {what} p* in a box of radius {float(r):.3g}"
    if last is not None:
        conclusion = "split_saddle_of_minimum_in_box" if pivot is None else "split_saddle_in_box"
        where = f"for every lambda in [{lo}, {hi}] ({last['pieces']} pieces)" if lo != hi else f"at lambda = {lo}"
        answer, msg = "saddle", f"{head}; {where} the split point s_lambda(p*) is a saddle"
    else:
        last = dict(id="split_minimum", kind="split_morse_bott_box", rests_on=[B.ARB(prec), SB.SPLIT_MAP, K.LDL, SB.MB_LEMMA], **box)
        if not probe(last):
            return "no_direction", None, _no_direction(pivot, layer, prob, d is None)
        conclusion, answer = "local_minimum_on_split_line_in_box", "minimum"
        msg = (f"{head}; the split point s_lambda(p*) at lambda = {lam} is a local minimum, not strict: the Hessian is PSD with kernel "
               f"the tangent of the line of split critical points (Morse-Bott)")
    info = dict(construction or {}, D_rs_float=d[2] if d else None, newton_steps=steps, merged_widths=list(prob.widths),
                merged_radius=format_rational(r), distance_from_given_point=format_rational(PK.dyadic(dist, 64, up=True)))
    doc = {"format": certificate.FORMAT, "version": 2, "generator": f"symcert {__version__}",
           "claim": {"statement": STATEMENT, **(claim or {"id": "split.box", "paper": "Petzka, Sminchisescu (JMLR 2021), Thm 9; "
                     "Krawczyk 1969", "theorem": "neuron splitting of a boxed critical point", "instance": name}),
                     "construction": info, "conclusion": conclusion},
           "problem": split_pj, "problem_sha256": certificate.digest(split_pj), "point": PK.point_json(parse_problem(split_pj), point),
           "loss": PK.bounds(enc, prec // 2), "obligations": obs + [last]}
    doc["rests_on"] = list(dict.fromkeys(x for ob in doc["obligations"] for x in ob["rests_on"]))
    return answer, doc, msg


def _saddle(d, lo, hi, box, prec, probe):
    """The split_negative_curvature_box obligation with the fewest pieces the checker accepts, or None."""
    for pieces in PIECES:
        ob = dict(id="split_saddle", kind="split_negative_curvature_box", lambda_range=[format_rational(lo), format_rational(hi)],
                  pieces=pieces, incoming=[format_rational(x) for x in d[0]], outgoing=[format_rational(x) for x in d[1]],
                  rests_on=[B.ARB(prec), SB.SPLIT_MAP, K.CURVATURE] + ([SB.SPLIT_DEGREE] if lo != hi else []), **box)
        if probe(ob):
            return ob
    return None


def _no_direction(pivot, layer, prob, none_found: bool) -> str:
    what = "a strict local minimum" if pivot is None else "one critical point"
    last = (f"; layer {layer} is the last hidden layer, where D^(r,s) = 0 at every critical point (one output, v != 0)"
            if layer == len(prob.widths) - 2 else "")
    return (f"the merged network has {what} in a box, but no direction that moves the two copies apart has a certified negative "
            f"curvature (D^(r,s) is 0 or too small){last}, and the Hessian off the line's tangent is not proved positive definite "
            "(Morse-Bott)" + ("" if none_found else "; a direction was tried over the whole lambda range"))


def _holds(split_pj, point, obs, enc, prec) -> bool:
    """Whether the trusted checker accepts these obligations (the last one decides the search)."""
    conclusion = "split_saddle_in_box" if obs[-1]["kind"] == "split_negative_curvature_box" else "local_minimum_on_split_line_in_box"
    doc = {"format": certificate.FORMAT, "version": 2, "generator": "probe",
           "claim": {"id": "probe", "conclusion": conclusion}, "problem": split_pj,
           "problem_sha256": certificate.digest(split_pj), "point": PK.point_json(parse_problem(split_pj), point),
           "loss": PK.bounds(enc, prec // 2), "obligations": [ob for ob in obs if ob["kind"] != "merged_definite_box"]}
    return check_document(doc, "probe", 60000).verdict.name == "CERTIFIED"




# ---- a seeded deep network at a local minimum (numpy; the float point only seeds Newton's method) ----

def levenberg_marquardt(widths, act: str, X, Y, theta, steps: int = 300):
    """Damped Newton steps on the float risk (finite-difference Hessian of the exact gradient
    formula), from ``theta``: the float point where the gradient stops decreasing."""
    h = PK.np_activation({"name": act})
    f = lambda t: PK.np_risk_grad(widths, h, X, Y, t)  # noqa: E731
    mu, (r, g), n = 1e-3, f(theta), len(theta)
    for _ in range(steps):
        H = np.zeros((n, n))
        for i in range(n):
            d = np.zeros(n)
            d[i] = 1e-6
            H[:, i] = (f(theta + d)[1] - f(theta - d)[1]) / 2e-6
        H = (H + H.T) / 2
        while mu <= 1e8:
            step = np.linalg.solve(H + mu * np.eye(n), -g)
            r2, g2 = f(theta + step)
            if r2 <= r:
                theta, r, g, mu = theta + step, r2, g2, max(mu / 3, 1e-12)
                break
            mu *= 4
        if mu > 1e8 or np.linalg.norm(g) < 1e-13:
            break
    return theta


def teacher_minimum(seed: int, widths: list, act: str, m: int, noise: float = 0.03, gd_steps: int = 3000, scale: float = 1.2):
    """(X, Y, float point): inputs on a 1/8 grid, labels a seeded teacher's outputs (weights N(0, scale^2))
    plus noise on a 1/64 grid, the student started next to the teacher, gradient descent, then Levenberg-Marquardt."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.uniform(-2, 2, (widths[0], m)) * 8) / 8
    teacher = np.concatenate([rng.normal(0, scale, widths[l] * (widths[l - 1] + 1)) for l in range(1, len(widths))])
    h = PK.np_activation({"name": act})
    Y = PK.np_risk_grad(widths, h, X, np.zeros((1, m)), teacher, outputs=True)
    Y = np.round((Y + noise * rng.normal(0, 1, (1, m))) * 64) / 64
    theta = teacher + rng.normal(0, 0.1, teacher.shape)
    for _ in range(gd_steps):
        theta = theta - 0.5 / m * PK.np_risk_grad(widths, h, X, Y, theta)[1]
    return X, Y, levenberg_marquardt(widths, act, X, Y, theta)


# ---- certify --model: a float point with two (nearly) duplicate neurons --------------------------

def _permute(flat: list, widths: list, layer: int, order: list) -> list:
    """The flat point with the neurons of hidden ``layer`` reordered (a symmetry of the risk)."""
    net = B.Net(tuple(widths), "", None, None, None)
    off, d0, d1 = net.offsets(), widths[layer - 1], widths[layer]
    out = list(flat)
    for new, old in enumerate(order):
        out[off[layer] + new * d0:off[layer] + (new + 1) * d0] = flat[off[layer] + old * d0:off[layer] + (old + 1) * d0]
        out[off[layer] + d1 * d0 + new] = flat[off[layer] + d1 * d0 + old]
        for s in range(widths[layer + 1]):
            out[off[layer + 1] + s * d1 + new] = flat[off[layer + 1] + s * d1 + old]
    return out


def certify_near_duplicate(pj: dict, flat: list, name: str, tol: float = 1e-4):
    """None when no two neurons of a hidden layer of the float point ``flat`` (exact values) have
    (nearly) equal incoming weights; else (answer, certificate or None, message) from the split route:
    the pair is merged, the merged point boxed, and the split line tested for negative curvature."""
    widths = list(pj["network"]["widths"])
    theta = np.array([float(x) for x in flat])
    pairs = near_duplicates(theta, widths, tol)
    if not pairs:
        return None
    layer, a, b = pairs[0]
    order = [i for i in range(widths[layer]) if i != b] + [b]
    perm = np.array([float(x) for x in _permute(flat, widths, layer, order)])
    merged_flat, lam_est, gap = unsplit_float(perm, widths, layer, a, widths[layer] - 1)
    lam = PK.dyadic(fmpq(*float(lam_est).as_integer_ratio()), 40)
    merged_pj = dict(pj, network=dict(pj["network"], widths=[w - (k == layer) for k, w in enumerate(widths)]))
    where = f"neurons {a + 1} and {b + 1} of hidden layer {layer} have incoming weights within {gap:.3g} (relative)"
    info = {"near_duplicate": where, "neuron_order": [i + 1 for i in order], "lambda_estimate": lam_est,
            "note": f"the certificate's layer {layer} lists the float network's neurons in the order neuron_order "
                    f"(a symmetry of the risk): neuron {b + 1} is the copy"}
    for rng in ((min(fmpq(0), lam), max(fmpq(1), lam)), (lam, lam)):
        ans, doc, msg = certify_split(merged_pj, [fmpq(*float(x).as_integer_ratio()) for x in merged_flat], layer, a, lam, rng,
                                      name=name, construction=info, max_distance=fmpq(1))
        if doc is not None:
            dist = max(abs(float(x) - y) for x, y in zip(_point_floats(doc, widths), perm))
            doc["claim"]["construction"]["distance_from_float_point"] = f"{dist:.3g}"
            return ans, doc, f"{where}: {msg}; the certificate's point is within {dist:.3g} of the float point"
        if ans == "unknown":  # the merged network itself was not boxed: no other range helps
            break
    return ans, None, f"{where}: {msg}"


def _point_floats(doc: dict, widths: list) -> list:
    """The certificate's point as floats in coordinate order."""
    from symcert.exact.rationals import parse_rational
    out = []
    for l in range(1, len(widths)):
        out += [float(parse_rational(x)) for row in doc["point"][f"W{l}"] for x in row]
        out += [float(parse_rational(x)) for x in doc["point"][f"b{l}"]]
    return out


def tanh_to_sigmoid(theta: np.ndarray, widths: list) -> np.ndarray:
    """The sigmoid network computing the same function as a tanh network (tanh(u) = 2 sigmoid(2u) - 1):
    layer 1 (W, b) -> (2W, 2b); a later hidden layer -> (4W, 2(b - W 1)); the output layer -> (2W, b - W 1).
    An invertible affine map of the parameters, so critical points, minima and saddles correspond."""
    out, off, L = [], 0, len(widths) - 1
    for l in range(1, L + 1):
        d0, d1 = widths[l - 1], widths[l]
        W, b = theta[off:off + d1 * d0].reshape(d1, d0), theta[off + d1 * d0:off + d1 * (d0 + 1)]
        off += d1 * (d0 + 1)
        if l == 1:
            W2, b2 = 2 * W, 2 * b
        elif l < L:
            W2, b2 = 4 * W, 2 * (b - W.sum(axis=1))
        else:
            W2, b2 = 2 * W, b - W.sum(axis=1)
        out += [W2.ravel(), b2]
    return np.concatenate(out)
