"""convex_global_minimum: yun2019.thm4 under the Huber loss, the rank condition as a checked
statement, and the certificates that must fail."""
import copy
import json
import os
import subprocess
import sys

import pytest

from symcert.checker import Verdict, check_document

PROOFS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "proofs")


def _load(name):
    with open(os.path.join(PROOFS, "yun2019", name)) as fh:
        return json.load(fh)


def _ob(doc):
    return next(o for o in doc["obligations"] if o["kind"] == "convex_global_minimum")


@pytest.mark.parametrize("name,concl", [("thm4-huber-s67-depth3-global.json", "global_minimum"),
                                        ("thm4-huber-s62-depth2-global.json", "global_minimum"),
                                        ("thm4-huber-s63-depth4-saddle-zero.json", "saddle_point"),
                                        ("thm4-huber-s64-depth3-saddle-zero.json", "saddle_point")])
def test_stored_huber_certificates(name, concl):
    rep = check_document(_load(name))
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == concl


def test_rank_condition_is_reported():
    rep = check_document(_load("thm4-huber-s67-depth3-global.json"))
    assert "rank condition holds at j = 1" in " ".join(o[3] for o in rep.obligations)


def test_wrong_end_to_end_map_is_rejected():
    bad = copy.deepcopy(_load("thm4-huber-s67-depth3-global.json"))
    _ob(bad)["end_to_end"]["bias"][0] = "7"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "end-to-end" in rep.summary


def test_saddle_claimed_global_is_rejected():
    doc = _load("thm4-huber-s63-depth4-saddle-zero.json")
    glob = _ob(_load("thm4-huber-s67-depth3-global.json"))
    bad = copy.deepcopy(doc)
    e2e = {"weights": [["0", "0"], ["0", "0"]], "bias": doc["point"]["b4"]}
    bad["obligations"] = [bad["obligations"][0], dict(glob, end_to_end=e2e)]
    bad["obligations"][1].pop("rank_condition_j", None)
    bad["claim"]["conclusion"] = "global_minimum"
    rep = check_document(bad)
    assert rep.verdict is Verdict.REJECTED and "grad l0(product) != 0" in rep.summary


def test_false_rank_condition_is_rejected():
    bad = copy.deepcopy(_load("thm4-huber-s67-depth3-global.json"))
    results = []
    for j in (1, 2, 3):
        _ob(bad)["rank_condition_j"] = j
        results.append(check_document(bad))
    assert any(r.verdict is Verdict.CERTIFIED for r in results)
    bad2 = copy.deepcopy(_load("thm4-huber-s64-depth3-saddle-zero.json"))  # all weights 0: no j works
    bad2["obligations"].append(dict(_ob(_load("thm4-huber-s67-depth3-global.json")), rank_condition_j=2,
                                    end_to_end={"weights": [["0", "0"], ["0", "0"]], "bias": bad2["point"]["b3"]}))
    rep = check_document(bad2)
    assert rep.verdict is Verdict.REJECTED


@pytest.mark.parametrize("value", [0, 9, "1", True])
def test_malformed_rank_condition_is_invalid(value):
    bad = copy.deepcopy(_load("thm4-huber-s67-depth3-global.json"))
    _ob(bad)["rank_condition_j"] = value
    assert check_document(bad).verdict is Verdict.INVALID


def test_loss_swap_to_squared_is_refused():
    bad = copy.deepcopy(_load("thm4-huber-s67-depth3-global.json"))
    bad["problem"]["loss"] = {"kind": "squared"}
    from symcert import certificate
    bad["problem_sha256"] = certificate.digest(bad["problem"])
    assert check_document(bad).verdict in (Verdict.REJECTED, Verdict.INVALID)


def test_cli_huber_point(tmp_path):
    doc = _load("thm4-huber-s62-depth2-global.json")
    data = tmp_path / "d.json"
    data.write_text(json.dumps(doc["problem"]["data"]))
    pt = tmp_path / "p.json"
    pt.write_text(json.dumps(doc["point"]))
    r = subprocess.run([sys.executable, "-m", "symcert.cli", "certify", "yun2019.thm4", "--data", str(data), "--point", str(pt),
                        "--loss", "huber:1/2", "-o", str(tmp_path / "c.json")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "symcert.cli", "certify", "yun2019.thm4", "--data", str(data), "--point", str(pt),
                        "--loss", "absolute"], capture_output=True, text=True)
    assert r.returncode == 5 and "H2" in r.stderr
