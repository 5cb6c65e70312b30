"""Build the corpus of bad certificates: tests/corpus/<EXPECTED VERDICT>/<name>.json + <name>.why.

Every file is a certificate of proofs/ changed by one mutation (the problem digest recomputed
when the problem changes, and the claimed loss recomputed when the point changes, so that the
mutation itself is what the checker must catch), or a hostile input aimed at a resource bound.
There is at least one per obligation kind and one per conclusion of the checker's registry.

    python tests/corpus/make_corpus.py        # rewrites tests/corpus/{REJECTED,INVALID,UNKNOWN}/
"""
from __future__ import annotations

import copy
from fractions import Fraction
import hashlib
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROOFS = os.path.join(ROOT, "proofs")
VERDICTS = ("REJECTED", "INVALID", "UNKNOWN")

PL = "he2020/kink-valley-end-relu.json"  # a small piecewise-linear certificate (descent_curve, strictly_lower)
SMOOTH = "ding2022/thm-saddle-refuted.json"  # a small smooth one (smooth_gradient_zero, smooth_descent)
BASE = {  # obligation kind -> the smallest certificate of proofs/ that has it
    "gradient_zero": "petzka2021/split-relu-yun-lambda-3.json", "interior_cell": "yun2019/thm2-relu.json",
    "affine_reduction": "yun2019/thm2-relu.json", "smt_cell_minimum": "yun2019/thm1-case1-relu.json",
    "strictly_lower": PL, "descent_curve": PL, "cell_cover": "yun2018/deep-abs-global-min.json",
    "smooth_gradient_zero": SMOOTH, "convexity_bound": "ding2022/thm-deeper.json",
    "affine_pieces": "christof2023/smooth-elu-worked.json", "morse_bott": "ding2022/thm-generic-1d-n3.json",
    "smooth_strictly_lower": "christof2023/smooth-elu-worked.json", "smooth_descent": SMOOTH,
    "paper_conditions": "yun2019/thm2-arctan-paper-form.json", "affine_optimality": "he2020/thm1-worked-d2-relu-absolute.json",
    "cell_multilinear": "he2020/thm2-worked-local-min-relu.json", "valley_path": "he2020/valley-worked-relu-absolute.json",
    "linear_global_minimum": "yun2019/thm4-depth2-global.json", "ascent_curve": "yun2019/thm4-depth2-saddle-zero.json",
    "neuron_split": "petzka2021/split-relu-yun-lambda-3.json", "split_local_minimum": "petzka2021/split-tanh-lambda-1-3.json",
    "escape_path": "petzka2021/escape-tanh.json",
}
PL_KINDS = ("gradient_zero", "interior_cell", "affine_reduction", "smt_cell_minimum", "strictly_lower", "descent_curve",
            "cell_cover", "cell_multilinear", "affine_optimality")
SMOOTH_KINDS = ("smooth_gradient_zero", "convexity_bound", "affine_pieces", "morse_bott", "smooth_strictly_lower",
                "smooth_descent", "paper_conditions", "hessian_pd")


def load(rel: str) -> dict:
    with open(os.path.join(PROOFS, rel), encoding="utf-8") as fh:
        return json.load(fh)


def digest(problem) -> str:
    text = json.dumps(problem, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def redigest(doc: dict) -> dict:
    if "problem_sha256" in doc:
        doc["problem_sha256"] = digest(doc["problem"])
    return doc


def pl_risk(doc: dict) -> str:
    """The exact risk at the certificate's point (piecewise-linear problems), as text."""
    from symcert.checker import kernel
    from symcert.checker import reading as P
    from symcert.exact.rationals import format_rational
    prob = P.problem(doc["problem"])
    return format_rational(kernel.loss_value(prob, kernel.forward(prob, P.point(doc["point"], prob, "point"))[2]))


def first_number_path(obj, skip=("rests_on", "id", "kind")):
    """Path (list of keys) of the first string in ``obj`` that is a nonzero rational."""
    from symcert.exact.rationals import RationalSyntaxError, parse_rational
    items = sorted(obj.items()) if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in items:
        if key in skip:
            continue
        if isinstance(value, str):
            try:
                if parse_rational(value) != 0:
                    return [key]
            except RationalSyntaxError:
                pass
        sub = first_number_path(value, skip)
        if sub is not None:
            return [key] + sub
    return None


def at(obj, path):
    for key in path[:-1]:
        obj = obj[key]
    return obj, path[-1]


def obligation(doc: dict, kind: str) -> dict:
    return next(o for o in doc["obligations"] if o["kind"] == kind)


# ---- mutations: each returns (document or raw text, why) ------------------------------------------

def numeric(kind: str):
    """The first nonzero number of the obligation, plus one: its exact identity must break."""
    doc = load(BASE[kind])
    ob = obligation(doc, kind)
    path = first_number_path(ob)
    holder, key = at(ob, path)
    from symcert.exact.rationals import format_rational, parse_rational
    old = holder[key]
    holder[key] = format_rational(parse_rational(old) + 1)
    return doc, f"{kind}: field {'.'.join(map(str, path))} changed from {old} to {holder[key]}"


def float_field(kind: str):
    """The first nonzero number of the obligation written as a JSON float: not exact."""
    doc = load(BASE[kind])
    ob = obligation(doc, kind)
    path = first_number_path(ob)
    holder, key = at(ob, path)
    holder[key] = 0.5
    return doc, f"{kind}: field {'.'.join(map(str, path))} is the JSON float 0.5 (floats are not exact)"


def wrong_class(kind: str):
    """A piecewise-linear kind in a smooth certificate, or the other way round."""
    doc = load(SMOOTH if kind in PL_KINDS else PL)
    doc["obligations"].insert(0, {"id": "x", "kind": kind, "radius": "1/1000"})
    doc.pop("rests_on", None)
    other = "smooth" if kind in PL_KINDS else "piecewise_linear"
    return doc, f"obligation kind {kind} on a {other} problem: it does not apply to that class"


def relabel(conclusion: str):
    """A conclusion whose facts the certificate's obligations do not establish."""
    rel = "yun2019/thm2-relu.json" if conclusion == "not_local_minimum" else PL
    doc = load(rel)
    if doc["claim"]["conclusion"] == conclusion:
        raise AssertionError(conclusion)
    doc["claim"]["conclusion"] = conclusion
    return doc, f"a {load(rel)['claim']['conclusion']} certificate relabelled {conclusion}: its facts are not established"


def dropped(kind: str, rel: str):
    doc = load(rel)
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != kind]
    doc.pop("rests_on", None)
    return doc, f"obligation {kind} removed: a fact the conclusion needs is missing"


