"""christof2023.thm: the worked figures 2/5 and 699/1750, members of the continuum, the grid."""
import json

import pytest
from flint import fmpq

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims.christof2023 import pl as C
from symcert.errors import HypothesisViolation
from symcert.inputs.activations import leaky_relu, relu
from symcert.inputs.data import from_rows


def check(doc):
    return check_document(json.loads(certificate.canonical_bytes(doc)))


def test_worked_figures_exact():
    doc = C.certify_worked_paper()
    assert doc["loss"] == "2/5" and doc["better_loss"] == "699/1750"
    assert fmpq(2, 5) - fmpq(699, 1750) == fmpq(1, 1750)  # (sum r v)^2 / (2 sum v^2) = (1/10)^2 / (35/2)
    assert check(doc).verdict is Verdict.CERTIFIED


def test_generic_construction_reproduces_the_papers_point():
    doc = C.certify(C.rows(*C.WORKED), relu(), C.LOSSES["squared"], [1, 2, 2, 1], "t", lam=fmpq(1), shift=fmpq(1))
    assert doc["point"] == certificate.point_json(C.paper_point())


def test_members_are_distinct_and_certified():
    docs = [i.build() for i in C.instances() if "member" in i.name or "paper" in i.name]
    assert len(docs) >= 3
    points = [json.dumps(d["point"], sort_keys=True) for d in docs]
    assert len(set(points)) == len(points)
    for d in docs:
        assert d["loss"] == "2/5"
        assert check(d).verdict is Verdict.CERTIFIED


@pytest.mark.parametrize("inst", C.instances(), ids=lambda i: i.name)
def test_every_instance_certifies(inst):
    rep = check(inst.build())
    assert rep.verdict is Verdict.CERTIFIED, rep.summary


def test_hypotheses():
    with pytest.raises(HypothesisViolation):
        C.certify(C.rows(*C.WORKED), relu(), C.LOSSES["squared"], [1, 1, 2, 1], "t")
    with pytest.raises(HypothesisViolation):
        C.certify(C.rows(*C.WORKED), leaky_relu(fmpq(1)), C.LOSSES["squared"], [1, 2, 1], "t")
    with pytest.raises(HypothesisViolation):
        C.certify(from_rows([[fmpq(v)] for v in (0, 1, 2)], [[fmpq(v)] for v in (1, 3, 5)]), relu(), C.LOSSES["squared"], [1, 2, 1], "t")


def test_logistic_and_pseudo_huber_by_the_layer_box_route():
    docs = [i.build() for i in C.instances() if "logistic" in i.name or "pseudo-huber" in i.name]
    assert {d["problem"]["loss"]["kind"] for d in docs} == {"logistic", "pseudo_huber"}
    for d in docs:
        assert d["claim"]["conclusion"] == "spurious_local_minimum_in_layer_box" and d["version"] == 2
        assert len(d["problem"]["network"]["widths"]) >= 4  # depth 3 or more
        assert [h["id"] for h in d["claim"]["hypotheses"]] == ["C1", "C2", "C3", "C4"]
        assert "layer_minimum_box" in [o["kind"] for o in d["obligations"]]
        assert check(d).verdict is Verdict.CERTIFIED
    assert any(d["obligations"][0]["kind"] == "interior_cell" for d in docs)  # narrow: first-layer variables in the cell box


def test_separable_logistic_data_and_cross_entropy_are_not_applicable():
    sep = from_rows([[fmpq(v)] for v in (-2, -1, 1, 2, 3)], [[fmpq(v)] for v in (-1, -1, 1, 1, 1)])
    with pytest.raises(HypothesisViolation, match="separable"):
        C.certify(sep, relu(), {"kind": "logistic"}, [1, 2, 2, 1], "t")
    with pytest.raises(HypothesisViolation, match="cross_entropy"):
        C.certify(sep, relu(), {"kind": "cross_entropy"}, [1, 2, 2, 1], "t")
