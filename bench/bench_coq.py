#!/usr/bin/env python3
"""Benchmark: Coq kernel check of yun2019.thm1 certificates against the Python checker.

For each m (dx = 10 inputs, d1 = 2 hidden ReLU units, dy = 1; with --deep: he2020.thm1 on
seeded random data, widths [3, 4, 4, 2], ReLU, squared loss, checked by check_deep) the script builds the seeded
random data of bench/bench_yun2019.py (``bench_dataset``), certifies it (``smt="never"``),
then times, in this same run,

* the Python checker (``symcert.checker.check_document``), the baseline;
* the kernel route (``symcert.kernel_coq.kernel.check_file``: export, coqc with the
  reflective checker under vm_compute, Print Assumptions), wall time and the CPU time of the
  coqc processes (the machine may be shared: CPU time is the steadier figure); the Coq
  library is compiled before the timing starts.

It prints one markdown row per size with both times and their ratio (kernel / Python), then
the kernel verdicts over proofs/ (how many certificates are kernel-checked, and for every
kind that is not, the reason).

Usage (from the repository root)::

    .venv/bin/python bench/bench_coq.py                 # m = 10 (n/a at dx = 10), 12, 100, 1000
    .venv/bin/python bench/bench_coq.py --m 10 100 1000 10000
    .venv/bin/python bench/bench_coq.py --no-proofs     # sizes only
    .venv/bin/python bench/bench_coq.py --deep --m 100 1000 --no-proofs   # check_deep: widths [3, 4, 4, 2]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import resource
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
SEED = 2019


DEEP_WIDTHS = [3, 4, 4, 2]  # --deep: he2020.thm1, two hidden ReLU layers, two outputs, squared loss (check_deep)


def certify_deep(m: int) -> dict:
    from symcert.claims.he2020.common import LOSSES, SPREAD_ACTS, random_dataset
    from symcert.claims.he2020.thm1 import certify_thm1
    return certify_thm1(random_dataset(SEED, m, DEEP_WIDTHS[0], "real", DEEP_WIDTHS[-1]), SPREAD_ACTS["relu"](), LOSSES["squared"],
                        DEEP_WIDTHS, f"benchmark: seed {SEED}, m = {m}, widths {DEEP_WIDTHS}")


def run_size(m: int, dx: int, timeout: float, deep: bool = False) -> dict:
    from bench_yun2019 import bench_dataset
    from symcert import certificate
    from symcert.checker import check_document
    from symcert.claims.yun2019 import thm1 as yun2019
    from symcert.kernel_coq.kernel import check_file
    from symcert.inputs.activations import parse_activation

    from symcert.errors import HypothesisViolation
    try:
        doc = certify_deep(m) if deep else yun2019.certify(bench_dataset(SEED, m, dx), parse_activation("relu"), hidden=2,
                                                           instance=f"benchmark: seed {SEED}, m = {m}, dx = {dx}", smt="never")
    except HypothesisViolation as exc:  # m <= dx + 1: an affine map fits generic data exactly
        return {"m": m, "dx": dx, "not_applicable": exc.hypothesis}
    dx = DEEP_WIDTHS[0] if deep else dx
    blob = certificate.canonical_bytes(doc)
    t0, c0 = time.perf_counter(), time.process_time()
    rep_py = check_document(json.loads(blob))
    t1, c1 = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cert.json")
        with open(path, "wb") as fh:
            fh.write(blob)
        t2, k2 = time.perf_counter(), _children_cpu()
        rep_k = check_file(path, timeout)
        t3, k3 = time.perf_counter(), _children_cpu()
    return {"m": m, "dx": dx, "python": rep_py.verdict.name, "python_s": t1 - t0, "python_cpu": c1 - c0,
            "kernel": rep_k.verdict.name, "kernel_s": t3 - t2, "kernel_cpu": k3 - k2, "detail": rep_k.summary}


def _children_cpu() -> float:
    """User + system CPU seconds of finished child processes (coqc)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def proofs_table(timeout: float) -> tuple:
    from symcert.kernel_coq.kernel import check_file
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(ROOT, "proofs")) for f in fs if f.endswith(".json"))
    reasons: collections.Counter = collections.Counter()
    checked, seconds = 0, 0.0
    for p in paths:
        rep = check_file(p, timeout)
        seconds += rep.seconds
        if rep.verdict.name == "CERTIFIED":
            checked += 1
        else:
            reasons[f"{rep.verdict.name}: {rep.summary}"] += 1
    return checked, len(paths), seconds, reasons


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, nargs="+", default=[10, 12, 100, 1000])
    ap.add_argument("--dx", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--no-proofs", action="store_true")
    ap.add_argument("--deep", action="store_true", help=f"he2020.thm1 of widths {DEEP_WIDTHS}, squared loss, instead of yun2019.thm1 (--dx ignored)")
    args = ap.parse_args(argv)
    from symcert.kernel_coq import library
    t0 = time.perf_counter()
    library.library_dir()
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, coqc {library.coq_version()}; "
          f"library ready in {time.perf_counter() - t0:.1f} s")
    print("| m | dx | Python checker: wall (CPU) s | verdict | Coq kernel: wall (coqc CPU) s | verdict | kernel / Python (CPU) |")
    print("|---:|---:|---:|---|---:|---|---:|")
    for m in args.m:
        r = run_size(m, args.dx, args.timeout, args.deep)
        if "not_applicable" in r:
            print(f"| {m} | {r['dx']} | n/a ({r['not_applicable']}: the theorem does not apply) | | | | |", flush=True)
            continue
        print(f"| {m} | {r['dx']} | {r['python_s']:.3f} ({r['python_cpu']:.3f}) | {r['python']} | "
              f"{r['kernel_s']:.1f} ({r['kernel_cpu']:.1f}) | {r['kernel']} | {r['kernel_cpu'] / max(r['python_cpu'], 1e-6):.0f} |", flush=True)
    if not args.no_proofs:
        checked, total, seconds, reasons = proofs_table(args.timeout)
        print(f"\nproofs/: {checked} of {total} certificates kernel-checked ({seconds:.1f} s in all)")
        for why, n in reasons.most_common():
            print(f"- {n} x {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
