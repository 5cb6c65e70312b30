"""The snap's one-neuron-at-a-time helpers (float_cell, box_radius, risk) agree with the plain
rational formulas on random small networks."""
import random

from flint import fmpq, fmpq_mat

from symcert.checker import kernel, scaled, stream
from symcert.checker.problem import PiecewiseLinear, Problem
from symcert.importers import snap as S

ACTS = [PiecewiseLinear((fmpq(0),), (fmpq(0), fmpq(1)), (fmpq(0), fmpq(0))),  # ReLU
        PiecewiseLinear((fmpq(-1), fmpq(1)), (fmpq(0), fmpq(1), fmpq(0)), (fmpq(-1), fmpq(0), fmpq(1))),  # hard tanh
        PiecewiseLinear((fmpq(-1, 3), fmpq(2)), (fmpq(1, 2), fmpq(3), fmpq(-1, 7)),
                        (fmpq(0), fmpq(5, 6), fmpq(5, 6) + fmpq(6) + fmpq(2, 7)))]


def _q(rng, big):
    if rng.random() < 0.1:
        return fmpq(rng.randint(-2, 2))
    den = rng.choice([1, 3, 7, 2 ** 70, 10 ** 40 + 9, 3 ** 300] if big else [1, 2, 4, 1024])
    return fmpq(rng.randint(-10 ** 3, 10 ** 3) * (den // 1000 + 1), den)


def _case(rng):
    act = rng.choice(ACTS)
    dx, d1, dy, m = rng.randint(1, 3), rng.randint(1, 4), rng.randint(1, 2), rng.randint(1, 8)
    mat = lambda r, c, big=True: fmpq_mat(r, c, [_q(rng, big) for _ in range(r * c)])  # noqa: E731
    prob = Problem((dx, d1, dy), act, "squared", mat(dx, m, False), mat(dy, m, False))
    return prob, {"W1": mat(d1, dx), "b1": mat(d1, 1), "W2": mat(dy, d1), "b2": mat(dy, 1)}


def _exact_radius(prob, params):
    """The largest 2^-k (k <= 400) below min_ij dist(z_ij, ends of its piece) / (|x_j|_1 + 1)."""
    pre = kernel.forward(prob, params)[0][0]
    slack = None
    for i in range(pre.nrows()):
        for j in range(pre.ncols()):
            z = pre[i, j]
            k, on = prob.act.piece(z)
            if on:
                return None
            scale = sum(abs(prob.X[t, j]) for t in range(prob.X.nrows())) + 1
            for e in prob.act.piece_bounds(k):
                if e is not None:
                    slack = abs(z - e) / scale if slack is None else min(slack, abs(z - e) / scale)
    r = fmpq(1)
    for _ in range(400):
        if slack is None or r < slack:
            return r
        r /= 2
    return None


def test_box_radius_float_cell_and_risk_equal_the_plain_formulas():
    rng = random.Random(3)
    found = 0
    for _ in range(300):
        prob, params = _case(rng)
        r = S.box_radius(prob, params)
        assert r == _exact_radius(prob, params)
        if r is not None:
            found += 1
            assert stream.interior(prob, params, scaled.of(prob.X), r) is None
        pre = kernel.forward(prob, params)[0][0]
        pieces, near, _ = S.float_cell(prob, params)
        assert pieces == [bytes(prob.act.piece(pre[i, j])[0] for j in range(prob.m)) for i in range(pre.nrows())]
        assert near == [(i, j, pre[i, j], t) for i in range(pre.nrows()) for j in range(prob.m)
                        for t in prob.act.breakpoints if abs(pre[i, j] - t) <= S.KINK_TOL]
        assert S.risk(prob, params) == kernel.risk(prob, params)
    assert found > 50


def test_search_losses_equal_the_rational_least_squares_fit():
    from symcert.importers import better
    from symcert.provers.affine import least_squares
    rng = random.Random(9)
    checked = 0
    for _ in range(40):
        prob, params = _case(rng)
        fits = better._Fits(prob, params)
        for W1, b1, (i, j, k, s) in list(better.candidates(prob, params))[:6]:
            assert fits.loss(i, fits.row(k, j, s)) == least_squares(better._hidden(prob, W1, b1), prob.Y).loss
            checked += 1
    assert checked > 100


def test_settle_equals_the_separate_passes():
    rng = random.Random(12)
    seen = {True: 0, False: 0}
    for _ in range(200):
        prob, params = _case(rng)
        pieces, _, slack = S.float_cell(prob, params)
        r = S.radius_below(slack)
        where, why, box, out = S.settle(prob, pieces, params, params, r)
        pre, _, want = kernel.forward(prob, params)
        assert out.rational() == want
        assert where == ("kink" if kernel.kinks(prob, [pre[0]]) else "")
        if r is not None and not where:
            assert box == (stream.interior(prob, params, scaled.of(prob.X), r) is None)
            seen[box] += 1
    assert seen[True] > 20, seen