def smooth_risk(doc: dict) -> str:
    """The exact risk at a smooth certificate's point, as text (it must be rational)."""
    from symcert.checker import reading as P
    from symcert.checker.smooth_obligations import SmoothContext
    from symcert.exact.rationals import format_rational
    prob = P.problem(doc["problem"])
    risk = SmoothContext(prob, P.point(doc["point"], prob, "point"), None, None).risk
    return format_rational(risk)


def specific(kind: str):
    """A mutation aimed at ``kind`` where adding 1 to its first number keeps it true (or it has none)."""
    doc = load(BASE.get(kind, SMOOTH))
    ob = obligation(doc, kind) if kind in BASE else None
    if kind == "gradient_zero":
        doc["point"]["W2"][0][0] = "2"
        doc["loss"] = pl_risk(doc)
        return doc, "gradient_zero: W2[1,1] moved from 1 to 2 (loss recomputed): the gradient there is not zero"
    if kind in ("strictly_lower", "smooth_strictly_lower"):
        doc["better_point"], doc["better_loss"] = copy.deepcopy(doc["point"]), doc["loss"]
        return doc, f"{kind}: better_point is the point itself, so its risk is not lower"
    if kind in ("descent_curve", "ascent_curve"):
        ob["direction"] = {n: [[("0" if isinstance(v, str) else v) for v in row] if isinstance(row, list) else "0" for row in M]
                           for n, M in ob["direction"].items()}
        return doc, f"{kind}: the direction is zero, so the risk is constant along the curve"
    if kind == "smooth_descent":
        doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "smooth_gradient_zero"]
        doc.pop("rests_on", None)
        return doc, "smooth_descent without smooth_gradient_zero before it: second-order descent needs a critical point"
    if kind == "smooth_gradient_zero":
        doc["problem"]["data"]["targets"][0] = ["7"]
        redigest(doc)
        doc["loss"] = smooth_risk(doc)
        return doc, "smooth_gradient_zero: target 1 changed to 7 (digest and loss recomputed): the point is no longer critical"
    if kind == "morse_bott":
        ob["free"] = ob["free"][:-1]
        return doc, "morse_bott: one tangent direction of the critical manifold left out, so the Hessian's kernel is larger"
    if kind == "paper_conditions":
        doc["problem"]["data"]["targets"][2] = ["2"]
        redigest(doc)
        doc["obligations"] = [ob]
        doc.pop("rests_on", None)
        doc["loss"] = smooth_risk(doc)
        return doc, "paper_conditions on data that are not the paper's (target 3 changed to 2, digest and loss recomputed)"
    if kind == "hessian_pd":
        doc["obligations"].insert(1, {"id": "hessian_pd", "kind": "hessian_pd"})
        doc.pop("rests_on", None)
        return doc, "hessian_pd at a saddle point: the Hessian is not positive definite"
    if kind == "cell_multilinear":
        doc["point"]["W1"] = [["0"] * len(r) for r in doc["point"]["W1"]]
        doc["point"]["b1"] = ["0"] * len(doc["point"]["b1"])
        doc["loss"] = pl_risk(doc)
        return doc, "cell_multilinear at a point whose pre-activations all sit on the ReLU breakpoint (loss recomputed)"
    if kind == "split_local_minimum":
        ob["neuron"] = 2
        return doc, "split_local_minimum names neuron 2, which is not the split neuron"
    if kind == "escape_path":
        ob["segments"][0]["to"] = "-3"
        return doc, "escape_path: the split line runs to lambda = -3, where the risk is not the same"
    raise KeyError(kind)


# ---- hostile inputs aimed at the resource bounds ------------------------------------------------

