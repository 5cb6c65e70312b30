"""Progress bars only on a terminal, never with -q or SYMCERT_PROGRESS=0; -v raises the level."""
import argparse
import io

from symcert import progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def ns(**kw):
    return argparse.Namespace(quiet=kw.get("quiet", False), verbose=kw.get("verbose", False))


def test_bars_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("SYMCERT_PROGRESS", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress.bar(ns(), [1, 2, 3], "x") == [1, 2, 3]
    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    bar = progress.bar(ns(), [1, 2, 3], "check")
    assert list(bar) == [1, 2, 3] and "check" in tty.getvalue()
    assert progress.bar(ns(quiet=True), [1, 2, 3], "x") == [1, 2, 3]
    monkeypatch.setenv("SYMCERT_PROGRESS", "0")
    assert progress.bar(ns(), [1, 2, 3], "x") == [1, 2, 3]


def test_levels_and_notes(monkeypatch, capsys):
    assert [progress.level(ns(quiet=True)), progress.level(ns()), progress.level(ns(verbose=True))] == [0, 1, 2]
    progress.note(ns(), "shown")
    progress.note(ns(), "detail", progress.VERBOSE)
    progress.note(ns(verbose=True), "detail shown", progress.VERBOSE)
    progress.note(ns(quiet=True), "hidden")
    assert capsys.readouterr().err.splitlines() == ["shown", "detail shown"]


def test_counter_and_detail_inside_long_computations(monkeypatch, capsys):
    """progress.counter (a tqdm counter per Krawczyk box or refinement step) draws only when the
    command line configured a terminal; progress.detail prints only with -v."""
    monkeypatch.delenv("SYMCERT_PROGRESS", raising=False)
    monkeypatch.setattr(progress, "_CONFIGURED", None)
    c = progress.counter("boxes", "box")
    c.update()
    c.close()
    progress.detail("hidden")
    assert capsys.readouterr().err == ""
    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    monkeypatch.setattr(progress, "_CONFIGURED", ns())
    c = progress.counter("Krawczyk boxes at 128 bits", "box")
    c.update()
    c.close()
    progress.detail("not shown without -v")
    assert "Krawczyk boxes" in tty.getvalue() and "not shown" not in tty.getvalue()
    monkeypatch.setattr(progress, "_CONFIGURED", ns(verbose=True))
    progress.detail("  box 2^-20 at 128 bits")
    assert "box 2^-20" in tty.getvalue()
    monkeypatch.setattr(progress, "_CONFIGURED", ns(quiet=True))
    before = tty.getvalue()
    c = progress.counter("x", "step")
    c.update()
    c.close()
    assert tty.getvalue() == before


def test_the_checker_tells_its_hook_each_obligation(proof):
    from symcert.checker.api import Verdict, check_document
    calls = []
    rep = check_document(proof("safran2018/k6-seed261.json"), on_obligation=lambda *a: calls.append(a))
    assert rep.verdict is Verdict.CERTIFIED
    kinds = [o[1] for o in rep.obligations]
    assert calls == [(i, 3, rep.obligations[i][0], kinds[i]) for i in range(3)] + [(3, 3, "", "")]


def test_a_hook_that_raises_is_an_internal_error_not_a_verdict(proof):
    from symcert.checker.api import Verdict, check_document

    def broken(*_):
        raise ValueError("display failed")
    assert check_document(proof("safran2018/k6-seed261.json"), on_obligation=broken).verdict is Verdict.ERROR


def test_obligation_hook_bar_on_a_terminal_lines_with_v_nothing_with_q(monkeypatch):
    monkeypatch.delenv("SYMCERT_PROGRESS", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress.obligation_hook(ns(), "c.json") is None  # not a terminal, not -v: nothing to show
    assert progress.obligation_hook(ns(quiet=True), "c.json") is None
    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    assert progress.obligation_hook(ns(quiet=True), "c.json") is None
    hook = progress.obligation_hook(ns(), "c.json")
    for call in [(0, 2, "critical", "population_krawczyk"), (1, 2, "definite", "population_hessian_pd"), (2, 2, "", "")]:
        hook(*call)
    shown = tty.getvalue()
    assert "c.json" in shown and "critical (population_krawczyk)" in shown and "definite (population_hessian_pd)" in shown
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress.obligation_hook(ns(verbose=True), "c.json") is None  # a log stays free of progress, -v or not
    log = Tty()
    monkeypatch.setattr("sys.stderr", log)
    hook = progress.obligation_hook(ns(verbose=True), "c.json", bars=False)  # -v, checks side by side: lines only
    for call in [(0, 2, "critical", "population_krawczyk"), (1, 2, "definite", "population_hessian_pd"), (2, 2, "", "")]:
        hook(*call)
    lines = log.getvalue().splitlines()
    assert lines[0] == "c.json: [1/2] critical (population_krawczyk)"
    assert lines[1].startswith("c.json: [2/2] definite (population_hessian_pd) (previous ")
    assert lines[2].startswith("c.json: 2 obligations in ") and len(lines) == 3


def _check(root, env_progress, *args):
    import os
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=str(root))
    env.pop("SYMCERT_PROGRESS", None)
    if env_progress:
        env["SYMCERT_PROGRESS"] = env_progress
    return subprocess.run([sys.executable, "-m", "symcert", *args], capture_output=True, text=True, cwd=root, env=env)


def test_check_and_audit_show_the_obligation_that_runs(root):
    cert = "proofs/safran2018/k6-seed261.json"
    forced = _check(root, "always", "check", cert)  # stderr is a pipe here: bars forced as on a terminal
    assert forced.returncode == 0 and "population_hessian_pd" in forced.stderr and "obligation" in forced.stderr
    audit = _check(root, "always", "audit", "-j", "1", cert, "proofs/safran2018/k7-seed21.json")
    assert audit.returncode == 0 and "k7-seed21.json" in audit.stderr and "population_krawczyk" in audit.stderr
    side = _check(root, "always", "audit", "-j", "2", cert, "proofs/safran2018/k7-seed21.json")  # a bar of files
    assert side.returncode == 0 and "2/2" in side.stderr and "population_krawczyk" not in side.stderr
    assert _check(root, None, "check", cert).stderr == ""  # not a terminal: quiet
    assert _check(root, "always", "check", "-q", cert).stderr == ""
    assert _check(root, None, "check", "-v", cert).stderr == ""
    verbose = _check(root, "always", "audit", "-v", "-j", "2", cert, "proofs/safran2018/k7-seed21.json").stderr
    assert f"{cert}: [1/3] critical (population_krawczyk)" in verbose.splitlines()  # -j 2: lines, no bars
    assert f"{cert}: 3 obligations in " in verbose and "obligation/s" not in verbose
