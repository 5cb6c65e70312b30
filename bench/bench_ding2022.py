"""Benchmark: ding2022.thm by hidden width, in-process and through the command line, and the cost
of the rigorous arithmetic by precision.

Usage: .venv/bin/python bench/bench_ding2022.py [WIDTH ...]   (default widths 2 10 100 1000)
       .venv/bin/python bench/bench_ding2022.py --general ACT [WIDTH ...]
       .venv/bin/python bench/bench_ding2022.py --update-docs

Default: certify (the generator, which runs the checker once to declare the ledgers) and check (the
trusted checker on the serialised certificate) of the worked data X = (-1, 0, 1), Y = (0, 1, 0),
sigmoid, in this process, CPU seconds; then the same through the command line on user data
(`symcert certify ding2022.thm --data FILE --hidden N`, the file's rows x1,y = -1,0 / 0,0 / 1,0,
and `symcert check` of the certificate it wrote), CPU seconds of each child process including
start-up. Each table ends with the growth from the smallest to the largest width of at least 100
measured in the same run (the target: at most 15x from width 100 to 1,000).
With --general, certify + check of the general route (seeded random 1-D inputs, labels with
M = I, activation ACT) by width, as a ratio to the sigmoid worked instance at the same width.
--update-docs runs the default tables (widths 2 10 100 1000), the general route for tanh (10 100
1000) and the precision table, and writes them into docs/benchmarks-smooth.md between its
bench_ding2022 markers.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

import sympy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # bench/_outputs.py

from _outputs import replace_section  # noqa: E402
from symcert import certificate  # noqa: E402
from symcert.checker import check_document  # noqa: E402
from symcert.checker import smooth as S  # noqa: E402
from symcert.claims.ding2022 import thm as D  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "benchmarks-smooth.md")
MARK = ("<!-- bench_ding2022 begin -->", "<!-- bench_ding2022 end -->")


def bench_width(n: int) -> tuple:
    t0 = time.process_time()
    doc = D.certify([[x] for x in D.X1], n, f"benchmark n = {n}", targets=D.Y1, better=D.worked_better(n), convexity=False)
    t1 = time.process_time()
    raw = certificate.canonical_bytes(doc)
    t2 = time.process_time()
    rep = check_document(json.loads(raw))
    t3 = time.process_time()
    return n, 3 * n + 1, rep.verdict.name, t1 - t0, t3 - t2, len(raw)


def _child_cpu(argv: list) -> tuple:
    """(exit code, CPU seconds of the child: user + system, start-up included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([sys.executable, "-m", "symcert", *argv], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=ROOT))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return p.returncode, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_cli(n: int, tmp: str) -> tuple:
    data, out = os.path.join(tmp, "worked.csv"), os.path.join(tmp, f"d{n}.json")
    with open(data, "w") as fh:
        fh.write("x1,y\n-1,0\n0,0\n1,0\n")
    rc, tc = _child_cpu(["certify", "ding2022.thm", "--data", data, "--hidden", str(n), "-o", out, "-q"])
    rk, tk = _child_cpu(["check", out, "-q"]) if rc == 0 else (rc, 0.0)
    return n, rc, rk, tc, tk, os.path.getsize(out) if os.path.exists(out) else 0


def bench_precision() -> list:
    """Time to evaluate a 199-term sum of sigmoids (sympy expression -> arb ball), by precision."""
    expr = sympy.Add(*[sympy.Integer(k) / (1 + sympy.exp(-sympy.Rational(k, 7))) for k in range(1, 200)]) - sympy.Rational(12345, 1)
    out = []
    for prec in (64, 128, 256, 1024, 4096):
        t0 = time.process_time()
        for _ in range(20):
            b = S.arb_at(expr, prec)
        out.append((prec, (time.process_time() - t0) / 20, b.rad()))
    return out


def bench_general(act: str, n: int) -> tuple:
    from symcert.claims import constructions as C
    from symcert.claims.ding2022 import general as G
    spec = C.smooth_activation(act, alpha=1) if act == "elu" else C.smooth_activation(act)
    t0 = time.process_time()
    doc = G.certify_shallow(G.random_inputs(36, 6, 1), n, spec, f"benchmark {act} n = {n}", 36)
    t1 = time.process_time()
    rep = check_document(json.loads(certificate.canonical_bytes(doc)))
    return rep.verdict.name, t1 - t0, time.process_time() - t1


