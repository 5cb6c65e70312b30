"""Failure containment, the verdict of a run over several files, and stated hypotheses."""
import copy
import json
from pathlib import Path

import pytest

from symcert import cli
from symcert.checker import Verdict, check_document
from symcert.checker import registry as R
from symcert.checker.verdict import combine

ROOT = Path(__file__).resolve().parents[2]
CERT = ROOT / "proofs" / "yun2019" / "thm1-case1-relu.json"


def _doc():
    return json.loads(CERT.read_text())


def test_internal_failure_is_error_never_a_verdict(monkeypatch):
    def boom(ctx, ob, path):
        raise ZeroDivisionError("simulated")
    monkeypatch.setitem(R.CHECKS, "gradient_zero", boom)
    rep = check_document(_doc())
    assert rep.verdict is Verdict.ERROR and "ZeroDivisionError" in rep.summary


def test_a_run_goes_on_after_an_error_and_reports_every_file(monkeypatch, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    linear = ROOT / "proofs" / "yun2019" / "thm4-depth2-global.json"
    real = R.CHECKS["gradient_zero"]

    def on_linear(ctx, ob, path):  # an internal failure on the linear problem only
        if R.problem_class(ctx.prob) == R.LIN:
            raise KeyError("simulated")
        return real(ctx, ob, path)
    monkeypatch.setitem(R.CHECKS, "gradient_zero", on_linear)
    code = cli.main(["check", str(linear), str(bad), str(CERT)])
    captured = capsys.readouterr()
    out = captured.out
    assert code == 6 and out.count(": ERROR:") == 1 and out.count(": INVALID:") == 1 and out.count(": CERTIFIED:") == 1
    assert "3 certificates: 1 CERTIFIED, 1 ERROR, 1 INVALID; verdict of the run: ERROR" in out
    assert "Traceback" not in captured.err
    code = cli.main(["--debug", "check", str(linear)])
    assert code == 6 and "Traceback" in capsys.readouterr().err


def test_unexpected_exception_in_a_command_is_one_line_exit_6(monkeypatch, capsys):
    monkeypatch.setattr(cli, "cmd_list", lambda args: 1 / 0)
    assert cli.main(["list"]) == 6
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ZeroDivisionError" in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize("verdicts,run", [
    ([Verdict.REJECTED, Verdict.UNKNOWN], Verdict.REJECTED),
    ([Verdict.UNKNOWN, Verdict.INVALID], Verdict.INVALID),
    ([Verdict.CERTIFIED, Verdict.UNKNOWN], Verdict.UNKNOWN),
    ([Verdict.INVALID, Verdict.ERROR, Verdict.REJECTED], Verdict.ERROR),
    ([Verdict.CERTIFIED, Verdict.CERTIFIED], Verdict.CERTIFIED),
])
def test_combine_order(verdicts, run):
    assert combine(verdicts) is run


def test_false_hypothesis_is_rejected_even_when_the_obligations_hold():
    doc = _doc()
    h = next(h for h in doc["claim"]["hypotheses"] if h["id"] == "C1.4")
    h["check"] = {"kind": "hidden_widths_at_least", "min": 3}  # the network has d1 = 2
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and rep.summary.startswith("stated hypothesis C1.4 fails"), rep.summary


def test_duplicate_inputs_fail_distinct_inputs():
    from symcert.checker.hypotheses import TABLE
    from symcert.checker.reading import problem
    doc = _doc()
    doc["problem"]["data"]["inputs"][1] = list(doc["problem"]["data"]["inputs"][2])
    ok, detail = TABLE["distinct_inputs"][0](problem(doc["problem"]), None, [], {})
    assert not ok and "equal" in detail


def test_unchecked_hypothesis_is_shown_not_trusted():
    doc = _doc()
    for h in doc["claim"]["hypotheses"]:
        h.pop("check")
    rep = check_document(doc)
    assert rep.verdict is Verdict.CERTIFIED and all(h[1] == "stated, not checked" for h in rep.hypotheses)


@pytest.mark.parametrize("check", [{"kind": "nope"}, {"kind": "hidden_widths_at_least"}, {"kind": "loss_is", "loss": 3},
                                   {"kind": "scalar_output", "extra": 1}, "text", [{"kind": "scalar_output"}] * 9])
def test_malformed_hypothesis_check_is_invalid(check):
    doc = _doc()
    doc["claim"]["hypotheses"][0]["check"] = copy.deepcopy(check)
    assert check_document(doc).verdict is Verdict.INVALID
