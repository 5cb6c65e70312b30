#!/usr/bin/env python3
"""The exact floor of yun2019.thm1: the least work any exact certificate of the theorem on a CSV
data set must do. It reads the CSV exactly, builds the normal equations of the affine
least-squares fit with python-flint's ``fmpq_mat``, solves them, and computes the residual and
the loss l0 = 1/2 ||X~^T w - y||^2. Nothing is certified; the figure is the baseline that
``bench/bench_yun2019.py --floor`` divides by.

Numbers are read exactly from their text: integers and fractions ``p/q`` through Python's ``int``, decimals
(``0.25``, ``1.5e-3``) through ``fractions.Fraction``.

Usage: .venv/bin/python bench/floor_yun2019.py FILE.csv   (a header x1,...,xd,y and one row per sample)
Prints m, dx, the loss (its size if it is long) and the CPU seconds of each step.
"""
from __future__ import annotations

import sys
import time
from fractions import Fraction

from flint import fmpq, fmpq_mat


def number(tok: str) -> fmpq:
    """The exact value of one CSV token."""
    p, slash, q = tok.partition("/")
    if slash:
        return fmpq(int(p), int(q))
    if "." in tok or "e" in tok or "E" in tok:
        f = Fraction(tok)
        return fmpq(f.numerator, f.denominator)
    return fmpq(int(tok))


def read_csv(path: str) -> tuple[fmpq_mat, fmpq_mat]:
    """(X~ as m x (dx + 1) with a column of ones, y as m x 1), exactly."""
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
        dx = len(header) - 1
        xs, ys = [], []
        for line in fh:
            if not line.strip():
                continue
            toks = line.split(",")
            xs.extend(number(t) for t in toks[:dx])
            xs.append(fmpq(1))
            ys.append(number(toks[dx]))
    m = len(ys)
    return fmpq_mat(m, dx + 1, xs), fmpq_mat(m, 1, ys)


def floor(path: str) -> dict:
    cpu = time.process_time
    c0 = cpu()
    Xt, y = read_csv(path)
    c1 = cpu()
    G = Xt.transpose() * Xt  # the normal equations G w = B
    B = Xt.transpose() * y
    c2 = cpu()
    w = G.solve(B)
    c3 = cpu()
    r = Xt * w - y  # the residual
    loss = (r.transpose() * r)[0, 0] / 2
    c4 = cpu()
    return {"m": Xt.nrows(), "dx": Xt.ncols() - 1, "loss": loss, "read_s": c1 - c0, "normal_equations_s": c2 - c1,
            "solve_s": c3 - c2, "residual_loss_s": c4 - c3, "total_s": c4 - c0}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: floor_yun2019.py FILE.csv", file=sys.stderr)
        return 2
    out = floor(argv[0])
    loss = out["loss"]
    text = str(loss) if len(str(loss)) <= 80 else f"a rational of {loss.p.bit_length()}/{loss.q.bit_length()} bits"
    print(f"m = {out['m']}, dx = {out['dx']}, loss l0 = {text}")
    for key in ("read_s", "normal_equations_s", "solve_s", "residual_loss_s", "total_s"):
        print(f"{key[:-2]:<18} {out[key]:8.3f} s cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
