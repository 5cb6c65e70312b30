"""symcert census on empirical risks (mlp specs): each endpoint certified, each certificate checks alone."""
import json
import os

import pytest

from symcert.checker import Verdict
from symcert.cli import main
from symcert.exact.rationals import parse_rational


@pytest.fixture
def tanh25(root):
    return str(root / "tests" / "data" / "tanh25.csv")


def _records(path):
    with open(path) as fh:
        lines = fh.read().splitlines()
    return [json.loads(line) for line in lines[1:]]


def test_tanh_census_certifies_minima_and_a_spurious_one(tmp_path, cli, tanh25):
    """2-3-1 tanh on 25 rows, seeds 3..6, through the command line: seeds 3, 4, 5 end at one minimum
    (up to the order and signs of the neurons: certified once), seed 6 at a higher one, certified
    spurious against it; every certificate passes ``symcert check`` on its own."""
    out = tmp_path / "t.jsonl"
    r = cli("census", "--model-spec", "mlp:2-3-1:tanh", "--data", tanh25, "--seed", "3", "--starts", "4",
            "--iters", "2000", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "spurious local minimum        1        1" in r.stdout and "local minimum                 3        1" in r.stdout
    recs = {rec["seed"]: rec for rec in _records(out)}
    assert sorted(recs) == [3, 4, 5, 6] and {rec["verdict"] for rec in recs.values()} == {"CERTIFIED"}
    best = recs[3]
    assert best["conclusion"] == "local minimum" and recs[4]["certificate"] == recs[5]["certificate"] == best["certificate"]
    spur = recs[6]
    assert spur["conclusion"] == "spurious local minimum"
    assert parse_rational(spur["risk_enclosure"][0]) > parse_rational(best["risk_enclosure"][1])
    with open(spur["certificate"]) as fh:
        doc = json.load(fh)
    with open(best["certificate"]) as fh:
        assert doc["better_point"] == json.load(fh)["point"]  # the better point is the census's best endpoint
    for cert in {rec["certificate"] for rec in recs.values()}:
        c = cli("check", cert)
        assert c.returncode == 0 and ": CERTIFIED: " in c.stdout, (cert, c.stdout, c.stderr)
    pool = tmp_path / "p.jsonl"  # a process pool: the same seeds, the same outcomes
    assert main(["census", "-q", "--model-spec", "mlp:2-3-1:tanh", "--data", tanh25, "--seed", "3", "--starts", "4",
                 "--iters", "2000", "--jobs", "2", "-o", str(pool)]) == 0
    assert ({rec["seed"]: (rec["verdict"], rec["conclusion"], rec["orbit"], rec["risk_enclosure"]) for rec in _records(pool)}
            == {s: (rec["verdict"], rec["conclusion"], rec["orbit"], rec["risk_enclosure"]) for s, rec in recs.items()})
    regen = tmp_path / "regen.json"  # the float endpoint beside the certificate rebuilds it
    g = cli("certify", "--spec", spur["certificate"][:-5] + ".endpoint.json", "-o", regen)
    assert g.returncode == 0, g.stderr
    assert regen.read_bytes() == open(spur["certificate"], "rb").read()


def test_resumed_census_keeps_the_best_endpoint(tmp_path, tanh25):
    """Seeds 5 and 6 first (the minimum and the spurious one), then seeds 5..7: seed 7 is certified
    against the best endpoint read back from the results file."""
    out = str(tmp_path / "r.jsonl")
    base = ["census", "-q", "--model-spec", "mlp:2-3-1:tanh", "--data", tanh25, "--iters", "2000", "--seed", "5", "-o", out]
    assert main(base + ["--starts", "2"]) == 0
    assert main(base + ["--starts", "3"]) == 0
    recs = {rec["seed"]: rec for rec in _records(out)}
    assert sorted(recs) == [5, 6, 7]
    assert recs[7]["conclusion"] == "local minimum" and recs[7]["certificate"] == recs[5]["certificate"]
    assert recs[6]["conclusion"] == "spurious local minimum"


def test_relu_census_snaps_or_says_why(tmp_path, cli, tanh25):
    """relu: the exact snap route of certify --model; an endpoint it cannot reach is UNKNOWN with the reason."""
    out = tmp_path / "r.jsonl"
    r = cli("census", "-q", "--model-spec", "mlp:2-3-1:relu", "--data", tanh25, "--seed", "2", "--starts", "2",
            "--iters", "3000", "-o", out)
    assert r.returncode == Verdict.UNKNOWN.exit_code, r.stderr
    recs = {rec["seed"]: rec for rec in _records(out)}
    assert recs[2]["verdict"] == "CERTIFIED" and recs[2]["conclusion"] == "spurious local minimum"
    c = cli("check", recs[2]["certificate"])
    assert c.returncode == 0 and "spurious_local_minimum_near_float" in c.stdout
    assert recs[3]["verdict"] == "UNKNOWN" and "leaves the cell" in recs[3]["reason"] and recs[3]["certificate"] is None
    assert os.path.exists(recs[2]["certificate"][:-5] + ".endpoint.json")


def test_unknown_activation_is_one_line_invalid(tmp_path, capsys, tanh25):
    code = main(["census", "-q", "--model-spec", "mlp:2-3-1:swish", "--data", tanh25, "-o", str(tmp_path / "r.jsonl")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == Verdict.INVALID.exit_code and len(err) == 1 and "mlp:D-H-1:relu|tanh" in err[0]
    assert not os.path.exists(tmp_path / "r.jsonl")
