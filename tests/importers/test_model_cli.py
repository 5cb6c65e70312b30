"""`symcert certify --model FILE --data FILE` through the real CLI, on networks trained at test time."""
import json
import os

import numpy as np
import pytest
from flint import fmpq, fmpq_mat

from symcert.checker import Verdict, check_file
from symcert.cli import main

import nets


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Seed 10 converges (gradient norm ~1e-14) to a local minimum; seed 2 to a spurious one."""
    d = tmp_path_factory.mktemp("trained")
    out = {}
    for seed in (10, 2):
        p, X, Y, norm = nets.train_relu(seed)
        assert norm < 1e-10
        nets.save_npz(str(d / f"net{seed}.npz"), nets.torch_names(p), X, Y, str(d / f"data{seed}.npz"))
        out[seed] = (str(d / f"net{seed}.npz"), str(d / f"data{seed}.npz"), p, X, Y)
    return out


def _run(tmp_path, *argv):
    cert = str(tmp_path / "c.json")
    code = main(["certify", *argv, "-o", cert])
    return code, cert


def test_trained_minimum_certified(trained, tmp_path, capsys):
    model, data, *_ = trained[10]
    code, cert = _run(tmp_path, "--model", model, "--data", data)
    err = capsys.readouterr().err
    assert code == 0, err
    assert "W1 <- fc1.weight (3 x 2), b1 <- fc1.bias" in err and "CERTIFIED: local minimum" in err
    rep = check_file(cert)
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "local_minimum_near_float"
    doc = json.load(open(cert))
    kinds = [o["kind"] for o in doc["obligations"]]
    assert kinds == ["interior_cell", "lifted_normal_equations", "float_distance"]
    d = fmpq(*map(int, doc["obligations"][2]["distance"].split("/")))
    assert 0 < d < fmpq(1, 10 ** 10)


def test_trained_spurious_minimum_found(trained, tmp_path):
    model, data, *_ = trained[2]
    code, cert = _run(tmp_path, "--model", model, "--data", data, "-q")
    assert code == 0
    rep = check_file(cert)
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "spurious_local_minimum_near_float"


def test_better_point_file(trained, tmp_path):
    model, data, p, X, Y = trained[10]
    worse = dict(p, b2=p["b2"] + 1.0)  # not lower: the minimum is certified, the message says so
    bpath = str(tmp_path / "worse.npz")
    nets.save_npz(bpath, nets.torch_names(worse))
    code, cert = _run(tmp_path, "--model", model, "--data", data, "--better", bpath, "-q")
    assert code == 0 and check_file(cert).conclusion == "local_minimum_near_float"
    model2, data2, *_ = trained[2]
    code, cert = _run(tmp_path, "--model", model2, "--data", data2, "-q")
    better = json.load(open(cert))["better_point"]  # the searched point, now given as a JSON point file
    (tmp_path / "better.json").write_text(json.dumps(better))
    os.remove(cert)
    code, cert = _run(tmp_path, "--model", model2, "--data", data2, "--better", str(tmp_path / "better.json"), "-q")
    doc = json.load(open(cert))
    assert code == 0 and doc["better_point"] == better and "better_search" not in doc["claim"]["construction"]
    assert check_file(cert).conclusion == "spurious_local_minimum_near_float"


def test_saddle_refuted(tmp_path, capsys):
    p, X, Y = nets.saddle_relu()
    nets.save_npz(str(tmp_path / "s.npz"), p, X, Y, str(tmp_path / "sd.npz"))
    code, cert = _run(tmp_path, "--model", str(tmp_path / "s.npz"), "--data", str(tmp_path / "sd.npz"))
    assert code == Verdict.REFUTED.exit_code, capsys.readouterr().err
    rep = check_file(cert)
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "saddle_point_near_float"


def test_huber_loss_uses_multipliers(trained, tmp_path):
    model, data, *_ = trained[10]
    code, cert = _run(tmp_path, "--model", model, "--data", data, "--loss", "huber:100", "-q")
    assert code == 0
    doc = json.load(open(cert))
    assert "multipliers" in doc["obligations"][1]
    assert check_file(cert).conclusion == "local_minimum_near_float"


def test_onnx_end_to_end(trained, tmp_path):
    pytest.importorskip("onnx")
    _, data, p, X, Y = trained[10]
    path = str(tmp_path / "m.onnx")
    nets.save_onnx(path, p)  # float32: the point moves by ~1e-8, the snap still lands in the cell
    code, cert = _run(tmp_path, "--model", path, "--data", data, "-q")
    assert code == 0 and check_file(cert).verdict is Verdict.CERTIFIED


def test_deep_network_unknown(tmp_path, capsys):
    rng = np.random.default_rng(0)
    p = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3), "W2": rng.normal(size=(3, 3)), "b2": rng.normal(size=3),
         "W3": rng.normal(size=(1, 3)), "b3": rng.normal(size=1)}
    nets.save_npz(str(tmp_path / "m.npz"), p, rng.normal(size=(6, 2)), rng.normal(size=(6, 1)), str(tmp_path / "d.npz"))
    code, _ = _run(tmp_path, "--model", str(tmp_path / "m.npz"), "--data", str(tmp_path / "d.npz"))
    assert code == Verdict.UNKNOWN.exit_code
    err = capsys.readouterr().err
    assert "last layer alone snaps exactly" in err and "gauge" in err, err


def test_smooth_without_rigorous_route(trained, tmp_path, capsys):
    pytest.importorskip("onnx")
    try:
        import symcert.provers.krawczyk  # noqa: F401
        pytest.skip("the rigorous smooth route is installed")
    except ImportError:
        pass
    _, data, p, *_ = trained[10]
    path = str(tmp_path / "t.onnx")
    nets.save_onnx(path, p, act="Tanh")
    code, _ = _run(tmp_path, "--model", path, "--data", data)
    assert code == Verdict.UNKNOWN.exit_code and "rigorous smooth route is not installed" in capsys.readouterr().err


def test_two_outputs_that_do_not_factor():
    from symcert.checker.problem import problem
    from symcert.importers.snap import snap
    from symcert.inputs.activations import relu
    xs = [["-2"], ["-1"], ["0"], ["1"], ["2"], ["3"]]
    ys = [["1", "0"], ["0", "2"], ["3", "1"], ["1", "1"], ["0", "5"], ["2", "-1"]]
    prob = problem({"network": {"widths": [1, 2, 2], "activation": relu()}, "loss": {"kind": "squared"},
                    "data": {"inputs": xs, "targets": ys}})
    pt = {"W1": fmpq_mat(2, 1, [1, -1]), "b1": fmpq_mat(2, 1, [10, 10]), "W2": fmpq_mat(2, 2, [1, 2, 3, 5]), "b2": fmpq_mat(2, 1, [0, 0])}
    sn = snap(prob, pt)
    assert sn.status == "unknown" and "does not factor" in sn.reason


@pytest.mark.parametrize("case", ["nan", "shape", "op"])
def test_malformed_model_invalid(trained, tmp_path, capsys, case):
    _, data, p, *_ = trained[10]
    q = {k: v.copy() for k, v in p.items()}
    if case == "op":
        pytest.importorskip("onnx")
        path = str(tmp_path / "m.onnx")
        nets.save_onnx(path, q, extra_op="Softmax")
        want = "unsupported operator Softmax"
    else:
        if case == "nan":
            q["W2"][0, 2] = np.nan
            want = "W2[0, 2]"
        else:
            q["W1"] = np.ones((3, 3))
            want = "W1"
        path = str(tmp_path / "m.npz")
        nets.save_npz(path, q)
    code, _ = _run(tmp_path, "--model", path, "--data", data)
    err = capsys.readouterr().err
    assert code == Verdict.INVALID.exit_code and want in err and "Traceback" not in err and err.count("\n") == 1


def test_options_of_other_modes_refused(trained, tmp_path, capsys):
    model, data, *_ = trained[10]
    assert main(["certify", "--model", model, "--data", data, "--hidden", "5"]) == Verdict.INVALID.exit_code
    assert main(["certify", "yun2019.thm1", "--layout", "in-out"]) == Verdict.INVALID.exit_code


def test_absolute_loss_linear_program_route(tmp_path):
    """Labels made by a dyadic teacher (exact in binary64); the float point is the teacher moved by
    1e-9 (an optimiser's stopping point). The exact L1 fit of the cell is the teacher, certified with
    multipliers (all in [-1, 1] at zero residuals)."""
    x = np.linspace(-2, 2, 9)[:, None]
    teacher = {"W1": np.array([[1.0], [-0.5]]), "b1": np.array([0.25, 0.625]), "W2": np.array([[1.5, -2.0]]), "b2": np.array([0.125])}
    Y = np.maximum(x @ teacher["W1"].T + teacher["b1"], 0) @ teacher["W2"].T + teacher["b2"]
    rng = np.random.default_rng(0)
    moved = {k: v + 1e-9 * rng.normal(size=v.shape) for k, v in teacher.items()}
    nets.save_npz(str(tmp_path / "m.npz"), moved, x, Y, str(tmp_path / "d.npz"))
    code, cert = _run(tmp_path, "--model", str(tmp_path / "m.npz"), "--data", str(tmp_path / "d.npz"), "--loss", "absolute", "-q")
    assert code == 0
    doc = json.load(open(cert))
    assert doc["loss"] == "0" and "multipliers" in doc["obligations"][1]
    assert check_file(cert).conclusion in ("local_minimum_near_float", "spurious_local_minimum_near_float")


def test_snap_onto_a_kink_goes_to_the_kink_test(tmp_path, capsys):
    """The same teacher with b1_2 = 3/4 puts x = 3/2 exactly on neuron 2's kink: the float point is
    1e-10 off it, the snap lands on it, and the kink test certifies the (zero-loss) minimum."""
    x = np.linspace(-2, 2, 9)[:, None]
    teacher = {"W1": np.array([[1.0], [-0.5]]), "b1": np.array([0.25, 0.75]), "W2": np.array([[1.5, -2.0]]), "b2": np.array([0.125])}
    Y = np.maximum(x @ teacher["W1"].T + teacher["b1"], 0) @ teacher["W2"].T + teacher["b2"]
    moved = {k: v + 1e-9 * np.random.default_rng(0).normal(size=v.shape) for k, v in teacher.items()}
    nets.save_npz(str(tmp_path / "m.npz"), moved, x, Y, str(tmp_path / "d.npz"))
    code, cert = _run(tmp_path, "--model", str(tmp_path / "m.npz"), "--data", str(tmp_path / "d.npz"))
    err = capsys.readouterr().err
    assert code == 0 and "exactly on a breakpoint" in err and "neuron 2 sample 8" in err
    doc = json.load(open(cert))
    assert doc["loss"] == "0" and [o["kind"] for o in doc["obligations"]] == ["cell_cover", "float_distance"]
    assert check_file(cert).conclusion == "local_minimum_near_float"
