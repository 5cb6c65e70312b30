#!/usr/bin/env python3
"""Benchmark: certify + check of yun2019.thm1 on seeded random rational data.

For each size (m samples, dx inputs; d1 = 2 hidden ReLU units, dy = 1) this script

1. builds a seeded random data set with distinct inputs (``bench_dataset``: inputs k/4 with
   |k| <= K, targets k/8 with |k| <= 16, as ``symcert.claims.yun2019.thm1.random_dataset`` with
   K = 20, except that K grows when the grid is too small for m distinct inputs, e.g. dx = 2,
   and a repeated input row is drawn again: the theorem needs distinct inputs, C1.2),
2. certifies it with ``certify(..., smt="never")`` (the z3 cross-check is for small instances),
3. serialises the certificate to canonical JSON bytes,
4. parses those bytes back with ``json.loads`` and checks the document with
   ``symcert.checker.check_document``,

timing each step separately. Everything is exact (python-flint rationals); the verdict must
be CERTIFIED. Each size runs in a fresh subprocess so that its peak memory is the process's
high-water resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), which counts
python-flint's C allocations (tracemalloc would not see them). The resident size right after
the imports is reported too, so the part due to the instance itself is visible.

When the theorem does not apply (m <= dx + 1: generic data is then fitted exactly by an
affine map, hypothesis C1.1 fails) the size is reported as "n/a (C1.1)" with the time taken
to establish that.

Usage (from the repository root)::

    .venv/bin/python bench/bench_yun2019.py                      # all 12 sizes
    .venv/bin/python bench/bench_yun2019.py --sizes 10000x50     # one size
    .venv/bin/python bench/bench_yun2019.py --json               # also save bench/results/yun2019.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_M = (10, 100, 1000, 10000)
DEFAULT_DX = (2, 10, 50)
DEFAULT_JSON = os.path.join(ROOT, "bench", "results", "yun2019.json")
SEED = 2019


def bench_dataset(seed: int, m: int, dx: int):
    """Seeded random rational data with m distinct inputs: inputs k/4 with |k| <= K, where
    K = 20 or the least K with (2K + 1)^dx >= 4 m, targets k/8 with |k| <= 16."""
    import random

    from flint import fmpq

    from symcert.inputs.data import from_rows
    K = 20
    while (2 * K + 1) ** dx < 4 * m:
        K += 1
    rng = random.Random(seed)
    seen, xs, ys = set(), [], []
    while len(xs) < m:
        ks = tuple(rng.randint(-K, K) for _ in range(dx))
        y = rng.randint(-16, 16)
        if ks in seen:
            continue
        seen.add(ks)
        xs.append([fmpq(k, 4) for k in ks])
        ys.append([fmpq(y, 8)])
    return from_rows(xs, ys)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _instrument(phases: dict) -> None:
    """Wrap the main steps of certify and check so that their process CPU time is added up
    in ``phases`` (label -> seconds). Nested steps are counted in their callers too."""
    import symcert.checker.kernel as K
    import symcert.checker.problem as P
    import symcert.checker.registry as REG
    import symcert.checker.scaled as S
    from symcert.claims.yun2019 import thm1 as Y

    def timed(label, f):
        def g(*a, **k):
            c = time.process_time()
            try:
                return f(*a, **k)
            finally:
                phases[label] = phases.get(label, 0.0) + time.process_time() - c
        return g

    for name, label in (("check_hypotheses", "certify: hypotheses C1.1-C1.4 (incl. least squares)"),
                        ("least_squares", "certify:   exact least squares"),
                        ("_problem_json", "certify: problem JSON (data as text)"),
                        ("local_minimum", "certify: local minimum"),
                        ("interior_radius_one_layer", "certify: interior radius (box halvings)"),
                        ("better_point", "certify: better point (split search)")):
        setattr(Y, name, timed(label, getattr(Y, name)))
    P.problem = timed("check:   parse the problem (every number of the data)", P.problem)
    P.point = timed("check:   parse the points", P.point)
    K.forward = timed("forward passes (certify + check, inside the steps)", K.forward)
    S.forward = timed("forward passes (certify + check, inside the steps)", S.forward)  # over integer numerators
    for kind in list(REG.KINDS):
        REG.CHECKS[kind] = timed(f"check:   obligation {kind}", REG.CHECKS[kind])


def run_one(m: int, dx: int, seed: int = SEED, hidden: int = 2, activation: str = "relu",
            breakdown: bool = False) -> dict:
    """Certify and check one instance in this process; return the figures as a dict."""
    from symcert import certificate
    from symcert.checker import check_document
    from symcert.claims.yun2019 import thm1 as yun2019
    from symcert.errors import HypothesisViolation
    from symcert.inputs.activations import parse_activation

    act = parse_activation(activation)
    phases: dict = {}
    if breakdown:
        _instrument(phases)
    out = {"m": m, "dx": dx, "d1": hidden, "seed": seed, "activation": act["name"],
           "rss_after_imports_mib": round(_rss_mib(), 1)}
    clock = time.perf_counter
    cpu = time.process_time
    t0 = clock()
    data = bench_dataset(seed, m, dx)
    t1, c1 = clock(), cpu()
    out["data_s"] = t1 - t0
    try:
        doc = yun2019.certify(data, act, hidden=hidden, instance=f"benchmark: seed {seed}, m = {m}, dx = {dx}",
                              smt="never")
    except HypothesisViolation as exc:
        out.update(status="not applicable", hypothesis=exc.hypothesis, reason=str(exc), certify_s=clock() - t1, certify_cpu_s=cpu() - c1,
                   peak_rss_mib=round(_rss_mib(), 1))
        return out
    t2, c2 = clock(), cpu()
    blob = certificate.canonical_bytes(doc)
    t3, c3 = clock(), cpu()
    parsed = json.loads(blob)
    t4 = clock()
    rep = check_document(parsed, "<benchmark>")
    t5, c5 = clock(), cpu()
    out.update(
        status=rep.verdict.name, summary=rep.summary,
        case=doc["claim"]["construction"]["better_point"]["case"],
        obligations=[o[0] for o in rep.obligations],
        certify_s=t2 - t1, serialise_s=t3 - t2, parse_s=t4 - t3, check_s=t5 - t4,
        parse_check_s=t5 - t3, total_s=t5 - t1, cert_bytes=len(blob),
        certify_cpu_s=c2 - c1, parse_check_cpu_s=c5 - c3, total_cpu_s=c5 - c1,
        serialise_cpu_s=c3 - c2,
        peak_rss_mib=round(_rss_mib(), 1),
    )
    if breakdown:
        top = [k for k in phases if k.startswith("certify: ") and not k.startswith("certify:  ")]  # not nested ones
        phases["certify: rest (forward pass, risk of the better point, document)"] = out["certify_cpu_s"] - sum(phases[k] for k in top)
        chk = [k for k in phases if k.startswith("check:")]
        phases["check:   rest (json.loads, digest, risk at the point, ledgers)"] = out["parse_check_cpu_s"] - sum(phases[k] for k in chk)
        out["breakdown_cpu_s"] = phases
    return out


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import flint
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kib = int(fh.readline().split()[1])
            mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "python_flint": flint.__version__}


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        m, sep, dx = part.strip().lower().partition("x")
        if not sep or not m.isdigit() or not dx.isdigit() or int(m) < 1 or int(dx) < 1:
            raise argparse.ArgumentTypeError(f"bad size {part!r}: expected MxDX, e.g. 10000x50")
        sizes.append((int(m), int(dx)))
    return sizes


def _fmt(v, spec=".2f") -> str:
    return "-" if v is None else format(v, spec)


def table(rows: list[dict]) -> str:
    head = ("m", "dx", "verdict", "certify s", "serialise s", "parse s", "check s", "total s", "total cpu s",
            "peak MiB", "cert bytes", "load")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    for r in rows:
        verdict = r["status"] if r["status"] != "not applicable" else f"n/a ({r.get('hypothesis')})"
        lines.append("| " + " | ".join([
            str(r["m"]), str(r["dx"]), verdict, _fmt(r.get("certify_s")), _fmt(r.get("serialise_s")),
            _fmt(r.get("parse_s")), _fmt(r.get("check_s")), _fmt(r.get("total_s")), _fmt(r.get("total_cpu_s")),
            _fmt(r.get("peak_rss_mib"), ".0f"), _fmt(r.get("cert_bytes"), ","), _fmt(r.get("load_before"), ".1f"),
        ]) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark certify + check of yun2019.thm1 (exact, one subprocess per size).")
    ap.add_argument("--sizes", type=parse_sizes, default=None,
                    help="comma-separated MxDX sizes (default: m in 10,100,1000,10000 times dx in 2,10,50)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"data seed (default {SEED})")
    ap.add_argument("--hidden", type=int, default=2, help="hidden width d1 (default 2)")
    ap.add_argument("--activation", default="relu", help="relu | leaky_relu:S | relu_like:SPLUS,SMINUS (default relu)")
    ap.add_argument("--json", nargs="?", const=DEFAULT_JSON, default=None, metavar="OUT",
                    help=f"save the raw figures as JSON (default path {os.path.relpath(DEFAULT_JSON, ROOT)})")
    ap.add_argument("--breakdown", action="store_true",
                    help="also measure the CPU time of each step of certify and check (small overhead)")
    ap.add_argument("--worker", nargs=2, type=int, metavar=("M", "DX"), help=argparse.SUPPRESS)
    ap.add_argument("--update-docs", action="store_true", help="allow --json to overwrite a file tracked by git "
                    "(such as the default bench/results/yun2019.json)")
    args = ap.parse_args(argv)
    if not args.worker:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from _outputs import guard
        guard(args.json, args.update_docs)

    if args.worker:
        sys.path.insert(0, ROOT)
        print(json.dumps(run_one(args.worker[0], args.worker[1], args.seed, args.hidden, args.activation, args.breakdown)))
        return 0

    sizes = args.sizes or [(m, dx) for m in DEFAULT_M for dx in DEFAULT_DX]
    rows = []
    ok = True
    for m, dx in sizes:
        print(f"[bench] m = {m}, dx = {dx} ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", str(m), str(dx), "--seed", str(args.seed),
               "--hidden", str(args.hidden), "--activation", args.activation] + (["--breakdown"] if args.breakdown else [])
        t0 = time.perf_counter()
        load = os.getloadavg()[0]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            rows.append({"m": m, "dx": dx, "status": f"ERROR (exit {proc.returncode})", "wall_s": wall})
            ok = False
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["wall_s"] = wall
        row["load_before"] = load
        rows.append(row)
        if row["status"] not in ("CERTIFIED", "not applicable"):
            ok = False
        if row["status"] == "CERTIFIED":
            print(f"[bench]   certify {row['certify_s']:.2f} s, serialise {row['serialise_s']:.2f} s, "
                  f"parse {row['parse_s']:.2f} s, check {row['check_s']:.2f} s (cpu: certify {row['certify_cpu_s']:.2f} s, "
                  f"parse+check {row['parse_check_cpu_s']:.2f} s), peak {row['peak_rss_mib']:.0f} MiB, "
                  f"{row['cert_bytes']:,} bytes (process wall {wall:.2f} s, load {load:.1f})", file=sys.stderr, flush=True)
            for label, sec in row.get("breakdown_cpu_s", {}).items():
                print(f"[bench]     {label:<58} {sec:7.2f} s cpu", file=sys.stderr, flush=True)
        else:
            print(f"[bench]   {row['status']}: {(row.get('reason') or row.get('summary'))[:160]}", file=sys.stderr, flush=True)
    print(table(rows))
    info = machine()
    print(f"\nmachine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; "
          f"Python {info['python']}, python-flint {info['python_flint']}")
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"benchmark": "yun2019.thm1 certify + check", "seed": args.seed, "machine": info,
                       "command": "python bench/bench_yun2019.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                       "results": rows}, fh, indent=2)
            fh.write("\n")
        print(f"raw figures written to {args.json}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
