"""Smooth networks: activation table, exact evaluation, and negative tests for every new kind."""
import copy
import json

import pytest
import sympy

from symcert.checker import Verdict, check_document
from symcert.checker import smooth as S

def _ob(doc, kind):
    return next(o for o in doc["obligations"] if o["kind"] == kind)


@pytest.mark.parametrize("name, z, values", [
    ("sigmoid", -sympy.log(2), (sympy.Rational(1, 3), sympy.Rational(2, 9), sympy.Rational(2, 27))),
    ("sigmoid", sympy.log(4), (sympy.Rational(4, 5), sympy.Rational(4, 25), sympy.Rational(-12, 125))),
    ("tanh", -sympy.log(2), (sympy.Rational(-3, 5), sympy.Rational(16, 25), sympy.Rational(96, 125))),
    ("arctan", sympy.Integer(-1), (-sympy.pi / 4, sympy.Rational(1, 2), sympy.Rational(1, 2))),
    ("softplus", -sympy.log(2), (sympy.log(sympy.Rational(3, 2)), sympy.Rational(1, 3), sympy.Rational(2, 9))),
    ("quadratic", sympy.Rational(3, 2), (sympy.Rational(9, 4), sympy.Integer(3), sympy.Integer(2))),
    ("exponential", sympy.log(3), (sympy.Integer(3), sympy.Integer(3), sympy.Integer(3))),
])
def test_exact_shortcuts(name, z, values):
    act = S.activation({"kind": "smooth", "name": name}, "a")
    for order, want in enumerate(values):
        assert sympy.simplify(act.derivative(0, order).subs(S.T, z) - want) == 0


def test_elu_pieces_and_selu_constants():
    elu = S.activation({"kind": "smooth", "name": "elu", "alpha": "1/2"}, "a")
    prob = S.SmoothProblem((1, 1, 1), elu, "squared", None, None)
    ev = S.Evaluator(prob)
    assert ev.h(-sympy.log(2)) == sympy.Rational(-1, 4)
    assert ev.h(sympy.Integer(3)) == 3
    with pytest.raises(S.NotDifferentiable):
        ev.h(sympy.Integer(0), 1)
    selu = S.activation({"kind": "smooth", "name": "selu"}, "a")
    assert selu.pieces[1] == S.SELU_SCALE * S.T


def test_to_arb_is_rigorous():
    b = S.arb_at(sympy.atan(sympy.Integer(1)) * 4 - sympy.pi, 200)
    assert b.contains(0) and b.rad() < 1e-55
    assert S.sign(sympy.log(3) - sympy.Rational(11, 10))[0] == -1
    assert S.sign(sympy.E - sympy.Rational(2718281828459045, 10**15))[0] == 1


def test_unknown_activation_and_bad_real_are_invalid(proof):
    doc = proof("yun2019/thm2-sigmoid.json")
    bad = copy.deepcopy(doc)
    bad["problem"]["network"]["activation"]["name"] = "swish"
    rep = check_document(bad)
    assert rep.verdict is Verdict.INVALID and "swish" in rep.summary
    for text in ("log(2", "__import__('os')", "1.5.3", "x"):
        bad = copy.deepcopy(doc)
        bad["point"]["W1"][0][0] = text
        rep = check_document(bad)
        assert rep.verdict is Verdict.INVALID, text
        assert "point.W1[0][0]" in rep.summary


def test_wrong_digit_in_exact_real_is_rejected(proof):
    doc = proof("yun2019/thm2-sigmoid.json")
    assert doc["point"]["W1"][0][0] == "-log(2)"
    bad = copy.deepcopy(doc)
    bad["point"]["W1"][0][0] = bad["point"]["W1"][0][1] = "-log(3)"  # sigma = 1/4: output no longer 1/3
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED
    bad = copy.deepcopy(doc)
    bad["point"]["W2"][0][0] = "1/3"
    assert check_document(bad).verdict is Verdict.REJECTED


def test_arctan_irrational_bias_wrong_digit(proof):
    doc = proof("yun2019/thm2-arctan.json")
    bad = copy.deepcopy(doc)
    bad["point"]["b2"][0] = bad["point"]["b2"][0].replace("pi / 2", "pi / 3")
    assert bad["point"]["b2"] != doc["point"]["b2"]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED


