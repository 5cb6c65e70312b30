"""descent_curve under the absolute, Huber and hinge losses (branches decided for small t > 0)."""
import json

import pytest

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.checker import kernel
from symcert.checker.reading import point as read_point, problem as read_problem
from symcert.claims import constructions
from symcert.claims.he2020 import kink as HK
from symcert.claims.yun2018 import test as YT
from symcert.inputs.activations import relu


def _doc(loss, targets, pt, direction):
    pj = constructions.text_problem_json([1, 2, 1], relu(), YT.HE_X, targets)
    pj["loss"] = loss
    prob = read_problem(pj)
    risk = kernel.risk(prob, read_point(pt, prob, "point"))
    claim = {"id": "t", "conclusion": "not_local_minimum"}
    doc = certificate.document(claim, pj, read_point(pt, prob, "p"), risk,
                               [{"id": "d", "kind": "descent_curve", "direction": direction}])
    return check_document(json.loads(certificate.canonical_bytes(doc)))


VALLEY_END = HK.valley_point("-2/3")
TILT = {"W1": [["-1/2"], ["0"]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["0"]}
UP = {"W1": [["0"], ["0"]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["1"]}


@pytest.mark.parametrize("loss", [{"kind": "huber", "delta": "1"}, {"kind": "huber", "delta": "1/4"}, {"kind": "absolute"}])
def test_valley_end_tilt_descends(loss):
    rep = _doc(loss, YT.HE_Y, VALLEY_END, TILT)
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert "t^1" in rep.obligations[0][3]


def test_absolute_loss_branch_at_zero_residual():
    # output 2/3 everywhere; targets (1, 2/3, 1): the middle residual is exactly 0, where |r| has its kink.
    # Moving the output bias up: d/dt = -1 + 1 - 1 < 0 (the kink sample costs +|t|)
    rep = _doc({"kind": "absolute"}, ["1", "2/3", "1"], VALLEY_END, UP)
    assert rep.verdict is Verdict.CERTIFIED and "-1 t^1" in rep.obligations[0][3]
    down = dict(UP, b2=["-1"])
    assert _doc({"kind": "absolute"}, ["1", "2/3", "1"], VALLEY_END, down).verdict is Verdict.REJECTED


def test_hinge_margin_branches():
    # labels +-1, output 2/3: margins 1/3 (y = 1) are active; y = -1 has margin 5/3, active too
    rep = _doc({"kind": "hinge"}, ["1", "-1", "1"], VALLEY_END, UP)  # d/dt = -1 + 1 - 1
    assert rep.verdict is Verdict.CERTIFIED
    # output 1 exactly on y = 1 samples: margin 0 there (hinge kink); raising the output costs nothing there
    at_margin = dict(VALLEY_END, b2=["1"])
    rep = _doc({"kind": "hinge"}, ["1", "-1", "1"], at_margin, dict(UP, b2=["-1"]))
    assert rep.verdict is Verdict.REJECTED  # lowering: +1 +1 -1 > 0