def hostile() -> list:
    """(verdict, name, document or raw JSON text, why) of inputs aimed at symcert.exact.limits."""
    out = []
    doc = load(PL)
    doc["loss"] = "1" * 5000
    out.append(("REJECTED", "digits-5000-loss", doc, "a claimed loss of 5,000 digits (beyond Python's int/str limit): read exactly, and wrong"))
    doc = load(PL)
    doc["loss"] = "1" * 100_001
    out.append(("INVALID", "digits-100001", doc, "a number of 100,001 characters: beyond MAX_DIGITS"))
    text = json.dumps(load(PL)).replace('"loss": "1/3"', '"loss": ' + "1" * 5000)
    out.append(("INVALID", "json-int-5000-digits", text, "a JSON integer literal of 5,000 digits: beyond MAX_JSON_INT_DIGITS"))
    out.append(("INVALID", "json-deep-arrays", "[" * 10_000 + "]" * 10_000, "JSON arrays nested 10,000 deep: beyond MAX_JSON_DEPTH"))
    out.append(("INVALID", "json-deep-objects", '{"a":' * 5000 + "1" + "}" * 5000, "JSON objects nested 5,000 deep: beyond MAX_JSON_DEPTH"))
    text = json.dumps(load(PL)).replace('"loss": "1/3"', '"loss": NaN')
    out.append(("INVALID", "json-nan-loss", text, "the claimed loss is NaN, not an exact number"))
    doc = load(PL)
    doc["problem"]["loss"]["scale"] = "2"
    out.append(("INVALID", "loss-unknown-field", redigest(doc), "a loss field the checker would not use (scale): refused, not ignored"))
    doc = load(SMOOTH)
    doc["problem"]["network"]["widths"] = [1, 4000, 1]
    out.append(("UNKNOWN", "smooth-too-wide", redigest(doc), "a smooth network of 12,001 parameters: beyond MAX_SMOOTH_PARAMETERS"))
    doc = load(PL)
    doc["problem"]["network"]["widths"] = [1, 100_000, 100_000, 1]
    out.append(("UNKNOWN", "pl-too-many-parameters", redigest(doc), "a network of 10^10 parameters: beyond MAX_PL_PARAMETERS"))
    doc = load(SMOOTH)
    doc["point"]["b2"] = ["exp(exp(exp(100)))"]
    out.append(("UNKNOWN", "smooth-exp-exp-exp", doc, "b2 = exp(exp(exp(100))): beyond MAX_MAGNITUDE_BITS before sympy evaluates anything"))
    doc = load(SMOOTH)
    doc["point"]["b2"] = ["1" * 5000]
    out.append(("UNKNOWN", "smooth-digits-5000", doc, "b2 has 5,000 digits: beyond MAX_MAGNITUDE_BITS"))
    doc = load(BASE["convexity_bound"])
    obligation(doc, "convexity_bound")["radius"] = "1e1000"
    out.append(("UNKNOWN", "convexity-radius-1e1000", doc, "convexity_bound over a box of radius 10^1000: arb cannot bound the activation there"))
    out.append(("UNKNOWN", "cell-cover-2-27", cells_27(), "cell_cover with 27 kinked samples on one neuron: 2^27 cells, beyond MAX_CELLS (counted, not listed)"))
    out.append(("UNKNOWN", "multilinear-depth-11-width-3", multilinear_deep(11, 3),
                "cell_multilinear on 11 hidden layers of width 3: more than MAX_MONOMIALS monomials per sample"))
    return out


def _worked_local_min(widths: list, point: dict, loss: str, obligations: list, inputs=None) -> dict:
    """The worked ding2022 certificate with another network, point and obligations (no better point)."""
    doc = load("ding2022/thm-worked-n2.json")
    doc["problem"]["network"]["widths"] = widths
    if inputs:
        doc["problem"]["data"]["inputs"] = inputs
    redigest(doc)
    for key in ("rests_on", "better_point", "better_loss"):
        doc.pop(key, None)
    doc.update(point=point, loss=loss, obligations=obligations)
    doc["claim"].update(conclusion="local_minimum", hypotheses=[])
    return doc


def smooth_scale() -> list:
    """morse_bott's per-neuron route declining (then the symbolic route refutes), and the bound on
    dense exact Hessians."""
    free = [["b1", 1, 1], ["b1", 2, 1], ["W2", 1, 1], ["W2", 1, 2]]
    obs = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"}, {"id": "morse_bott", "kind": "morse_bott", "free": free}]
    point = {"W1": [["0"], ["0"]], "b1": ["-log(2)", "-log(2)"], "W2": [["0", "0"]], "b2": ["1/3"]}
    doc = _worked_local_min([1, 2, 1], point, "1/3", obs, [["-1"], ["0"], ["2"]])
    out = [("REJECTED", "morse-bott-residual-moment", doc, "morse_bott with free neurons of input weights 0 and output weights 0 "
            "on inputs -1, 0, 2: the point is critical but sum_i r_i x_i = 1/3, so the per-neuron identity does not apply and "
            "the symbolic route finds the gradient nonzero on the manifold (where the output weights are not 0)")]
    n = 201
    point = {"W1": [["0"]] * n, "b1": ["-log(2)"] * n, "W2": [["1"] * n], "b2": [f"1/3 - {n}/3"]}
    free = [["b1", j + 1, 1] for j in range(n)] + [["W2", 1, j + 1] for j in range(n)]
    out.append(("UNKNOWN", "morse-bott-symbolic-402", _worked_local_min([1, n, 1], point, "1/3", [{"id": "morse_bott", "kind": "morse_bott",
                "free": free}]), "morse_bott with 402 free coordinates and no smooth_gradient_zero before it: the per-neuron "
                "route needs the fact critical, and the symbolic identity in 402 symbols is beyond MAX_POLY_VARIABLES"))
    dx = 450
    point = {"W1": [["0"] * dx] * 2, "b1": ["-log(2)"] * 2, "W2": [["1", "1"]], "b2": ["-1/6"]}
    free = [["b1", 1, 1], ["b1", 2, 1], ["W2", 1, 1], ["W2", 1, 2]]
    obs = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"}, {"id": "morse_bott", "kind": "morse_bott", "free": free}]
    doc = _worked_local_min([dx, 2, 1], point, "1/4", obs, [["1"] * dx, ["1"] * dx])
    doc["problem"]["data"]["targets"] = [["0"], ["1"]]
    out.append(("UNKNOWN", "morse-bott-block-450", redigest(doc), "morse_bott's per-neuron route on 450 inputs and 2 samples: "
                "each neuron's curvature block is 450 x 450, 405,000 symbolic values, beyond MAX_SMOOTH_EVALUATIONS"))
    n = 700
    point = {"W1": [["0"]] * n, "b1": ["-log(2)"] * n, "W2": [["1"] * n], "b2": [f"1/3 - {n}/3"]}
    obs = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"}, {"id": "hessian_pd", "kind": "hessian_pd"}]
    out.append(("UNKNOWN", "smooth-hessian-order-2101", _worked_local_min([1, n, 1], point, "1/3", obs),
                "hessian_pd at a critical point of a 1-700-1 sigmoid network: an exact 2,101 x 2,101 Hessian, beyond MAX_HESSIAN_ORDER"))
    return out


