"""symcert audit for CI: which files are certificates, skipped JSON, INVALID files, JUnit, GitHub."""
import json
import os
import shutil
import xml.etree.ElementTree as ET

import pytest

import pathlib as _pathlib

ROOT = str(_pathlib.Path(__file__).resolve().parents[1])
PROOFS = str(_pathlib.Path(ROOT) / "proofs")

CASE1 = os.path.join(PROOFS, "yun2019", "thm1-case1-relu.json")


@pytest.fixture
def run(cli):
    return cli


@pytest.fixture
def tree(tmp_path):
    """A repository-like tree: a certificate, npm and editor JSON, nothing broken."""
    (tmp_path / "certs").mkdir()
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    shutil.copy(CASE1, tmp_path / "certs" / "a.json")
    (tmp_path / "package.json").write_text('{"name": "demo", "version": "1.0.0"}')
    (tmp_path / "node_modules" / "x" / "package.json").write_text('{"name": "x"}')
    (tmp_path / "list.json").write_text("[1, 2, 3]")
    (tmp_path / "notes.txt").write_text("not json")
    return tmp_path


@pytest.fixture
def audit_json(cli):
    def audit(*args):
        p = cli("audit", *args, "--json")
        return p.returncode, json.loads(p.stdout)
    return audit


def test_other_json_files_are_skipped_not_invalid(audit_json, tree):
    code, out = audit_json(str(tree))
    assert code == 0 and out["verdict"] == "CERTIFIED" and out["certificates"] == 1
    assert out["skipped"] == 3 and out["counts"] == {"CERTIFIED": 1}
    assert "SKIPPED" not in out["counts"]


@pytest.mark.parametrize("name,text,why", [
    ("broken.json", '{"format": "symcert-certificate", ', "not valid JSON"),
    ("empty.json", "", "not valid JSON"),
    ("latin1.json", b'{"a": "\xff"}', "cannot read"),
    ("spec.json", '{"format": "symcert-spec"}', "symcert format"),
    ("typo.json", '{"format": "symcert-certficate", "claim": {}}', "symcert format"),
    ("noformat.json", '{"claim": {"id": "x"}, "problem": {}, "obligations": []}', "fields of a certificate"),
    ("truncated.json", '{"format": "symcert-certificate", "version": 1}', "INVALID"),
])
def test_broken_certificates_never_pass_as_skipped(audit_json, tree, name, text, why):
    f = tree / "certs" / name
    f.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, out = audit_json(str(tree))
    assert code == 2 and out["verdict"] == "INVALID" and out["counts"] == {"CERTIFIED": 1, "INVALID": 1}
    bad = next(r for r in out["reports"] if r["verdict"] == "INVALID")
    assert bad["source"] == str(f) and (why in bad["summary"] or why == "INVALID")


def test_a_rejected_certificate_wins_over_invalid(audit_json, tree):
    doc = json.loads(open(CASE1).read())
    doc["loss"] = "1/3"
    (tree / "certs" / "tampered.json").write_text(json.dumps(doc))
    (tree / "certs" / "broken.json").write_text("{")
    code, out = audit_json(str(tree))
    assert code == 1 and out["verdict"] == "REJECTED" and out["counts"] == {"CERTIFIED": 1, "REJECTED": 1, "INVALID": 1}


def test_a_file_named_on_the_command_line_is_never_skipped(audit_json, tree):
    code, out = audit_json(str(tree / "package.json"))
    assert code == 2 and out["counts"] == {"INVALID": 1} and out["skipped"] == 0
    code, out = audit_json(str(tree / "certs" / "a.json"), str(tree / "list.json"))
    assert code == 2 and out["counts"] == {"CERTIFIED": 1, "INVALID": 1}


def test_include_and_exclude(audit_json, tree):
    (tree / "certs" / "broken.json").write_text("{")
    code, out = audit_json(str(tree), "--exclude", "certs/broken.json")
    assert code == 0 and out["certificates"] == 1
    code, out = audit_json(str(tree), "--exclude", "broken.json", "--exclude", "node_modules")
    assert code == 0 and out["skipped"] == 2
    code, out = audit_json(str(tree), "--include", "certs/*")
    assert code == 2 and out["skipped"] == 0 and out["certificates"] == 2
    (tree / "certs" / "c.cert").write_bytes(open(CASE1, "rb").read())
    code, out = audit_json(str(tree), "--include", "*.cert")
    assert code == 0 and [os.path.basename(r["source"]) for r in out["reports"]] == ["c.cert"]


