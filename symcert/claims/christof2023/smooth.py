"""Christof, Kowalczyk (Constr. Approx. 2023) with ELU and SELU: ``christof2023.thm-smooth``.

ELU and SELU are affine (slope 1, resp. the SELU scale s) for t > 0 and exponential for t < 0, so
the Christof-Kowalczyk construction applies: the worked instance (two hidden layers of width 2,
X = [0, 1, 2, 3], Y = [0, 1, 0, 1]) keeps every neuron on the affine piece at the local minimum,
whose loss is the rational least-squares value 2/5 (``affine_pieces``: the network is affine in
x over a certified box, and the normal equations bound the loss). The better point sends the
feature h(x - 1/2) through neuron 2; at x = 0 that feature is on the exponential side, so its
loss is transcendental and is decided with rigorous ball arithmetic.

Kept apart from :mod:`symcert.claims.christof2023.pl` (piecewise-linear activations, exact
rational kernel) because these certificates use the smooth problem format (exact-real
parameters, activation table of :mod:`symcert.checker.smooth`).
"""
from __future__ import annotations

from fractions import Fraction as F

import mpmath

from symcert.checker.api import check_document
from symcert.checker.api import Verdict
from symcert import certificate
from symcert.claims import constructions as C
from symcert.claims.base import Claim, Instance
from symcert.errors import ConstructionFailed

CLAIM_ID = "christof2023.thm-smooth"
PAPER = ("Christof, Kowalczyk, 'On the omnipresence of spurious local minima in certain neural network "
         "training problems', Constructive Approximation 2023, arXiv:2202.12262")
STATEMENT = ("With ELU or SELU (affine for t > 0, not affine overall), hidden widths >= 2 and a target not "
             "affine on the data, there is a spurious local minimum at the risk of the best affine fit.")
XS, YS = [0, 1, 2, 3], [0, 1, 0, 1]
SELU_ALPHA = F("1.6732632423543772848170429916717")
SELU_SCALE = F("1.0507009873554804934193349852946")
FIT = (F(1, 5), F(1, 5))  # least-squares affine fit y = x/5 + 1/5, loss 2/5
RADII = [F(1, 10), F(1, 20), F(1, 50), F(1, 100)]


def _h(name: str, t: float):
    s, a = (1, 1) if name == "elu" else (SELU_SCALE, SELU_ALPHA)
    t = mpmath.mpf(t)
    return s * t if t > 0 else s * a * (mpmath.exp(t) - 1)


def build(name: str) -> dict:
    act = C.smooth_activation("elu", alpha=1) if name == "elu" else C.smooth_activation("selu")
    s = F(1) if name == "elu" else SELU_SCALE
    pj = C.smooth_problem_json([1, 2, 2, 1], act, [[x] for x in XS], YS)
    point = {"W1": [[F(1, 5)], [0]], "b1": [F(6, 5), 1], "W2": [[1, 0], [0, 0]], "b2": [0, 1],
             "W3": [[1 / s**2, 0]], "b3": [-1]}
    # better point: feature v(x) = s h(x - 1/2) added with weight eps (untrusted choice of eps)
    mpmath.mp.dps = 40
    r = [FIT[0] * x + FIT[1] - y for x, y in zip(XS, YS)]
    v = [mpmath.mpf(s.numerator) / s.denominator * _h(name, x - 0.5) for x in XS]
    eps = -sum(mpmath.mpf(ri.numerator) / ri.denominator * vi for ri, vi in zip(r, v)) / sum(vi * vi for vi in v)
    eps = C.rationalize(eps, 8)
    better = {"W1": [[F(1, 5)], [1]], "b1": [F(6, 5), F(-1, 2)], "W2": [[1, 0], [0, 1]], "b2": [0, 1],
              "W3": [[1 / s**2, eps]], "b3": [-1 - eps * s]}
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem (omnipresence of spurious local minima)",
             "statement": STATEMENT, "conclusion": "spurious_local_minimum",
             "instance": f"worked data X = [0,1,2,3], Y = [0,1,0,1], widths (1, 2, 2, 1), {name.upper()}",
             "hypotheses": [{"id": "affine segment", "statement": f"{name} is affine with nonzero slope on (0, inf) and not affine",
                             "evidence": f"slope {C.real_text(s)} for t > 0, exponential for t < 0",
                             "check": {"kind": "affine_segment_not_affine"}},
                            {"id": "target not affine", "statement": "least-squares affine fit has loss > 0", "evidence": "l0 = 2/5",
                             "check": {"kind": "no_affine_fit"}}],
             "construction": {"affine_fit": "x/5 + 1/5", "feature": "h(x - 1/2) through neuron 2", "eps": C.real_text(eps)}}
    last = None
    for rad in RADII:
        obligations = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"},
                       {"id": "affine_pieces", "kind": "affine_pieces", "radius": C.real_text(rad),
                        "affine_fit": {"weights": [C.real_text(FIT[0])], "bias": C.real_text(FIT[1])}},
                       {"id": "strictly_lower", "kind": "smooth_strictly_lower"}]
        doc = certificate.document(claim, pj, point, F(2, 5), obligations, better)
        rep = check_document(doc)
        if rep.verdict is Verdict.CERTIFIED:
            return certificate.fill_ledgers(doc)
        last = rep.summary
    raise ConstructionFailed(f"{CLAIM_ID} {name}: {last}")


def instances() -> list:
    return [Instance(f"smooth-{n}-worked", (lambda n=n: build(n)), f"worked data, {n.upper()}, two hidden layers of width 2")
            for n in ("elu", "selu")]


CLAIM = Claim(CLAIM_ID, PAPER, "ELU / SELU: spurious local minimum at the best affine fit (rational), better point decided by arb",
              instances)