def cells_27() -> dict:
    """ReLU, widths 1-1-1, W1 = b1 = 0: the pre-activation is 0 (a kink) on all 27 samples."""
    doc = load(BASE["cell_cover"])
    doc["problem"]["network"] = {"widths": [1, 1, 1], "activation": load(PL)["problem"]["network"]["activation"]}
    doc["problem"]["loss"] = {"kind": "squared"}
    doc["problem"]["data"] = {"inputs": [[str(j)] for j in range(1, 28)], "targets": [["0"]] * 27}
    doc["point"] = {"W1": [["0"]], "b1": ["0"], "W2": [["1"]], "b2": ["0"]}
    doc["loss"] = "0"
    ob = obligation(doc, "cell_cover")
    ob["radius"], ob["empty"], ob["cells"] = "1/8", [], [{"pattern": "-" * 27, "proof": "z3"}]
    doc["obligations"] = [ob]
    doc.pop("rests_on", None)
    return redigest(doc)


def multilinear_deep(depth: int, width: int) -> dict:
    doc = load(BASE["cell_multilinear"])
    widths = [1] + [width] * depth + [1]
    doc["problem"]["network"]["widths"] = widths
    doc["point"] = {}
    for l in range(1, len(widths)):
        doc["point"][f"W{l}"] = [[f"{(i + k + l) % 5 + 1}/7" for k in range(widths[l - 1])] for i in range(widths[l])]
        doc["point"][f"b{l}"] = [f"{(i + l) % 3 + 1}/5" for i in range(widths[l])]
    doc["loss"] = pl_risk(doc)
    return redigest(doc)


# ---- the corpus -------------------------------------------------------------------------------

NUMERIC_REJECTED = ("interior_cell", "affine_reduction", "smt_cell_minimum", "cell_cover", "convexity_bound", "affine_pieces",
                    "affine_optimality", "valley_path", "linear_global_minimum", "neuron_split")
SPECIFIC = {"gradient_zero": "REJECTED", "strictly_lower": "REJECTED", "smooth_strictly_lower": "REJECTED",
            "descent_curve": "INVALID", "ascent_curve": "INVALID", "smooth_descent": "REJECTED",
            "smooth_gradient_zero": "REJECTED", "morse_bott": "REJECTED", "paper_conditions": "REJECTED",
            "hessian_pd": "REJECTED", "cell_multilinear": "REJECTED", "split_local_minimum": "REJECTED",
            "escape_path": "REJECTED"}
FLOAT_INVALID = tuple(k for k in BASE if k not in ("gradient_zero", "strictly_lower", "smooth_gradient_zero", "morse_bott",
                                                   "smooth_strictly_lower", "paper_conditions", "cell_multilinear",
                                                   "split_local_minimum"))


# ---- soundness holes: loss of smooth problems, vacuous conclusions, stated hypotheses -------------

def soundness() -> list:
    """(verdict, name, document, why) of certificates that a checker without the registry's class
    and loss table, the non-vacuity checks, or the hypothesis checks would have CERTIFIED."""
    out = []
    for kind in ("absolute", "huber", "hinge"):
        doc = load(SMOOTH)
        doc["problem"]["loss"] = {"kind": kind, **({"delta": "1"} if kind == "huber" else {})}
        if kind == "hinge":
            doc["problem"]["data"]["targets"] = [["1"] if i % 2 else ["-1"] for i in range(len(doc["problem"]["data"]["targets"]))]
        out.append(("REJECTED", f"smooth-loss-{kind}", redigest(doc),
                    f"a smooth (sigmoid) problem stating the {kind} loss: the smooth class evaluates the squared loss only, "
                    "so the checker must refuse it rather than check it as if it were squared"))
    doc = load("yun2019/thm1-case1-relu.json")
    next(h for h in doc["claim"]["hypotheses"] if h["id"] == "C1.4")["check"] = {"kind": "hidden_widths_at_least", "min": 3}
    out.append(("REJECTED", "hypothesis-false", doc, "stated hypothesis C1.4 checked as 'hidden widths >= 3' on a network of width 2: "
                "every obligation holds, the stated hypothesis does not"))
    doc = load("yun2019/thm1-case1-relu.json")
    doc["claim"]["hypotheses"][0]["check"] = {"kind": "all_good"}
    out.append(("INVALID", "hypothesis-unknown-check", doc, "a hypothesis check kind the checker does not know"))
    valley = {
        "format": "symcert-certificate", "version": 1, "claim": {"id": "he2020.valley", "conclusion": "valley_of_local_minima"},
        "problem": {"network": {"widths": [1, 1], "activation": {"kind": "piecewise_linear", "breakpoints": ["0"],
                                                                  "pieces": [["0", "0"], ["1", "0"]]}},
                    "loss": {"kind": "squared"}, "data": {"inputs": [["0"], ["1"], ["2"]], "targets": [["0"], ["1"], ["0"]]}},
        "point": {"W1": [["0"]], "b1": ["1/3"]}, "loss": "1/3",
        "obligations": [{"id": "v", "kind": "valley_path", "interval": [None, None], "at": "0",
                         "path": {"W1": [[["0"]]], "b1": [["1/3"]]}, "multipliers": [["1/3", "-2/3", "1/3"]]}]}
    out.append(("REJECTED", "valley-constant-path", valley, "a 'valley' for eta in (-inf, inf) given by a constant path through an "
                "isolated strict minimum (widths [1, 1], x = 0, 1, 2, y = 0, 1, 0): vacuous"))
    doc = load("yun2019/thm1-case1-relu.json")
    doc["obligations"] = [{"id": "gradient_zero", "kind": "gradient_zero"}]
    doc.pop("rests_on", None)
    out.append(("REJECTED", "conclusion-without-facts", doc, "spurious_local_minimum claimed from a gradient check alone"))
    return out


