"""linear_global_minimum, ascent_curve and higher-order descent curves: true certificates pass,
tampered and false ones are rejected (deep linear networks, Yun et al. 2019 Thm 4)."""
import copy
import json

import pytest

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims.yun2019 import thm4 as T

BY_NAME = {i.name: i for i in T.instances()}


def _doc(name):
    return json.loads(certificate.canonical_bytes(BY_NAME[name].build()))


def _ob(doc, kind):
    return next(o for o in doc["obligations"] if o["kind"] == kind)


def test_global_minimum_certified():
    rep = check_document(_doc("thm4-depth3-global"))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert "normal equations" in rep.obligations[1][3]


def test_rank_deficient_global_minimum_reports_rank():
    rep = check_document(_doc("thm4-depth3-global-rank-deficient"))
    assert rep.verdict is Verdict.CERTIFIED
    assert "rank P = 1 (rank deficient)" in rep.obligations[1][3]


def test_saddle_cannot_be_certified_global():
    doc = _doc("thm4-depth3-saddle-rank1")
    gm = _doc("thm4-depth3-global")
    ob = copy.deepcopy(_ob(gm, "linear_global_minimum"))
    # state the true end-to-end map of the saddle point
    from symcert.checker.reading import point, problem
    prob = problem(doc["problem"])
    from symcert.checker.linear import end_to_end
    P, c = end_to_end(prob, point(doc["point"], prob, "point"))
    ob["end_to_end"] = {"weights": certificate.mat_json(P), "bias": certificate.vec_json(c)}
    doc["obligations"] = [{"id": "g", "kind": "gradient_zero"}, ob]
    doc["claim"]["conclusion"] = "global_minimum"
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED
    assert "normal equations fail" in rep.summary


def test_wrong_end_to_end_map_rejected():
    doc = _doc("thm4-depth2-global")
    _ob(doc, "linear_global_minimum")["end_to_end"]["bias"][0] = "1"
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "differs" in rep.summary


def test_breakpoints_refuse_the_linear_route():
    doc = _doc("thm4-depth2-global")
    doc["problem"]["network"]["activation"] = {"kind": "piecewise_linear", "name": "relu", "breakpoints": ["0"], "pieces": [["0", "0"], ["1", "0"]]}
    doc.pop("problem_sha256")
    doc["loss"] = "67/2"  # the ReLU network's risk at this point
    doc["obligations"] = [_ob(doc, "linear_global_minimum")]
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED
    assert "does not apply to problem class piecewise_linear" in rep.summary


def test_missing_end_to_end_is_invalid():
    doc = _doc("thm4-depth2-global")
    _ob(doc, "linear_global_minimum").pop("end_to_end")
    rep = check_document(doc)
    assert rep.verdict is Verdict.INVALID and "end_to_end" in rep.summary


def test_global_conclusion_needs_the_obligation():
    doc = _doc("thm4-depth2-global")
    doc["obligations"] = doc["obligations"][:1]
    doc.pop("rests_on")
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "missing global_min" in rep.summary


@pytest.mark.parametrize("name", ["thm4-depth2-saddle-zero", "thm4-depth4-saddle-rank1", "thm4-depth5-saddle-zero"])
def test_saddles_certified(name):
    rep = check_document(_doc(name))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary


def test_saddle_needs_ascent():
    doc = _doc("thm4-depth3-saddle-zero")
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "ascent_curve"]
    doc.pop("rests_on")
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "missing ascent" in rep.summary


def test_descent_curve_used_as_ascent_rejected():
    doc = _doc("thm4-depth3-saddle-zero")
    asc = dict(_ob(doc, "descent_curve"), kind="ascent_curve", id="ascent_curve")
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "ascent_curve"] + [asc]
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "decreases" in rep.summary


def test_flipped_higher_order_term_rejected():
    doc = _doc("thm4-depth4-saddle-zero")
    term = _ob(doc, "descent_curve")["higher_order"][0]["term"]
    for name, M in term.items():
        term[name] = [[("-" + v).replace("--", "") if v != "0" else v for v in row] for row in M] if name[0] == "W" else \
            [("-" + v).replace("--", "") if v != "0" else v for v in M]
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED


def test_without_higher_order_no_descent():
    # at the zero point of depth 4, the straight line theta + t E keeps the function: constant risk
    doc = _doc("thm4-depth4-saddle-zero")
    _ob(doc, "descent_curve").pop("higher_order")
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "constant" in rep.summary


@pytest.mark.parametrize("power", [2, 65, "3"])
def test_bad_power_invalid(power):
    doc = _doc("thm4-depth4-saddle-zero")
    _ob(doc, "descent_curve")["higher_order"][0]["power"] = power
    assert check_document(doc).verdict is Verdict.INVALID


def test_duplicate_power_invalid():
    doc = _doc("thm4-depth4-saddle-zero")
    ho = _ob(doc, "descent_curve")["higher_order"]
    ho.append(copy.deepcopy(ho[0]))
    assert check_document(doc).verdict is Verdict.INVALID


def test_zero_ascent_invalid():
    doc = _doc("thm4-depth2-saddle-zero")
    asc = _ob(doc, "ascent_curve")
    asc["direction"]["b2"] = ["0", "0"]
    assert check_document(doc).verdict is Verdict.INVALID
