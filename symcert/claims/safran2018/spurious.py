"""Safran, Shamir (ICML 2018): spurious local minima of the population risk, ``safran2018``.

A float endpoint (stored as exact binary floats, float.hex) becomes a certificate without any
float arithmetic: the centre is the endpoint's exact binary value, and every choice (box
radius, eigenvalue shift, loss enclosure) is made with the checker's own arb evaluation at a
fixed precision, so regeneration is byte-identical on any CPU and BLAS. Conclusions:

* ``spurious_local_minimum_in_box``: Krawczyk box with one critical point, positive definite
  Hessian on the box (with the largest two-digit shift that the interval LDL^T proves), and a
  risk enclosure above 0, the teacher's risk;
* ``saddle_in_box``: Krawczyk box and a direction of negative curvature;
* ``global_minimum``: the endpoint is within 1e-4 of the teacher (up to the order of neurons);
  the certificate is about the teacher point itself (risk exactly 0);
* otherwise no certificate: UNKNOWN with the reason.
"""
from __future__ import annotations

import json
import math
from fractions import Fraction

from flint import arb, arb_mat, fmpq

from symcert import __version__
from symcert.certificate import digest
from symcert.checker.api import population as POP
from symcert.checker.api import population_obligations as PO
from symcert.exact.rationals import format_rational

CLAIM_ID = "safran2018"
PAPER = ("Safran, Shamir, 'Spurious local minima are common in two-layer ReLU neural networks', "
         "ICML 2018, arXiv:1712.08968")
STATEMENT = ("For x ~ N(0, I_n), teacher sum_j relu(e_j . x) and student sum_i relu(w_i . x) with k = n "
             "between 6 and 20, the population risk has spurious local minima (F > 0 = the teacher's risk).")
PREC = 128
RADII = [fmpq(1, 10**e) for e in (9, 8, 10, 7, 11, 6, 12)]
DIGITS = 25  # significant digits of the loss enclosure's ends


def problem_json(k: int, n: int) -> dict:
    return {"class": "population", "k": k, "n": n, "teacher": "orthonormal", "input": "standard_gaussian",
            "loss": {"kind": "squared"}}


# ---- endpoint files -----------------------------------------------------------------------------

def endpoint_json(W, k: int, n: int, seed: int, how: str) -> dict:
    return {"format": "symcert-safran2018-endpoint", "k": k, "n": n, "seed": seed, "found_by": how,
            "W": [[float(x).hex() for x in row] for row in W]}


def read_endpoint(path: str) -> dict:
    """An endpoint file: k, n, seed and W as exact rationals (hex floats read exactly)."""
    from symcert.errors import InputError
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        k, n, seed, rows = doc["k"], doc["n"], doc["seed"], doc["W"]
        if not (isinstance(k, int) and isinstance(n, int) and len(rows) == k and all(len(r) == n for r in rows)):
            raise ValueError("k rows of n hex floats expected")
        W = [[fmpq(*Fraction(float.fromhex(x)).as_integer_ratio()) for x in row] for row in rows]
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise InputError(path, None, None, f"not a safran2018 endpoint file: {exc}") from None
    return {"k": k, "n": n, "seed": seed, "W": W, "found_by": doc.get("found_by", "")}


# ---- choices made with the checker's arb evaluation ------------------------------------------------

def _round(x: arb, up: bool) -> fmpq:
    """A rational with DIGITS significant digits below (up=False) or above x."""
    v = x.upper() if up else x.lower()
    m, e = v.man_exp()
    q = fmpq(int(m)) * (fmpq(2) ** int(e) if e >= 0 else fmpq(1, 2 ** int(-e)))
    if q == 0:
        return q
    scale = fmpq(10) ** (DIGITS - 1 - math.floor(math.log10(abs(float(q)))))
    t = q * scale
    return fmpq(t.ceil() if up else t.floor()) / scale


class Ctx:
    """A population context built by the generator (same evaluation as the checker's)."""

    def __init__(self, k, n, centre):
        self.prob = POP.problem(problem_json(k, n))
        self.point = [c for row in centre for c in row]
        self.ev = POP.Evaluator(self.prob)
        self.cache = {}


def krawczyk(ctx: Ctx, r: fmpq):
    """(risk enclosure at the critical point, K(B) - c) or None when the box does not contract."""
    with PO.precision(PREC):
        try:
            H = PO._hessian_box(ctx, r, PREC)
            c = [arb(x) for x in ctx.point]
            g, Fc = ctx.ev.gradient(c), ctx.ev.risk(c)
        except POP.Degenerate:
            return None
        K = PO.krawczyk_image(H, g, r)
        if K is None or not all(v < arb(r) and v > -arb(r) for v in K):
            return None
        Hu = H * arb_mat(len(K), 1, K)
        return Fc - sum((K[i] * Hu[i, 0] for i in range(len(K))), arb(0)) / 2, K