POPULATION = "safran2018/k6-seed261.json"  # a population certificate (Krawczyk box, definite Hessian, above 0)


def population() -> list:
    """Bad population certificates (symcert/checker/population_obligations.py), one per kind at least."""
    def make(fn, why):
        doc = load(POPULATION)
        fn(doc)
        doc.pop("rests_on", None)
        for o in doc["obligations"]:
            o.pop("rests_on", None)
        return doc, why

    def radius(r):
        return lambda d: [o.update(radius=r) for o in d["obligations"] if "radius" in o]

    def saddle(d):
        d["obligations"][1] = {"id": "saddle", "kind": "population_negative_curvature", "radius": "1/1000000000",
                               "precision": 128, "direction": {"W": [["0"] * 6] * 6}}
        d["claim"]["conclusion"] = "saddle_in_box"

    def teacher(d):
        d["obligations"] = [{"id": "t", "kind": "population_teacher"}]
        d["loss"] = ["0", "0"]
        d["claim"]["conclusion"] = "global_minimum"
    return [
        ("REJECTED", "box-too-large-population_krawczyk", *make(radius("1/4"), "population_krawczyk: a box of radius 1/4 meets parallel vectors, where the closed form is not analytic")),
        ("REJECTED", "enclosure-misses-risk-population_krawczyk", *make(lambda d: d.update(loss=["1/10", "2/10"]), "population_krawczyk: the loss enclosure [1/10, 2/10] excludes the risk at the critical point (0.0251)")),
        ("REJECTED", "not-definite-population_hessian_pd", *make(lambda d: d["obligations"][1].update(shift="1/10"), "population_hessian_pd: the Hessian's smallest eigenvalue (0.0047) is not above the claimed shift 1/10")),
        ("REJECTED", "not-above-0-population_above_global", *make(lambda d: d.update(loss=["0", "1"]), "population_above_global: the enclosure's lower end 0 is not above the global minimum 0")),
        ("REJECTED", "flat-direction-population_negative_curvature", *make(saddle, "population_negative_curvature: the zero direction has no negative curvature; the point is a minimum")),
        ("REJECTED", "not-the-teacher-population_teacher", *make(teacher, "population_teacher: the point is a spurious minimum, not the teacher")),
        ("INVALID", "float-population_krawczyk", *make(lambda d: d["obligations"][0].update(radius=0.5), "population_krawczyk: radius is the JSON float 0.5 (floats are not exact)")),
    ]


def _data(name: str) -> dict:
    with open(os.path.join(ROOT, "tests", "data", name), encoding="utf-8") as fh:
        return json.load(fh)


def _ob_of(doc: dict, kind: str) -> dict:
    return next(o for o in doc["obligations"] if o["kind"] == kind)


def cell_minima() -> list:
    """Bad certificates for ``cell_global_minima`` (he2020.cell): a wrong multiplier, a moved point,
    a zero output weight, a deeper network, a float multiplier."""
    out = []
    doc = load("he2020/cell-s43-m8-dx2-n2-hard_tanh-huber.json")
    G = _ob_of(doc, "cell_global_minima")["multipliers"][0]
    k = next(i for i, g in enumerate(G) if g != "0")
    from symcert.exact.rationals import format_rational, parse_rational
    G[k] = format_rational(parse_rational(G[k]) / 2)
    out.append(("REJECTED", "numeric-cell_global_minima", doc, "one multiplier halved: it leaves the Huber derivative at that sample"))
    doc = load("he2020/cell-s41-m8-dx1-n3-relu-squared.json")
    doc["point"]["b2"][0] = format_rational(parse_rational(doc["point"]["b2"][0]) + 1)
    doc["loss"] = pl_risk(doc)
    out.append(("REJECTED", "broken-cell_global_minima", doc, "the output bias moved by 1: the residuals no longer sum to 0, not a minimum of the cell"))
    doc = load("he2020/cell-s41-m8-dx1-n3-relu-squared.json")
    doc["point"]["W2"][0][0] = "0"
    doc["loss"] = pl_risk(doc)
    out.append(("REJECTED", "zero-weight-cell_global_minima", doc, "an output weight set to 0: the point is in no signed cell"))
    doc = load("he2020/thm2-s12-d3-hard_tanh.json")
    doc["obligations"] = [{"id": "cell", "kind": "cell_global_minima"}]
    doc["claim"]["conclusion"] = "global_minima_of_cell"
    doc.pop("rests_on", None)
    out.append(("REJECTED", "deep-cell_global_minima", doc, "two hidden layers: the lifted variables make a cell convex for one hidden layer only"))
    doc = load("he2020/cell-s43-m8-dx2-n2-hard_tanh-huber.json")
    _ob_of(doc, "cell_global_minima")["multipliers"][0][k] = 0.5
    out.append(("INVALID", "float-cell_global_minima", doc, "a multiplier written as the JSON float 0.5 (floats are not exact)"))
    return out


