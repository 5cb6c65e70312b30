"""symcert/checker/api.py: the re-derivation helpers the generator uses to write ledgers."""
import pytest
from flint import fmpq

from symcert.checker import api


def test_outcomes_of_a_stored_certificate_match_its_ledgers(proof):
    doc = proof("petzka2021/escape-sigmoid.json")
    res = api.outcomes(doc)
    assert [r.status for r in res] == ["holds"] * len(doc["obligations"])
    assert [list(r.rests_on) for r in res] == [ob["rests_on"] for ob in doc["obligations"]]


def test_outcomes_stop_at_the_first_obligation_that_does_not_hold(proof):
    doc = proof("yun2019/thm1-case1-relu.json")
    doc["point"]["b2"] = ["-2"]  # no longer critical
    res = api.outcomes(doc)
    assert res[-1].status == "fails" and len(res) == 1


def test_outcomes_refuse_an_unknown_kind_and_too_many_obligations(proof):
    doc = proof("yun2019/thm1-case1-relu.json")
    doc["obligations"][0]["kind"] = "nope"
    with pytest.raises(api.FormatError, match="unknown obligation kind"):
        api.outcomes(doc)
    doc["obligations"] = [{"kind": "gradient_zero"}] * (api.MAX_OBLIGATIONS + 1)
    with pytest.raises(api.FormatError, match="at most"):
        api.outcomes(doc)


def test_check_obligation_uses_the_given_facts(proof):
    doc = proof("yun2019/thm1-case1-relu.json")
    prob = api.parse_problem(doc["problem"])
    point = api.parse_point(doc["point"], prob, "point")
    ob = {"kind": "smt_cell_minimum", "radius": "1/1000", "solver": "z3"}
    without = api.check_obligation(prob, point, ob, "smt", smt_timeout_ms=5000)
    assert without.status == "fails" and "interior_cell" in without.detail  # needs the cell box first
    with_box = api.check_obligation(prob, point, ob, "smt", facts={("cell_box", fmpq(1, 1000))}, smt_timeout_ms=5000)
    assert with_box.status == "holds", with_box.detail
