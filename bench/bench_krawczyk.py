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

    .venv/bin/python bench/bench_krawczyk.py [--max-params 1100] [--json out.json]
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
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