def test_convexity_bound_negative_cases(proof):
    doc = proof("yun2019/thm2-sigmoid.json")
    bad = copy.deepcopy(doc)
    _ob(bad, "convexity_bound")["combinations"][0]["multiplier"] = "1/3"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "stationarity" in rep.summary
    bad = copy.deepcopy(doc)
    _ob(bad, "convexity_bound")["combinations"][0]["of"] = [[1, "1/3"], [2, "2/3"]]
    assert check_document(bad).verdict is Verdict.REJECTED
    bad = copy.deepcopy(doc)  # a radius so large that sigma'' changes sign inside the box
    _ob(bad, "convexity_bound")["radius"] = "1"
    assert check_document(bad).verdict in (Verdict.REJECTED, Verdict.UNKNOWN)


def test_concave_point_is_not_certified_by_convexity(proof):
    """tanh at v = +log 2 with u = 1: u h is concave there."""
    doc = proof("yun2019/thm2-tanh.json")
    bad = copy.deepcopy(doc)
    bad["point"]["W1"] = [["log(2)", "log(2)"], ["log(2)", "log(2)"]]
    bad["point"]["b2"] = ["1/3 - 6/5"]
    rep = check_document(bad)
    assert rep.verdict is not Verdict.CERTIFIED
    assert any(o[1] == "convexity_bound" and o[2] != "holds" for o in rep.obligations)


def test_better_point_not_lower_is_rejected(proof):
    doc = proof("yun2019/thm2-arctan.json")
    bad = copy.deepcopy(doc)
    bad["better_point"] = copy.deepcopy(doc["point"])
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "not below" in rep.summary


def test_claimed_better_loss_checked(proof):
    doc = proof("yun2019/thm2-quadratic.json")
    bad = copy.deepcopy(doc)
    bad["better_loss"] = "1/100"
    assert check_document(bad).verdict is Verdict.REJECTED


def test_affine_pieces_negative_cases(proof):
    doc = proof("christof2023/smooth-elu-worked.json")
    assert check_document(doc).verdict is Verdict.CERTIFIED
    bad = copy.deepcopy(doc)  # a neuron moved onto the exponential side: the cell is not affine
    bad["point"]["b1"][1] = "-1"
    bad["point"]["b2"][1] = "1"
    bad["loss"] = "2/5"
    rep = check_document(bad)
    assert rep.verdict is not Verdict.CERTIFIED
    bad = copy.deepcopy(doc)  # an affine fit that is not the least-squares one
    _ob(bad, "affine_pieces")["affine_fit"]["bias"] = "1/4"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "normal equations" in rep.summary
    bad = copy.deepcopy(doc)  # radius too large: layer-1 pre-activation 1 +- r(1 + 3) reaches 0
    _ob(bad, "affine_pieces")["radius"] = "1/3"
    assert check_document(bad).verdict is not Verdict.CERTIFIED


def test_selu_better_point_decided_by_arb(proof):
    doc = proof("christof2023/smooth-selu-worked.json")
    rep = check_document(doc)
    assert rep.verdict is Verdict.CERTIFIED
    assert any("arb ball arithmetic" in r for r in rep.rests_on)
    assert "better_loss" not in doc


def test_paper_conditions_negative_cases(proof):
    doc = proof("yun2019/thm2-tanh-paper-form.json")
    assert check_document(doc).verdict is Verdict.CERTIFIED
    bad = copy.deepcopy(doc)  # v1 = v2 = log 2, u = 5/18: C2.3 holds, but u h'' < 0 makes A_i < 0 (C2.6 fails)
    bad["point"]["W1"] = [["log(2)", "log(2)"], ["log(2)", "log(2)"]]
    bad["point"]["W2"] = [["5/18", "5/18"]]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "C2.6" in rep.summary
    bad = copy.deepcopy(doc)
    _ob(bad, "paper_conditions")["theorem"] = "yun2019.thm3"
    assert check_document(bad).verdict is Verdict.INVALID
    bad = copy.deepcopy(doc)  # not the paper's form: b2 != 0
    bad["point"]["b2"] = ["1/100"]
    bad["point"]["W2"][0][1] = "247/150 - 1/100 * 13/5"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "paper's form" in rep.summary


def test_elu_value_at_breakpoint_and_no_traceback(proof):
    elu = S.activation({"kind": "smooth", "name": "elu", "alpha": "1"}, "a")
    ev = S.Evaluator(S.SmoothProblem((1, 1, 1), elu, "squared", None, None))
    assert ev.h(sympy.Integer(0)) == 0
    doc = proof("christof2023/smooth-elu-worked.json")
    bad = copy.deepcopy(doc)  # layer-1 neuron 2 exactly on the breakpoint: value defined, no derivative
    bad["point"]["b1"][1] = "0"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED
    assert any(o[2] == "fails" and "breakpoint" in o[3] for o in rep.obligations) or "loss" in rep.summary


