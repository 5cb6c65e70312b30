"""ding2022.thm beyond sigmoid: every smooth activation, generic inputs, depth 3 and 4, and the
certificates that must fail (morse_bott's arbitrary-activation identity, its arb inertia, a
pre-activation on a breakpoint, a wrong convex combination)."""
import copy
import json
import os
import subprocess
import sys

import pytest
import sympy

from symcert.checker import Verdict, check_document
from symcert.checker import manifold
from symcert.checker import reading as P
from symcert.claims.ding2022 import general as G

PROOFS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "proofs")


def _load(name):
    with open(os.path.join(PROOFS, "ding2022", name)) as fh:
        return json.load(fh)


def _ob(doc, kind):
    return next(o for o in doc["obligations"] if o["kind"] == kind)


def _cli(tmp_path, *args):
    data = tmp_path / "d.csv"
    data.write_text("x1,y\n-2,0\n-1/2,0\n1/3,0\n1,0\n5/2,0\n3,0\n")
    out = tmp_path / "c.json"
    r = subprocess.run([sys.executable, "-m", "symcert.cli", "certify", "ding2022.thm", "--data", str(data), "-o", str(out), *args],
                       capture_output=True, text=True)
    return r.returncode, r.stderr


@pytest.mark.parametrize("act", ["gelu", "swish", "elu:1/2", "arctan"])
def test_cli_certifies_smooth_activations(tmp_path, act):
    code, err = _cli(tmp_path, "--hidden", "3", "--activation", act)
    assert code == 0, err


@pytest.mark.parametrize("act", ["relu", "leaky_relu:1/10", "hard_tanh"])
def test_piecewise_linear_is_not_applicable(tmp_path, act):
    code, err = _cli(tmp_path, "--activation", act)
    assert code == 5 and "h''" in err


def test_deep_needs_1d_inputs(tmp_path):
    data = tmp_path / "d2.csv"
    data.write_text("x1,x2,y\n0,0,0\n1,0,0\n0,1,0\n1,1,0\n2,1,0\n1,3,0\n-1,2,0\n")
    r = subprocess.run([sys.executable, "-m", "symcert.cli", "certify", "ding2022.thm", "--data", str(data), "--depth", "3"],
                       capture_output=True, text=True)
    assert r.returncode == 5 and "1-D inputs" in r.stderr


def test_labels_make_M_the_identity():
    xs = G.random_inputs(31, 8, 2)
    _, e, _ = G.identity_labels(xs)
    M = [[sum(ei * x[a] * x[b] for ei, x in zip(e, xs)) for b in range(2)] for a in range(2)]
    assert sum(e) == 0 and all(sum(ei * x[a] for ei, x in zip(e, xs)) == 0 for a in range(2))
    assert M[0][1] == 0 and M[1][0] == 0 and M[0][0] == M[1][1] > 0


def test_too_few_inputs_are_not_applicable():
    from symcert.errors import HypothesisViolation
    with pytest.raises(HypothesisViolation):
        G.identity_labels(G.random_inputs(1, 4, 2))  # 4 points in R^2: no quadratic residual with M = I


def test_generic_identity_holds_and_fails():
    doc = _load("thm-gelu-s37-m8-dx2-n2.json")
    prob = P.problem(doc["problem"])
    point = P.point(doc["point"], prob, "point")
    free = [("b1", j, 0) for j in range(2)] + [("W2", 0, j) for j in range(2)]
    assert manifold.generic_identity(prob, point, free, sympy.Rational(1, 3))
    assert not manifold.generic_identity(prob, point, free + [("W1", 0, 0)], sympy.Rational(1, 3))


def test_wrong_curvature_sign_is_rejected_by_arb_inertia():
    """GELU: h(0) = 0, so v = -1 keeps the point critical; v h''(0) < 0 makes the complementary
    Hessian (irrational: h''(0) = sqrt(2/pi)) indefinite, refuted by a certainly negative pivot."""
    bad = copy.deepcopy(_load("thm-gelu-s37-m8-dx2-n2.json"))
    bad["point"]["W2"] = [["-1", "-1"]]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "certainly negative" in rep.summary


def test_breakpoint_pre_activation_is_rejected():
    """ELU with the operating point moved onto its breakpoint 0 (h(0) = 0, output bias c*)."""
    doc = _load("thm-elu-s34-m12-dx3-n10.json")
    bad = copy.deepcopy(doc)
    bad["point"]["b1"] = ["0"] * 10
    bad["point"]["b2"] = ["1/3"]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "breakpoint" in rep.summary


def test_not_critical_manifold_with_breakpoints_is_rejected():
    doc = _load("thm-elu-s34-m12-dx3-n10.json")
    bad = copy.deepcopy(doc)
    bad["obligations"] = [o for o in bad["obligations"] if o["kind"] != "smooth_gradient_zero"]
    _ob(bad, "morse_bott")["free"].append(["W1", 1, 1])
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "arbitrary activation" in rep.summary


def test_wrong_convex_combination_is_rejected():
    doc = _load("thm-deep-gelu-s43-m6-1-3-10-1.json")
    bad = copy.deepcopy(doc)
    combo = _ob(bad, "convexity_bound")["combinations"][0]
    combo["multiplier"] = "7"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED


@pytest.mark.parametrize("name", ["thm-silu-s36-m6-dx1-n50.json", "thm-deep-tanh-s42-m5-1-4-4-4-1.json"])
def test_stored_general_certificates_check(name):
    assert check_document(_load(name)).verdict is Verdict.CERTIFIED


@pytest.mark.parametrize("args,code", [(("--loss", "absolute"), 5), (("--alpha", "2"), 2), (("--continuum",), 2)])
def test_options_it_does_not_take_are_refused(tmp_path, args, code):
    got, err = _cli(tmp_path, *args)
    assert got == code, err
