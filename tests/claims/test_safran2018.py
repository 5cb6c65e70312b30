"""safran2018: certificates are rebuilt from the stored endpoints without numpy (so without a
BLAS), endpoint files are read strictly, and the float search finds what the paper reports."""
import json
import subprocess
import sys

import pytest

from symcert.claims.safran2018 import spurious as SP
from symcert.errors import InputError

REBUILD = """
import sys
sys.modules["numpy"] = None  # any import of numpy fails: the rebuild must not need it
from symcert import certificate
from symcert.claims import CLAIMS
inst = next(i for i in CLAIMS["safran2018"].instances() if i.name == "k6-seed261")
sys.stdout.write(certificate.canonical_bytes(inst.build()).decode("ascii"))
"""


def test_rebuild_from_the_endpoint_needs_no_numpy(root, proofs):
    r = subprocess.run([sys.executable, "-c", REBUILD], capture_output=True, text=True, cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (proofs / "safran2018" / "k6-seed261.json").read_text()


@pytest.mark.parametrize("text,words", [
    ("{", "not a safran2018 endpoint file"),
    ('{"k": 2, "n": 2, "seed": 0, "W": [["0x1p0", "0x0p0"]]}', "k rows of n hex floats"),
    ('{"k": 1, "n": 1, "seed": 0, "W": [["1/2"]]}', "not a safran2018 endpoint file"),
])
def test_bad_endpoint_files(tmp_path, text, words):
    p = tmp_path / "bad.endpoint"
    p.write_text(text)
    with pytest.raises(InputError, match=words):
        SP.read_endpoint(str(p))


def test_endpoint_round_trip_is_exact(tmp_path):
    W = [[0.1, -1 / 3], [2.5e-300, 1.0]]
    p = tmp_path / "e.endpoint"
    p.write_text(json.dumps(SP.endpoint_json(W, 2, 2, 7, "test")))
    e = SP.read_endpoint(str(p))
    from fractions import Fraction
    assert [[Fraction(int(q.p), int(q.q)) for q in row] for row in e["W"]] == [[Fraction(x) for x in row] for row in W]


def test_k6_seed_261_is_a_spurious_minimum_found_by_gradient_descent():
    from symcert.claims.safran2018 import run
    res = run.train(6, 6, 261)
    assert not res["near_teacher"] and abs(res["risk"] - 0.0250805810) < 1e-8


SADDLE_K3 = [["-0x1.45d0ff04dbc3fp-2", "0x1.51a3d5f7b0770p-1", "0x1.51a3d5f7b0783p-1"],
             ["0x1.51a3d5f7b0784p-1", "-0x1.45d0ff04dbc39p-2", "0x1.51a3d5f7b0774p-1"],
             ["0x1.51a3d5f7b0773p-1", "0x1.51a3d5f7b0786p-1", "-0x1.45d0ff04dbc3cp-2"]]


def test_a_saddle_is_certified_and_a_flat_direction_is_not():
    """A critical point of k = n = 3 found by Newton's method (risk 0.0241, Hessian eigenvalue
    -0.0445): certified saddle_in_box; the same certificate with a zero direction is REJECTED."""
    from symcert.checker import Verdict, check_document
    from symcert.claims.safran2018 import run
    W = [[float.fromhex(x) for x in row] for row in SADDLE_K3]
    doc, why = run.build(3, 3, W, "saddle-k3", {}, near_teacher=False)
    assert doc is not None, why
    rep = check_document(json.loads(json.dumps(doc)))
    assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "saddle_in_box", rep.summary
    ob = next(o for o in doc["obligations"] if o["kind"] == "population_negative_curvature")
    ob["direction"] = {"W": [["0"] * 3] * 3}
    doc.pop("rests_on", None)
    for o in doc["obligations"]:
        o.pop("rests_on", None)
    rep = check_document(json.loads(json.dumps(doc)))
    assert rep.verdict is Verdict.REJECTED and "not certainly negative" in rep.summary
