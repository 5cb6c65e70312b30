"""kernel.box_radii (r-independent parts hoisted, exact inputs skipped) equals the plain
layer-by-layer midpoint-radius formula, for deep networks too."""
import random

from flint import fmpq, fmpq_mat

from symcert.checker import kernel
from symcert.checker.reading import problem


def _reference(prob, params, r):
    pre, acts, _ = kernel.forward(prob, params)
    m = prob.m
    ones = kernel.ones_row(m)
    radii = []
    A_rad = fmpq_mat(prob.widths[0], m)
    for l in range(1, prob.depth):
        W, A = params[f"W{l}"], acts[l - 1]
        n_out, n_in = W.nrows(), W.ncols()
        col_abs = fmpq_mat(1, n_in, [1] * n_in) * (kernel.abs_mat(A) + A_rad)
        R = kernel.abs_mat(W) * A_rad + fmpq_mat(n_out, 1, [r] * n_out) * (col_abs + ones)
        radii.append(R)
        slope_abs = kernel.elementwise(pre[l - 1], lambda t: abs(prob.act.slope(t)) if not prob.act.piece(t)[1] else fmpq(0))
        A_rad = fmpq_mat(R.nrows(), m, [s * x for s, x in zip(slope_abs.entries(), R.entries())])
    return radii


def _q(rng):
    return fmpq(rng.randint(-40, 40), rng.choice([1, 3, 8, 11]))


def test_box_radii_match_the_reference_formula():
    rng = random.Random(17)
    act = {"kind": "piecewise_linear", "breakpoints": ["-1", "1/2"], "pieces": [["1/4", "-3/4"], ["1", "0"], ["-1/2", "3/4"]]}
    for _ in range(25):
        widths = [rng.randint(1, 3) for _ in range(rng.randint(2, 5))] + [1]
        m = rng.randint(1, 5)
        spec = {"network": {"widths": widths, "activation": act}, "loss": {"kind": "squared"},
                "data": {"inputs": [[str(_q(rng)) for _ in range(widths[0])] for _ in range(m)],
                         "targets": [[str(_q(rng))] for _ in range(m)]}}
        prob = problem(spec)
        params = {}
        for l in range(1, len(widths)):
            params[f"W{l}"] = fmpq_mat(widths[l], widths[l - 1], [_q(rng) for _ in range(widths[l] * widths[l - 1])])
            params[f"b{l}"] = fmpq_mat(widths[l], 1, [_q(rng) for _ in range(widths[l])])
        if kernel.kinks(prob, kernel.forward(prob, params)[0]):
            continue
        radii_at = kernel.box_radii_fn(prob, params)
        for r in (fmpq(1), fmpq(1, 3), fmpq(1, 1024)):
            assert radii_at(r) == _reference(prob, params, r) == kernel.box_radii(prob, params, r)
