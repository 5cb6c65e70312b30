"""The JSON Schemas under docs/schemas/ describe the files symcert reads and writes."""
import glob
import json
import os

import jsonschema
import pytest

import pathlib as _pathlib

ROOT = str(_pathlib.Path(__file__).resolve().parents[1])
PROOFS = str(_pathlib.Path(ROOT) / "proofs")

SCHEMAS = os.path.join(ROOT, "docs", "schemas")


def schema(name):
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as fh:
        s = json.load(fh)
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


def test_every_proof_matches_the_certificate_schema():
    v = schema("certificate.schema.json")
    files = sorted(glob.glob(os.path.join(PROOFS, "**", "*.json"), recursive=True))
    assert len(files) > 100
    for f in files:
        with open(f, encoding="utf-8") as fh:
            errors = list(v.iter_errors(json.load(fh)))
        assert not errors, f"{f}: {errors[0].message}"


def test_the_certificate_schema_refuses_floats_and_wrong_formats():
    v = schema("certificate.schema.json")
    with open(os.path.join(PROOFS, "yun2019", "thm1-case1-relu.json"), encoding="utf-8") as fh:
        doc = json.load(fh)
    assert v.is_valid(doc)
    for mutate in (lambda d: d["point"].__setitem__("b2", [-0.5]), lambda d: d.__setitem__("format", "x"),
                   lambda d: d.pop("obligations"), lambda d: d["point"].__setitem__("Z1", ["1"])):
        bad = json.loads(json.dumps(doc))
        mutate(bad)
        assert not v.is_valid(bad)


def test_every_example_spec_matches_the_spec_schema():
    v = schema("spec.schema.json")
    files = sorted(glob.glob(os.path.join(ROOT, "docs", "examples", "*.json")))
    assert files
    for f in files:
        with open(f, encoding="utf-8") as fh:
            errors = list(v.iter_errors(json.load(fh)))
        assert not errors, f"{f}: {errors[0].message}"
    assert not v.is_valid({"network": {"widths": [1, 1], "activation": "relu"}, "data": {}, "point": {}, "extra": 1})


@pytest.mark.parametrize("extra", [[], ["--exclude", "he2020"]])
def test_audit_json_matches_the_audit_report_schema(cli, tmp_path, extra):
    for sub in ("yun2019", "he2020"):
        (tmp_path / sub).mkdir()
    for src in ("yun2019/thm1-case1-relu.json", "he2020/kink-valley-end-relu.json"):
        with open(os.path.join(PROOFS, src), encoding="utf-8") as fh:
            (tmp_path / src).write_text(fh.read())
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "yun2019" / "broken.json").write_text("{")
    p = cli("audit", str(tmp_path), "--json", *extra)
    out = json.loads(p.stdout)
    errors = list(schema("audit-report.schema.json").iter_errors(out))
    assert not errors, errors[0].message
    assert p.returncode == 2 and out["verdict"] == "INVALID" and out["skipped"] == 1
    assert out["certificates"] == (2 if extra else 3)
    assert all(isinstance(r["seconds"], float) for r in out["reports"])
