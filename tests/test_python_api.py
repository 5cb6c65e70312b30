"""The Python API: docs/api.md as a doctest, and the promises that no verdict raises."""
import doctest
import json
import os
import subprocess
import sys

import pytest

import symcert
import pathlib as _pathlib

ROOT = str(_pathlib.Path(__file__).resolve().parents[1])
PROOFS = str(_pathlib.Path(ROOT) / "proofs")


def test_docs_api_examples(monkeypatch):
    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testfile(os.path.join(ROOT, "docs", "api.md"), module_relative=False,
                                       optionflags=doctest.ELLIPSIS)
    assert tried > 30 and failures == 0


def test_import_is_light():
    code = "import sys, symcert; print(any(m.split('.')[0] in ('flint', 'sympy', 'z3', 'numpy') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    assert out == "False"
    assert set(symcert.__all__) <= set(dir(symcert))
    with pytest.raises(AttributeError):
        symcert.nothing_here


@pytest.mark.parametrize("text", ["", "{", "[]", '{"format": "symcert-certificate", "version": 1}', "\u00ff" * 3])
def test_check_never_raises_on_bad_files(tmp_path, text):
    f = tmp_path / "bad.json"
    f.write_text(text)
    r = symcert.check(str(f))
    assert r.verdict is symcert.Verdict.INVALID and r.risk is None and r.rests_on == [] and r.conclusion is None
    r = symcert.check(tmp_path)  # a directory is a path too
    assert r.verdict is symcert.Verdict.INVALID


def test_check_dicts_with_floats_and_objects_are_invalid():
    with open(os.path.join(PROOFS, "yun2019", "thm1-case1-relu.json")) as fh:
        doc = json.load(fh)
    doc["point"]["b2"] = [-1.0]
    assert symcert.check(doc).verdict is symcert.Verdict.INVALID
    doc["point"]["b2"] = [object()]
    assert symcert.check(doc).verdict is symcert.Verdict.INVALID


@pytest.mark.parametrize("call,error,needle", [
    (lambda: symcert.certify(["yun2019.thm1"]), TypeError, "claim_id must be a str"),
    (lambda: symcert.certify("yun2019.thm1"), TypeError, "give data=... or instance=..."),
    (lambda: symcert.certify("yun2019.thm1", data=b"x"), TypeError, "not bytes: b'x'"),
    (lambda: symcert.certify("yun2019.thm1", data=([[0]], [1]), hidden="3"), TypeError, "hidden must be int, not str: '3'"),
    (lambda: symcert.certify("yun2019.thm1", data=([[0]], [1]), smt="sometimes"), ValueError, "'sometimes'"),
    (lambda: symcert.certify("yun2019.thm1", data=([[0]], [1]), smt_timeout=0), ValueError, "smt_timeout"),
    (lambda: symcert.certify("yun2019.thm1", data={"x": 1}), ValueError, "'inputs' and 'targets'"),
    (lambda: symcert.certify("yun2019.thm1", data=([[0]], [1]), x_columns="a"), TypeError, "CSV file"),
    (lambda: symcert.certify_point(None), TypeError, "not NoneType: None"),
    (lambda: symcert.check(None), TypeError, "not NoneType: None"),
])
def test_programming_errors_raise_quoting_the_argument(call, error, needle):
    with pytest.raises(error) as exc:
        call()
    assert needle in str(exc.value)


@pytest.mark.parametrize("kwargs,verdict", [
    ({"data": ([[0], [1], [2]], [1, 3, 5])}, "NOT_APPLICABLE"),
    ({"data": ([[0], [1]], [0, 1]), "activation": "no_such"}, "INVALID"),
    ({"data": "/nonexistent.csv"}, "INVALID"),
    ({"data": ([[0], [1], [2]], [0, 1, 0]), "hidden": 0}, "INVALID"),
    ({"instance": "no-such-instance"}, "INVALID"),
])
def test_certify_verdicts_do_not_raise(kwargs, verdict):
    r = symcert.certify("yun2019.thm1", **kwargs)
    assert r.verdict.name == verdict and r.certificate is None and r.message


def test_certify_point_bad_spec_is_invalid_and_csv_columns(tmp_path):
    r = symcert.certify_point({"network": {"widths": [1, 1]}})
    assert r.verdict.name == "INVALID" and r.message == "<spec>: field data: missing"
    data = tmp_path / "d.csv"
    data.write_text("\ufeffb;a;label\n0;0;0\n0;1;1\n1;0;1\n1;1;0\n1;2;1/2\n")
    r = symcert.certify("yun2019.thm1", data=str(data), x_columns="a,b", y_column="label", hidden=3,
                        activation="leaky_relu:1/10")
    assert r.verdict.name == "CERTIFIED" and r.certificate["problem"]["data"]["inputs"][1] == ["1", "0"]
