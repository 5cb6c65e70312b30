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
