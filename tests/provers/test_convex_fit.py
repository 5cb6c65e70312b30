"""Exact LP and best affine fits under convex losses (generator side, checked exactly here)."""
import random

import pytest
from flint import fmpq, fmpq_mat

from symcert.checker import losses
from symcert.provers import lp
from symcert.provers.affine import augmented
from symcert.provers.convex_fit import best_affine

Q = fmpq


def test_lp_small():
    # min -x - y  s.t. x + y + s = 4, x + 3y + t = 6, all >= 0  ->  x = 4, y = 0
    x, v = lp.solve([-1, -1, 0, 0], [[1, 1, 1, 0], [1, 3, 0, 1]], [4, 6])
    assert v == -4
    with pytest.raises(lp.Infeasible):
        lp.solve([1], [[1]], [-1])
    with pytest.raises(lp.Unbounded):
        lp.solve([-1, 0], [[1, -1]], [0])


def test_worked_instance_fits():
    X, Y = fmpq_mat(1, 3, [-1, 0, 1]), fmpq_mat(1, 3, [1, 0, 1])
    f = best_affine("squared", X, Y)
    assert (f.bias[0, 0], f.loss) == (Q(2, 3), Q(1, 3))
    f = best_affine("absolute", X, Y)
    assert (f.weights[0, 0], f.bias[0, 0], f.loss) == (0, 1, 1)
    assert list(f.multipliers.entries()) == [Q(-1, 2), 1, Q(-1, 2)]
    f = best_affine("huber", X, Y, Q(1, 2))
    assert (f.bias[0, 0], f.loss) == (Q(3, 4), Q(5, 16))


def _objective(kind, delta, X, Y, W, b):
    F = W * X + b * fmpq_mat(1, X.ncols(), [1] * X.ncols())
    return sum((losses.value(kind, delta, a, y) for a, y in zip(F.entries(), Y.entries())), Q(0))


@pytest.mark.parametrize("seed", range(8))
def test_random_fits_are_optimal(seed):
    rng = random.Random(seed)
    m, dx = rng.randint(3, 9), rng.randint(1, 3)
    X = fmpq_mat(dx, m, [Q(rng.randint(-8, 8), 4) for _ in range(dx * m)])
    Ys = {"absolute": [Q(rng.randint(-8, 8), 4) for _ in range(m)], "huber": None, "hinge": [Q(rng.choice([-1, 1])) for _ in range(m)]}
    Ys["huber"] = Ys["absolute"]
    for kind, ys in Ys.items():
        Y = fmpq_mat(1, m, ys)
        delta = Q(1, 3) if kind == "huber" else None
        f = best_affine(kind, X, Y, delta)
        G = f.multipliers
        assert all(v == 0 for v in (G * augmented(X).transpose()).entries())
        for a, y, g in zip(f.fitted.entries(), Y.entries(), G.entries()):
            lo, hi = losses.subdifferential(kind, delta, a, y)
            assert lo <= g <= hi
        # no random perturbation of the fit does better
        for _ in range(10):
            W = fmpq_mat(1, dx, [f.weights[0, j] + Q(rng.randint(-4, 4), 16) for j in range(dx)])
            b = fmpq_mat(1, 1, [f.bias[0, 0] + Q(rng.randint(-4, 4), 16)])
            assert _objective(kind, delta, X, Y, W, b) >= f.loss
