"""Regenerating the instances of claims (``symcert certify --all`` / ``certify CLAIM``), ``--jobs``
at once.

Each instance is built and checked in its own forked child under ``--time-limit`` /
``--memory-limit`` (symcert.supervise.run_jobs, the pool of ``audit -j N``). The parent imports
what the instances need before the first fork, so the children share those pages and none of
them imports again. The longest job starts first (estimated by the instance's ``cost`` hint, or
by the size of the certificate it wrote last time); each child captures its own output, and the parent prints
every instance's lines in the order of ``symcert list``, whatever order they finished in, so the
output does not depend on ``--jobs``.
"""
from __future__ import annotations

import importlib
import io
import os
import sys
import time

PRELOAD = ("flint", "z3", "sympy", "mpmath", "symcert.checker.api", "symcert.provers.kinks", "symcert.certificate")


def cores() -> int:
    """Cores this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def preload(names=PRELOAD) -> None:
    """Import the heavy modules once in the parent, before forking."""
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional dependency that is absent: its instances import it (and fail) themselves
            pass


def estimate(inst, path: str) -> float:
    """Estimated seconds to build an instance: its ``cost`` hint, else 1 s per 10 kB of the
    certificate it wrote last time (0 when there is none)."""
    if getattr(inst, "cost", 0):
        return inst.cost
    try:
        return os.path.getsize(path) / 10_000
    except OSError:
        return 0.0


def _child(build_and_check):
    """In the child: the Report of ``build_and_check()`` as JSON, with the text it printed."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    t0 = time.perf_counter()
    try:
        rep = build_and_check()
    finally:
        sys.stdout, sys.stderr = saved
    return {**rep.to_json(), "seconds": time.perf_counter() - t0, "out": out.getvalue(), "err": err.getvalue()}


def run(jobs: list, paths: list, build_and_check, args, show) -> list:
    """Run ``build_and_check(i)`` (returning a checker Report) for every job index, ``args.jobs``
    children at once (default: every core); ``show(i, report)`` is called for every job in job
    order, as soon as it and every earlier job have ended. Returns the reports in job order."""
    from symcert.supervise import _report, run_jobs
    workers = min(getattr(args, "jobs", None) or cores(), max(len(jobs), 1))
    preload()
    reports: list = [None] * len(jobs)
    pending: dict = {}
    start, nxt = time.monotonic(), [0]

    def on_done(i, outcome):  # called as jobs end; shows them in job order
        pending[i] = outcome
        while nxt[0] in pending:
            n, out = nxt[0], pending.pop(nxt[0])
            if out["ok"]:
                sys.stdout.write(out["result"].pop("out"))
                sys.stderr.write(out["result"].pop("err"))
            reports[n] = _report(paths[n], out, time.monotonic() - start)
            show(n, reports[n])
            nxt[0] += 1

    run_jobs(lambda i: _child(lambda: build_and_check(i)), list(range(len(jobs))), [estimate(job[1], p) for job, p in zip(jobs, paths)],
             args.time_limit, args.memory_limit, workers, on_done=on_done)
    return reports
