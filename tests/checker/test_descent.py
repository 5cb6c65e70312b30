"""descent_curve: a saddle with a neuron parked on its kink is refuted exactly; wrong curves are rejected."""
import json

import pytest

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims.yun2019 import thm1 as Y
from symcert.inputs.activations import leaky_relu, relu


def _saddle(act):
    doc = Y.certify(Y._rows(*Y.CASE1), act, hidden=3, smt="never")
    doc["point"]["b1"][2] = "0"  # third neuron: zero row, zero bias, zero output weight
    doc["claim"] = dict(doc["claim"], conclusion="not_local_minimum")
    doc.pop("better_point"), doc.pop("better_loss"), doc.pop("rests_on")
    return doc


def _with_curve(doc, v, b="-1/2", second=None):
    d = {"W1": [["0"], ["0"], ["1"]], "b1": ["0", "0", b], "W2": [["0", "0", v]], "b2": ["0"]}
    ob = {"id": "descent", "kind": "descent_curve", "direction": d}
    if second is not None:
        ob["second_order"] = second
    doc = dict(doc, obligations=[ob])
    return check_document(json.loads(certificate.canonical_bytes(doc)))


@pytest.mark.parametrize("act", [relu(), leaky_relu("1/2")], ids=["relu", "leaky"])
def test_parked_neuron_saddle_is_refuted(act):
    rep = _with_curve(_saddle(act), "-1")
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert "t^2" in rep.obligations[0][3]


def test_ascent_direction_rejected():
    rep = _with_curve(_saddle(relu()), "1")
    assert rep.verdict is Verdict.REJECTED
    assert "increases" in rep.summary


def test_orthogonal_feature_gives_no_second_order_descent():
    # relu(x - 3/2) is orthogonal to the residual (1/5, -3/5, 3/5, -1/5): the t^2 term vanishes
    rep = _with_curve(_saddle(relu()), "-1", b="-3/2")
    assert rep.verdict is Verdict.REJECTED


def test_zero_curve_is_invalid():
    doc = _saddle(relu())
    zero = {"W1": [["0"], ["0"], ["0"]], "b1": ["0", "0", "0"], "W2": [["0", "0", "0"]], "b2": ["0"]}
    doc["obligations"] = [{"id": "d", "kind": "descent_curve", "direction": zero}]
    assert check_document(doc).verdict is Verdict.INVALID


def test_true_local_minimum_has_no_descent_curve():
    doc = Y.certify(Y._rows(*Y.CASE1), relu(), hidden=3, smt="never")
    doc["claim"] = dict(doc["claim"], conclusion="not_local_minimum")
    doc.pop("rests_on")
    d = {"W1": [["1"], ["0"], ["1"]], "b1": ["0", "0", "-1/2"], "W2": [["0", "0", "-1"]], "b2": ["0"]}
    doc["obligations"] = [{"id": "d", "kind": "descent_curve", "direction": d}]
    assert check_document(doc).verdict is Verdict.REJECTED


def test_misstated_ledger_is_rejected():
    doc = _saddle(relu())
    d = {"W1": [["0"], ["0"], ["1"]], "b1": ["0", "0", "-1/2"], "W2": [["0", "0", "-1"]], "b2": ["0"]}
    doc["obligations"] = [{"id": "d", "kind": "descent_curve", "direction": d, "rests_on": ["exact rational arithmetic (python-flint fmpq)"]}]
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "rests on" in rep.summary
    doc["obligations"][0].pop("rests_on")
    doc["rests_on"] = ["nothing"]
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "rests on" in rep.summary
