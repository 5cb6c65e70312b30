"""Smooth networks trained at test time with numpy gradient descent (seeded), saved as .npz and
certified through the real CLI (`python -m symcert certify --model ... --data ...`, then `check`).
The gradient-descent points are not converged to machine precision: the refinement (Newton's
method, or a Levenberg-Marquardt walk first when Newton's method does not settle near the point)
has to reach the minimum before the Krawczyk test."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import krawczyk_train as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(*args):
    p = subprocess.run([sys.executable, "-m", "symcert", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def _save(tmp_path, widths, theta, X, Y):
    model, data = str(tmp_path / "net.npz"), str(tmp_path / "data.npz")
    np.savez(model, **{k: np.array(v) for k, v in T.point(widths, theta).items()})
    np.savez(data, X=X.T, Y=Y.T)
    return model, data


@pytest.mark.parametrize("act,hidden,lr,tol", [("tanh", 3, 0.5, 1e-6), ("sigmoid", 3, 0.5, 1e-4), ("softplus", 3, 0.05, 1e-3)])
def test_gradient_descent_minimum_is_certified_through_model(tmp_path, act, hidden, lr, tol):
    widths = [2, hidden, 1]
    X, Y, _ = T.teacher_data(hidden, 40, 0, grid=64, act=act)
    theta, steps, grad = T.gradient_descent(widths, act, X, Y, 100, tol=tol, lr=lr, steps=20000)
    assert grad < 1e-2, grad  # a trained point, not a converged one
    model, data = _save(tmp_path, widths, theta, X, Y)
    cert = str(tmp_path / "cert.json")
    code, out = _run("certify", "--model", model, "--data", data, "--activation", act, "-o", cert)
    assert code == 0 and "CERTIFIED: strict local minimum in the box" in out, out
    code, cout = _run("check", cert)
    assert code == 0 and "strict_local_minimum_in_box" in cout, cout
    with open(cert) as fh:
        doc = json.load(fh)
    assert doc["version"] == 2 and doc["problem"]["network"]["activation"]["name"] == act
    assert [o["kind"] for o in doc["obligations"]][:2] == ["krawczyk_box", "hessian_definite_box"]


def test_levenberg_marquardt_walk_reaches_the_minimum(tmp_path):
    """Stopped early (largest partial derivative about 1e-3), the point is about 0.07 from the
    minimum: Newton's method from it does not settle within 1/1024, the downhill walk does."""
    widths = [2, 3, 1]
    X, Y, _ = T.teacher_data(3, 40, 0, grid=64, act="softplus")
    theta, _, grad = T.gradient_descent(widths, "softplus", X, Y, 100, tol=1e-3, lr=0.05, steps=20000)
    model, data = _save(tmp_path, widths, theta, X, Y)
    code, out = _run("certify", "-v", "--model", model, "--data", data, "--activation", "softplus", "-o", str(tmp_path / "c.json"))
    assert code == 0 and "Levenberg-Marquardt:" in out and "CERTIFIED: strict local minimum" in out, out
    with open(tmp_path / "c.json") as fh:
        dist = float(eval_fraction(json.load(fh)["claim"]["construction"]["distance_from_given_point"]))
    assert 1 / 1024 < dist < 1, dist
    code, quiet = _run("certify", "-q", "--model", model, "--data", data, "--activation", "softplus", "-o", str(tmp_path / "c.json"))
    assert code == 0 and quiet == "", quiet


def test_descent_to_infinity_is_unknown_with_the_reason(tmp_path):
    """A point from which the descent leads away (weights growing: no critical point near it)."""
    widths = [1, 1, 1]
    X = np.array([[-2.0, -1.0, 1.0, 2.0]])
    Y = np.array([[-1.0, -1.0, 1.0, 1.0]])  # a step: tanh(w x) fits it better and better as w grows
    model, data = _save(tmp_path, widths, np.array([3.0, 0.0, 1.0, 0.0]), X, Y)
    code, out = _run("certify", "--model", model, "--data", data, "--activation", "tanh")
    assert code == 3 and "UNKNOWN" in out and "Levenberg-Marquardt" in out and "Traceback" not in out, out


def eval_fraction(text: str) -> float:
    from fractions import Fraction
    return float(Fraction(text))