def test_no_certificate_at_all_is_one_line_error(run, tmp_path):
    (tmp_path / "package.json").write_text("{}")
    p = run("audit", str(tmp_path))
    assert p.returncode == 2 and "no certificates" in p.stderr and "1 other JSON files skipped" in p.stderr
    p = run("audit", str(tmp_path / "missing"))
    assert p.returncode == 2 and "no such file or directory" in p.stderr


def test_junit(run, tree, tmp_path):
    doc = json.loads(open(CASE1).read())
    doc["loss"] = "1/3"
    (tree / "certs" / "tampered.json").write_text(json.dumps(doc))
    out = tmp_path / "reports" / "junit.xml"
    p = run("audit", str(tree), "--junit", str(out), "-q")
    assert p.returncode == 1
    root = ET.parse(out).getroot()
    suite = root.find("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {os.path.basename(c.get("name")): c for c in suite.findall("testcase")}
    assert set(cases) == {"a.json", "tampered.json"}
    assert float(cases["a.json"].get("time")) > 0 and cases["a.json"].find("failure") is None
    fail = cases["tampered.json"].find("failure")
    assert fail.get("type") == "REJECTED"
    assert fail.get("message").startswith(f"{tree / 'certs' / 'tampered.json'}: REJECTED: obligation loss fails")
    props = {q.get("name"): q.get("value") for q in suite.find("properties")}
    assert props == {"skipped_json_files": "3", "verdict": "REJECTED"}


def test_github_annotations(run, tree):
    (tree / "certs" / "bad,name.json").write_text("{\n")
    p = run("audit", str(tree), "--format", "github")
    assert p.returncode == 2
    errors = [line for line in p.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1
    assert errors[0].startswith(f"::error file={str(tree / 'certs' / 'bad%2Cname.json')},title=symcert INVALID::")
    assert "\n" not in errors[0] and "INVALID" in errors[0]
    assert any(line.startswith("::notice title=symcert audit::") for line in p.stdout.splitlines())


def test_text_table_and_quiet(run, tree):
    p = run("audit", str(tree))
    assert p.returncode == 0 and "a.json" in p.stdout
    assert p.stdout.strip().splitlines()[-1] == "1 certificates: 1 CERTIFIED; 3 other JSON files skipped; verdict CERTIFIED"
    p = run("audit", str(tree), "-q")
    assert p.stdout.strip().splitlines() == ["1 certificates: 1 CERTIFIED; 3 other JSON files skipped; verdict CERTIFIED"]
    p = run("audit", str(tree), "-v")
    assert "[holds] gradient_zero" in p.stdout and p.stderr == ""


def test_bom_json_is_skipped_and_duplicates_are_checked_once(audit_json, tree):
    (tree / "bom.json").write_bytes(b'\xef\xbb\xbf{"name": "x"}')
    code, out = audit_json(str(tree), str(tree / "certs" / "a.json"), str(tree / "certs"))
    assert code == 0 and out["certificates"] == 1 and out["skipped"] == 4


def test_junit_reports_an_error_verdict_as_error():
    import xml.etree.ElementTree as ET
    from symcert import audit
    from symcert.checker import Report
    from symcert.checker.verdict import Verdict
    reps = [Report(Verdict.ERROR, "x.json", summary="internal error: KeyError: 'a'"),
            Report(Verdict.UNKNOWN, "y.json", claim="c", summary="obligation o undecided: z3 time-out")]
    suite = ET.fromstring(audit.junit(reps, [])).find("testsuite")
    assert (suite.get("errors"), suite.get("failures")) == ("1", "1")
    cases = suite.findall("testcase")
    assert cases[0].find("error").get("message") == "x.json: ERROR: internal error: KeyError: 'a'"
    assert cases[1].find("failure").get("type") == "UNKNOWN"
    assert audit.overall(reps) is Verdict.ERROR
