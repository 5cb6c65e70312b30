"""Benchmark: rigorous boxes around float critical points of smooth networks (Krawczyk route).

Part 1. A 2-16-1 tanh network trained with numpy (Levenberg-Marquardt with the Gauss-Newton
matrix, float64, started at the teacher) on 200 samples of a 2-16-1 teacher (targets rounded to
2^-30, tests/krawczyk_train.py teacher_data); then, timed:
  float       the untrusted float answer: numpy gradient, finite-difference Hessian, eigenvalues
  certify     certify_smooth_point (Newton refinement over arb balls, Krawczyk test, interval
              LDL^T, loss enclosure; no restarts)
  check       the trusted checker on the certificate
and the ratio (certify + check) / float.

Part 2. Cost of the Krawczyk test as the number of parameters P grows: one and two hidden
layers, 200 samples, tanh, at a seeded point (the cost does not depend on the point being
critical): Hessian over a box of radius 2^-40 at 128 bits, the operator K(B) (the product Y H(B)),
and the interval LDL^T. Columns in seconds; ratio = total / float Hessian (numpy, finite
differences of the analytic gradient) at the same size.

    .venv/bin/python bench/bench_krawczyk.py [--max-params 1100] [--json out.json] [--update-docs]

--update-docs writes bench/results/krawczyk.json and the two tables of docs/benchmarks-smooth.md
(between the krawczyk-bench markers), with the growth exponents fitted to this run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

import numpy as np  # noqa: E402
from flint import arb, fmpq, fmpq_mat  # noqa: E402

import krawczyk_train as T  # noqa: E402
from symcert import certificate  # noqa: E402
from symcert.checker import balls as B  # noqa: E402
from symcert.checker import check_document  # noqa: E402
from symcert.checker import krawczyk as K  # noqa: E402
from symcert.provers.krawczyk import certify_smooth_point, np_activation  # noqa: E402
from _outputs import guard  # noqa: E402

DOC = os.path.join(ROOT, "docs", "benchmarks-smooth.md")
RESULTS = os.path.join(ROOT, "bench", "results", "krawczyk.json")
START, END = "<!-- krawczyk-bench:start -->", "<!-- krawczyk-bench:end -->"


def part1() -> dict:
    widths = [2, 16, 1]
    X, Y, teacher = T.teacher_data(16, 200, seed=1)
    t = time.perf_counter()
    theta = T.fit_from(widths, "tanh", X, Y, teacher)
    train = time.perf_counter() - t
    spec = {"network": {"widths": widths, "activation": "tanh"}, "loss": "squared",
            "data": {"inputs": [[repr(float(v)) for v in col] for col in X.T],
                     "targets": [[repr(float(v)) for v in col] for col in Y.T]},
            "point": T.point(widths, theta)}
    t = time.perf_counter()
    h = np_activation({"kind": "smooth", "name": "tanh"})
    np.linalg.eigvalsh(T.fd_hessian(widths, h, X, Y, theta))
    flt = time.perf_counter() - t
    t = time.perf_counter()
    verdict, doc, msg = certify_smooth_point(spec, restarts=0)
    cert = time.perf_counter() - t
    t = time.perf_counter()
    rep = check_document(json.loads(certificate.canonical_bytes(doc))) if doc else None
    chk = time.perf_counter() - t
    return {"network": "2-16-1 tanh", "samples": 200, "parameters": 65, "train_s": train, "answer": verdict.name,
            "message": msg, "check": rep.verdict.name if rep else None, "float_s": flt, "certify_s": cert, "check_s": chk,
            "ratio": (cert + chk) / flt}


def part2_row(widths: list, m: int = 200) -> dict:
    rng = np.random.default_rng(len(widths) * 1000 + widths[1])
    Xf = np.round(rng.normal(size=(widths[0], m)) * 8) / 8
    Yf = np.round(rng.normal(size=(widths[-1], m)) * 8) / 8
    X = fmpq_mat(widths[0], m, [fmpq(int(v * 8), 8) for v in Xf.ravel()])
    Y = fmpq_mat(widths[-1], m, [fmpq(int(v * 8), 8) for v in Yf.ravel()])
    net = B.Net(tuple(widths), "tanh", B._tanh, X, Y)
    P = net.offsets()[-1]
    theta = T.init(widths, rng)
    t = time.perf_counter()
    T.fd_hessian(widths, np_activation({"kind": "smooth", "name": "tanh"}), Xf, Yf, theta)
    flt = time.perf_counter() - t
    c = [fmpq(*float(x).as_integer_ratio()) for x in theta]
    r = fmpq(1, 2 ** 40)
    with K.precision(128):
        t = time.perf_counter()
        H = B.hessian(net, [arb(x) + arb(r) * arb(0, 1) for x in c])
        th = time.perf_counter() - t
        g = B.gradient(net, [arb(x) for x in c])
        t = time.perf_counter()
        K._krawczyk(H, g, r)
        tk = time.perf_counter() - t
        t = time.perf_counter()
        K.positive_definite(H)
        tl = time.perf_counter() - t
    total = th + tk + tl
    return {"widths": widths, "parameters": P, "hessian_s": th, "krawczyk_s": tk, "ldl_s": tl, "total_s": total,
            "float_hessian_s": flt, "ratio": total / flt}


SIZES = [[2, 16, 1], [4, 24, 1], [8, 32, 1], [8, 64, 1], [10, 90, 1], [2, 8, 8, 1], [2, 12, 12, 1], [2, 16, 16, 1]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-params", type=int, default=1100)
    ap.add_argument("--json")
    ap.add_argument("--update-docs", action="store_true", help=f"write {os.path.relpath(RESULTS, ROOT)} and the tables of "
                    f"{os.path.relpath(DOC, ROOT)}")
    args = ap.parse_args()
    guard(args.json, args.update_docs)
    if args.update_docs:
        args.json = args.json or RESULTS
    p1 = part1()
    print(f"part 1: {p1['network']}, {p1['samples']} samples, {p1['parameters']} parameters (training {p1['train_s']:.2f} s)")
    print(f"  certify: {p1['answer']}: {p1['message']}")
    print(f"  check:   {p1['check']}")
    print(f"  float {p1['float_s']:.3f} s, certify {p1['certify_s']:.2f} s, check {p1['check_s']:.2f} s, "
          f"certify + check {p1['certify_s'] + p1['check_s']:.2f} s = {p1['ratio']:.0f} x float")
    print("part 2: the Krawczyk test (200 samples, tanh, radius 2^-40, 128 bits)")
    print(f"  {'widths':<14} {'P':>5} {'H(B) s':>8} {'K(B) s':>8} {'LDL s':>8} {'total s':>8} {'float H s':>9} {'ratio':>6}")
    rows = []
    for w in SIZES:
        if (w[0] + 1) * w[1] + sum((a + 1) * b for a, b in zip(w[1:], w[2:])) > args.max_params:
            continue
        row = part2_row(w)
        rows.append(row)
        print(f"  {'-'.join(map(str, w)):<14} {row['parameters']:>5} {row['hessian_s']:>8.2f} {row['krawczyk_s']:>8.2f} "
              f"{row['ldl_s']:>8.2f} {row['total_s']:>8.2f} {row['float_hessian_s']:>9.3f} {row['ratio']:>6.0f}", flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"part1": p1, "part2": rows}, fh, indent=1)
    if args.update_docs:
        update_docs(p1, rows)


def _exponent(rows, key) -> float:
    """Least-squares slope of log(key) against log(P) over the one-hidden-layer rows with P >= 300."""
    pts = [(np.log(r["parameters"]), np.log(max(r[key], 1e-9))) for r in rows if len(r["widths"]) == 3 and r["parameters"] >= 300]
    if len(pts) < 2:
        return float("nan")
    x, y = np.array(pts).T
    return float(np.polyfit(x, y, 1)[0])


def update_docs(p1: dict, rows: list) -> None:
    load = os.getloadavg()[0]
    out = [START, "",
           f"Last run: load average {load:.1f} at the end (2 cores shared), python-flint {__import__('flint').__version__}.", "",
           "| run | certify (s) | check (s) | certify + check (s) | float (s) | ratio |", "|---|---:|---:|---:|---:|---:|",
           f"| 2-16-1 tanh, 200 samples: {p1['answer']}, check {p1['check']} | {p1['certify_s']:.2f} | {p1['check_s']:.2f} | "
           f"{p1['certify_s'] + p1['check_s']:.2f} | {p1['float_s']:.3f} | {p1['ratio']:.0f} |", "",
           "| widths | P | H(B) s | K(B) s | LDL s | total s | float Hessian s | ratio |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {'-'.join(map(str, r['widths']))} | {r['parameters']} | {r['hessian_s']:.2f} | {r['krawczyk_s']:.2f} | "
            f"{r['ldl_s']:.2f} | {r['total_s']:.2f} | {r['float_hessian_s']:.3f} | {r['ratio']:.0f} |" for r in rows]
    out += ["", f"Growth fitted to the one-hidden-layer rows with P >= 300 of this run: total ~ P^{_exponent(rows, 'total_s'):.1f}, "
            f"K(B) ~ P^{_exponent(rows, 'krawczyk_s'):.1f}, H(B) ~ P^{_exponent(rows, 'hessian_s'):.1f}.", "", END]
    with open(DOC, encoding="utf-8") as fh:
        text = fh.read()
    if START not in text:
        raise SystemExit(f"{DOC}: no {START} marker")
    head, rest = text.split(START, 1)
    with open(DOC, "w", encoding="utf-8") as fh:
        fh.write(head + "\n".join(out) + rest.split(END, 1)[1])
    print(f"updated {os.path.relpath(DOC, ROOT)} and {os.path.relpath(RESULTS, ROOT)}")


if __name__ == "__main__":
    main()
