"""Certificates of format version 3 (packed data) end to end: ``certify yun2019.thm1 --data``
writes them for user data of PACK_MIN_ENTRIES numbers or more and ``check`` certifies them; the
same data written packed or as lists gets the same verdict and risk, the same explain and report
lines, and the same Coq export."""
import copy
import json
import random
from fractions import Fraction
from math import lcm

import pytest
from flint import fmpq

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims.yun2019 import thm1 as Y
from symcert.display import data_rows
from symcert.explain import MAX_SAMPLES, data_lines
from symcert.inputs.activations import leaky_relu, relu
from symcert.inputs.data import read_csv

SMALL = "yun2019/thm1-random-s2-m8-dx2-d2-leaky.json"  # fractions in inputs and targets


def _csv(path, m: int, dx: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    lines = [",".join([f"x{k}" for k in range(1, dx + 1)] + ["y"])]
    for i in range(m):
        xs = [f"{rng.randint(-40, 40) * 1000 + i}/8"] + [f"{rng.randint(-40, 40)}/{rng.randint(1, 6)}" for _ in range(dx - 1)]
        lines.append(",".join(xs + [f"{rng.randint(-20, 20)}/5"]))
    path.write_text("\n".join(lines) + "\n")


def _pack(rows: list) -> dict:
    vals = [[Fraction(v) for v in row] for row in rows]
    den = lcm(*(v.denominator for row in vals for v in row))
    return {"denominator": str(den), "rows": [",".join(str(int(v * den)) for v in row) for row in vals]}


def packed_copy(doc: dict) -> dict:
    """``doc`` with its data packed: version 3, digest recomputed."""
    out = copy.deepcopy(doc)
    out["problem"]["data"] = {k: _pack(v) for k, v in doc["problem"]["data"].items()}
    out["version"] = certificate.PACKED_VERSION
    out["problem_sha256"] = certificate.digest(out["problem"])
    return out


def test_certify_writes_packed_data_that_check_certifies(tmp_path, cli):
    data, out = tmp_path / "d.csv", tmp_path / "c.json"
    _csv(data, 300, 3)  # 300 samples x (3 inputs + 1 target) = 1,200 numbers >= PACK_MIN_ENTRIES
    assert 300 * 4 >= Y.PACK_MIN_ENTRIES
    p = cli("certify", "yun2019.thm1", "--data", data, "-o", out)
    assert p.returncode == 0, p.stderr
    doc = json.loads(out.read_text())
    assert doc["version"] == 3
    x, y = doc["problem"]["data"]["inputs"], doc["problem"]["data"]["targets"]
    assert sorted(x) == sorted(y) == ["denominator", "rows"] and len(x["rows"]) == len(y["rows"]) == 300
    p = cli("check", "--json", out)
    assert p.returncode == 0 and json.loads(p.stdout)["reports"][0]["verdict"] == "CERTIFIED"
    lists = read_csv(str(data))  # the strict reader's values, as the packed rows say
    _, shown = data_rows(doc["problem"]["data"], 300)
    assert [[Fraction(v) for v in xs] for xs, _ in shown] == [[Fraction(int(v.p), int(v.q)) for v in row] for row in lists.inputs]


def test_small_data_stays_version_1_lists(tmp_path, cli):
    data, out = tmp_path / "d.csv", tmp_path / "c.json"
    _csv(data, 10, 2)
    p = cli("certify", "yun2019.thm1", "--data", data, "-o", out)
    assert p.returncode == 0, p.stderr
    doc = json.loads(out.read_text())
    assert doc["version"] == 1 and isinstance(doc["problem"]["data"]["inputs"], list) and len(doc["problem"]["data"]["inputs"]) == 10


@pytest.mark.parametrize("m,dx,act", [(40, 2, relu()), (300, 3, leaky_relu(fmpq(1, 10)))])
def test_packed_and_lists_same_verdict_and_risk(tmp_path, m, dx, act):
    path = tmp_path / "d.csv"
    _csv(path, m, dx, seed=m)
    data = read_csv(str(path))
    docs = [json.loads(certificate.canonical_bytes(Y.certify(data, act, packed=p))) for p in (False, True)]
    assert docs[0]["version"] == 1 and docs[1]["version"] == 3 and isinstance(docs[1]["problem"]["data"]["inputs"], dict)
    reps = [check_document(d) for d in docs]
    assert reps[0].verdict == reps[1].verdict == Verdict.CERTIFIED
    assert reps[0].summary == reps[1].summary
    assert (docs[0]["loss"], docs[0]["better_loss"], docs[0]["point"]) == (docs[1]["loss"], docs[1]["better_loss"], docs[1]["point"])
    assert data_lines(docs[0]["problem"]["data"]) == data_lines(docs[1]["problem"]["data"])


def test_explain_and_report_show_packed_rows_as_values(proof, tmp_path, cli):
    lists = proof(SMALL)
    packed = packed_copy(lists)
    assert check_document(packed).verdict == Verdict.CERTIFIED
    assert data_rows(packed["problem"]["data"], 50) == (8, [(list(map(str, map(Fraction, x))), list(map(str, map(Fraction, y))))
                                                           for x, y in zip(lists["problem"]["data"]["inputs"], lists["problem"]["data"]["targets"])])
    assert data_lines(packed["problem"]["data"]) == data_lines(lists["problem"]["data"])
    big = {"inputs": {"denominator": "3", "rows": ["1,-2"] * 5000}, "targets": {"denominator": "1", "rows": ["7"] * 5000}}
    lines = data_lines(big)
    assert lines[0] == "data: 5000 samples (inputs | targets)" and len(lines) == MAX_SAMPLES + 2
    assert lines[1] == "  1/3 (~0.333333)  -2/3 (~-0.666667)  |  7" and lines[-1] == f"  ... ({5000 - MAX_SAMPLES} more)"
    bad = data_rows({"inputs": {"denominator": "0", "rows": ["1,x" + "9" * 5000]}, "targets": {"denominator": "1", "rows": [5]}}, 5)
    assert bad[1][0][0] == ["1 / 0", "x" + "9" * 5000 + " / 0"] and bad[1][0][1] == ["5 / 1"]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(packed))
    p = cli("report", path, "-o", tmp_path / "r", "--format", "md", "--no-plots")
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "r" / "p.md").read_text()
    assert "| 1 | -17/4 (-4.25), -15/4 (-3.75) | 2 |" in md and "| 8 | 5, 5/4 (1.25) | 7/8 (0.875) |" in md
    p = cli("explain", path)
    assert p.returncode == 0 and "data: 8 samples (inputs | targets)" in p.stdout and "-17/4 (-4.25)  -15/4 (-3.75)  |  2" in p.stdout


