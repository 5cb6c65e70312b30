"""yun2019.thm4: classification of critical points of deep linear networks, and its user entry."""
import json

import pytest
from flint import fmpq, fmpq_mat

from symcert.checker import Verdict, check_document
from symcert.claims.yun2019 import thm4 as T
from symcert.errors import HypothesisViolation, InputError
from symcert.inputs.data import from_rows



def _pt(**kw):
    return {k: fmpq_mat([[fmpq(v) for v in r] for r in rows]) for k, rows in kw.items()}


def test_right_kernel_strategy():
    # dx = 1 < dy = 2, d1 = 1: W2 = [1; -1] has no kernel, so only a right-kernel move can escape
    data = from_rows([[fmpq(-1)], [fmpq(1)]], [[fmpq(-1), fmpq(-1)], [fmpq(1), fmpq(1)]])
    pj = T.problem_json(data, [1, 1, 2])
    params = _pt(W1=[[0]], b1=[[0]], W2=[[1], [-1]], b2=[[0], [0]])
    doc = T.classify(pj, params)
    assert doc["claim"]["conclusion"] == "saddle_point"
    assert doc["claim"]["construction"]["descent"]["kernel_move"] == "right"
    assert check_document(doc).verdict is Verdict.CERTIFIED


def test_non_critical_point_is_a_hypothesis_violation():
    data = from_rows([[fmpq(-1)], [fmpq(1)]], [[fmpq(-1)], [fmpq(1)]])
    with pytest.raises(HypothesisViolation, match="H3.*not a critical point"):
        T.classify(T.problem_json(data, [1, 1, 1]), _pt(W1=[[1]], b1=[[0]], W2=[[0]], b2=[[0]]))


def test_narrow_width_is_a_hypothesis_violation():
    data = T.orthogonal_data(T.PSTAR, T.NOISE)
    with pytest.raises(HypothesisViolation, match="H1"):
        T.classify(T.problem_json(data, [3, 1, 2]), _pt(W1=[[0, 0, 0]], b1=[[0]], W2=[[0], [0]], b2=[[0], [0]]))


def test_theorem4_rank_condition_only_at_global_minima():
    for inst in T.instances():
        doc = inst.build()
        if doc["claim"]["construction"]["rank_condition_j"] != "none":
            assert doc["claim"]["conclusion"] in ("global_minimum", "global_minimum_in_layer_box")


def test_cli_classifies_a_user_point(tmp_path, cli):
    data = tmp_path / "d.csv"
    data.write_text("x1,y\n-1,-1\n0,1\n1,0\n")
    point = tmp_path / "p.json"
    point.write_text(json.dumps({"W1": [["0"]], "b1": ["0"], "W2": [["0"]], "b2": ["0"], "W3": [["0"]], "b3": ["0"]}))
    out = tmp_path / "c.json"
    r = cli("certify", "yun2019.thm4", "--data", str(data), "--point", str(point), "-o", str(out))
    assert r.returncode == 0, r.stderr
    # a certified classification reads CERTIFIED with its conclusion (never REFUTED)
    assert "CERTIFIED (saddle_point" in r.stderr and "REFUTED" not in r.stderr and json.loads(out.read_text())["claim"]["conclusion"] == "saddle_point"
    good = tmp_path / "g.json"  # least squares: slope 1/2, intercept 0 -> W3 W2 W1 = 1/2
    good.write_text(json.dumps({"W1": [["1"]], "b1": ["0"], "W2": [["1"]], "b2": ["0"], "W3": [["1/2"]], "b3": ["0"]}))
    r = cli("certify", "yun2019.thm4", "--data", str(data), "--point", str(good), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["claim"]["conclusion"] == "global_minimum"


def test_cli_bad_point_one_line_errors(tmp_path, cli):
    data = tmp_path / "d.csv"
    data.write_text("x1,y\n-1,-1\n0,1\n1,0\n")
    r = cli("certify", "yun2019.thm4", "--data", str(data))
    assert r.returncode == 2 and "--point" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps({"W1": [["0"]], "b1": ["0"], "W2": [["0.1e"]], "b2": ["0"]}))
    r = cli("certify", "yun2019.thm4", "--data", str(data), "--point", str(bad))
    assert r.returncode == 2 and "W2" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    shape = tmp_path / "s.json"
    shape.write_text(json.dumps({"W1": [["0", "0"]], "b1": ["0"], "W2": [["0"]], "b2": ["0"]}))
    r = cli("certify", "yun2019.thm4", "--data", str(data), "--point", str(shape))
    assert r.returncode == 2 and "W1" in r.stderr
    noncrit = tmp_path / "n.json"
    noncrit.write_text(json.dumps({"W1": [["1"]], "b1": ["0"], "W2": [["1"]], "b2": ["0"]}))
    r = cli("certify", "yun2019.thm4", "--data", str(data), "--point", str(noncrit))
    assert r.returncode == 5 and "H3" in r.stderr


def test_user_point_reader_errors(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("[1, 2]")
    with pytest.raises(InputError):
        T.certify_data(from_rows([[fmpq(0)]], [[fmpq(0)]]), {"point": str(p)})
