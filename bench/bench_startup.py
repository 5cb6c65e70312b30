#!/usr/bin/env python3
"""Benchmark: start-up of `symcert check` on a tiny piecewise-linear certificate against
``python -c "import flint, z3"`` (the two libraries every such check needs), timed in the same run.

The two commands alternate ``--repeat`` times, each as its own process under a small measuring
parent that reports its children's CPU time (user + system, ``RUSAGE_CHILDREN``: the supervised
child that `symcert` forks is included). The package is compiled to bytecode once beforehand and
the commands may read it, as an installed copy has it (``bench_yun2019_floor.compiled``). The
ratio printed is median(check) / median(import); issue 16 asks for at most 2. The check must say
CERTIFIED (exit 0), or the script fails.

Usage (from the repository root)::

    .venv/bin/python bench/bench_startup.py                       # proofs/yun2019/thm1-case1-relu.json, 7 rounds
    .venv/bin/python bench/bench_startup.py --repeat 15 --cert proofs/he2020/thm1-....json
    .venv/bin/python bench/bench_startup.py --json --update-docs  # bench/results/startup.json
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_CERT = os.path.join("proofs", "yun2019", "thm1-case1-relu.json")
DEFAULT_JSON = os.path.join(ROOT, "bench", "results", "startup.json")


def run(cert: str, repeat: int) -> dict:
    sys.path.insert(0, HERE)
    from bench_yun2019_floor import compiled, measured
    compiled(ROOT)
    py = sys.executable
    checks, imports = [], []
    for _ in range(repeat):  # alternating, so that a change of load touches both alike
        c = measured([py, "-m", "symcert", "check", cert])
        if c["rc"] != 0:
            raise SystemExit(f"symcert check {cert} exited {c['rc']}: {c['err'] or c['out']}")
        checks.append(c["cpu_s"])
        imports.append(measured([py, "-c", "import flint, z3"])["cpu_s"])
    return {"cert": cert, "repeat": repeat, "check_cpu_s": checks, "import_cpu_s": imports,
            "ratio": statistics.median(checks) / statistics.median(imports)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Start-up of `symcert check` on a tiny certificate against `import flint, z3`.")
    ap.add_argument("--cert", default=DEFAULT_CERT, help=f"certificate to check (default {DEFAULT_CERT})")
    ap.add_argument("--repeat", type=int, default=7, help="rounds of the two commands, alternating (default 7)")
    ap.add_argument("--json", nargs="?", const=DEFAULT_JSON, default=None, metavar="OUT",
                    help=f"save the figures as JSON (default path {os.path.relpath(DEFAULT_JSON, ROOT)})")
    ap.add_argument("--update-docs", action="store_true", help="allow --json to overwrite a file tracked by git")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error(f"--repeat must be at least 1, got {args.repeat}")
    if not os.path.isfile(os.path.join(ROOT, args.cert)) and not os.path.isfile(args.cert):
        ap.error(f"--cert {args.cert}: no such file")
    sys.path.insert(0, HERE)
    from _outputs import guard
    guard(args.json, args.update_docs)
    r = run(os.path.abspath(args.cert) if os.path.isfile(args.cert) else os.path.join(ROOT, args.cert), args.repeat)
    med = statistics.median
    print(f"symcert check {os.path.relpath(r['cert'], ROOT)}: median {med(r['check_cpu_s']):.3f} s CPU "
          f"(range {min(r['check_cpu_s']):.3f} to {max(r['check_cpu_s']):.3f}); import flint, z3: median "
          f"{med(r['import_cpu_s']):.3f} s (range {min(r['import_cpu_s']):.3f} to {max(r['import_cpu_s']):.3f}); "
          f"ratio {r['ratio']:.2f} over {r['repeat']} rounds")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        r["cert"] = os.path.relpath(r["cert"], ROOT)
        with open(args.json, "w") as fh:
            json.dump({"benchmark": "start-up of symcert check against import flint, z3", "load_at_end": os.getloadavg()[0],
                       "command": "python bench/bench_startup.py " + " ".join(sys.argv[1:] if argv is None else argv),
                       "results": r}, fh, indent=2)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