def test_packed_text_is_a_form_of_the_problem_data_only(proof):
    # a point (or any other matrix of the certificate) written packed is refused, in version 3 too
    doc = packed_copy(proof(SMALL))
    doc["point"]["W1"] = _pack(doc["point"]["W1"])
    rep = check_document(doc)
    assert rep.verdict == Verdict.INVALID and "point.W1" in rep.summary and "rows of" in rep.summary


def test_coq_export_of_packed_data_equals_the_lists_export(proof):
    from symcert.checker import problem as P
    from symcert.kernel_coq import export as E
    lists = proof(SMALL)
    packed = packed_copy(lists)
    assert E.export(packed, SMALL) == E.export(lists, SMALL)
    v1 = copy.deepcopy(packed)
    v1["version"] = 1
    with pytest.raises(P.FormatError, match="packed data needs a version 3 certificate"):
        E.export(v1, SMALL)


def test_the_certificate_schema_describes_packed_data(proof, root):
    import jsonschema
    from symcert.exact.limits import MAX_PACKED_DIGITS
    with open(root / "docs" / "schemas" / "certificate.schema.json", encoding="utf-8") as fh:
        v = jsonschema.Draft202012Validator(json.load(fh))
    packed = packed_copy(proof(SMALL))
    assert v.is_valid(packed)
    assert v.schema["$defs"]["packed_matrix"]["properties"]["denominator"]["maxLength"] == MAX_PACKED_DIGITS
    for mutate in (lambda x: x["rows"].__setitem__(0, "01,2"), lambda x: x["rows"].__setitem__(0, "-0,2"),
                   lambda x: x["rows"].__setitem__(0, "1, 2"), lambda x: x.__setitem__("denominator", "04"),
                   lambda x: x.__setitem__("cols", 2), lambda x: x["rows"].__setitem__(0, 1)):
        bad = copy.deepcopy(packed)
        mutate(bad["problem"]["data"]["inputs"])
        assert not v.is_valid(bad)


@pytest.mark.parametrize("rel,verdict,needle", [
    ("INVALID/packed-token-too-long", "INVALID", "(MAX_PACKED_DIGITS)"),
    ("INVALID/packed-in-version-1", "INVALID", "packed data needs a version 3 certificate (this one says version 1)"),
    ("INVALID/packed-denominator-not-least", "INVALID", "not the least common denominator"),
    ("INVALID/packed-leading-zero", "INVALID", "is not canonical"),
    ("INVALID/packed-row-too-long", "INVALID", "rows[1]: expected 2 integers separated by commas, got 3"),
    ("REJECTED/packed-digit-changed-digest-kept", "REJECTED", "problem_sha256 does not match"),
    ("REJECTED/packed-digit-changed", "REJECTED", "claimed loss"),
])
def test_bad_packed_certificates_of_the_corpus_say_why(root, rel, verdict, needle):
    from symcert.checker import check_file
    rep = check_file(str(root / "tests" / "corpus" / f"{rel}.json"))
    assert rep.verdict.name == verdict and needle in rep.summary and "\n" not in rep.summary
