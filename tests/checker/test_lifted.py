"""Bad certificates for lifted_normal_equations and float_distance, and the verdicts they must get."""
import copy
import json
import os

import pytest
from flint import fmpq

from symcert.checker import Verdict, check_document
from symcert.checker.kernel import risk
from symcert.checker.problem import point, problem
from symcert.exact.rationals import format_rational

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROOFS = os.path.join(ROOT, "proofs")

MIN = os.path.join(PROOFS, "own", "relu-min.json")


def _doc():
    with open(MIN) as fh:
        return json.load(fh)


def _fix_loss(doc):
    """Recompute the claimed loss so that only the obligation under test can fail."""
    prob = problem(doc["problem"])
    doc["loss"] = format_rational(risk(prob, point(doc["point"], prob, "point")))
    return doc


def _lifted(doc):
    return next(o for o in doc["obligations"] if o["kind"] == "lifted_normal_equations")


def test_good_certificate():
    rep = check_document(_doc())
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "local_minimum_near_float"


def _moved_bias(doc):
    b = fmpq(*map(int, (doc["point"]["b2"][0] + "/1").split("/")[:2]))
    doc["point"]["b2"][0] = format_rational(b + fmpq(1, 1 << 40))
    return _fix_loss(doc)


def _moved_weight(doc):
    v = doc["point"]["W2"][0][1].split("/")
    doc["point"]["W2"][0][1] = format_rational(fmpq(int(v[0]), int(v[1]) if len(v) > 1 else 1) * fmpq(1 + (1 << 30), 1 << 30))
    return _fix_loss(doc)


def _no_cell(doc):
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "interior_cell"]
    return doc


def _radius_too_big(doc):
    _lifted(doc)["radius"] = "1000"
    return doc


def _wrong_distance(doc):
    ob = next(o for o in doc["obligations"] if o["kind"] == "float_distance")
    ob["distance"] = "1/1000"
    return doc


def _float_point_elsewhere(doc):
    ob = next(o for o in doc["obligations"] if o["kind"] == "float_distance")
    ob["float_point"]["b2"] = ["123"]
    return doc


def _no_distance(doc):
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "float_distance"]
    return doc


def _multipliers_not_residual(doc):
    n = len(doc["problem"]["data"]["targets"])
    _lifted(doc)["multipliers"] = [["0"] * n]
    return doc


def _huber_multipliers_missing(doc):
    doc["problem"]["loss"] = {"kind": "huber", "delta": "100"}
    doc.pop("problem_sha256")
    return doc


def _misshapen_float_point(doc):
    ob = next(o for o in doc["obligations"] if o["kind"] == "float_distance")
    ob["float_point"]["W1"] = [["1"]]
    return doc


def _float_in_multipliers(doc):
    n = len(doc["problem"]["data"]["targets"])
    _lifted(doc)["multipliers"] = [[0.5] * n]
    return doc


BAD = [  # (mutation, verdict, text in the summary)
    (_moved_bias, Verdict.REJECTED, "G 1 != 0"),
    (_moved_weight, Verdict.REJECTED, "lifted normal equations G Phi = 0 fail"),
    (_no_cell, Verdict.REJECTED, "needs an interior_cell"),
    (_radius_too_big, Verdict.REJECTED, "needs an interior_cell obligation of radius >= 1000"),
    (_wrong_distance, Verdict.REJECTED, "not 1/1000"),
    (_float_point_elsewhere, Verdict.REJECTED, "sup-norm distance from the float point is"),
    (_no_distance, Verdict.REJECTED, "missing near_float"),
    (_multipliers_not_residual, Verdict.REJECTED, "not in the subdifferential"),
    (_huber_multipliers_missing, Verdict.INVALID, "multipliers"),
    (_misshapen_float_point, Verdict.INVALID, "float_point.W1"),
    (_float_in_multipliers, Verdict.INVALID, "binary floating-point"),
]


@pytest.mark.parametrize("mutate,verdict,text", BAD, ids=[b[0].__name__.strip("_") for b in BAD])
def test_bad_certificate(mutate, verdict, text):
    rep = check_document(mutate(copy.deepcopy(_doc())))
    assert rep.verdict is verdict and text in rep.summary, rep.summary


def test_deep_network_rejected():
    doc = _doc()
    pj = doc["problem"]
    rep_doc = {"format": "symcert-certificate", "version": 1, "claim": doc["claim"],
               "problem": dict(pj, network=dict(pj["network"], widths=[2, 1, 1, 1])),
               "point": {"W1": [["1", "0"]], "b1": ["5"], "W2": [["1"]], "b2": ["1"], "W3": [["1"]], "b3": ["0"]},
               "loss": "0", "obligations": [{"id": "c", "kind": "interior_cell", "radius": "1/1024"},
                                            {"id": "l", "kind": "lifted_normal_equations", "radius": "1/1024"}]}
    prob = problem(rep_doc["problem"])
    rep_doc["loss"] = format_rational(risk(prob, point(rep_doc["point"], prob, "point")))
    rep = check_document(rep_doc)
    assert rep.verdict is Verdict.REJECTED and "one hidden layer" in rep.summary
