"""Progress on a terminal, and verbosity (-q / -v on every subcommand).

A progress bar is drawn (with tqdm, on stderr) only when stderr is a terminal and -q was not
given; redirected output, CI logs and pipes stay free of bars. ``SYMCERT_PROGRESS=0`` turns the
bars off on a terminal too; ``SYMCERT_PROGRESS=always`` draws them when stderr is not a terminal
(a log viewer that renders them, or a test).

:func:`obligation_hook` is what ``check``, ``audit`` and ``certify`` hand to the checker
(``check_document(..., on_obligation=hook)``): a bar naming the obligation that runs, and with -v
one line per obligation as it starts (also only where bars are shown).
"""
from __future__ import annotations

import os
import sys
import time

QUIET, NORMAL, VERBOSE = 0, 1, 2
_CONFIGURED = None  # the command line's arguments, for bars deep inside long computations


def configure(args) -> None:
    """Called once by the command line; the Python API never configures, so it draws no bars."""
    global _CONFIGURED
    _CONFIGURED = args


def iterate(items, desc: str, unit: str):
    """``items`` with a bar when the command line configured bars (per group of cells, ...)."""
    return items if _CONFIGURED is None else bar(_CONFIGURED, items, desc, unit)


def level(args) -> int:
    if getattr(args, "quiet", False):
        return QUIET
    return VERBOSE if getattr(args, "verbose", 0) else NORMAL


def bars_enabled(args) -> bool:
    setting = os.environ.get("SYMCERT_PROGRESS", "1")
    if level(args) == QUIET or setting == "0":
        return False
    if setting == "always":
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def bar(args, items, desc: str, unit: str = "file"):
    """``items`` wrapped in a tqdm bar on a terminal, unchanged otherwise."""
    items = list(items)
    if not bars_enabled(args) or len(items) < 2:
        return items
    import shutil

    from tqdm import tqdm
    size = shutil.get_terminal_size((80, 24))  # a terminal reporting a size of 0 gets 80 x 24
    return tqdm(items, desc=desc, unit=unit, file=sys.stderr, leave=False, ncols=min(size.columns, 120),
                nrows=max(size.lines, 2))


def note(args, msg: str, need: int = NORMAL) -> None:
    """A line on stderr, shown at verbosity ``need`` or more."""
    if level(args) < need:
        return
    if bars_enabled(args):
        from tqdm import tqdm
        tqdm.write(msg, file=sys.stderr)
    else:
        print(msg, file=sys.stderr, flush=True)


def stage(args, msg: str) -> None:
    """A line saying what a long step is doing, on a terminal only (never in logs or pipes)."""
    if bars_enabled(args):
        print(msg, file=sys.stderr, flush=True)


def detail(msg: str) -> None:
    """A line of detail from deep inside a computation (each refinement step, each box): shown
    only with -v on the command line; the Python API, which never configures, stays silent."""
    if _CONFIGURED is not None:
        note(_CONFIGURED, msg, VERBOSE)


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def counter(desc: str, unit: str, total: int | None = None):
    """A tqdm counter for steps whose number is not known in advance (refinement steps, boxes
    tried), drawn as ``bar`` draws: on a terminal, configured by the command line, not with -q.
    Elsewhere an object with the same update / set_postfix_str / close that draws nothing."""
    if _CONFIGURED is None or not bars_enabled(_CONFIGURED):
        return _Silent()
    import shutil

    from tqdm import tqdm
    size = shutil.get_terminal_size((80, 24))
    return tqdm(desc=desc, unit=unit, total=total, file=sys.stderr, leave=False, ncols=min(size.columns, 120))


def obligation_hook(args, label: str, position: int = 0, bars: bool = True):
    """A checker hook ``hook(done, total, id, kind)`` for one certificate, or None when it would
    show nothing. Only where bars are shown (a terminal, not -q, see :func:`bars_enabled`): a bar
    over its obligations naming the one that runs, and with -v also a line per obligation as it
    starts, with the seconds the previous one took. ``position`` 1 draws the bar under the bar of
    files of ``audit`` / ``check``; ``bars`` False (checks side by side) keeps only the -v lines."""
    lvl = level(args)
    if not bars_enabled(args) or (not bars and lvl < VERBOSE):
        return None
    start = time.perf_counter()
    state = {"bar": None, "t": start}

    def hook(done: int, total: int, oid: str, kind: str) -> None:
        now = time.perf_counter()
        if lvl == VERBOSE and total:
            took = f" (previous {now - state['t']:.2f} s)" if done else ""
            line = f"[{done + 1}/{total}] {oid} ({kind}){took}" if done < total else f"{total} obligations in {now - start:.2f} s"
            note(args, f"{label}: {line}", VERBOSE)
        state["t"] = now
        if bars and total:
            _advance(state, label, position, done, total, f"{oid} ({kind})" if done < total else "done")
    return hook


def _advance(state: dict, label: str, position: int, done: int, total: int, text: str) -> None:
    if state["bar"] is None:
        from tqdm import tqdm
        state["bar"] = tqdm(total=total, desc=label, unit="obligation", file=sys.stderr, leave=False, position=position,
                            ncols=120, mininterval=0)
    bar = state["bar"]
    bar.n = done
    bar.set_postfix_str(text, refresh=True)
    if done == total:
        bar.close()