def later_kinds() -> list:
    """(verdict, name, document, why) for the kinds that certificates of proofs/ built later carry:
    the continuum, deep linear networks under a convex loss, snapped float points, and boxes around
    float critical points of smooth networks (tests/data/box-*.json, built by the box route)."""
    out = []
    doc = load("yun2019/thm1-continuum-case1-relu.json")
    fam = _ob_of(doc, "scaling_family")
    fam["radius"] = [str(1000 * int(fam["radius"][0].split("/")[0])) + ("/" + fam["radius"][0].split("/")[1] if "/" in fam["radius"][0] else ""), fam["radius"][1]]
    out.append(("REJECTED", "numeric-scaling_family", doc, "the continuum's box radius made 1000 times larger: some member's neuron leaves its piece"))
    doc = next(load(f"yun2019/{n}") for n in sorted(os.listdir(os.path.join(PROOFS, "yun2019"))) if "huber" in n and "global" in n)
    e2e = _ob_of(doc, "convex_global_minimum")["end_to_end"]
    e2e["bias"][0] = str(int(e2e["bias"][0].split("/")[0]) + 1) + ("/" + e2e["bias"][0].split("/")[1] if "/" in e2e["bias"][0] else "")
    out.append(("REJECTED", "numeric-convex_global_minimum", doc, "the stated end-to-end bias changed: not the map the point computes"))
    doc = load("own/relu-min.json")
    _ob_of(doc, "lifted_normal_equations")["radius"] = "1000"
    out.append(("REJECTED", "numeric-lifted_normal_equations", doc, "a lifted box of radius 1000: no interior_cell box that large was established"))
    doc = load("own/relu-min.json")
    _ob_of(doc, "float_distance")["distance"] = "0"
    out.append(("REJECTED", "numeric-float_distance", doc, "distance 0 stated from a float point the snapped point differs from"))
    out += cell_minima()
    doc = _data("box-minimum.json")
    _ob_of(doc, "krawczyk_box")["radius"] = "1/4"
    out.append(("REJECTED", "numeric-krawczyk_box", doc, "a Krawczyk box of radius 1/4: too large for K(B) to lie inside B"))
    doc = _data("box-saddle.json")
    doc["obligations"].append({"id": "definite", "kind": "hessian_definite_box", "precision": 128, "radius": "1/2147483648"})
    out.append(("REJECTED", "broken-hessian_definite_box", doc, "positive definiteness claimed at a saddle: the Hessian is not definite"))
    doc = _data("box-saddle.json")
    ob = _ob_of(doc, "negative_curvature_box")
    ob["direction"] = {k: ([["0"] * len(r) for r in v] if isinstance(v[0], list) else ["0"] * len(v)) for k, v in ob["direction"].items()}
    out.append(("REJECTED", "broken-negative_curvature_box", doc, "a zero direction: v^T H v = 0 is not negative"))
    doc = _data("box-minimum.json")
    doc["obligations"].append({"id": "lower", "kind": "box_strictly_lower", "precision": 128})
    doc["claim"]["conclusion"] = "spurious_local_minimum_in_box"
    out.append(("REJECTED", "broken-box_strictly_lower", doc, "a spurious minimum claimed with no better point"))
    doc = _data("box-minimum.json")
    doc["loss"] = ["0", "1/1000000"]
    out.append(("REJECTED", "enclosure-excludes-risk", doc, "a loss enclosure [0, 10^-6] that excludes the risk at the critical point"))
    return out + gauged()


def gauged() -> list:
    """Bad certificates of a deep leaky-ReLU network with a rescaling gauge (tests/data/box-gauged.json,
    built by certify --model; checker/gauge.py)."""
    out = []
    doc = _data("box-gauged.json")
    doc["claim"]["conclusion"] = "strict_local_minimum_in_box"
    out.append(("REJECTED", "gauged-claimed-strict", doc, "a strict minimum claimed with a gauge: the minimum is strict only on the gauge slice"))
    doc = _data("box-gauged.json")
    doc["gauge"] = doc["gauge"][1:]
    out.append(("INVALID", "gauge-missing-neuron", doc, "the gauge leaves a hidden neuron's rescaling free"))
    doc = _data("box-gauged.json")
    doc["gauge"][0] = "W1[1,1]"
    out.append(("INVALID", "gauge-incoming-weight", doc, "a gauge coordinate that is an incoming weight of the first layer, not an outgoing one"))
    doc = _data("box-gauged.json")
    del doc["gauge"]
    out.append(("INVALID", "gauge-absent-piecewise-linear", doc, "a box certificate of a piecewise-linear network without a gauge"))
    doc = _data("box-gauged.json")
    _ob_of(doc, "krawczyk_box")["radius"] = "1/4"
    out.append(("REJECTED", "gauged-box-crosses-kink", doc, "a gauged Krawczyk box of radius 1/4: a pre-activation meets the breakpoint"))
    doc = _data("box-gauged.json")
    doc["problem"]["network"]["activation"]["pieces"][0][1] = "1/2"
    doc["problem"]["network"]["activation"]["pieces"][1][1] = "1/2"
    out.append(("INVALID", "gauge-not-homogeneous", redigest(doc), "a gauge for an activation with an intercept (not positively homogeneous)"))
    return out


SPLIT = "petzka2021/deep-split-saddle-tanh-2-2-2-1.json"  # a split-saddle certificate (checker/split_box.py)


