"""Time and memory budgets per job: each job runs in a forked child under a small supervisor.

FLINT, z3 and sympy run C code or deep Python code that no signal interrupts, and an address-space
limit (RLIMIT_AS) trips at once because z3 and FLINT map hundreds of MB they never touch. So the
budget is enforced from outside: the parent forks one child per job (after every module is
imported, so the children share those pages), polls each child's resident memory
(``/proc/<pid>/statm``) and wall time every ``POLL`` seconds, and kills a child at its limit. A
child sends its result, a small JSON-able dict, back through a pipe.

:func:`run_jobs` runs up to ``workers`` children at once (the process pool of ``audit -j N``):
the largest job first (by the size the caller gives, e.g. the file size), results returned in
the order of the jobs given, whatever order they finished in. Outcomes of a job:

* ``{"ok": True, "result": <the dict fn returned>}``;
* ``{"ok": False, "limit": "time" | "memory", "message": ...}``: a budget was reached (UNKNOWN);
* ``{"ok": False, "limit": None, "message": ...}``: the child raised, or died some other way
  (ERROR: never a statement about the input).

A limit is noticed within ``POLL`` seconds of being reached, and the child is killed (SIGKILL)
at once, so the answer comes within the limit plus a fraction of a second. Between two looks the
supervisor waits on the children's pipes, so a finished child is collected at once.
"""
from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from dataclasses import dataclass, field

DEFAULT_TIME_LIMIT = 600.0  # seconds per job
DEFAULT_MEMORY_LIMIT = 8192  # MB of resident memory per job
POLL = 0.05  # seconds between two looks at the children
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (0 if it is gone or /proc is unavailable)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def release_memory() -> None:
    """Hand memory freed by Python and FLINT back to the system (glibc's malloc_trim; nothing
    elsewhere): big integers freed between the stages of a large run leave holes in the heap that
    would otherwise count as resident memory until the process ends."""
    import gc
    gc.collect()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@dataclass
class _Child:
    index: int
    pid: int
    fd: int
    start: float
    data: bytearray = field(default_factory=bytearray)
    outcome: dict | None = None


def _child_main(fn, job, fd: int) -> None:
    """Run ``fn(job)`` in the child and write its result (or the exception) to ``fd``; never returns."""
    code = 0
    try:
        out = {"ok": True, "result": fn(job)}
    except BaseException as exc:  # reported to the parent as ERROR with the exception's type
        out = {"ok": False, "limit": None, "message": f"{type(exc).__name__}: {str(exc)[:300]}"}
        code = 1
    try:
        payload = json.dumps(out).encode("utf-8")
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        code = 2
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _spawn(fn, job, index: int) -> _Child:
    sys.stdout.flush()
    sys.stderr.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        _child_main(fn, job, w)
    os.close(w)
    os.set_blocking(r, False)
    return _Child(index, pid, r, time.monotonic())