def test_deep_leaky_relu_local_minimum_with_gauge(tmp_path):
    """proofs/own/deep-leaky-min (2-3-3-1 leaky ReLU trained by gradient descent): the box route on
    the cell's polynomial with one outgoing weight per hidden neuron held fixed."""
    own = os.path.join(ROOT, "proofs", "own")
    cert = str(tmp_path / "deep.json")
    code, out = _run("certify", "--model", os.path.join(own, "deep-leaky-min.model.npz"), "--data",
                     os.path.join(own, "deep-leaky-min.data.npz"), "--activation", "leaky_relu:1/8", "-o", cert)
    assert code == 0 and "CERTIFIED: local minimum (strict on the gauge slice)" in out and "gauge: W2[" in out, out
    code, cout = _run("check", cert)
    assert code == 0 and "local_minimum_in_box" in cout and "Euler" in cout, cout
    with open(cert) as fh:
        doc = json.load(fh)
    assert len(doc["gauge"]) == 6 and doc["claim"]["conclusion"] == "local_minimum_in_box"


def test_deep_relu_with_linear_neurons_is_unknown_naming_the_symmetry(tmp_path):
    """Two neurons of the second hidden layer active on every sample: mixing them is a continuous
    symmetry that the rescaling gauge does not fix (singular Hessian)."""
    X = np.array([[-2.0, -1.0, 0.5, 1.0, 2.0]])
    Y = np.array([[1.0, 0.25, 0.5, 1.5, 2.0]])
    widths = [1, 2, 2, 1]
    theta = np.array([1.0, -1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 3.0, 3.0, 0.5, 0.5, 0.0])
    model, data = _save(tmp_path, widths, theta, X, Y)
    code, out = _run("certify", "--model", model, "--data", data, "--activation", "relu")
    assert code == 3 and "UNKNOWN" in out and "gauge" in out and "Traceback" not in out, out


def test_docs_model_walkthrough(tmp_path):
    """docs/own-network-smooth.md, "a model file": the script, then certify .npz, .safetensors and
    ONNX, check and explain, as written there."""
    import shutil
    shutil.copy(os.path.join(ROOT, "docs", "examples", "train_tanh_model.py"), tmp_path)
    p = subprocess.run([sys.executable, "train_tanh_model.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and "risk 0.000303, largest partial derivative" in p.stdout, p.stdout + p.stderr
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))

    def run(*args):
        q = subprocess.run([sys.executable, "-m", "symcert", *args], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
        return q.returncode, q.stdout + q.stderr
    for model, act, cert in (("tanh.npz", ["--activation", "tanh"], "tanh.cert.json"),
                             ("tanh.safetensors", ["--activation", "tanh"], "tanh-st.cert.json"),
                             ("tanh.onnx", [], "tanh-onnx.cert.json")):
        code, out = run("certify", "--model", model, "--data", "data.npz", *act, "-o", cert)
        assert code == 0 and f"{model}: CERTIFIED: strict local minimum in the box of radius 2^-20" in out, out
        assert "risk in [0.000303356322296, 0.000303357866791]" in out, out
    code, out = run("check", "tanh.cert.json")
    assert code == 0 and "CERTIFIED: strict_local_minimum_in_box" in out
    code, out = run("explain", "tanh.cert.json")
    assert code == 0 and "hessian_definite_box" in out and "W1 (3x2)" in out, out


def test_better_model_file_makes_a_spurious_minimum(tmp_path):
    X, Y = T.data(2, 40, 2, hidden=2)
    theta, better = T.train([2, 2, 1], "tanh", X, Y, seed=0), T.train([2, 2, 1], "tanh", X, Y, seed=1)
    model, data = _save(tmp_path, [2, 2, 1], theta, X, Y)
    np.savez(str(tmp_path / "better.npz"), **{k: np.array(v) for k, v in T.point([2, 2, 1], better).items()})
    cert = str(tmp_path / "c.json")
    code, out = _run("certify", "--model", model, "--data", data, "--activation", "tanh", "--better", str(tmp_path / "better.npz"), "-o", cert)
    assert code == 0 and "spurious strict local minimum" in out, out
    code, cout = _run("check", cert)
    assert code == 0 and "spurious_local_minimum_in_box" in cout
    np.savez(str(tmp_path / "wide.npz"), W1=np.zeros((3, 2)), b1=np.zeros(3), W2=np.zeros((1, 3)), b2=np.zeros(1))
    code, out = _run("certify", "--model", model, "--data", data, "--activation", "tanh", "--better", str(tmp_path / "wide.npz"))
    assert code == 2 and "widths" in out and "Traceback" not in out, out
