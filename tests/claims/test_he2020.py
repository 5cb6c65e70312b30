"""he2020.thm1 / thm2 / valley: the worked instance's exact figures and the constructions."""
import json

import pytest

from symcert.errors import HypothesisViolation
from flint import fmpq

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims.he2020 import common as HC
from symcert.claims.he2020 import thm1 as H1
from symcert.claims.he2020 import thm2 as H2
from symcert.claims.he2020 import valley as HV
from symcert.errors import InputError
from symcert.inputs.activations import hard_tanh, leaky_relu, relu, relu6


def check(doc):
    return check_document(json.loads(certificate.canonical_bytes(doc)))


@pytest.mark.parametrize("loss,l0,fit", [("squared", "1/3", "2/3"), ("absolute", "1", "1"), ("huber", "5/16", "3/4")])
@pytest.mark.parametrize("act,k", [(relu, "1"), (lambda: leaky_relu(fmpq(1, 2)), "2")])
def test_worked_points_are_the_papers(loss, l0, fit, act, k):
    doc = H1.certify_thm1(HC.rows(*HC.WORKED), act(), HC.LOSSES[loss], [1, 2, 1], "t", eta=fmpq(1), better="abs")
    assert doc["loss"] == l0 and doc["better_loss"] == "0"
    sp = "1"  # s+ = 1 for both
    eta = fmpq(1)
    assert doc["point"] == {"W1": [["0"], ["0"]], "b1": [str(fmpq(fit) + eta), "1"], "W2": [[sp, "0"]], "b2": ["-1"]}
    assert doc["better_point"] == {"W1": [["1"], ["-1"]], "b1": ["0", "0"], "W2": [[k, k]], "b2": ["0"]}
    assert check(doc).verdict is Verdict.CERTIFIED


@pytest.mark.parametrize("depth", [2, 3, 4])
@pytest.mark.parametrize("act", [relu, hard_tanh, relu6, lambda: leaky_relu(fmpq(1, 10))])
def test_generic_depths(depth, act):
    widths = [1] + [2] * (depth - 1) + [1]
    for loss in ("squared", "absolute", "huber"):
        doc = H1.certify_thm1(HC.rows(*HC.WORKED), act(), HC.LOSSES[loss], widths, "t")
        rep = check(doc)
        assert rep.verdict is Verdict.CERTIFIED, rep.summary
        assert fmpq(doc["better_loss"]) < fmpq(doc["loss"])


def test_width_hypothesis():
    with pytest.raises(HypothesisViolation, match="H2"):
        H1.certify_thm1(HC.rows(*HC.WORKED), relu(), HC.LOSSES["squared"], [1, 1, 1], "t")


def test_linear_activation_is_a_failed_hypothesis():
    from symcert.inputs.activations import parse_activation
    with pytest.raises(HypothesisViolation, match="H1"):
        H1.certify_thm1(HC.rows(*HC.WORKED), parse_activation("leaky_relu:1"), HC.LOSSES["squared"], [1, 2, 1], "t")


def test_instances_cover_the_grid():
    names = [i.name for i in H1.thm1_instances()]
    for d in (2, 3, 4):
        for a in ("relu", "leaky", "hard_tanh", "relu6"):
            for l in ("squared", "absolute", "huber"):
                assert f"thm1-worked-d{d}-{a}-{l}" in names
    assert any("hinge" in n for n in names)


def test_thm2_instances_certify():
    for inst in H2.thm2_instances():
        doc = inst.build()
        assert doc["claim"]["conclusion"] == "cell_multilinear"
        assert check(doc).verdict is Verdict.CERTIFIED


def test_valley_ends():
    for act, loss, interval in [(relu, "squared", ["-2/3", None]), (relu, "absolute", ["-1", None]),
                                (relu, "huber", ["-3/4", None]), (relu6, "absolute", ["-1", "5"])]:
        doc = HV.certify_valley(act(), HC.LOSSES[loss], "t")
        o = doc["obligations"][0]
        assert o["interval"] == interval
        assert o["ends_at"] == [v for v in interval if v is not None]
        assert check(doc).verdict is Verdict.CERTIFIED


def test_hinge_with_many_unit_margins_uses_the_lp_tilt():
    # the optimal affine classifier is the constant -1: three samples at margin exactly 1, so
    # the feature cannot be cancelled on all of them; the exact LP finds the tilt
    from symcert.inputs.data import from_rows
    data = from_rows([[fmpq(v)] for v in (0, 1, 2, 3)], [[fmpq(v)] for v in (-1, 1, -1, -1)])
    doc = H1.certify_thm1(data, relu(), HC.LOSSES["hinge"], [1, 2, 1], "t")
    assert doc["loss"] == "2" and doc["better_loss"] == "7/4"
    assert doc["claim"]["construction"]["better_point"]["tilt"].startswith("exact LP")
    assert check(doc).verdict is Verdict.CERTIFIED