def split_box() -> list:
    """The line of splits of a boxed merged critical point: bad boxes, splits and directions."""
    out = []

    def make(change, verdict, name, why):
        doc = load(SPLIT)
        doc.pop("rests_on", None)
        change(doc)
        out.append((verdict, name, doc, why))

    def moved(d):  # neuron 1 and its copy (neuron 3) moved together: still a split, of another merged point
        for i in (0, 2):
            d["point"]["W1"][i][0] = str(Fraction(d["point"]["W1"][i][0]) + Fraction(1, 1000))

    def each(key, value):
        return lambda d: [ob.update({key: value}) for ob in d["obligations"]]
    make(moved, "REJECTED", "box-misses-merged_krawczyk_box",
         "the merged centre moved by 1/1000 (neuron 1 and its copy together): the box of radius 2^-48 holds no critical point")
    make(each("lambda", "1/3"), "REJECTED", "wrong-split-merged_krawczyk_box",
         "lambda 1/3 stated for a point split at lambda 1/2: the outgoing weights are not (2/3) v and (1/3) v")
    make(lambda d: (d["point"]["W1"][2].__setitem__(1, "0"), d.update(obligations=d["obligations"][2:])), "REJECTED",
         "wrong-copy-split_negative_curvature_box", "the copy's incoming weight W1[3,2] set to 0: the last neuron is not a copy "
         "of neuron 1")
    make(lambda d: d.update(loss=["0", "1/1000000"]), "REJECTED", "enclosure-excludes-merged_krawczyk_box",
         "a loss enclosure [0, 10^-6] that excludes the risk of the merged critical point")
    make(lambda d: d["obligations"][1].update(radius="1"), "REJECTED", "box-too-large-merged_definite_box",
         "the merged Hessian's LDL^T over a box of radius 1: it is not positive definite on all of it")
    make(lambda d: d["obligations"][2].update(outgoing=["0"] * len(d["obligations"][2]["outgoing"])), "REJECTED",
         "not-negative-split_negative_curvature_box", "a direction that moves only the incoming weights apart: its curvature "
         "lambda (1 - lambda) e^T B e is not negative on all of [-1, 2]")
    make(lambda d: d.update(obligations=d["obligations"][2:]), "REJECTED", "no-merged-box-split_negative_curvature_box",
         "no merged_krawczyk_box: nothing puts a critical point of the merged network in the box")
    make(lambda d: d["obligations"][2].update(pieces=100000), "UNKNOWN", "limit-split_negative_curvature_box",
         "100000 pieces of the lambda range: beyond MAX_LAMBDA_PIECES")
    make(lambda d: d["obligations"][2]["incoming"].__setitem__(0, 0.5), "INVALID", "float-split_negative_curvature_box",
         "split_negative_curvature_box: incoming[0] is the JSON float 0.5 (floats are not exact)")
    make(lambda d: d["obligations"][2].update(lambda_range=["1", "2"]), "INVALID", "range-split_negative_curvature_box",
         "a lambda range [1, 2] that does not contain the point's lambda 1/2")

    def minimum_at_saddle(d):  # Thm 5's saddle (lambda = 2) stated as a Morse-Bott minimum
        ob = d["obligations"][2]
        d["obligations"][2] = {k: ob[k] for k in ("layer", "neuron", "lambda", "radius", "precision")}
        d["obligations"][2].update(id="split_minimum", kind="split_morse_bott_box")
        d["claim"]["conclusion"] = "local_minimum_on_split_line_in_box"
    out.append(("REJECTED", "not-definite-split_morse_bott_box", _split_doc("petzka2021/split-box-sigmoid-lambda-2.json",
                minimum_at_saddle), "a Morse-Bott minimum claimed at lambda = 2, where the split of the sigmoid minimum is a "
                "saddle: the Hessian off the line's tangent is not positive definite"))
    out.append(("REJECTED", "no-merged-box-split_morse_bott_box", _split_doc("petzka2021/split-box-sigmoid-lambda-1-2.json",
                lambda d: d.update(obligations=d["obligations"][2:])), "split_morse_bott_box without the merged_krawczyk_box "
                "that puts a critical point in the box"))
    return out


def _split_doc(rel, change):
    doc = load(rel)
    doc.pop("rests_on", None)
    change(doc)
    return doc


LAYER = "he2020/thm1-logistic-s41-m8-dx1-dy1-d2-relu.json"  # a logistic layer-box certificate (checker/layer_box.py)
LAYER_CE = "he2020/thm1-cross-entropy-s43-m9-dx2-dy3-d2-relu.json"


