#!/usr/bin/env python3
"""Benchmark: the command line `symcert certify yun2019.thm1 --data FILE` + `symcert check CERT`
against the exact floor (bench/floor_yun2019.py), timed in the same run.

For each size the script writes the seeded data of bench/bench_yun2019.py (``bench_dataset``) as a
CSV file, then runs three commands, each as its own process, one after the other:

1. the floor: ``python bench/floor_yun2019.py FILE`` (read the CSV exactly, normal equations with
   ``fmpq_mat``, solve, residual, loss; no certificate);
2. ``python -m symcert certify yun2019.thm1 --data FILE -o CERT`` (reads the CSV, builds the
   certificate, checks it, writes it);
3. ``python -m symcert check CERT``.

Each command runs under a small measuring parent, which reports its children's CPU time (user +
system, ``RUSAGE_CHILDREN``: the supervised checker child that `symcert` forks is included) and
their peak resident memory (``ru_maxrss``). Each measurement includes starting Python and the
imports (with the package's bytecode compiled once beforehand, as an installed copy has it:
``compiled``). The ratios printed are (certify + check CPU) / floor CPU and max(certify, check) peak /
floor peak. Every verdict must be CERTIFIED (exit 0), or the script fails.

Usage (from the repository root)::

    .venv/bin/python bench/bench_yun2019_floor.py                              # time at 10000x50, memory at 100000x100
    .venv/bin/python bench/bench_yun2019_floor.py --time 10000x50 --memory none
    .venv/bin/python bench/bench_yun2019_floor.py --json OUT                   # also save the figures
    .venv/bin/python bench/bench_yun2019_floor.py --baseline ../old            # also certify + check from another checkout
    .venv/bin/python bench/bench_yun2019_floor.py --json --update-docs         # bench/results/yun2019-floor.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_JSON = os.path.join(ROOT, "bench", "results", "yun2019-floor.json")
SEED = 2019
LIMIT = ["--time-limit", "36000", "--memory-limit", "20000"]  # wall seconds and MB: far above what a size needs on a busy machine


def _text(k: int, d: int) -> str:
    """Canonical text of k/d (format_rational's: lowest terms, no denominator 1)."""
    g = math.gcd(k, d)
    return str(k // g) if g == d else f"{k // g}/{d // g}"


def write_csv(path: str, m: int, dx: int, seed: int = SEED) -> None:
    """The data of bench_yun2019.bench_dataset as CSV text (x1,...,xd,y; canonical p/q), drawn with
    the same random calls in the same order (tests/test_bench_yun2019_floor.py compares them)."""
    K = 20
    while (2 * K + 1) ** dx < 4 * m:
        K += 1
    rng = random.Random(seed)
    seen = set()
    with open(path, "w", encoding="ascii") as fh:
        fh.write(",".join([f"x{i}" for i in range(1, dx + 1)] + ["y"]) + "\n")
        while len(seen) < m:
            ks = tuple(rng.randint(-K, K) for _ in range(dx))
            y = rng.randint(-16, 16)
            if ks in seen:
                continue
            seen.add(ks)
            fh.write(",".join([_text(k, 4) for k in ks] + [_text(y, 8)]) + "\n")


def _env(tree: str) -> dict:
    """The environment of a measured command: ``tree`` first on the Python path, and bytecode
    written and read (PYTHONDONTWRITEBYTECODE dropped), as an installed package has it."""
    env = dict(os.environ, PYTHONPATH=tree + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compiled(tree: str) -> None:
    """Compile ``tree``'s package to bytecode once, before anything is timed: otherwise every
    measured command would compile the package's modules from source again (when the
    environment says not to write bytecode), a cost no installed copy pays."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(tree, "symcert")], env=_env(tree),
                   capture_output=True, check=True)


def measured(cmd: list, tree: str = ROOT) -> dict:
    """Run ``cmd`` (with ``tree`` first on the Python path) under a fresh measuring parent; its
    children's CPU seconds and peak MiB."""
    probe = ("import json, resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(json.dumps({'rc': p.returncode, 'cpu_s': r.ru_utime + r.ru_stime, 'peak_mib': r.ru_maxrss / 1024,"
             " 'out': p.stdout[-400:], 'err': p.stderr[-400:]}))\n")
    p = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, cwd=tree, env=_env(tree))
    if p.returncode != 0:
        raise SystemExit(f"measuring {' '.join(cmd)} failed: {p.stderr[-400:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def run_size(m: int, dx: int, seed: int = SEED, baseline: str | None = None) -> dict:
    for tree in (ROOT,) + ((baseline,) if baseline else ()):
        compiled(tree)
    with tempfile.TemporaryDirectory() as tmp:
        csv, cert = os.path.join(tmp, "data.csv"), os.path.join(tmp, "cert.json")
        write_csv(csv, m, dx, seed)
        py = sys.executable
        out = {"m": m, "dx": dx, "seed": seed,
               "floor": measured([py, os.path.join(HERE, "floor_yun2019.py"), csv]),
               "certify": measured([py, "-m", "symcert", "certify", "yun2019.thm1", "--data", csv, "-o", cert, *LIMIT]),
               "check": measured([py, "-m", "symcert", "check", cert, *LIMIT])}
        out["cert_bytes"] = os.path.getsize(cert) if os.path.exists(cert) else None
        if baseline:  # the same two commands from another checkout (e.g. an older commit), same data
            old = os.path.join(tmp, "old.json")
            out["baseline_tree"] = baseline
            out["baseline_certify"] = measured([py, "-m", "symcert", "certify", "yun2019.thm1", "--data", csv, "-o", old, *LIMIT], baseline)
            out["baseline_check"] = measured([py, "-m", "symcert", "check", old, *LIMIT], baseline)
    for step in ("floor", "certify", "check") + (("baseline_certify", "baseline_check") if baseline else ()):
        if out[step]["rc"] != 0:
            raise SystemExit(f"{step} at m = {m}, dx = {dx} exited {out[step]['rc']}: {out[step]['err'] or out[step]['out']}")
    f, c, k = out["floor"], out["certify"], out["check"]
    out["cpu_ratio"] = (c["cpu_s"] + k["cpu_s"]) / f["cpu_s"]
    out["peak_ratio"] = max(c["peak_mib"], k["peak_mib"]) / f["peak_mib"]
    if baseline:
        bc, bk = out["baseline_certify"], out["baseline_check"]
        out["baseline_cpu_ratio"] = (bc["cpu_s"] + bk["cpu_s"]) / f["cpu_s"]
        out["baseline_peak_ratio"] = max(bc["peak_mib"], bk["peak_mib"]) / f["peak_mib"]
    return out


def parse_size(text: str):
    if text == "none":
        return None
    m, sep, dx = text.lower().partition("x")
    if not sep or not m.isdigit() or not dx.isdigit() or int(m) < 1 or int(dx) < 1:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: expected MxDX (e.g. 10000x50) or none")
    return int(m), int(dx)


def line(r: dict) -> str:
    f, c, k = r["floor"], r["certify"], r["check"]
    return (f"m = {r['m']}, dx = {r['dx']}: floor {f['cpu_s']:.2f} s CPU, {f['peak_mib']:.0f} MiB; "
            f"certify {c['cpu_s']:.2f} s, {c['peak_mib']:.0f} MiB; check {k['cpu_s']:.2f} s, {k['peak_mib']:.0f} MiB; "
            f"(certify + check) / floor CPU = {r['cpu_ratio']:.2f}; peak / floor peak = {r['peak_ratio']:.2f}"
            + ("" if "baseline_tree" not in r else
               f"\n       baseline {r['baseline_tree']}: certify {r['baseline_certify']['cpu_s']:.2f} s, {r['baseline_certify']['peak_mib']:.0f} MiB; "
               f"check {r['baseline_check']['cpu_s']:.2f} s, {r['baseline_check']['peak_mib']:.0f} MiB; (certify + check) / floor CPU = "
               f"{r['baseline_cpu_ratio']:.2f}; peak / floor peak = {r['baseline_peak_ratio']:.2f}"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="yun2019.thm1 on the command line against the exact floor (CPU time and peak memory).")
    ap.add_argument("--time", type=parse_size, default=(10000, 50), help="size for the CPU ratio (default 10000x50; none to skip)")
    ap.add_argument("--memory", type=parse_size, default=(100000, 100), help="size for the memory ratio (default 100000x100; none to skip)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--baseline", metavar="TREE", help="also run certify + check from another checkout (e.g. a git worktree at an "
                    "older commit) on the same data, in the same run")
    ap.add_argument("--json", nargs="?", const=DEFAULT_JSON, default=None, metavar="OUT",
                    help=f"save the figures as JSON (default path {os.path.relpath(DEFAULT_JSON, ROOT)})")
    ap.add_argument("--update-docs", action="store_true", help="allow --json to overwrite a file tracked by git")
    args = ap.parse_args(argv)
    sys.path.insert(0, HERE)
    from _outputs import guard
    guard(args.json, args.update_docs)
    results = {}
    for what, size in (("time", args.time), ("memory", args.memory)):
        if size is None:
            continue
        print(f"[bench] {what}: m = {size[0]}, dx = {size[1]} ...", file=sys.stderr, flush=True)
        results[what] = run_size(*size, seed=args.seed, baseline=args.baseline and os.path.abspath(args.baseline))
        print(f"{what:<6} {line(results[what])}", flush=True)
    load = os.getloadavg()[0]
    print(f"load average at the end: {load:.1f} (2-core machine shared with other jobs)")
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"benchmark": "yun2019.thm1 command line against the exact floor", "load_at_end": load,
                       "command": "python bench/bench_yun2019_floor.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                       "results": results}, fh, indent=2)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
