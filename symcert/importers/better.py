"""Searching for a point of strictly lower risk (untrusted; exact, no floating point).

Candidates re-place one hidden neuron: its kink hyperplane is put through a data point x_j,
along a coordinate axis (W1_i = +-e_k, b1_i = -+x_jk + offset), and the output layer (W2, b2) is
then the exact least-squares fit to the resulting hidden features. The risk of such a point is
exactly the fit's loss, whatever cell it lies in, so any candidate below the minimum's risk is a
certified better point (obligation ``strictly_lower``). Neurons are tried weakest first
(smallest ||W2_i|| ||(W1_i, b1_i)||, so switched-off neurons come first); the amount of work is
bounded (MAX_WORK multiply-adds of the hidden layer).

The caller passes the float point the user gave, not the snapped one: any point of lower risk
will do, and the float point's entries are short dyadics, while the snapped point's carry the
lifted solution's denominator (thousands of bits for a network of a few hundred lifted
variables), which made every candidate's exact least-squares fit hundreds of times slower.
"""
from __future__ import annotations

from flint import fmpq, fmpq_mat

from symcert.checker.api import kernel
from symcert.provers.affine import least_squares

MAX_WORK = 4_000_000
MAX_SAMPLES = 8


def _hidden(prob, W1, b1) -> fmpq_mat:
    Z = kernel.affine(W1, prob.X, b1)
    return kernel.elementwise(Z, prob.act.value)


def _strength(point: dict, i: int) -> fmpq:
    w = sum(v * v for v in [point["W2"][r, i] for r in range(point["W2"].nrows())])
    t = sum(v * v for v in [point["W1"][i, k] for k in range(point["W1"].ncols())] + [point["b1"][i, 0]])
    return w * t


def candidates(prob, point: dict):
    """Yield (W1, b1) candidates, bounded by MAX_WORK."""
    dx, d1, m = prob.widths[0], prob.widths[1], prob.m
    per = max(1, d1 * m * (dx + 1))
    budget = max(0, MAX_WORK // per)
    order = sorted(range(d1), key=lambda i: _strength(point, i))
    step = max(1, m // MAX_SAMPLES)
    samples = list(range(0, m, step))[:MAX_SAMPLES]
    offset = fmpq(1, 2)
    for i in order:
        for j in samples:
            for k in range(dx):
                for s in (1, -1):
                    if budget <= 0:
                        return
                    budget -= 1
                    W1, b1 = fmpq_mat(point["W1"]), fmpq_mat(point["b1"])
                    for kk in range(dx):
                        W1[i, kk] = fmpq(s) if kk == k else fmpq(0)
                    b1[i, 0] = -s * prob.X[k, j] + offset
                    yield W1, b1


def search(prob, point: dict, risk: fmpq):
    """(better point, its risk, tried) or (None, None, tried). Squared loss only."""
    tried = 0
    if prob.loss != "squared" or prob.depth != 2:
        return None, None, 0
    for W1, b1 in candidates(prob, point):
        tried += 1
        fit = least_squares(_hidden(prob, W1, b1), prob.Y)
        if fit.loss < risk:
            cand = {"W1": W1, "b1": b1, "W2": fit.weights, "b2": fit.bias}
            value = kernel.risk(prob, cand)
            if value < risk:
                return cand, value, tried
    return None, None, tried