def _growth(rows: list, col_a: int, col_b: int, label: str) -> list:
    big = [r for r in rows if r[0] >= 100]
    if len(big) < 2:
        return []
    lo, hi = big[0], big[-1]
    ga, gb = hi[col_a] / lo[col_a], hi[col_b] / lo[col_b]
    return ["", f"Growth from width {lo[0]} to {hi[0]} ({label}): certify {ga:.1f}x, check {gb:.1f}x, "
                f"certify + check {(hi[col_a] + hi[col_b]) / (lo[col_a] + lo[col_b]):.1f}x."]


def table_inprocess(widths: list) -> list:
    rows = [bench_width(n) for n in [2] + widths][1:]  # the first run pays the imports (sympy, the activation table)
    out = ["| width n | parameters | verdict | certify (s) | check (s) | certificate bytes |", "|---|---|---|---|---|---|"]
    out += [f"| {n} | {p} | {v} | {tc:.3f} | {tk:.3f} | {size} |" for n, p, v, tc, tk, size in rows]
    return out + _growth(rows, 3, 4, "in-process")


def table_cli(widths: list) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [bench_cli(n, tmp) for n in widths]
    out = ["| width n | certify exit | check exit | certify (s CPU) | check (s CPU) | certificate bytes |", "|---|---|---|---|---|---|"]
    out += [f"| {n} | {rc} | {rk} | {tc:.2f} | {tk:.2f} | {size} |" for n, rc, rk, tc, tk, size in rows]
    return out + _growth(rows, 3, 4, "command line, start-up included")


def table_general(act: str, widths: list) -> list:
    out = [f"| width n | {act} verdict | {act} certify+check (s) | sigmoid worked certify+check (s) | ratio |", "|---|---|---|---|---|"]
    bench_width(2), bench_general(act, 2)  # warm-up: imports, the activation's derivatives
    for n in widths:
        v, tc, tk = bench_general(act, n)
        _, _, _, bc, bk, _ = bench_width(n)
        out.append(f"| {n} | {v} | {tc + tk:.3f} | {bc + bk:.3f} | {(tc + tk) / (bc + bk):.2f} |")
    return out


def table_precision() -> list:
    out = ["| arb precision (bits) | time per evaluation (ms), 199-term sigmoid sum | ball radius |", "|---|---|---|"]
    return out + [f"| {prec} | {1000 * t:.3f} | {rad.str(3)} |" for prec, t, rad in bench_precision()]


def machine() -> str:
    import flint
    load = os.getloadavg()[0]
    return (f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, sympy {sympy.__version__}, "
            f"python-flint {flint.__version__}; load average {load:.1f} when the run started")


def write_docs(text: str) -> None:
    replace_section(DOC, MARK, text)


def update_docs() -> int:
    parts = [machine(), "", "**In-process** (`D.certify` and `check_document`, CPU seconds; `bench/bench_ding2022.py`):", ""]
    parts += table_inprocess([10, 100, 1000])
    parts += ["", "**Command line, user data** (`symcert certify ding2022.thm --data worked.csv --hidden N`, then "
                  "`symcert check`; CPU seconds of each process, start-up included):", ""]
    parts += table_cli([100, 1000])
    parts += ["", "**General route** (`--general tanh`: 6 seeded random 1-D inputs, labels with M = I), against the "
                  "sigmoid worked instance at the same width in the same run:", ""]
    parts += table_general("tanh", [10, 100, 1000])
    parts += ["", "**Rigorous arithmetic**: one evaluation of a 199-term sum of sigmoids (sympy expression -> arb ball), by precision:", ""]
    parts += table_precision()
    text = "\n".join(parts)
    print(text)
    write_docs(text)
    print(f"written to {os.path.relpath(DOC, ROOT)}")
    return 0


def main(argv) -> int:
    if argv[:1] == ["--update-docs"]:
        return update_docs()
    if argv[:1] == ["--general"]:
        if len(argv) < 2:
            raise SystemExit(f"{sys.argv[0]}: error: --general needs an activation name")
        print(machine())
        print("\n".join(table_general(argv[1], [int(a) for a in argv[2:]] or [2, 10, 100, 1000])))
        return 0
    widths = [int(a) for a in argv] or [2, 10, 100, 1000]
    print(machine())
    print("\n".join(table_inprocess(widths)))
    print()
    print("\n".join(table_cli([n for n in widths if n >= 100] or widths)))
    print()
    print("\n".join(table_precision()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