def test_descent_on_deeper_network_fails_cleanly(proof):
    doc = proof("ding2022/thm-deeper.json")
    bad = copy.deepcopy(doc)
    bad["claim"]["conclusion"] = "not_local_minimum"
    d = {k: ([["0"] * len(r) for r in v] if k[0] == "W" else ["0"] * len(v)) for k, v in doc["point"].items()}
    d["W1"][0][0] = "1"
    bad["obligations"] = [{"id": "g", "kind": "smooth_gradient_zero"}, {"id": "d", "kind": "smooth_descent", "direction": d}]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "no Hessian" in rep.summary


def test_gradient_not_zero_is_rejected(proof):
    doc = proof("yun2019/thm2-sigmoid.json")
    bad = copy.deepcopy(doc)
    bad["point"]["b2"] = ["1/10"]  # outputs 13/30: loss 209/600, not critical
    bad["loss"] = "209/600"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED
    assert rep.obligations[0][1] == "smooth_gradient_zero" and rep.obligations[0][2] == "fails"
    assert "d risk / d" in rep.obligations[0][3] and "not 0" in rep.obligations[0][3]


def _strict_doc(act, inputs, targets, point, conclusion="local_minimum"):
    from symcert import certificate
    from symcert.claims import constructions as C
    pj = C.smooth_problem_json([1, 1, 1], C.smooth_activation(act), inputs, targets)
    obligations = [{"id": "g", "kind": "smooth_gradient_zero"}, {"id": "pd", "kind": "hessian_pd"}]
    return json.loads(json.dumps(certificate.document({"id": "test", "conclusion": conclusion}, pj, point, 0, obligations)))


def test_hessian_pd_strict_minimum_exact():
    # targets sigmoid(x log 2) = 2^x / (1 + 2^x) on five points, fitted exactly with w = log 2: a
    # strict global minimum (no symmetry of a sigmoid neuron); the Hessian is rational
    from fractions import Fraction
    xs = [-2, -1, 0, 1, 2]
    doc = _strict_doc("sigmoid", [[x] for x in xs], [Fraction(2) ** x / (1 + Fraction(2) ** x) for x in xs],
                      {"W1": [["log(2)"]], "b1": ["0"], "W2": [[1]], "b2": [0]})
    rep = check_document(doc)
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert "exact LDL^T" in " ".join(rep.rests_on)


def test_rigorous_ldl_on_irrational_matrices():
    from symcert.checker.manifold import arb_inertia

    def _arb_positive_definite(H, prec):  # the one arb LDL^T of the checker
        return arb_inertia(H, prec) == "pd"
    pi, e = sympy.pi, sympy.E
    one = sympy.Integer(1)
    assert _arb_positive_definite([[pi, one], [one, e]], 128)
    assert not _arb_positive_definite([[pi, sympy.sqrt(9)], [sympy.sqrt(9), e]], 128)  # det = pi e - 9 < 0
    assert not _arb_positive_definite([[pi, sympy.sqrt(pi * e)], [sympy.sqrt(pi * e), e]], 1024)  # singular


def test_quadratic_scaling_symmetry_makes_the_hessian_singular():
    from fractions import Fraction
    xs = [-2, -1, 0, 1, 2]
    doc = _strict_doc("quadratic", [[x] for x in xs], [2 * (x + Fraction(1, 2)) ** 2 - 1 for x in xs],
                      {"W1": [[1]], "b1": ["1/2"], "W2": [[2]], "b2": [-1]})
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "not positive definite" in rep.summary


def test_hessian_pd_singular_irrational_hessian_is_not_certified(proof):
    yun = proof("yun2019/thm2-arctan.json")  # the Hessian has entries in Q(pi) and is singular
    bad = copy.deepcopy(yun)
    bad["claim"]["conclusion"] = "local_minimum"
    bad["obligations"] = [{"id": "g", "kind": "smooth_gradient_zero"}, {"id": "pd", "kind": "hessian_pd"}]
    rep = check_document(bad)
    assert rep.verdict is Verdict.UNKNOWN and "pivot positive" in rep.summary


def test_hessian_pd_rejects_singular_rational_hessian(proof):
    doc = proof("yun2019/thm2-sigmoid.json")
    bad = copy.deepcopy(doc)
    bad["claim"]["conclusion"] = "local_minimum"
    bad["obligations"] = [{"id": "g", "kind": "smooth_gradient_zero"}, {"id": "pd", "kind": "hessian_pd"}]
    bad.pop("better_point")
    bad.pop("better_loss")
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "not positive definite" in rep.summary
