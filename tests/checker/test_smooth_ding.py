"""ding2022: Morse-Bott obligations, the saddle refutation, and negative tests."""
import copy

import pytest
import sympy

from symcert.checker import Verdict, check_document
from symcert.claims.ding2022 import thm as ding2022



def _ob(doc, kind):
    return next(o for o in doc["obligations"] if o["kind"] == kind)


def test_stated_hessian_eigenvalues():
    roots = ding2022.hessian_eigen_summary(2)["roots"]
    assert roots == {sympy.Rational(107, 27): 1, sympy.Rational(20, 81): 1, sympy.Rational(4, 81): 1, 0: 4}


def test_stated_better_point_has_loss_zero(proof):
    doc = proof("ding2022/thm-worked-n2.json")
    assert doc["better_point"]["W2"] == [["30", "30"]] and doc["better_point"]["b2"] == ["-39"]
    assert doc["better_loss"] == "0"
    assert check_document(doc).verdict is Verdict.CERTIFIED


def test_manifold_that_is_not_critical_is_rejected(proof):
    doc = proof("ding2022/thm-worked-n2.json")
    bad = copy.deepcopy(doc)
    _ob(bad, "morse_bott")["free"].append(["W1", 1, 1])
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "does not vanish on the manifold" in rep.summary


def test_kernel_too_large_is_rejected(proof):
    doc = proof("ding2022/thm-worked-n2.json")
    bad = copy.deepcopy(doc)
    _ob(bad, "morse_bott")["free"].pop()
    bad["obligations"] = [o for o in bad["obligations"] if o["kind"] != "convexity_bound"]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "not positive definite" in rep.summary


def test_morse_bott_rejects_the_saddle(proof):
    doc = proof("ding2022/thm-saddle-refuted.json")
    bad = copy.deepcopy(doc)
    bad["claim"]["conclusion"] = "local_minimum"
    bad["obligations"] = [{"id": "mb", "kind": "morse_bott", "free": [["b1", 1, 1], ["b1", 2, 1], ["W2", 1, 1], ["W2", 1, 2]]}]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED


def test_descent_direction_must_curve_down(proof):
    doc = proof("ding2022/thm-saddle-refuted.json")
    bad = copy.deepcopy(doc)
    _ob(bad, "smooth_descent")["direction"]["W1"] = [["1"], ["1"]]
    assert check_document(bad).verdict is Verdict.REJECTED
    bad = copy.deepcopy(doc)
    _ob(bad, "smooth_descent")["witness_t"] = "0"
    assert check_document(bad).verdict is Verdict.REJECTED


def test_wrong_digit_in_bias_is_rejected(proof):
    doc = proof("ding2022/thm-worked-n3.json")
    bad = copy.deepcopy(doc)
    bad["point"]["b1"][0] = "-log(3)"
    assert check_document(bad).verdict is Verdict.REJECTED


def test_inputs_that_do_not_admit_the_construction():
    from fractions import Fraction as F

    from symcert.errors import HypothesisViolation
    with pytest.raises(HypothesisViolation):
        ding2022.choose_labels([[F(0)], [F(1)]])  # two points: every residual is affine


def test_cli_user_inputs(tmp_path, cli):
    good = tmp_path / "d.csv"
    good.write_text("x1,y\n-2,0\n-1/2,0\n1/3,0\n1,0\n5/2,0\n")
    out = tmp_path / "c.json"
    run = cli
    p = run("certify", "ding2022.thm", "--data", str(good), "--hidden", "2", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert run("check", str(out)).returncode == 0
    bad = tmp_path / "e.csv"
    bad.write_text("x1,y\n0,0\n1,0\n")
    p = run("certify", "ding2022.thm", "--data", str(bad))
    assert p.returncode == 5 and "does not apply" in p.stderr and "Traceback" not in p.stderr


def test_per_neuron_route_at_width_300():
    from symcert.checker.ledger import MANIFOLD_IDENTITY, NEURON_BLOCKS, NEURON_IDENTITY
    doc = ding2022.certify([[x] for x in ding2022.X1], 300, "width 300", targets=ding2022.Y1, better=ding2022.worked_better(300))
    mb = _ob(doc, "morse_bott")
    assert NEURON_IDENTITY in mb["rests_on"] and NEURON_BLOCKS in mb["rests_on"] and MANIFOLD_IDENTITY not in mb["rests_on"]
    rep = check_document(doc)
    assert rep.verdict is Verdict.CERTIFIED and "300 neuron blocks positive definite (1 distinct)" in rep.obligations[1][3]


def test_general_route_agrees_without_the_critical_fact(proof):
    """Without smooth_gradient_zero before it, morse_bott cannot use the per-neuron route (it rests
    on the fact critical) and proves the same manifold symbolically."""
    from symcert.checker.ledger import MANIFOLD_IDENTITY, NEURON_IDENTITY
    doc = copy.deepcopy(proof("ding2022/thm-worked-n3.json"))
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "smooth_gradient_zero"]
    for o in doc["obligations"]:
        o.pop("rests_on", None)
    doc.pop("rests_on", None)
    doc["claim"]["hypotheses"] = [h for h in doc["claim"]["hypotheses"] if h.get("check", {}).get("obligation") != "gradient_zero"]
    rep = check_document(doc)
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert MANIFOLD_IDENTITY in rep.ledgers[0] and NEURON_IDENTITY not in rep.ledgers[0]


def test_certify_checks_the_morse_bott_route_once(monkeypatch):
    from symcert.checker import manifold
    from symcert.claims import constructions as C
    from symcert.claims.ding2022 import general as G
    calls = []
    real = manifold.neuron_identity
    monkeypatch.setattr(manifold, "neuron_identity", lambda *a: calls.append(1) or real(*a))
    ding2022.certify([[x] for x in ding2022.X1], 4, "t", targets=ding2022.Y1, better=ding2022.worked_better(4))
    assert len(calls) == 1
    G.certify_shallow(G.random_inputs(36, 6, 1), 5, C.smooth_activation("tanh"), "t")
    assert len(calls) == 2
