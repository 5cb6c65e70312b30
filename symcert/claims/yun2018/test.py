"""Yun, Sra, Jadbabaie (ICLR 2019, "Efficiently testing local optimality and escaping saddles
for ReLU networks"): the exact local-optimality test at points on activation-cell boundaries.

Claim ``yun2018.test``. A point where some hidden pre-activation sits exactly on a breakpoint lies
where several activation cells meet and the risk is not differentiable. ``certify_point``
(:mod:`symcert.claims.constructions`) decides whether such a point is a local minimum
(certificate: ``cell_cover``, conclusion ``local_minimum``) or not (certificate:
``descent_curve`` plus an exact lower point, conclusion ``not_local_minimum``), see
docs/kinks.md. The instances are constructed boundary points: genuine local minima (certified
cell by cell) and saddles (refuted by descent curves). ``symcert certify --spec`` runs the same
test on a user's point.
"""
from __future__ import annotations

from flint import fmpq

from symcert.claims.base import Claim, Instance
from symcert.claims.constructions import certify_point, text_problem_json
from symcert.inputs.activations import leaky_relu, relu

YUN2018 = ("Yun, Sra, Jadbabaie, 'Efficiently testing local optimality and escaping saddles for ReLU networks', "
           "ICLR 2019")
TEST_STATEMENT = ("Exact test of local optimality at a point of the risk, including points where hidden "
                  "pre-activations sit on breakpoints: every activation cell meeting the point is listed "
                  "(empty ones pruned by Farkas certificates) and shown to hold no lower point within a box, "
                  "or a descent curve is exhibited.")
HE_X, HE_Y = ["-1", "0", "1"], ["1", "0", "1"]  # the he2020 worked data


def claim_json(instance: str, construction: dict) -> dict:
    return {"id": "yun2018.test", "paper": YUN2018, "theorem": "local optimality test at nondifferentiable points",
            "statement": TEST_STATEMENT, "instance": instance, "construction": construction}


def boundary_min(act, extra: int = 1) -> tuple[dict, dict]:
    """he2020 data plus ``extra`` samples (x = 2, 3, ...) lying on the affine fit 2/3; one hidden neuron
    per extra sample has its kink exactly there (zero outgoing weight). A local minimum: every cell's
    nonzero-residual samples share one pattern column."""
    xs = HE_X + [str(2 + t) for t in range(extra)]
    ys = HE_Y + ["2/3"] * extra
    width = 1 + extra
    pt = {"W1": [["0"]] + [["1"]] * extra, "b1": ["1"] + [str(-2 - t) for t in range(extra)],
          "W2": [["1"] + ["0"] * extra], "b2": ["-1/3"]}
    return text_problem_json([1, width, 1], act, xs, ys), pt


def collinear_min(k: int, act) -> tuple[dict, dict]:
    """yun2019 case-2 data (fit: the constant 1/2) plus k samples (t, 2), t = 1..k, on the fit; the second
    neuron computes x2 - 2, on its kink on all k of them (Farkas certificates prune most sign patterns)."""
    xs = [["1", "0"], ["-1", "0"], ["0", "1"], ["0", "-1"]] + [[str(t), "2"] for t in range(1, k + 1)]
    ys = ["1", "1", "0", "0"] + ["1/2"] * k
    pt = {"W1": [["0", "0"], ["0", "1"]], "b1": ["1", "-2"], "W2": [["1", "0"]], "b2": ["-1/2"]}
    return text_problem_json([2, 2, 1], act, xs, ys), pt


def collinear_saddle(act) -> tuple[dict, dict]:
    """As collinear_min with k = 4, but the kinked samples' residuals are (1, -1, -1, 1)/4: orthogonal to
    (x, 1), so the fit (and criticality inside each cell) is unchanged, yet a saddle."""
    pj, pt = collinear_min(4, act)
    pj["data"]["targets"] = [["1"], ["1"], ["0"], ["0"], ["3/4"], ["1/4"], ["1/4"], ["3/4"]]
    return pj, pt


def parked_saddle(act) -> tuple[dict, dict]:
    """yun2019 worked local minimum (X = 0..3, Y = 0,1,0,1) with a third neuron parked at zero (zero
    incoming weight, bias and outgoing weight): on its kink on every sample; a second-order saddle."""
    pj = text_problem_json([1, 3, 1], act, ["0", "1", "2", "3"], ["0", "1", "0", "1"])
    pt = {"W1": [["1/5"], ["0"], ["0"]], "b1": ["6/5", "1", "0"], "W2": [["1", "0", "0"]], "b2": ["-1"]}
    return pj, pt


