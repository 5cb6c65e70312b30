"""Benchmark: snap and certify a trained 10-64-1 ReLU network on 10,000 samples (certify --model),
against the exact lifted least-squares solve alone, timed in the same run.

Usage: .venv/bin/python bench/bench_model.py [M] [D1]   (default 10000 samples, 64 hidden neurons)
Needs numpy (training only: full-batch gradient descent, then a float least-squares polish of the
final activation cell). Prints the times and the ratio; docs/own-network.md quotes a run.
"""
from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from types import SimpleNamespace

import numpy as np


def train(m: int, d1: int, dx: int = 10, seed: int = 0, noise: float = 0.001, margin: float = 0.05):
    """Teacher-student: inputs drawn at least ``margin`` away from every kink of a random 10-d1-1 ReLU
    teacher, labels = teacher + noise; the student is the float least-squares optimum of the teacher's
    cell in the lifted variables u_i = W2_i (W1_i, b1_i) (numpy lstsq: what a converged optimiser
    returns there), re-solved until the cell no longer changes."""
    rng = np.random.default_rng(seed)
    W1, b1 = rng.normal(size=(d1, dx)) / np.sqrt(dx), rng.normal(size=d1) * 0.5
    W2 = rng.choice([-1.0, 1.0], size=(1, d1)) * rng.uniform(0.5, 1.0, size=(1, d1))  # away from 0
    b2 = np.zeros(1)
    X = np.zeros((0, dx))
    while len(X) < m:
        C = rng.normal(size=(4 * m, dx))
        X = np.vstack([X, C[np.abs(C @ W1.T + b1).min(1) > margin]])
    X = X[:m]
    Y = np.maximum(X @ W1.T + b1, 0) @ W2.T + b2 + noise * rng.normal(size=(m, 1))
    Xt = np.hstack([X, np.ones((m, 1))])
    for it in range(100):
        act = (X @ W1.T + b1 > 0).astype(float)
        F = np.hstack([act[:, i:i + 1] * Xt for i in range(d1)] + [np.ones((m, 1))])
        z0 = np.concatenate([np.concatenate([W2[0, i] * W1[i], [W2[0, i] * b1[i]]]) for i in range(d1)] + [b2])
        z = z0 + np.linalg.lstsq(F, Y[:, 0] - F @ z0, rcond=None)[0]  # the solution nearest the current point
        for i in range(d1):
            u = z[i * (dx + 1):(i + 1) * (dx + 1)]
            W1[i], b1[i] = u[:dx] / W2[0, i], u[dx] / W2[0, i]
        b2[0] = z[-1]
        if ((X @ W1.T + b1 > 0) == (act > 0)).all():
            break
    else:
        raise SystemExit("the float polish did not settle in a cell; try another seed or a smaller noise")
    print(f"# float polish settled after {it + 1} least-squares solves", flush=True)
    return {"fc1.weight": W1, "fc1.bias": b1, "fc2.weight": W2, "fc2.bias": b2}, X, Y


def main(argv: list | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    m = int(argv[0]) if len(argv) > 0 else 10000
    d1 = int(argv[1]) if len(argv) > 1 else 64
    params, X, Y = train(m, d1)
    from symcert.checker.problem import problem
    from symcert.importers import read_data, read_model
    from symcert.importers import snap as S
    from symcert.importers.certify import _problem, certify_files
    from symcert.inputs.activations import relu
    with tempfile.TemporaryDirectory() as tmp:
        mp, dp = os.path.join(tmp, "m.npz"), os.path.join(tmp, "d.npz")
        np.savez(mp, **params)
        np.savez(dp, X=X, Y=Y)
        model, data = read_model(mp), read_data(dp)
        prob = problem(_problem(model, data, relu(), {"kind": "squared"}))
        fpoint = model.point()
        pieces, _, _ = S.float_cell(prob, fpoint)  # the float point's cell (part of certify, not of the baseline)
        t0 = time.perf_counter()  # baseline: the exact lifted least-squares solve alone (design, normal equations, solve)
        Fn, D, desc = S.design(prob, pieces, list(range(d1)))
        z = S.solve_squared(prob, Fn, D, S.lifted_float(fpoint, desc, 1))
        t_ls = time.perf_counter() - t0
        assert z is not None
        print(f"exact lifted least-squares solve alone : {t_ls:8.2f} s ({len(desc)} lifted variables)", flush=True)
        args = SimpleNamespace(activation="relu", loss=None, layout="out-in", better=None, smt_timeout=60, quiet=True)
        t0 = time.perf_counter()
        verdict, doc, what = certify_files(args, mp, dp)
        t_cert = time.perf_counter() - t0
        print(f"snap + certificate (certify --model)   : {t_cert:8.2f} s ({what})", flush=True)
        from symcert.checker import check_document
        t0 = time.perf_counter()
        rep = check_document(doc)
        t_check = time.perf_counter() - t0
    longest = max(len(v) for name in doc["point"] for row in doc["point"][name] for v in (row if isinstance(row, list) else [row]))
    print(f"# bench_model: {X.shape[1]}-{d1}-1 ReLU, {m} samples, Python {platform.python_version()}")
    print(f"longest number in the certificate's point: {longest} characters; loss: {len(doc['loss'])} characters")
    print(f"check of the certificate               : {t_check:8.2f} s ({rep.verdict.name})")
    print(f"ratio certify / least squares          : {t_cert / t_ls:8.2f}")
    print(f"ratio (certify + check) / least squares: {(t_cert + t_check) / t_ls:8.2f}")


if __name__ == "__main__":
    main()
