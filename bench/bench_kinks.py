"""Benchmark: deciding local optimality at points with k samples on kinks (k = 2..12).

Instances (one hidden layer, ReLU, dx = 2; see symcert.claims.yun2018.test): the yun2019 case-2 data
(affine fit: the constant 1/2) plus k samples (t, 2), t = 1..k; the point outputs the fit and its
second hidden neuron computes x2 - 2, so it sits on its kink on all k added samples.
  min-k:    the added samples lie on the fit: a local minimum (CERTIFIED).
  saddle-k: residuals (1, -2, 1, 0, ...)/4 on the added samples, orthogonal to (x, 1), so the fit is
            unchanged but the point is a saddle (REFUTED), k >= 3.
  spread-k: (--family spread) dx = 1, he2020 data plus k samples on the fit, one hidden neuron on its
            kink per added sample: 2^k cells, none empty (no pruning possible), a local minimum.
For each instance:
  symcert        the kink engine: Farkas pruning + solver-free witnesses (generation and check)
  symcert-z3     the same with every live cell sent to z3 (solver_free = false)
  monolithic     one z3 query over the same box with If-encoded activations (time limit 120 s)

    .venv/bin/python bench/bench_kinks.py [--kmax 12] [--mono-timeout 120] [--no-mono] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import z3  # noqa: E402
from flint import fmpq  # noqa: E402

from symcert import certificate  # noqa: E402
from symcert.checker import check_document  # noqa: E402
from symcert.checker.reading import point as parse_point, problem as parse_problem  # noqa: E402
from symcert.claims import constructions  # noqa: E402
from symcert.claims.yun2018 import test as YT  # noqa: E402
from symcert.exact.rationals import parse_rational  # noqa: E402
from symcert.inputs.activations import relu  # noqa: E402


def saddle(k: int):
    pj, pt = YT.collinear_min(k, relu())
    r = [fmpq(1, 4), fmpq(-1, 2), fmpq(1, 4)] + [fmpq(0)] * (k - 3)
    pj["data"]["targets"] = pj["data"]["targets"][:4] + [[str(fmpq(1, 2) + v)] for v in r]
    return pj, pt


def monolithic(pj, pt, r: fmpq, timeout_s: int):
    """One z3 query: a parameter in the box with risk < risk(point), activations as If terms."""
    from symcert.checker import kernel
    prob = parse_problem(pj)
    point = parse_point(pt, prob, "point")
    risk = kernel.risk(prob, point)
    q = lambda v: z3.RealVal(f"{v.p}/{v.q}")  # noqa: E731
    s = z3.Solver()
    s.set("timeout", timeout_s * 1000)
    var = {}
    for name in prob.param_names():
        M = point[name]
        for i in range(M.nrows()):
            for j in range(M.ncols()):
                v = z3.Real(f"{name}_{i}_{j}")
                s.add(v >= q(M[i, j] - r), v <= q(M[i, j] + r))
                var[name, i, j] = v
    act = prob.act

    def h(z):
        expr = q(act.slopes[-1]) * z + q(act.intercepts[-1])
        for k in range(len(act.breakpoints) - 1, -1, -1):
            expr = z3.If(z <= q(act.breakpoints[k]), q(act.slopes[k]) * z + q(act.intercepts[k]), expr)
        return expr
    loss = 0
    for j in range(prob.m):
        a = [q(prob.X[k, j]) for k in range(prob.widths[0])]
        for l in range(1, prob.depth + 1):
            z = []
            for i in range(prob.widths[l]):
                aux = z3.Real(f"z{l}_{i}_{j}")
                s.add(aux == sum((var[f"W{l}", i, k] * a[k] for k in range(len(a))), var[f"b{l}", i, 0]))
                z.append(aux)
            if l == prob.depth:
                loss = loss + sum((zi - q(prob.Y[i, j])) ** 2 for i, zi in enumerate(z))
                break
            a = [h(zi) for zi in z]
    s.add(loss < 2 * q(risk))
    t0 = time.perf_counter()
    res = s.check()
    return str(res) if res != z3.unknown else f"unknown ({s.reason_unknown()})", time.perf_counter() - t0


def engine(pj, pt, solver_free: bool):
    t0, c0 = time.perf_counter(), time.process_time()
    doc, dec = constructions.certify_point(pj, pt, YT.claim_json("bench", {}), solver_free=solver_free)
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    rep = check_document(json.loads(certificate.canonical_bytes(doc)))
    chk = time.perf_counter() - t0
    cpu = time.process_time() - c0
    verdict = {"local_minimum": "CERTIFIED", "not_local_minimum": "REFUTED"}[doc["claim"]["conclusion"]]
    assert rep.verdict.name == "CERTIFIED", rep.summary
    s = dec.stats
    # cells are not enumerated when the pattern-free line search refutes the point first
    cells = s.get("cells")
    return {"verdict": verdict, "patterns": s["patterns"], "pruned": s.get("pruned"), "farkas": s.get("farkas"),
            "cells": cells, "z3_cells": s.get("z3_cells", 0), "generate_s": gen, "check_s": chk,
            "total_s": gen + chk, "cpu_s": cpu, "per_cell_ms": 1000 * (gen + chk) / cells if cells else None, "radius": str(dec.radius)}


BASELINE_DRIVER = """
import json, sys, time
tree, family, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path[:0] = [tree, tree + "/bench"]
import bench_kinks as B
from symcert.claims.yun2018 import test as YT
from symcert.inputs.activations import relu
pj, pt = {"min": lambda: YT.collinear_min(k, relu()), "spread": lambda: YT.boundary_min(relu(), k), "saddle": lambda: B.saddle(k)}[family]()
c0 = time.process_time()
row = B.engine(pj, pt, True)
print(json.dumps({"cpu_s": time.process_time() - c0, "total_s": row["total_s"]}))
"""


def baseline(tree: str, family: str, k: int) -> dict | None:
    """The same instance decided and checked by the code of another tree (a git worktree of an older
    commit), in a fresh process: its CPU and wall seconds, or None if it failed (a limit it had)."""
    import subprocess
    env = dict(os.environ, PYTHONPATH=tree)
    p = subprocess.run([sys.executable, "-c", BASELINE_DRIVER, tree, family, str(k)], capture_output=True, text=True, env=env, cwd=tree)
    if p.returncode != 0:
        print(f"baseline {family}-k{k}: failed ({(p.stderr.strip().splitlines() or ['?'])[-1][:120]})", flush=True)
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def svg(rows: list, path: str, limit: float) -> None:
    """A log-scale chart of seconds against k (hand-written SVG; no plotting library needed)."""
    import math
    W, H, L, B, T, R = 640, 400, 60, 50, 30, 150
    ks = sorted({r["k"] for r in rows})
    lo, hi = 0.01, max(limit * 1.5, 1)
    x = lambda k: L + (k - ks[0]) * (W - L - R) / max(ks[-1] - ks[0], 1)  # noqa: E731
    y = lambda s: T + (math.log10(hi) - math.log10(max(s, lo))) * (H - T - B) / (math.log10(hi) - math.log10(lo))  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    for e in range(-2, int(math.log10(hi)) + 1):
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{y(10 ** e):.1f}" y2="{y(10 ** e):.1f}" stroke="#ddd"/>'
                   f'<text x="{L - 6}" y="{y(10 ** e) + 4:.1f}" text-anchor="end">{10 ** e:g} s</text>')
    for k in ks:
        out.append(f'<text x="{x(k):.1f}" y="{H - B + 18}" text-anchor="middle">{k}</text>')
    out.append(f'<text x="{(L + W - R) / 2}" y="{H - 10}" text-anchor="middle">k = samples on kinks</text>')
    out.append(f'<line x1="{L}" x2="{W - R}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" stroke="#c00" stroke-dasharray="4 3"/>'
               f'<text x="{W - R + 4}" y="{y(limit) + 4:.1f}" fill="#c00">z3 time limit</text>')
    series = [("min", "total_s", "#1f77b4", "symcert, minima"), ("saddle", "total_s", "#2ca02c", "symcert, saddles"),
              ("min", "z3cells_total_s", "#9467bd", "z3 per cell, minima"), ("min", "mono_s", "#d62728", "monolithic, minima"),
              ("saddle", "mono_s", "#ff7f0e", "monolithic, saddles")]
    for n, (fam, key, colour, label) in enumerate(series):
        pts = [(r["k"], r[key]) for r in rows if r["family"] == fam and key in r]
        if not pts:
            continue
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                   + " ".join(f"{x(k):.1f},{y(v):.1f}" for k, v in pts) + '"/>')
        out += [f'<circle cx="{x(k):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>' for k, v in pts]
        out.append(f'<text x="{W - R + 4}" y="{T + 40 + 16 * n}" fill="{colour}">{label}</text>')
    out.append("</svg>")
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")


def markdown(rows: list) -> str:
    base = any("base_cpu_s" in r for r in rows)
    head = ("| instance | verdict | patterns | pruned | cells | symcert s | CPU s | ms/cell | z3 per cell s | monolithic z3 |"
            + (" baseline CPU s | speed-up |" if base else "") + "\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
            + ("---:|---:|" if base else ""))
    out = [head]
    for r in rows:
        mono = "-"
        if "mono_s" in r:
            res = r["mono_result"]
            mono = f"{res} in {r['mono_s']:.1f} s" if res in ("sat", "unsat") else (
                f"time-out after {r['mono_s']:.0f} s" if "timeout" in res else f"{res} after {r['mono_s']:.0f} s")
        z3c = f"{r['z3cells_total_s']:.2f}" if "z3cells_total_s" in r else "-"
        dash = lambda v, f="{}": "-" if v is None else f.format(v)  # noqa: E731
        cpu = r.get("cpu_s")
        cell_ms = (1000 * cpu / r["cells"]) if cpu is not None and r["cells"] else r["per_cell_ms"]
        line = (f"| {r['instance']} | {r['verdict']} | {r['patterns']} | {dash(r['pruned'])} | {dash(r['cells'])} | "
                f"{r['total_s']:.2f} | {dash(cpu, '{:.2f}')} | {dash(cell_ms, '{:.3f}' if cell_ms is not None and cell_ms < 1 else '{:.1f}')} | {z3c} | {mono} |")
        if base:
            b = r.get("base_cpu_s")
            line += f" {dash(b, '{:.2f}')} | {'-' if b is None else f'{b / cpu:.1f}x'} |"
        out.append(line)
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kmin", type=int, default=2)
    ap.add_argument("--kmax", type=int, default=12)
    ap.add_argument("--mono-timeout", type=int, default=120)
    ap.add_argument("--no-mono", action="store_true")
    ap.add_argument("--no-z3-cells", action="store_true")
    ap.add_argument("--family", choices=("min", "saddle", "both", "spread"), default="both")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--rows", nargs="+", help="no run: read rows from these JSON files (for --svg)")
    ap.add_argument("--svg", help="write a chart of the rows here")
    ap.add_argument("--markdown", action="store_true", help="with --rows: print a markdown table")
    ap.add_argument("--reuse", nargs="+", help="take the monolithic column from these JSON rows (same instances) "
                    "instead of running it again")
    ap.add_argument("--baseline", metavar="TREE", help="also run each instance with the code of TREE (a git worktree of an "
                    "older commit) in a fresh process and print the CPU-time ratio baseline / this tree")
    ap.add_argument("--update-docs", action="store_true", help="allow --json/--svg to overwrite files tracked by git "
                    "(docs/figures/...)")
    args = ap.parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _outputs import guard
    guard(args.json, args.update_docs)
    guard(args.svg, args.update_docs)
    if args.rows:
        rows = [r for f in args.rows for r in json.load(open(f))]
        if args.svg:
            svg(rows, args.svg, args.mono_timeout)
        if args.markdown:
            print(markdown(rows))
        return
    rows = []
    print(f"{'instance':<11} {'verdict':<9} {'patterns':>8} {'pruned':>7} {'cells':>5} {'total s':>8} {'ms/cell':>8} "
          f"{'z3-cells s':>10} {'monolithic':>22}", flush=True)
    for k in range(args.kmin, args.kmax + 1):
        fams = [("min", lambda: YT.collinear_min(k, relu()))] if args.family in ("min", "both") else []
        if args.family in ("saddle", "both") and k >= 3:
            fams.append(("saddle", lambda: saddle(k)))
        if args.family == "spread":
            fams.append(("spread", lambda: YT.boundary_min(relu(), k)))
        for fam, build in fams:
            pj, pt = build()
            row = {"instance": f"{fam}-k{k}", "k": k, "family": fam}
            row.update(engine(pj, pt, True))
            old = next((o for f in args.reuse or [] for o in json.load(open(f)) if o["instance"] == row["instance"]), None)
            if old is not None:
                row.update({key: old[key] for key in ("mono_result", "mono_s") if key in old})
            if args.baseline:
                base = baseline(args.baseline, fam, k)
                if base is not None:
                    row["base_cpu_s"], row["base_total_s"] = base["cpu_s"], base["total_s"]
                    print(f"{row['instance']}: CPU {row['cpu_s']:.2f} s here, {base['cpu_s']:.2f} s at the baseline: "
                          f"{base['cpu_s'] / row['cpu_s']:.1f}x faster (wall {base['total_s']:.2f} / {row['total_s']:.2f} s)", flush=True)
            if not args.no_z3_cells:
                z = engine(pj, pt, False)
                row["z3cells_total_s"], row["z3cells_verdict"] = z["total_s"], z["verdict"]
            if not args.no_mono and "mono_s" not in row:
                res, sec = monolithic(pj, pt, parse_rational(row["radius"]), args.mono_timeout)
                row["mono_result"], row["mono_s"] = res, sec
            rows.append(row)
            mono = f"{row.get('mono_result', '-')} {row.get('mono_s', 0):.1f}s" if "mono_s" in row else "-"
            dash = lambda v, f="{}": "-" if v is None else f.format(v)  # noqa: E731
            print(f"{row['instance']:<11} {row['verdict']:<9} {row['patterns']:>8} {dash(row['pruned']):>7} {dash(row['cells']):>5} "
                  f"{row['total_s']:>8.2f} {dash(row['per_cell_ms'], '{:.1f}'):>8} {row.get('z3cells_total_s', float('nan')):>10.2f} {mono:>22}", flush=True)
            if args.json:
                with open(args.json, "w") as fh:
                    json.dump(rows, fh, indent=1)
    if args.svg:
        svg(rows, args.svg, args.mono_timeout)


if __name__ == "__main__":
    main()
