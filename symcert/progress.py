"""Progress on a terminal, and verbosity (-q / -v on every subcommand).

A progress bar is drawn (with tqdm, on stderr) only when stderr is a terminal and -q was not
given; redirected output, CI logs and pipes stay free of bars. ``SYMCERT_PROGRESS=0`` turns the
bars off on a terminal too.
"""
from __future__ import annotations

import os
import sys

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
    if level(args) == QUIET or os.environ.get("SYMCERT_PROGRESS", "1") == "0":
        return False
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
