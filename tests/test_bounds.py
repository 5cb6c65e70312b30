"""Regression tests of issue 9: hostile inputs end as INVALID, UNKNOWN or REJECTED in bounded
time, in one line, with no traceback; the bounds of symcert.exact.limits hold before work starts."""
import json
import os
import time
from fractions import Fraction

import pytest
import sympy
from flint import fmpq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = os.path.join(ROOT, "proofs")
from symcert.checker import check_document, check_file
from symcert.checker import cells as C
from symcert.checker.multilinear import monomial_bound
from symcert.checker.sizes import bounded_expand, expanded_terms
from symcert.checker.verdict import Verdict
from symcert.exact import limits
from symcert.exact.jsontext import JSONLimitError, loads_bounded
from symcert.exact.rationals import RationalSyntaxError, parse_rational


@pytest.fixture
def run(cli):
    def run_(*args):
        p = cli(*args)
        assert "Traceback" not in p.stdout, p.stdout
        return p
    return run_


def load(rel):
    with open(os.path.join(PROOFS, rel), encoding="utf-8") as fh:
        return json.load(fh)


# ---- numbers and JSON ------------------------------------------------------------------------

def test_numbers_beyond_python_int_str_limit_are_read_exactly():
    assert parse_rational("1" * 5000 + "/3") == fmpq(int("1" * 4000) * 10**1000 + int("1" * 1000), 3)
    assert parse_rational("-" + "9" * 99_999) < 0
    with pytest.raises(RationalSyntaxError, match="longer than 100000"):
        parse_rational("1" * 100_001)


def test_json_depth_and_integer_literals_are_bounded_before_decoding():
    with pytest.raises(JSONLimitError, match="nested deeper than 64"):
        loads_bounded("[" * 100_000 + "]" * 100_000)
    with pytest.raises(JSONLimitError, match="integer literal of 5000 digits"):
        loads_bounded("1" * 5000)
    assert loads_bounded('["[[[[", {"a": "]]]"}]') == ["[[[[", {"a": "]]]"}]


