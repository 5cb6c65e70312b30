"""Smooth networks trained with numpy at test time, certified through the command line
(`symcert certify --spec`, then `check`, called in-process by the ``cli`` fixture): a strict minimum, a spurious one, a saddle."""
import os
import json
import subprocess
import sys

import pytest

import krawczyk_train as T
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def _run(cli):
    def run(*args):
        p = cli(*args)
        return p.returncode, p.stdout + p.stderr
    return run


@pytest.fixture
def _certify_and_check(_run):
    def certify_and_check(tmp_path, widths, X, Y, theta, **extra):
        spec, cert = str(tmp_path / "spec.json"), str(tmp_path / "cert.json")
        T.spec(widths, "tanh", X, Y, theta, spec, **extra)
        code, out = _run("certify", "--spec", spec, "-o", cert)
        if code in (0, 4):
            ccode, cout = _run("check", cert)
            with open(cert) as fh:
                return code, out, ccode, cout, json.load(fh)
        return code, out, None, None, None
    return certify_and_check


def test_trained_tanh_network_strict_minimum(_certify_and_check, tmp_path):
    X, Y = T.data(2, 40, 1, hidden=2)
    theta = T.train([2, 2, 1], "tanh", X, Y, seed=0)
    code, out, ccode, cout, doc = _certify_and_check(tmp_path, [2, 2, 1], X, Y, theta, options={"restarts": 2})
    assert code == 0 and "CERTIFIED: strict local minimum in the box" in out, out
    assert ccode == 0 and "CERTIFIED: strict_local_minimum_in_box" in cout
    assert doc["version"] == 2 and [o["kind"] for o in doc["obligations"]] == ["krawczyk_box", "hessian_definite_box"]
    assert doc["claim"]["construction"]["given_point_in_box"] is True


def test_trained_tanh_network_spurious_minimum_with_better_point(_certify_and_check, tmp_path):
    X, Y = T.data(2, 40, 2, hidden=2)
    theta, better = T.train([2, 2, 1], "tanh", X, Y, seed=0), T.train([2, 2, 1], "tanh", X, Y, seed=1)
    code, out, ccode, cout, doc = _certify_and_check(tmp_path, [2, 2, 1], X, Y, theta, better_point=T.point([2, 2, 1], better),
                                                     options={"restarts": 0})
    assert code == 0 and "spurious strict local minimum" in out, out
    assert ccode == 0 and "spurious_local_minimum_in_box" in cout
    lo = doc["loss"][0]
    hi_better = doc["better_loss"][1]
    from symcert.exact.rationals import parse_rational
    assert parse_rational(hi_better) < parse_rational(lo)


def test_newton_saddle_from_symmetric_start_is_refuted(_certify_and_check, _run, tmp_path):
    widths, X, Y, theta = T.odd_saddle()
    code, out, ccode, cout, doc = _certify_and_check(tmp_path, widths, X, Y, theta)
    assert code == 4 and "REFUTED: saddle point in the box" in out, out
    assert ccode == 0 and "CERTIFIED: saddle_in_box" in cout
    assert doc["claim"]["conclusion"] == "saddle_in_box"
    code, out = _run("explain", str(tmp_path / "cert.json"))
    assert code == 0 and "saddle_in_box" in out


def test_far_from_critical_and_refused_inputs(_certify_and_check, _run, tmp_path):
    widths, X, Y, theta = T.odd_saddle()
    code, out, *_ = _certify_and_check(tmp_path, widths, X, Y, theta * 0 + 0.25)
    assert code == 3 and "UNKNOWN" in out, out
    spec = str(tmp_path / "s.json")
    T.spec(widths, "tanh", X, Y, theta, spec, loss="absolute")
    code, out = _run("certify", "--spec", spec)
    assert code == 3 and "squared loss only" in out, out
    T.spec(widths, "tanh", X, Y, theta, spec, options={"radius": "1"})
    code, out = _run("certify", "--spec", spec)
    assert code == 2 and "options.radius" in out and "Traceback" not in out, out
    T.spec(widths, "tanh", X, Y, theta, spec, point={"W1": [[float("nan")]], "b1": [0], "W2": [[1]], "b2": [0]})
    code, out = _run("certify", "--spec", spec)
    assert code == 2 and "point.W1" in out and "Traceback" not in out, out


def test_docs_walkthrough_script(_run, tmp_path):
    """docs/own-network-smooth.md: the numpy training script, then certify and check."""
    import os
    import shutil
    shutil.copy(os.path.join(ROOT, "docs", "examples", "train_tanh.py"), tmp_path)
    p = subprocess.run([sys.executable, "train_tanh.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and p.stdout.startswith("risk 0.179578"), p.stdout + p.stderr
    code, out = _run("certify", "--spec", str(tmp_path / "tanh-2-2-1.json"), "-o", str(tmp_path / "tanh.cert.json"))
    assert code == 0 and "CERTIFIED: strict local minimum in the box of radius 2^-20" in out, out
    code, out = _run("check", str(tmp_path / "tanh.cert.json"))
    assert code == 0 and "strict_local_minimum_in_box" in out