def definite_shift(ctx: Ctx, r: fmpq):
    """The largest shift s = m 10^-e (m = 10..99, e = 1..12) that population_hessian_pd proves
    (by bisection, decade first); None if it does not prove shift 0."""
    def pd(s):
        with PO.precision(PREC):
            return PO.positive_definite(PO.weyl_shifted(PO._hessian_box(ctx, r, PREC), s)) is None
    if not pd(fmpq(0)):
        return None
    for e in range(1, 13):
        if pd(fmpq(10, 10 ** (e + 1))):
            lo, hi = 10, 100  # pd(lo 10^-(e+1)) holds; the answer is below hi 10^-(e+1)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if pd(fmpq(mid, 10 ** (e + 1))) else (lo, mid)
            return fmpq(lo, 10 ** (e + 1))
    return fmpq(0)


def eigen_upper(ctx: Ctx, r: fmpq, shift: fmpq) -> arb:
    """An upper bound on the smallest Hessian eigenvalue at the critical point (not checked by the
    checker; reported in the docs): a Rayleigh quotient v^T H(B) v / v^T v, with v from inverse
    iteration on mid H (flint, deterministic) from a fixed pseudo-random start."""
    with PO.precision(PREC):
        H = PO._hessian_box(ctx, r, PREC)
    with PO.precision(64):  # the vector needs no accuracy: any v gives an upper bound
        M = arb_mat(H.mid().tolist())
        d = M.nrows()
        for i in range(d):
            M[i, i] -= arb(shift)
        v = arb_mat(d, 1, [((i * 7919) % 101) - 50 for i in range(d)])
        for _ in range(8):
            v = M.solve(v).mid()
            norm = max(abs(v[i, 0]).upper() for i in range(d))
            v = arb_mat([[v[i, 0] / norm] for i in range(d)]).mid()
    with PO.precision(PREC):
        return (v.transpose() * (H * v))[0, 0] / (v.transpose() * v)[0, 0]


# ---- documents ------------------------------------------------------------------------------------

def _claim(conclusion: str, instance: str, construction: dict) -> dict:
    return {"id": CLAIM_ID, "paper": PAPER, "statement": STATEMENT, "instance": instance, "conclusion": conclusion,
            "construction": construction,
            "hypotheses": [{"id": "squared", "statement": "the squared loss", "evidence": "problem.loss",
                            "check": {"kind": "loss_is", "loss": "squared"}}]}


def _doc(k, n, claim, point_rows, loss, obligations) -> dict:
    prob = problem_json(k, n)
    doc = {"format": "symcert-certificate", "version": 2, "generator": f"symcert {__version__}", "claim": claim,
           "problem": prob, "problem_sha256": digest(prob), "point": {"W": point_rows},
           "loss": [format_rational(loss[0]), format_rational(loss[1])], "obligations": obligations}
    return doc


def _rows(W) -> list:
    return [[format_rational(x) for x in row] for row in W]


def teacher_certificate(k, n, perm, instance, construction) -> dict:
    rows = [[fmpq(int(i == j)) for j in range(n)] for i in range(k)]
    W = [None] * k
    for j, i in enumerate(perm):
        W[i] = rows[j]
    claim = _claim("global_minimum", instance, construction)
    return _doc(k, n, claim, _rows(W), (fmpq(0), fmpq(0)), [{"id": "teacher", "kind": "population_teacher"}])


def box_certificate(k, n, W, instance, construction, direction=None):
    """(document, why) for a minimum (direction None) or a saddle (direction: k x n rationals);
    document None with the reason when no radius of RADII gives a certificate."""
    ctx = Ctx(k, n, W)
    for r in RADII:
        res = krawczyk(ctx, r)
        if res is not None:
            break
    else:
        return None, "no Krawczyk box (radius 1e-12 to 1e-6) contracts around the endpoint"
    enc, K = res
    with PO.precision(PREC):  # the ends of the ball at full precision
        lo, hi = _round(enc, False), _round(enc, True)
    box = [{"id": "critical", "kind": "population_krawczyk", "radius": format_rational(r), "precision": PREC}]
    if direction is not None:
        box.append({"id": "saddle", "kind": "population_negative_curvature", "radius": format_rational(r),
                    "precision": PREC, "direction": {"W": _rows(direction)}})
        return _doc(k, n, _claim("saddle_in_box", instance, construction), _rows(W), (lo, hi), box), ""
    shift = definite_shift(ctx, r)
    if shift is None:
        return None, f"the interval LDL^T of H(B) on the box of radius {r} does not prove it positive definite"
    up = eigen_upper(ctx, r, shift)
    with PO.precision(PREC):
        up = _round(up, True)
    construction = dict(construction, smallest_eigenvalue_upper=format_rational(up))
    box.append({"id": "definite", "kind": "population_hessian_pd", "radius": format_rational(r), "precision": PREC,
                "shift": format_rational(shift)})
    box.append({"id": "spurious", "kind": "population_above_global", "precision": PREC})
    if not lo > 0:
        return None, f"the risk enclosure [{lo}, {hi}] does not exclude 0"
    return _doc(k, n, _claim("spurious_local_minimum_in_box", instance, construction), _rows(W), (lo, hi), box), ""