def _drain(c: _Child) -> None:
    while True:
        try:
            chunk = os.read(c.fd, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            return
        c.data += chunk


def _kill(c: _Child, limit: str, message: str) -> None:
    try:
        os.kill(c.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(c.pid, 0)
    c.outcome = {"ok": False, "limit": limit, "message": message}


def _finished(c: _Child, status: int) -> None:
    _drain(c)
    try:
        c.outcome = json.loads(bytes(c.data).decode("utf-8"))
    except ValueError:
        c.outcome = None
    if not isinstance(c.outcome, dict) or "ok" not in c.outcome:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.WEXITSTATUS(status)}"
        c.outcome = {"ok": False, "limit": None, "message": f"the checking process died ({how}) without a result"}


def _look(c: _Child, time_limit: float, memory_limit: float) -> bool:
    """Drain the child's pipe and enforce its limits; True once it has an outcome."""
    _drain(c)
    pid, status = os.waitpid(c.pid, os.WNOHANG)
    if pid:
        _finished(c, status)
    elif time.monotonic() - c.start > time_limit:
        _kill(c, "time", f"time limit of {time_limit:g} s reached (--time-limit)")
    elif memory_limit and resident_mb(c.pid) > memory_limit:
        _kill(c, "memory", f"memory limit of {memory_limit:g} MB reached (--memory-limit)")
    if c.outcome is not None:
        os.close(c.fd)
        return True
    return False


def run_jobs(fn, jobs: list, sizes: list | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
             memory_limit: float = DEFAULT_MEMORY_LIMIT, workers: int = 1, on_done=None) -> list[dict]:
    """Run ``fn(job)`` for every job, each in its own forked child under the limits, at most
    ``workers`` at once, larger ``sizes`` first; return the outcomes in the order of ``jobs``.
    ``on_done(index, outcome)`` is called as each job ends (in the order they end)."""
    if not time_limit > 0 or not memory_limit > 0 or workers < 1:
        raise ValueError("time and memory limits must be positive and workers at least 1")
    order = sorted(range(len(jobs)), key=lambda i: -(sizes[i] if sizes else 0))
    outcomes: list = [None] * len(jobs)
    running: list[_Child] = []
    try:
        while order or running:
            while order and len(running) < workers:
                i = order.pop(0)
                running.append(_spawn(fn, jobs[i], i))
            for c in [c for c in running if _look(c, time_limit, memory_limit)]:
                running.remove(c)
                outcomes[c.index] = c.outcome
                if on_done:
                    on_done(c.index, c.outcome)
            if running:  # wake when a child writes or ends, or after POLL seconds to check the limits
                select.select([c.fd for c in running], [], [], POLL)
    finally:
        for c in running:  # interrupted: leave no child behind
            _kill(c, "time", "interrupted")
            os.close(c.fd)
    return outcomes


def run_one(fn, job, time_limit: float = DEFAULT_TIME_LIMIT, memory_limit: float = DEFAULT_MEMORY_LIMIT) -> dict:
    """One job under the limits (see :func:`run_jobs`)."""
    return run_jobs(fn, [job], None, time_limit, memory_limit, 1)[0]


# ---- the command line: options and jobs --------------------------------------------------------

def positive(kind):
    """An argparse type: a finite positive ``kind`` (int or float); anything else is refused."""
    import argparse

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value
    return parse


def add_limit_options(s, what: str) -> None:
    """``--time-limit S`` and ``--memory-limit MB`` on the argparse (sub)parser ``s``."""
    s.add_argument("--time-limit", type=positive(float), default=DEFAULT_TIME_LIMIT, metavar="S",
                   help=f"wall-time budget of {what} in seconds; reaching it is UNKNOWN (default {DEFAULT_TIME_LIMIT:g})")
    s.add_argument("--memory-limit", type=positive(float), default=DEFAULT_MEMORY_LIMIT, metavar="MB",
                   help=f"resident-memory budget of {what} in MB; reaching it is UNKNOWN (default {DEFAULT_MEMORY_LIMIT})")


def _check_job(job) -> dict:
    from symcert.checker.api import check_file
    path, smt_timeout_ms, hook = job
    t0 = time.perf_counter()
    rep = check_file(path, smt_timeout_ms, hook)
    out = {**rep.to_json(), "seconds": time.perf_counter() - t0}
    if getattr(rep, "error", None) is not None:  # an internal error: its traceback, for --debug
        import traceback
        out["traceback"] = "".join(traceback.format_exception(rep.error))
    return out


def _report(path: str, outcome: dict, seconds: float):
    """The checker's Report for one supervised check (UNKNOWN at a limit, ERROR if the child died)."""
    from symcert.checker.api import Report
    from symcert.checker.verdict import Verdict
    if outcome["ok"]:
        d = outcome["result"]
        obligations = [(o["id"], o["kind"], o["status"], o["detail"]) for o in d["obligations"]]
        hypotheses = [(h["id"], h["status"], h["detail"]) for h in d["hypotheses"]]
        rep = Report(Verdict[d["verdict"]], d["source"], d["claim"], d["conclusion"], d["summary"], obligations,
                     d["rests_on"], d["seconds"], d["environment"], hypotheses, d["risk"])
        rep.traceback = d.get("traceback", "")
        return rep
    verdict = Verdict.UNKNOWN if outcome["limit"] else Verdict.ERROR
    return Report(verdict, path, summary=f"{path}: {outcome['message']}", seconds=seconds)


def check_paths(paths: list, smt_timeout_ms: int, time_limit: float = DEFAULT_TIME_LIMIT,
                memory_limit: float = DEFAULT_MEMORY_LIMIT, workers: int = 1, hook_for=None, on_done=None) -> list:
    """Check every file, each in its own child under the limits, ``workers`` at once (largest file
    first); the reports come back in the order of ``paths``. ``hook_for(path)`` gives the checker's
    ``on_obligation`` hook for that file (symcert/progress.py), run in the child; ``on_done(path)``
    is called in the parent as each file's check ends."""
    import symcert.checker.api  # noqa: F401  (import the checker once, before forking)

    sizes = []
    for p in paths:
        try:
            sizes.append(os.path.getsize(p))
        except OSError:
            sizes.append(0)
    started = {}
    t0 = time.monotonic()
    jobs = [(p, smt_timeout_ms, hook_for(p) if hook_for else None) for p in paths]
    outcomes = run_jobs(_check_job, jobs, sizes, time_limit, memory_limit, workers,
                        on_done=lambda i, o: (started.setdefault(i, time.monotonic() - t0), on_done and on_done(paths[i])))
    return [_report(p, o, started.get(i, 0.0)) for i, (p, o) in enumerate(zip(paths, outcomes))]


def _has_fd(stream) -> bool:
    try:
        stream.fileno()
        return True
    except (AttributeError, OSError, ValueError):
        return False


def _captured(fn) -> dict:
    """``{"code": fn()}``; when the parent's stdout or stderr is not a file descriptor (an in-memory
    stream, as under a test harness), the child's output is captured and sent back as text."""
    if _has_fd(sys.stdout) and _has_fd(sys.stderr):
        return {"code": fn()}
    import io
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        code = fn()
        return {"code": code, "out": sys.stdout.getvalue(), "err": sys.stderr.getvalue()}
    finally:
        sys.stdout, sys.stderr = saved


def run_command(fn, time_limit: float = DEFAULT_TIME_LIMIT, memory_limit: float = DEFAULT_MEMORY_LIMIT) -> int:
    """Run ``fn()`` (a whole command, returning its exit code) in a child under the limits; at a
    limit print one line and return UNKNOWN's code, if the child dies return ERROR's code."""
    from symcert.checker.verdict import Verdict
    outcome = run_one(lambda _: _captured(fn), None, time_limit, memory_limit)
    if outcome["ok"]:
        res = outcome["result"]
        sys.stdout.write(res.get("out", ""))
        sys.stderr.write(res.get("err", ""))
        return int(res["code"])
    verdict = Verdict.UNKNOWN if outcome["limit"] else Verdict.ERROR
    print(f"symcert: {verdict.name}: {outcome['message']}", file=sys.stderr)
    return verdict.exit_code


def run_report(fn, path: str, time_limit: float = DEFAULT_TIME_LIMIT, memory_limit: float = DEFAULT_MEMORY_LIMIT):
    """``fn()`` (returning a checker Report, e.g. building and checking one certificate) in a child
    under the limits; the Report, or an UNKNOWN / ERROR one naming the limit or the failure."""
    def job(_):
        t0 = time.perf_counter()
        rep = _captured(fn)
        out = rep["code"]
        return {**out.to_json(), "seconds": time.perf_counter() - t0, "out": rep.get("out", ""), "err": rep.get("err", "")}
    t0 = time.monotonic()
    outcome = run_one(job, None, time_limit, memory_limit)
    if outcome["ok"]:
        sys.stdout.write(outcome["result"].pop("out"))
        sys.stderr.write(outcome["result"].pop("err"))
    return _report(path, outcome, time.monotonic() - t0)
