"""The command line, run as a user runs it: exit codes, one-line errors, no tracebacks."""
import json
import shutil

import pytest

CASE1 = "proofs/yun2019/thm1-case1-relu.json"  # relative to the repository, where cli runs


def test_help_lists_exit_codes(cli):
    p = cli("--help")
    assert p.returncode == 0 and "REJECTED" in p.stdout and "certify" in p.stdout
    p = cli("check", "--help")
    assert "0  CERTIFIED" in p.stdout


def test_list(cli):
    p = cli("list")
    assert p.returncode == 0 and "yun2019.thm1" in p.stdout
    rows = json.loads(cli("list", "--json").stdout)
    assert any(r["id"] == "yun2019.thm1" and r["accepts_data"] for r in rows)


def test_check_certified_and_json(cli):
    p = cli("check", CASE1)
    assert p.returncode == 0 and "CERTIFIED" in p.stdout and "rests on" in p.stdout
    out = json.loads(cli("check", "--json", CASE1).stdout)
    assert out["all_certified"] and out["reports"][0]["verdict"] == "CERTIFIED"


def test_certify_user_csv(tmp_path, cli):
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,y\n0,0,0\n1,0,1\n0,1,1\n1,1,0\n2,1,1/2\n")
    out = tmp_path / "c.json"
    p = cli("certify", "yun2019.thm1", "--data", str(data), "--hidden", "3", "--activation", "leaky_relu:1/10", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert cli("check", str(out)).returncode == 0


def test_certify_worked_instances_to_directory(tmp_path, cli, root):
    p = cli("certify", "yun2019.thm1", "--instance", "thm1-case1-relu", "-o", str(tmp_path), "-q")
    assert p.returncode == 0, p.stderr
    made = tmp_path / "yun2019" / "thm1-case1-relu.json"
    with open(made, "rb") as a, open(root / CASE1, "rb") as b:
        assert a.read() == b.read()


def test_hypothesis_violation_exit_5(tmp_path, cli):
    data = tmp_path / "affine.csv"
    data.write_text("x1,y\n0,1\n1,3\n2,5\n")
    p = cli("certify", "yun2019.thm1", "--data", str(data))
    assert p.returncode == 5 and "C1.1" in p.stderr and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content,code", [
    ("x1,y\n0,1\n1,abc\n", 2),
    ("not,a,header\n", 2),
])
def test_bad_data_one_line_error(tmp_path, content, code, cli):
    data = tmp_path / "bad.csv"
    data.write_text(content)
    p = cli("certify", "yun2019.thm1", "--data", str(data))
    assert p.returncode == code
    assert str(data) in p.stderr and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args,needle", [
    (("certify", "nope.claim"), "unknown claim"),
    (("certify", "yun2019.thm1", "--data", "x.csv", "--activation", "tanh"), "x.csv"),
    (("certify", "yun2019.thm1", "--data", "/nonexistent.csv"), "/nonexistent.csv"),
])
def test_bad_arguments(args, needle, cli):
    p = cli(*args)
    assert p.returncode == 2 and needle in p.stderr


@pytest.mark.parametrize("args,needle", [
    (("--loss", "absolute"), "squared loss only"),
    (("--depth", "3"), "one hidden layer"),
])
def test_outside_the_theorem_is_not_applicable(args, needle, cli):
    p = cli("certify", "yun2019.thm1", "--data", "tests/data/xor5.csv", *args)
    assert p.returncode == 5 and needle in p.stderr and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["", "{", "[]", '{"format": "symcert-certificate", "version": 1}', '{"format": "x"}', "\u00ff"])
def test_malformed_certificates_are_invalid(tmp_path, text, cli):
    f = tmp_path / "bad.json"
    f.write_text(text)
    p = cli("check", str(f))
    assert p.returncode == 2 and "INVALID" in p.stdout


def test_float_in_certificate_is_invalid(tmp_path, cli, root):
    with open(root / CASE1) as fh:
        doc = json.load(fh)
    doc["point"]["b2"] = [-1.0]
    f = tmp_path / "float.json"
    f.write_text(json.dumps(doc))
    p = cli("check", str(f))
    assert p.returncode == 2 and "point.b2[0]" in p.stdout


def test_audit_table_and_failure(tmp_path, cli, root, proofs):
    (tmp_path / "yun2019").mkdir()
    for name in ("thm1-case1-relu.json", "thm1-case2-leaky.json", "thm1-random-s5-m20-dx5-d2-relu.json"):
        shutil.copy(proofs / "yun2019" / name, tmp_path / "yun2019" / name)
    p = cli("audit", str(tmp_path))
    assert p.returncode == 0 and "CERTIFIED" in p.stdout
    with open(root / CASE1) as fh:
        doc = json.load(fh)
    doc["loss"] = "1/3"
    (tmp_path / "yun2019" / "tampered.json").write_text(json.dumps(doc))
    p = cli("audit", str(tmp_path), "--json")
    out = json.loads(p.stdout)
    assert p.returncode == 1 and not out["all_certified"] and out["counts"]["REJECTED"] == 1


def test_explain(cli):
    p = cli("explain", CASE1)
    assert p.returncode == 0 and "affine_reduction" in p.stdout and "77/200" in p.stdout


def test_certify_reports_refutations_as_refuted(tmp_path, cli):
    p = cli("certify", "he2020.kink", "--instance", "kink-valley-end-relu", "-o", str(tmp_path))
    assert p.returncode == 0 and "REFUTED (not_local_minimum; the refutation is certified)" in p.stderr


@pytest.mark.parametrize("args,needle", [
    (("check", "--smt-timeout", "0", CASE1), "positive whole number"),
    (("check", "--smt-timeout", "-5", CASE1), "positive whole number"),
    (("certify", "yun2019.thm1", "--data", "tests/data/xor5.csv", "--smt-timeout", "x"), "positive whole number"),
    (("certify", "he2020.thm1", "--data", "tests/data/xor5.csv", "--smt", "never"), "no z3 cross-check"),
    (("certify", "--all", "--smt", "always"), "--smt"),
    (("certify", "yun2019.thm1", "--x-columns", "a"), "give --data"),
])
def test_options_refused_not_dropped(cli, args, needle):
    p = cli(*args)
    assert p.returncode == 2 and needle in p.stderr


def test_list_shows_smt_and_every_subcommand_takes_q_and_v(cli):
    assert "--smt MODE" in cli("list").stdout
    for sub in ("list", "certify", "census", "check", "audit", "export", "explain", "report"):
        out = cli(sub, "--help").stdout
        assert "-q, --quiet" in out and "-v, --verbose" in out, sub


def test_smt_always_is_honoured(root, monkeypatch):
    from symcert.claims.yun2019 import thm1 as yun2019
    from symcert.errors import ConstructionFailed
    from symcert.inputs.activations import parse_activation
    from symcert.inputs.data import read_dataset
    data = read_dataset(str(root / "tests" / "data" / "xor5.csv"))
    seen = []
    monkeypatch.setattr(yun2019, "smt_cell_minimum_holds", lambda *a: seen.append(a[-1]) or False)
    with pytest.raises(ConstructionFailed, match="--smt always: z3 did not prove"):
        yun2019.certify(data, parse_activation("relu"), hidden=3, smt="always", smt_timeout_s=7)
    assert seen == [7000]
    n = len(seen)
    doc = yun2019.certify(data, parse_activation("relu"), hidden=2, smt="auto", smt_timeout_s=7)
    assert "smt_cell_minimum" not in [o["kind"] for o in doc["obligations"]] and seen[n:] == [2000]
