"""yun2019.thm1: the paper's worked figures, hypothesis checks, the continuum, random data."""
import json

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims.yun2019 import thm1 as Y
from symcert.errors import HypothesisViolation
from symcert.exact.rationals import parse_rational
from symcert.inputs.activations import leaky_relu, relu, relu_like
from symcert.inputs.data import from_rows


def check(doc):
    return check_document(json.loads(certificate.canonical_bytes(doc)))


@pytest.mark.parametrize("data,act,kw,loss,better,point", [
    (Y.CASE1, relu(), {}, "2/5", "77/200", {"W1": [["1/5"], ["0"]], "b1": ["6/5", "1"], "W2": [["1", "0"]], "b2": ["-1"]}),
    (Y.CASE1, leaky_relu(fmpq(1, 2)), {}, "2/5", "709/1800", None),
    (Y.CASE2, relu(), {"tilt_start": fmpq(1, 5)}, "1/2", "19/40", None),
])
def test_worked_instances_match_the_paper(data, act, kw, loss, better, point):
    doc = Y.certify(Y._rows(*data), act, **kw)
    assert doc["loss"] == loss and doc["better_loss"] == better
    if point:
        assert doc["point"] == point
    assert check(doc).verdict is Verdict.CERTIFIED


def test_case1_better_point_matches_the_paper():
    doc = Y.certify(Y._rows(*Y.CASE1), relu())
    assert doc["better_point"] == {"W1": [["1/5"], ["-1/5"]], "b1": ["-1/20", "3/20"], "W2": [["1", "-1"]], "b2": ["3/10"]}
    doc = Y.certify(Y._rows(*Y.CASE2), relu(), tilt_start=fmpq(1, 5))
    assert doc["better_point"] == {"W1": [["-1/5", "0"], ["1/5", "0"]], "b1": ["1/20", "-3/20"], "W2": [["1", "-1"]], "b2": ["2/5"]}
    assert doc["claim"]["construction"]["better_point"]["case"] == "2"


def test_case2_default_tilt_schedule():
    doc = Y.certify(Y._rows(*Y.CASE2), relu())
    assert doc["better_loss"] == "61/128"  # tilt 1/4 from the schedule 1, 1/2, 1/4, ...
    assert check(doc).verdict is Verdict.CERTIFIED


@pytest.mark.parametrize("alpha", [fmpq(1, 7), fmpq(1), fmpq(5, 2), fmpq(100)])
def test_continuum_in_alpha(alpha):
    doc = Y.certify(Y._rows(*Y.CASE1), relu(), alpha=alpha)
    assert doc["loss"] == "2/5"
    assert check(doc).verdict is Verdict.CERTIFIED


def test_s_minus_above_s_plus_allowed():
    doc = Y.certify(Y._rows(*Y.CASE1), relu_like(fmpq(1, 2), fmpq(3)), hidden=3)
    assert check(doc).verdict is Verdict.CERTIFIED


@pytest.mark.parametrize("xs,ys,act,hidden,hyp", [
    ([0, 1, 2], [1, 3, 5], relu(), 2, "C1.1"),            # exact affine fit
    ([0, 1, 1, 2], [0, 1, 0, 1], relu(), 2, "C1.2"),      # duplicate input
    ([0, 1, 2, 3], [0, 1, 0, 1], relu(), 1, "C1.4"),      # width 1
    ([0, 1, 2, 3], [0, 1, 0, 1], relu_like(1, 1), 2, "C1.3"),  # linear activation
    ([0, 1, 2, 3], [0, 1, 0, 1], relu_like(0, 1), 2, "C1.3"),  # s+ = 0
])
def test_hypothesis_violations_are_named(xs, ys, act, hidden, hyp):
    with pytest.raises(HypothesisViolation) as exc:
        Y.certify(Y._rows(xs, ys), act, hidden=hidden)
    assert exc.value.hypothesis == hyp and hyp in str(exc.value)
    assert exc.value.exit_code == 5


def test_vector_output_is_c11_violation():
    data = from_rows([[fmpq(0)], [fmpq(1)]], [[fmpq(0), fmpq(1)], [fmpq(1), fmpq(0)]])
    with pytest.raises(HypothesisViolation, match="C1.1"):
        Y.certify(data, relu())


def test_rank_deficient_inputs_still_fit():
    # m = 3 points in dx = 3 (fewer samples than dx + 1): an exact fit exists -> C1.1 fails
    data = from_rows([[fmpq(1), fmpq(0), fmpq(2)], [fmpq(0), fmpq(1), fmpq(1)], [fmpq(1), fmpq(1), fmpq(3)]],
                     [[fmpq(1)], [fmpq(0)], [fmpq(2)]])
    with pytest.raises(HypothesisViolation, match="C1.1"):
        Y.certify(data, relu())


q = st.fractions(min_value=-4, max_value=4, max_denominator=4)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 9), st.integers(1, 3), st.integers(2, 4), st.data())
def test_random_data_certified_or_violation_reported(m, dx, d1, data):
    xs = [[fmpq(f.numerator, f.denominator) for f in data.draw(st.lists(q, min_size=dx, max_size=dx))] for _ in range(m)]
    ys = [[fmpq(f.numerator, f.denominator)] for f in data.draw(st.lists(q, min_size=m, max_size=m))]
    act = data.draw(st.sampled_from([relu(), leaky_relu(fmpq(1, 3)), relu_like(fmpq(2), fmpq(5))]))
    try:
        doc = Y.certify(from_rows(xs, ys), act, hidden=d1, smt="never")
    except HypothesisViolation as exc:
        assert exc.hypothesis in ("C1.1", "C1.2")
        return
    rep = check(doc)
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert parse_rational(doc["better_loss"]) < parse_rational(doc["loss"])
