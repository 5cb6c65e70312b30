"""provers.affine.least_squares (normal equations over integer numerators) and
provers.cells.interior_radius_one_layer (the halving count from bit lengths) against plain
rational computations, on random and degenerate data."""
import random

from flint import fmpq, fmpq_mat

from symcert.checker import scaled
from symcert.checker.problem import PiecewiseLinear, Problem
from symcert.provers.affine import least_squares, pivot_columns
from symcert.provers.cells import interior_radius, interior_radius_one_layer, interior_radius_rows


def _plain_fit(X, Y):
    """(weights, bias, fitted, loss) from G = X~ X~^T, B = X~ Y^T over the rationals, the features
    off the pivots of G at weight 0."""
    dx, m, dy = X.nrows(), X.ncols(), Y.nrows()
    Xt = fmpq_mat(dx + 1, m, list(X.entries()) + [1] * m)
    G, B = Xt * Xt.transpose(), Xt * Y.transpose()
    p = pivot_columns(*G.rref())
    sol = fmpq_mat(len(p), len(p), [G[i, j] for i in p for j in p]).solve(fmpq_mat(len(p), dy, [B[i, j] for i in p for j in range(dy)]))
    R = fmpq_mat(dx + 1, dy)
    for a, i in enumerate(p):
        for j in range(dy):
            R[i, j] = sol[a, j]
    Rt = R.transpose()
    fitted = Rt * Xt
    E = fitted - Y
    loss = sum((E * E.transpose())[i, i] for i in range(dy)) / 2
    W = fmpq_mat(dy, dx, [Rt[i, j] for i in range(dy) for j in range(dx)])
    return W, fmpq_mat(dy, 1, [Rt[i, dx] for i in range(dy)]), fitted, loss


def _q(rng):
    return fmpq(rng.randint(-50, 50), rng.choice([1, 2, 3, 4, 7, 10 ** 12 + 39]))


def test_least_squares_equals_the_rational_normal_equations():
    rng = random.Random(23)
    kinds = {"singular": 0, "exact": 0}
    for trial in range(150):
        dx, dy, m = rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 8)
        X = fmpq_mat(dx, m, [_q(rng) for _ in range(dx * m)])
        if trial % 4 == 1 and dx > 1:  # a repeated feature: G is singular
            for j in range(m):
                X[dx - 1, j] = X[0, j]
        Y = fmpq_mat(dy, m, [_q(rng) for _ in range(dy * m)])
        if trial % 5 == 2:  # targets an affine map of the inputs: loss 0
            Y = fmpq_mat(dy, dx, [_q(rng) for _ in range(dy * dx)]) * X + fmpq_mat(dy, m, [fmpq(1, 3)] * (dy * m))
        fit = least_squares(X, Y)
        assert (fit.weights, fit.bias, fit.fitted, fit.loss) == _plain_fit(X, Y)
        kinds["singular"] += m < dx + 1 or (trial % 4 == 1 and dx > 1)
        kinds["exact"] += fit.loss == 0
    assert kinds["exact"] > 10 and kinds["singular"] > 10


HARD_TANH = PiecewiseLinear((fmpq(-1), fmpq(1)), (fmpq(0), fmpq(1), fmpq(0)), (fmpq(-1), fmpq(0), fmpq(1)))
THIRDS = PiecewiseLinear((fmpq(-1, 3), fmpq(2, 5)), (fmpq(1, 2), fmpq(3), fmpq(-1, 7)),
                         (fmpq(0), fmpq(5, 6), fmpq(5, 6) + fmpq(6, 5) + fmpq(2, 35)))
RELU = PiecewiseLinear((fmpq(0),), (fmpq(0), fmpq(1)), (fmpq(0), fmpq(0)))
LINE = PiecewiseLinear((), (fmpq(2),), (fmpq(1),))


def test_one_layer_radius_equals_the_rational_halving():
    """Slacks from 10^-9 to 10^3 and radii from 1 down to 2^-40, so that the largest estimate e* is
    sometimes the answer and sometimes one short of it; no breakpoint at all gives r = 1."""
    rng = random.Random(31)
    halvings = set()
    for trial in range(250):
        act = rng.choice([HARD_TANH, THIRDS, RELU, LINE])
        dx, d1, m = rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 5)
        X = fmpq_mat(dx, m, [fmpq(rng.randint(-9, 9), rng.choice([1, 2, 5])) for _ in range(dx * m)])
        scale = fmpq(1, 10 ** rng.randint(0, 9))
        params = {"W1": fmpq_mat(d1, dx, [scale * fmpq(rng.randint(-30, 30), rng.choice([1, 3, 11])) for _ in range(d1 * dx)]),
                  "b1": fmpq_mat(d1, 1, [fmpq(rng.randint(-1500, 1500), 1000) for _ in range(d1)]),
                  "W2": fmpq_mat(1, d1, [1] * d1), "b2": fmpq_mat(1, 1, [0])}
        prob = Problem((dx, d1, 1), act, "squared", X, fmpq_mat(1, m, [0] * m))
        r = interior_radius(prob, params)
        assert interior_radius_one_layer(prob, params, scaled.forward(prob, params)) == r
        assert interior_radius_rows(prob, params, scaled.inputs(prob)) == r  # one neuron at a time: the same radius
        assert interior_radius_one_layer(prob, params, scaled.forward(prob, params), max_halvings=3) == (r if r is not None and r >= fmpq(1, 4) else None)
        if r is not None:
            halvings.add(r.q.bit_length() - 1)
    assert len(halvings) > 10