def abs_global_min() -> tuple[dict, dict]:
    """Two hidden layers computing |x| = relu(relu(x) + relu(-x)) on X = (-1, 0, 1), Y = (1, 0, 1):
    loss 0, with kinks at x = 0 in both layers (no affine structure: every cell goes to z3)."""
    pj = text_problem_json([1, 2, 1, 1], relu(), HE_X, HE_Y)
    pt = {"W1": [["1"], ["-1"]], "b1": ["0", "0"], "W2": [["1", "1"]], "b2": ["0"], "W3": [["1"]], "b3": ["0"]}
    return pj, pt


def deep_valley_end() -> tuple[dict, dict]:
    """he2020's two-hidden-layer version of the valley end: the kinked neuron feeds a second layer whose
    first neuron is then on its kink too. Not a local minimum."""
    pj = text_problem_json([1, 2, 2, 1], relu(), HE_X, HE_Y)
    pt = {"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"], ["0", "1"]], "b2": ["0", "0"],
          "W3": [["1", "0"]], "b3": ["2/3"]}
    return pj, pt


def kinked_loss_min(kind: str) -> tuple[dict, dict]:
    """he2020 inputs plus x = 2; the point outputs the constant 1, optimal among affine maps for the
    absolute loss on Y = (1, 0, 1, 1) (residuals (0, -1, 0, 0)) and for the hinge loss on
    Y = (1, -1, 1, 1) (margins (0, 2, 0, 0)): the loss is on its own kink at three samples, and
    neuron 2 = relu(x - 2) (outgoing weight 0) on its activation kink at x = 2. A local minimum."""
    ys = {"absolute": ["1", "0", "1", "1"], "hinge": ["1", "-1", "1", "1"]}[kind]
    pj = text_problem_json([1, 2, 1], relu(), HE_X + ["2"], ys, {"kind": kind})
    pt = {"W1": [["0"], ["1"]], "b1": ["1", "-2"], "W2": [["1", "0"]], "b2": ["0"]}
    return pj, pt


def absolute_valley_end() -> tuple[dict, dict]:
    """he2020's valley end under the absolute loss with output 0: neuron 1 on its kink on every sample
    and the residual at x = 0 exactly 0 (a loss kink). Not a local minimum."""
    pj = text_problem_json([1, 2, 1], relu(), HE_X, HE_Y, {"kind": "absolute"})
    pt = {"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["0"]}
    return pj, pt


def _test_instance(build, label: str, **kw):
    pj, pt = build()
    doc, _ = certify_point(pj, pt, claim_json(label, {}), **kw)
    return doc


def instances() -> list:
    leaky = leaky_relu(fmpq(1, 2))
    rows = [
        ("boundary-min-relu", lambda: boundary_min(relu()), "he2020 data + (2, 2/3), a ReLU neuron on its kink at x = 2: local minimum"),
        ("boundary-min-leaky-3", lambda: boundary_min(leaky, 3), "he2020 data + 3 samples on the fit, 3 leaky neurons on kinks: local minimum"),
        ("collinear-min-k6", lambda: collinear_min(6, relu()), "dx = 2, one neuron on its kink on 6 collinear samples: local minimum (Farkas pruning)"),
        ("collinear-saddle-k4", lambda: collinear_saddle(relu()), "dx = 2, 4 collinear kinked samples with nonzero residuals: saddle"),
        ("parked-saddle-relu", lambda: parked_saddle(relu()), "yun2019 local minimum + a parked zero neuron: second-order saddle"),
        ("parked-saddle-leaky", lambda: parked_saddle(leaky), "the same with leaky ReLU 1/2: saddle"),
        ("deep-abs-global-min", abs_global_min, "two hidden layers, kinks in both layers, loss 0: local minimum (z3 per cell)"),
        ("deep-valley-end", deep_valley_end, "two-hidden-layer valley end (kinks in both layers): not a local minimum"),
        ("absolute-boundary-min", lambda: kinked_loss_min("absolute"),
         "absolute loss, residual exactly 0 on three samples, a ReLU neuron on its kink at x = 2: local minimum (z3 per cell)"),
        ("hinge-boundary-min", lambda: kinked_loss_min("hinge"),
         "hinge loss, margin exactly 1 on three samples, a ReLU neuron on its kink at x = 2: local minimum (z3 per cell)"),
        ("absolute-valley-end", absolute_valley_end,
         "absolute loss, valley end with output 0 (residual exactly 0 at x = 0): not a local minimum"),
    ]
    return [Instance(name, lambda b=b, d=d: _test_instance(b, d), d) for name, b, d in rows]


CLAIM = Claim("yun2018.test", YUN2018, "exact local-optimality test at points on activation-cell boundaries "
              "(use `symcert certify --spec FILE` on your own point)", instances)
