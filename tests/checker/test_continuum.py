"""scaling_family: one certificate for every alpha > 0 (yun2019.thm1 --continuum), and the
certificates that must fail."""
import copy
import json
import os
import subprocess
import sys

import pytest

from symcert.checker import Verdict, check_document

PROOFS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "proofs")


def _load(name="thm1-continuum-case1-relu.json"):
    with open(os.path.join(PROOFS, "yun2019", name)) as fh:
        return json.load(fh)


def _fam(doc):
    return next(o for o in doc["obligations"] if o["kind"] == "scaling_family")


@pytest.mark.parametrize("name", ["thm1-continuum-case1-relu.json", "thm1-continuum-case2-leaky.json",
                                  "thm1-continuum-s4-m12-dx2-d4-leaky.json"])
def test_stored_continua_certified(name):
    rep = check_document(_load(name))
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "continuum_of_spurious_local_minima"


def test_family_not_through_the_point_is_rejected():
    bad = copy.deepcopy(_load())
    _fam(bad)["family"]["b2"] = [["-2", 0]]
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "alpha = 1" in rep.summary


def test_constant_radius_is_rejected():
    """r(alpha) = r0 does not shrink with alpha: for small alpha the box leaves the cell."""
    bad = copy.deepcopy(_load())
    _fam(bad)["radius"][1] = 0
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "every alpha > 0" in rep.summary


def test_output_weight_scaling_the_wrong_way_is_rejected():
    """W2 ~ alpha instead of 1/alpha: equal at alpha = 1, but the output is not the fit elsewhere."""
    bad = copy.deepcopy(_load())
    _fam(bad)["family"]["W2"][0][0][1] = 1
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "not the affine fit for every alpha" in rep.summary


def test_margin_not_proved_for_every_alpha_is_rejected():
    """The idle neuron's bias scaling like 1/alpha while the radius scales like alpha: the same point
    at alpha = 1, but for large alpha the box leaves the cell."""
    bad = copy.deepcopy(_load())
    fam = _fam(bad)["family"]
    fam["b1"][1] = [fam["b1"][1][0], -1]  # same value at alpha = 1, scales like 1/alpha
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED


@pytest.mark.parametrize("field,value", [("radius", ["1/8", 99]), ("radius", ["alpha", 1]), ("radius", ["-1/8", 1]),
                                         ("parameter", "beta")])
def test_malformed_family_is_invalid(field, value):
    bad = copy.deepcopy(_load())
    _fam(bad)[field] = value
    rep = check_document(bad)
    assert rep.verdict is Verdict.INVALID, rep.summary


def test_scaling_family_on_a_smooth_problem_is_refused():
    with open(os.path.join(PROOFS, "ding2022", "thm-worked-n2.json")) as fh:
        doc = json.load(fh)
    doc["obligations"].insert(0, copy.deepcopy(_fam(_load())))
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "does not apply" in rep.summary


def _cli(tmp_path, *args):
    data = tmp_path / "d.csv"
    data.write_text("x1,y\n0,0\n1,1\n2,0\n3,1\n")
    return subprocess.run([sys.executable, "-m", "symcert.cli", "certify", "yun2019.thm1", "--data", str(data),
                           "-o", str(tmp_path / "c.json"), *args], capture_output=True, text=True)


def test_cli_continuum(tmp_path):
    r = _cli(tmp_path, "--continuum")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "c.json").read_text())["claim"]["conclusion"] == "continuum_of_spurious_local_minima"


def test_cli_continuum_refuses_alpha(tmp_path):
    r = _cli(tmp_path, "--continuum", "--alpha", "2")
    assert r.returncode == 2 and "--alpha" in r.stderr
