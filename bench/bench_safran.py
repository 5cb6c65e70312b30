"""Benchmark: safran2018 certificates and the census.

Times are CPU seconds of the benchmark process (time.process_time): on a shared machine wall
time measures the other jobs. Census tasks run in this process (--jobs 1), so CPU time covers them.

1. Certifying one stored k = 6 endpoint (build + check), against training that start (gradient
   descent and Newton polish, numpy) timed in the same run (target: under 30 s).
2. Cost growth with k: build and check time of every stored endpoint (proofs/safran2018/), each
   with the time to train its start.
3. A census of 200 starts of mlp:2-2-1:tanh on XOR (fixed number of gradient steps) against the
   same 200 trainings alone, in the same run (target: at most 5x).

Usage: .venv/bin/python bench/bench_safran.py [--starts 200] [--iters 500] [--quick]
Prints markdown tables (the figures in docs/papers/safran2018.md and docs/census.md come from it).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from symcert import census as C  # noqa: E402
from symcert import certificate  # noqa: E402
from symcert.checker import check_document  # noqa: E402
from symcert.claims.safran2018 import run as RUN  # noqa: E402
from symcert.claims.safran2018 import spurious as SP  # noqa: E402

ENDPOINTS = os.path.join(ROOT, "proofs", "safran2018")
XOR = os.path.join(ROOT, "tests", "data", "xor5.csv")


CLOCK = time.process_time  # CPU seconds of this process: the machine is shared, wall time is not ours


def certify_endpoint(path: str) -> dict:
    e = SP.read_endpoint(path)
    t0 = CLOCK()
    RUN.train(e["k"], e["n"], e["seed"])
    t1 = CLOCK()
    doc, why = SP.box_certificate(e["k"], e["n"], e["W"], "bench", {})
    t2 = CLOCK()
    rep = check_document(json.loads(certificate.canonical_bytes(doc)))
    t3 = CLOCK()
    return {"k": e["k"], "d": e["k"] * e["n"], "verdict": rep.verdict.name, "train": t1 - t0, "build": t2 - t1,
            "check": t3 - t2}


def bench_k(paths) -> None:
    print("| k | parameters | verdict | train (CPU s) | build (CPU s) | check (CPU s) | (build + check) / train |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for p in paths:
        r = certify_endpoint(p)
        print(f"| {r['k']} | {r['d']} | {r['verdict']} | {r['train']:.2f} | {r['build']:.2f} | {r['check']:.2f} | "
              f"{(r['build'] + r['check']) / r['train']:.2f} |", flush=True)


def bench_census(starts: int, iters: int) -> None:
    spec = C.parse_spec("mlp:2-2-1:tanh", XOR)
    data = C.load_data(spec, XOR)
    t0 = CLOCK()
    for s in range(starts):
        C.train_mlp(spec, s, "gd", iters, data)
    alone = CLOCK() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t1 = CLOCK()
        C.census("mlp:2-2-1:tanh", XOR, starts, 0, "gd", iters, 1, None, os.path.join(tmp, "r.jsonl"), report=lambda s: None)
        full = CLOCK() - t1
    print("| starts | steps each | training alone (CPU s) | census (CPU s) | ratio |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {starts} | {iters} | {alone:.2f} | {full:.2f} | {full / alone:.2f} |")


def table(rates) -> None:
    """The per-k table of docs/papers/safran2018.md: from the certificates under proofs/safran2018/
    and census result files (--rates k6.jsonl ...)."""
    from flint import fmpq

    from symcert.exact.rationals import parse_rational
    measured = {}
    for path in rates:
        with open(path) as fh:
            lines = fh.read().splitlines()
        k = int(json.loads(lines[0])["model_spec"].split("k=")[1].split(",")[0])
        recs = [json.loads(x) for x in lines[1:]]
        sp = sum(r["conclusion"] == "spurious local minimum" for r in recs)
        if len(recs) <= 10:
            measured[k] = f"{sp} / {len(recs)} (too few starts for a rate)"
        else:
            measured[k] = f"{sp} / {len(recs)} = {100 * sp / len(recs):.1f}%" + (" (few starts)" if len(recs) < 50 else "")

    def dec(q: fmpq, digits: int = 12, up: bool = False) -> str:
        """q rounded down (up) to ``digits`` decimals after the point, as exact decimal text."""
        t = q * 10 ** digits
        n = int(t.ceil() if up else t.floor())
        return f"{'-' if n < 0 else ''}{abs(n) // 10 ** digits}.{abs(n) % 10 ** digits:0{digits}d}"
    print("| k = n | certificate | risk at the critical point in | box radius | smallest Hessian eigenvalue in | "
          "spurious endpoints measured here |")
    print("|---:|---|---|---:|---|---|")
    for path in sorted(glob.glob(os.path.join(ENDPOINTS, "*.json")), key=lambda p: json.load(open(p))["problem"]["k"]):
        doc = json.load(open(path))
        k = doc["problem"]["k"]
        lo, hi = (parse_rational(x) for x in doc["loss"])
        ob = {o["kind"]: o for o in doc["obligations"]}
        r = parse_rational(ob["population_krawczyk"]["radius"])
        shift = parse_rational(ob["population_hessian_pd"]["shift"])
        up = parse_rational(doc["claim"]["construction"]["smallest_eigenvalue_upper"])
        print(f"| {k} | {os.path.basename(path)} | [{dec(lo, 20)}, {dec(hi, 20, True)}] | {int(r.p) / int(r.q):.0e} | "
              f"[{dec(shift, 4)}, {dec(up, 6, True)}] | {measured.get(k, 'not measured')} |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", nargs="*", metavar="RESULTS.jsonl", help="print the per-k table from proofs/ and census results")
    ap.add_argument("--starts", type=int, default=200)
    ap.add_argument("--iters", type=int, default=500)
    ap.add_argument("--quick", action="store_true", help="k = 6 only, 20 census starts")
    ap.add_argument("--kmax", type=int, default=20, help="stored endpoints up to this k (default 20)")
    a = ap.parse_args(argv)
    if a.table is not None:
        return table(a.table)
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores")
    paths = sorted((p for p in glob.glob(os.path.join(ENDPOINTS, "*.endpoint")) if SP.read_endpoint(p)["k"] <= a.kmax),
                   key=lambda p: SP.read_endpoint(p)["k"])
    print("\n## one endpoint per k (proofs/safran2018/)\n")
    bench_k(paths[:1] if a.quick else paths)
    print("\n## census on XOR against training alone\n")
    bench_census(min(20, a.starts) if a.quick else a.starts, a.iters)


if __name__ == "__main__":
    main()
