"""he2020.cell through the command line: user data, a user's point, and the refusals."""
import json


def test_user_data_and_a_point_whose_cell_has_a_better_minimiser(cli, tmp_path):
    data = tmp_path / "w.csv"
    data.write_text("x1,y\n-1,1\n0,0\n1,1\n")
    out = tmp_path / "c.json"
    p = cli("certify", "he2020.cell", "--data", data, "--hidden", "3", "-o", out)
    assert p.returncode == 0 and "global_minima_of_cell" in p.stderr + p.stdout
    assert cli("check", out).returncode == 0
    pt = tmp_path / "p.json"  # W2 > 0, cell: neuron 1 on at x = 0, 1; neuron 2 on at x = -1; risk 3/8, not a minimum
    pt.write_text(json.dumps({"W1": [["1"], ["-1"]], "b1": ["1/2", "-1/2"], "W2": [["1", "1"]], "b2": ["0"]}))
    p = cli("certify", "he2020.cell", "--data", data, "--point", pt, "-o", out)
    assert p.returncode == 0
    doc = json.loads(out.read_text())
    assert doc["claim"]["construction"]["point"] == "a minimiser in the given point's signed cell"
    assert doc["claim"]["construction"]["cell"] == ["011", "100"] and doc["loss"] == "0"
    assert doc["claim"]["construction"]["given_point_risk"] == "3/8"


def test_refusals(cli, tmp_path):
    data = tmp_path / "w.csv"
    data.write_text("x1,y\n-1,1\n0,0\n1,1\n")
    p = cli("certify", "he2020.cell", "--data", data, "--depth", "3")
    assert p.returncode == 5 and "one hidden layer" in p.stderr
    two = tmp_path / "two.csv"
    two.write_text("x1,y1,y2\n-1,1,0\n0,0,1\n1,1,0\n")
    p = cli("certify", "he2020.cell", "--data", two, "--hidden", "3")
    assert p.returncode == 5 and "one output" in p.stderr
    pt = tmp_path / "p.json"
    pt.write_text(json.dumps({"W1": [["1"], ["-1"]], "b1": ["1/2", "-1/2"], "W2": [["1", "1"]], "b2": ["0"]}))
    p = cli("certify", "he2020.cell", "--data", data, "--point", pt, "--hidden", "5")
    assert p.returncode == 2 and "--hidden" in p.stderr and p.stderr.count("\n") == 1
    pt.write_text(json.dumps({"W1": [["1"], ["-1"]], "b1": ["0", "1/2"], "W2": [["1", "1"]], "b2": ["0"]}))  # on a kink at x = 0
    p = cli("certify", "he2020.cell", "--data", data, "--point", pt)
    assert p.returncode == 5 and "breakpoint" in p.stderr


def test_the_affine_cell_when_no_run_ends_inside_a_cell(monkeypatch):
    from symcert import certificate
    from symcert.checker import Verdict, check_document
    from symcert.claims.he2020 import cell
    from symcert.claims.he2020.common import LOSSES, SPREAD_ACTS, random_dataset
    monkeypatch.setattr(cell, "RUNS", 0)  # no training run: straight to the affine cell
    for an, ln in (("relu", "squared"), ("hard_tanh", "huber"), ("leaky", "absolute")):
        doc = cell.certify_cell(random_dataset(7, 9, 2), SPREAD_ACTS[an](), LOSSES[ln], 3, "test")
        assert "the affine cell" in doc["claim"]["construction"]["point"]
        assert all(s in "+-" for s in doc["claim"]["construction"]["output_weight_signs"])
        assert all(len(set(row)) == 1 for row in doc["claim"]["construction"]["cell"])  # one piece per neuron
        rep = check_document(json.loads(certificate.canonical_bytes(doc)))
        assert rep.verdict is Verdict.CERTIFIED, rep.summary
