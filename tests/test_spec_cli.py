"""`symcert certify --spec FILE`: CERTIFIED (0), REFUTED (4), UNKNOWN (3), INVALID (2), through the real CLI."""
import json
import os

import pytest

from symcert.checker import Verdict, check_file
from symcert.cli import main


@pytest.fixture
def examples(root):
    return root / "docs" / "examples"


def _spec(tmp_path, **kw):
    base = {"network": {"widths": [1, 2, 1], "activation": "relu"}, "loss": "squared",
            "data": {"inputs": [["-1"], ["0"], ["1"]], "targets": [["1"], ["0"], ["1"]]},
            "point": {"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["2/3"]}}
    base.update(kw)
    p = tmp_path / "spec.json"
    p.write_text(json.dumps(base))
    return str(p)


def test_valley_end_refuted(tmp_path, capsys, examples):
    out = str(tmp_path / "c.json")
    assert main(["certify", "--spec", os.path.join(examples, "valley-end.json"), "-o", out]) == Verdict.REFUTED.exit_code
    rep = check_file(out)
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "not_local_minimum"
    assert "REFUTED" in capsys.readouterr().err


def test_boundary_min_certified_positional(tmp_path, examples):
    out = str(tmp_path / "c.json")
    assert main(["certify", os.path.join(examples, "boundary-min.json"), "-o", out, "-q"]) == 0
    rep = check_file(out)
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "local_minimum"


def test_absolute_loss_example_certified(tmp_path, examples):
    out = str(tmp_path / "c.json")
    assert main(["certify", "--spec", os.path.join(examples, "absolute-boundary-min.json"), "-o", out, "-q"]) == 0
    rep = check_file(out)
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "local_minimum" and "If-encoded" in " ".join(rep.rests_on)


def test_interior_point_with_decimal_numbers(tmp_path):
    path = _spec(tmp_path, point={"W1": [[0], [0]], "b1": [0.5, 1], "W2": [[1, 0]], "b2": ["1/6"]})
    out = str(tmp_path / "c.json")
    assert main(["certify", "--spec", path, "-o", out, "-q"]) == 0


def test_non_critical_interior_point_refuted(tmp_path):
    path = _spec(tmp_path, point={"W1": [[0], [0]], "b1": ["1/2", "1"], "W2": [["1", "0"]], "b2": ["0"]})
    assert main(["certify", "--spec", path, "-o", str(tmp_path / "c.json"), "-q"]) == 4


def test_too_many_cells_unknown(tmp_path, capsys):
    path = _spec(tmp_path, options={"max_cells": 2})
    assert main(["certify", "--spec", path, "-o", str(tmp_path / "c.json")]) == Verdict.UNKNOWN.exit_code
    assert "too many cells" in capsys.readouterr().err
    assert not (tmp_path / "c.json").exists()


@pytest.mark.parametrize("change,needle", [
    ({"loss": "cross_entropy"}, "loss"),
    ({"loss": "huber:-1"}, "loss"),
    ({"point": {"W1": [["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["2/3"]}}, "point.W1"),
    ({"network": {"widths": [1, 2, 1], "activation": "swish"}}, "activation"),
    ({"options": {"radius": "-1"}}, "options.radius"),
    ({"options": {"colour": 1}}, "options.colour"),
    ({"extra": 1}, "extra"),
    ({"point": {"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["1/0"]}}, "point.b2"),
])
def test_bad_spec_is_one_line_error(tmp_path, capsys, change, needle):
    assert main(["certify", "--spec", _spec(tmp_path, **change)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and needle in err and "Traceback" not in err


def test_missing_and_malformed_file(tmp_path, capsys):
    assert main(["certify", "--spec", str(tmp_path / "nope.json")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["certify", "--spec", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_hard_tanh_upper_kink_certified_by_z3_cells(tmp_path):
    # neuron 1 sits on hard tanh's upper breakpoint (z = 1) on every sample; two of the six cells are
    # solver-free, four go to z3 (every sample has a nonzero residual, so the columns differ)
    path = _spec(tmp_path, network={"widths": [1, 2, 1], "activation": "hard_tanh"},
                 point={"W1": [["0"], ["0"]], "b1": ["1", "0"], "W2": [["1", "0"]], "b2": ["-1/3"]})
    out = tmp_path / "c.json"
    assert main(["certify", "--spec", path, "-o", str(out), "-q"]) == 0
    doc = json.loads(out.read_text())
    proofs = sorted(c["proof"] for c in doc["obligations"][0]["cells"])
    assert proofs == ["affine_exceptions"] * 2 + ["z3"] * 4


BOUNDARY = {"W1": [["0"], ["1"]], "b1": ["1", "-2"], "W2": [["1", "0"]]}  # neuron 2 on its kink at x = 2
KINKED_LOSSES = {  # loss: (targets on X = (-1, 0, 1, 2), b2 of a boundary local minimum)
    "absolute": (["1", "0", "1", "1"], "0"),  # residuals (0, 1, 0, 0): loss kinks at three samples
    "hinge": (["1", "-1", "1", "1"], "0"),  # margins (0, 2, 0, 0)
    "huber:2/3": (["1", "0", "1", "2/3"], "-1/3"),  # |r| = delta at x = 0
}


@pytest.mark.parametrize("loss", sorted(KINKED_LOSSES))
def test_kinked_loss_boundary_min_certified_and_tamper_rejected(tmp_path, capsys, loss):
    ys, b2 = KINKED_LOSSES[loss]
    path = _spec(tmp_path, loss=loss, data={"inputs": [["-1"], ["0"], ["1"], ["2"]], "targets": [[y] for y in ys]},
                 point=dict(BOUNDARY, b2=[b2]))
    out = tmp_path / "c.json"
    assert main(["certify", "--spec", path, "-o", str(out), "-q"]) == 0
    rep = check_file(str(out))
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "local_minimum"
    doc = json.loads(out.read_text())
    assert [c["proof"] for c in doc["obligations"][0]["cells"]] == ["z3", "z3"]
    doc["obligations"][0]["cells"].pop()
    out.write_text(json.dumps(doc))
    assert main(["check", str(out)]) == Verdict.REJECTED.exit_code and "not covered" in capsys.readouterr().out


@pytest.mark.parametrize("loss,targets", [("absolute", ["1", "0", "1"]), ("hinge", ["1", "-1", "1"]),
                                          ("huber:2/3", ["1", "0", "1"])])
def test_kinked_loss_valley_end_refuted(tmp_path, loss, targets):
    # neuron 1 on its kink on every sample; output 0: under the absolute loss the residual at x = 0 is exactly 0
    path = _spec(tmp_path, loss=loss, data={"inputs": [["-1"], ["0"], ["1"]], "targets": [[y] for y in targets]},
                 point={"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["0"]})
    out = str(tmp_path / "c.json")
    assert main(["certify", "--spec", path, "-o", out, "-q"]) == Verdict.REFUTED.exit_code
    rep = check_file(out)
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "not_local_minimum"


def test_kinked_loss_limit_is_unknown_saying_which(tmp_path, capsys):
    ys, b2 = KINKED_LOSSES["absolute"]
    path = _spec(tmp_path, loss="absolute", data={"inputs": [["-1"], ["0"], ["1"], ["2"]], "targets": [[y] for y in ys]},
                 point=dict(BOUNDARY, b2=[b2]), options={"max_cells": 1})
    assert main(["certify", "--spec", path, "-o", str(tmp_path / "c.json")]) == Verdict.UNKNOWN.exit_code
    assert "too many cells" in capsys.readouterr().err