def layer_box() -> list:
    """The logistic and cross-entropy losses: the layer box and the better point below it."""
    out = []

    def make(rel, change, verdict, name, why):
        doc = load(rel)
        doc.pop("rests_on", None)
        change(doc)
        out.append((verdict, name, doc, why))
    make(LAYER, lambda d: d["obligations"][0].update(variables=d["obligations"][0]["variables"][:1]), "REJECTED",
         "broken-layer_minimum_box", "layer_minimum_box with the output bias dropped: the variables do not reach every affine map")
    make(LAYER_CE, lambda d: d["obligations"][0].update(variables=[[i, c] for i in range(3) for c in (0, 1, 4)]), "REJECTED",
         "softmax-shift-layer_minimum_box", "every output row free under the cross-entropy loss: the softmax shift is a flat direction")
    make(LAYER, lambda d: d["obligations"][0].update(radius="1/1267650600228229401496703205376"), "REJECTED",
         "numeric-layer_minimum_box", "a layer box of radius 2^-100: the minimiser lies outside it, K(B) is not inside B")
    make(LAYER, lambda d: d.update(better_point=copy.deepcopy(d["point"]), better_loss=d["loss"]), "REJECTED",
         "broken-arb_strictly_lower", "arb_strictly_lower: better_point is the point itself, not below the minimum")
    make(LAYER, lambda d: d.update(loss=["0", "1/1000000"]), "REJECTED", "enclosure-excludes-layer-minimum",
         "a loss enclosure [0, 10^-6] that excludes the risk at the layer box's minimum")
    make(LAYER, lambda d: d.update(loss=d["loss"][0]), "INVALID", "exact-loss-logistic",
         "an exact loss for the logistic loss, whose risk is transcendental: an enclosure [lo, hi] is needed")
    make("he2020/thm1-logistic-s46-m10-dx2-dy1-d3-hard_sigmoid.json", lambda d: d["obligations"].pop(0), "REJECTED",
         "no-cell-box-layer_minimum_box", "first-layer variables without the interior_cell box: they could leave the activation cell")
    saddle = "yun2019/thm4-logistic-s75-depth2-saddle-zero.json"

    def unbalance(d):
        d["problem"]["data"]["targets"][0] = ["1" if d["problem"]["data"]["targets"][0] == ["-1"] else "-1"]
        redigest(d)
    make(saddle, unbalance, "REJECTED", "broken-taylor_critical", "taylor_critical with one label flipped (digest recomputed): "
         "the labels no longer sum to 0, so the output bias's derivative is not 0")
    make(saddle, lambda d: d["obligations"][1].update(kind="taylor_ascent"), "REJECTED", "broken-taylor_ascent",
         "the descent curve stated as an ascent curve: the risk drops along it")
    make(saddle, lambda d: d["obligations"][2].update(kind="taylor_descent"), "REJECTED", "broken-taylor_descent",
         "the ascent line stated as a descent curve: the risk rises along it")
    make(saddle, lambda d: d["obligations"][1].update(order=2), "REJECTED", "order-taylor_descent",
         "taylor_descent through degree 2 only: the drop appears at t^3, undecided at that order")
    ph = "christof2023/thm-random-s53-m8-dx2-d3-hard_sigmoid-pseudo-huber-1_2.json"  # pseudo-Huber, delta 1/2

    def shift(d):
        hi = Fraction(d["loss"][1])
        d["loss"] = [str(hi + Fraction(1, 10**9)), str(hi + Fraction(2, 10**9))]
    make(ph, shift, "REJECTED", "enclosure-excludes-pseudo-huber-minimum",
         "a pseudo-Huber loss enclosure just above the risk at the layer box's minimum")
    for delta, tag in (("0", "zero"), ("-1/2", "negative")):
        make(ph, lambda d, delta=delta: (d["problem"]["loss"].update(delta=delta), redigest(d)), "INVALID",
             f"pseudo-huber-delta-{tag}", f"a pseudo-Huber parameter delta = {delta} (digest recomputed): it must be positive")
    make(ph, lambda d: (d["problem"]["loss"].update(delta="1"), redigest(d)), "REJECTED", "pseudo-huber-delta-changed",
         "the pseudo-Huber parameter changed from 1/2 to 1 (digest recomputed): the minimiser leaves the layer box")
    make(LAYER, lambda d: d["obligations"][0].update(precision=100000), "UNKNOWN", "limit-layer_minimum_box",
         "layer_minimum_box at 100000 bits: beyond MAX_PREC")
    make(LAYER, lambda d: d["obligations"][1].update(precision=100000), "UNKNOWN", "limit-arb_strictly_lower",
         "arb_strictly_lower at 100000 bits: beyond MAX_PREC")
    return out


def entries() -> list:
    """(verdict, name, document or text, why) of every corpus file."""
    from symcert.checker.registry import CONCLUSIONS
    out = []
    for kind in PL_KINDS + SMOOTH_KINDS:
        out.append(("REJECTED", f"wrong-class-{kind}", *wrong_class(kind)))
    for kind in NUMERIC_REJECTED:
        out.append(("REJECTED", f"numeric-{kind}", *numeric(kind)))
    for kind, verdict in SPECIFIC.items():
        out.append((verdict, f"broken-{kind}", *specific(kind)))
    for kind in FLOAT_INVALID:
        out.append(("INVALID", f"float-{kind}", *float_field(kind)))
    from symcert.checker.registry import BOX_CONCLUSIONS
    for conclusion in CONCLUSIONS:  # a box conclusion needs a loss enclosure: an exact loss is unreadable for it
        out.append(("INVALID" if conclusion in BOX_CONCLUSIONS else "REJECTED", f"relabel-{conclusion}", *relabel(conclusion)))
    out.append(("REJECTED", "dropped-strictly_lower", *dropped("strictly_lower", "yun2019/thm2-relu.json")))
    from packed_corpus import entries as packed_entries  # format version 3 (tests/corpus/packed_corpus.py)
    return out + packed_entries(ROOT) + population() + soundness() + later_kinds() + hostile() + smooth_scale() + layer_box() + split_box()


def main() -> int:
    sys.path.insert(0, ROOT)
    for v in VERDICTS:
        shutil.rmtree(os.path.join(HERE, v), ignore_errors=True)
        os.makedirs(os.path.join(HERE, v))
    items = entries()
    for verdict, name, doc, why in items:
        base = os.path.join(HERE, verdict, name)
        text = doc if isinstance(doc, str) else json.dumps(doc, sort_keys=True, indent=1) + "\n"
        with open(base + ".json", "w", encoding="utf-8") as fh:
            fh.write(text)
        with open(base + ".why", "w", encoding="utf-8") as fh:
            fh.write(why.replace("\n", " ") + "\n")
    print(f"{len(items)} bad certificates written under {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
