"""Benchmark: the cost of checking each certificate in a supervised child (symcert.supervise).

For the N smallest certificates of proofs/ (default 40), in one run:
  inline      check_file in this process, one after the other (the baseline)
  supervised  one forked child per certificate under the default limits, one at a time
  pool-J      the same with J children at once (audit -j J)
and the response to a limit: a job that sleeps is stopped at --time-limit 1 (seconds past it).
Prints each time and its ratio to the inline baseline timed in the same run.

    .venv/bin/python bench/bench_supervise.py [--count 40] [--jobs 2]
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from symcert import supervise  # noqa: E402
from symcert.checker import check_file  # noqa: E402


def _sleep(_):
    time.sleep(60)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = sorted(glob.glob(os.path.join(root, "proofs", "**", "*.json"), recursive=True), key=os.path.getsize)[:args.count]
    t0 = time.perf_counter()
    inline = [check_file(p).verdict.name for p in paths]
    base = time.perf_counter() - t0
    rows = [("inline", base, inline)]
    for name, workers in (("supervised", 1), (f"pool-{args.jobs}", args.jobs)):
        t0 = time.perf_counter()
        reps = supervise.check_paths(paths, 60000, workers=workers)
        rows.append((name, time.perf_counter() - t0, [r.verdict.name for r in reps]))
    print(f"{len(paths)} certificates of proofs/ (smallest first), {os.cpu_count()} cores")
    for name, secs, verdicts in rows:
        same = "same verdicts" if verdicts == inline else "VERDICTS DIFFER"
        print(f"  {name:<11} {secs:7.2f} s   x {secs / base:5.2f}   {same}")
    t0 = time.perf_counter()
    out = supervise.run_one(_sleep, None, time_limit=1.0)
    print(f"  time limit 1 s: {out['limit']} limit reported after {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