def test_deep_json_file_is_invalid_in_one_line(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    rep = check_file(str(p))
    assert rep.verdict is Verdict.INVALID and "MAX_JSON_DEPTH" not in rep.summary and "nested deeper" in rep.summary


def test_long_numbers_in_data_and_spec_files_do_not_crash(run, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,y\n" + "1" * 5000 + ",1,1\n2,3,2\n3,1,1\n4,5,1\n5,2,-1\n1,1,3\n")
    p = run("certify", "yun2019.thm1", "--data", str(data), "-o", str(tmp_path / "c.json"), "--time-limit", "300")
    assert p.returncode in (0, 2, 3, 5) and p.stderr.count("\n") <= 2
    spec = {"network": {"widths": [1, 2, 1], "activation": "relu"}, "loss": "squared",
            "data": {"inputs": [["-1"], ["0"], ["1"]], "targets": [["1"], ["0"], ["1"]]},
            "point": {"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["1" * 5000]}}
    (tmp_path / "s.json").write_text(json.dumps(spec))
    p = run("certify", "--spec", str(tmp_path / "s.json"), "-o", str(tmp_path / "s-c.json"))
    assert p.returncode in (0, 3, 4)


# ---- messages --------------------------------------------------------------------------------

def test_show_never_evaluates_or_prints_an_unbounded_expression():
    e = sympy.exp(sympy.exp(sympy.exp(100)))
    t0 = time.monotonic()
    text = limits.show((sympy.Rational(1, 3) + e) ** 2 + (e - 1) ** 2 / 2)
    assert time.monotonic() - t0 < 2 and "exp(exp(exp(100)))" in text
    assert limits.show(10**20000).startswith("<an integer of")
    assert len(limits.show("x" * 10**6)) < 200
    big = sympy.Add(*[sympy.Symbol(f"s{i}") for i in range(limits.MAX_EXPR_NODES + 10)])
    assert limits.show(big).startswith("<an expression of more than")


def test_exp_exp_exp_parameter_is_unknown_not_a_hang():
    doc = load("ding2022/thm-saddle-refuted.json")
    doc["point"]["b2"] = ["exp(exp(exp(100)))"]
    t0 = time.monotonic()
    rep = check_document(doc)
    assert rep.verdict is Verdict.UNKNOWN and "MAX_MAGNITUDE_BITS" in rep.summary and time.monotonic() - t0 < 30


# ---- obligation kinds on the wrong problem class -------------------------------------------------

@pytest.mark.parametrize("kind", ["gradient_zero", "strictly_lower", "interior_cell", "cell_cover", "cell_multilinear",
                                  "descent_curve"])
def test_piecewise_linear_kinds_on_a_smooth_problem_are_rejected(kind):
    doc = load("ding2022/thm-saddle-refuted.json")
    doc["obligations"].insert(0, {"id": "x", "kind": kind, "radius": "1/10", "direction": doc["point"]})
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED
    assert f"obligation kind {kind} does not apply to problem class smooth" in rep.summary


def test_convexity_bound_with_a_huge_radius_is_unknown():
    doc = load("yun2019/thm2-sigmoid.json")
    next(o for o in doc["obligations"] if o["kind"] == "convexity_bound")["radius"] = "1000000"
    rep = check_document(doc)
    assert rep.verdict is Verdict.UNKNOWN and "radius 1000000" in rep.summary


# ---- cells, monomials, expansions --------------------------------------------------------------

def test_cells_are_counted_before_they_are_listed():
    kinks = [(1, 0, j) for j in range(27)]
    assert C.count_cells(kinks, {}) > C.MAX_CELLS
    t0 = time.monotonic()
    assert C.enumerate_cells(None, kinks, {}, {"pruned": 0}) is None
    assert time.monotonic() - t0 < 1
    assert C.count_cells([(1, 0, 0), (1, 0, 1), (1, 0, 2)], {0: {"+", "--"}}) == 2  # -+-, -++
    assert C.count_cells([(1, 0, 0), (1, 0, 1)], {0: {"+", "-"}}) == 0


def test_counting_agrees_with_listing():
    kinks = [(1, 0, 0), (1, 0, 1), (1, 0, 2), (1, 1, 0), (2, 0, 0)]
    for dead in ({}, {0: {"+-"}}, {0: {"-", "+-"}, 1: {"+"}}, {0: {"+", "-+", "--+"}}):
        counts = {"pruned": 0}
        assert C.count_cells(kinks, dead) == len(list(C.enumerate_cells(None, kinks, dead, counts)))


def test_monomials_are_bounded_before_expansion():
    assert monomial_bound([1, 2, 1]) == 11
    assert monomial_bound([1] + [3] * 11 + [1]) > limits.MAX_MONOMIALS
    assert monomial_bound([1] + [2] * 13 + [1]) <= limits.MAX_MONOMIALS  # depth 13, width 2 is checked (MemoryError before)


def test_expansion_is_bounded_before_sympy_expand():
    x = sympy.symbols("x0:8")
    assert expanded_terms((x[0] + x[1]) ** 3) == 8
    assert expanded_terms(sympy.exp(x[0] + x[1]) * (x[2] + 1)) == 2
    huge = sympy.Mul(*[sum(x) + k for k in range(12)])
    assert expanded_terms(huge) > limits.MAX_EXPANDED_TERMS
    t0 = time.monotonic()
    with pytest.raises(limits.LimitReached, match="MAX_EXPANDED_TERMS"):
        bounded_expand(huge, "test")
    assert time.monotonic() - t0 < 2


# ---- the generator -----------------------------------------------------------------------------

def test_constant_activation_is_refused_in_one_line(run, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x1,y\n1,1\n2,3\n3,1\n4,5\n")
    p = run("certify", "he2020.thm1", "--activation", "pl:0;0=0,1=0;0", "--data", str(data))
    assert p.returncode == Verdict.INVALID.exit_code and "constant activation" in p.stderr and p.stderr.count("\n") == 1


def test_smooth_activation_in_a_spec_file_at_a_singular_point_is_unknown(run, tmp_path):
    """A smooth spec goes to the rigorous box route (docs/own-network-smooth.md); at this
    degenerate point (W1 = 0, a singular Hessian) it answers UNKNOWN with the reason."""
    spec = {"network": {"widths": [1, 2, 1], "activation": {"kind": "smooth", "name": "sigmoid"}}, "loss": "squared",
            "data": {"inputs": [["-1"], ["0"], ["1"]], "targets": [["1"], ["0"], ["1"]]},
            "point": {"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["2/3"]}}
    (tmp_path / "s.json").write_text(json.dumps(spec))
    p = run("certify", "--spec", str(tmp_path / "s.json"))
    assert p.returncode == Verdict.UNKNOWN.exit_code and "singular" in p.stderr and "Traceback" not in p.stderr


def test_ding2022_better_point_fit_on_repeated_features_solves():
    from symcert.claims.ding2022.thm import fitted_better
    inputs = [[Fraction(j % 7 - 3, j % 3 + 1)] for j in range(12)]
    targets = [Fraction((5 * j) % 9 - 4) for j in range(12)]
    better = fitted_better(inputs, targets, 40)  # 40 features, many equal: a singular system for a plain solve (lstsq takes the minimum-norm fit)
    assert len(better["W2"][0]) == 40 and all(isinstance(v, Fraction) for v in better["W2"][0] + better["b2"])
