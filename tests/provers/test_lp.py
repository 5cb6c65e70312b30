"""The exact simplex (provers/lp.py): the warm-started phase 1 of the kink engine agrees with a cold
solve on every prefix of random column chains, and its feasible points are exact solutions."""
import random

from flint import fmpq

from symcert.provers import lp


def _cold(cols, b):
    A = [[c[i] for c in cols] for i in range(len(b))]
    try:
        x, _ = lp.solve([0] * len(cols), A, b)
    except lp.Infeasible:
        return None
    return x


def test_phase1_warm_start_agrees_with_cold_solves():
    rng = random.Random(7)
    for _ in range(30):
        dx, n = rng.randint(1, 3), rng.randint(1, 12)
        b = [fmpq(0)] * (dx + 1) + [fmpq(1)]
        cols = []
        for _ in range(n):
            s = rng.choice((1, -1))
            cols.append([fmpq(s * rng.randint(-3, 3), rng.randint(1, 2)) for _ in range(dx)] + [fmpq(s), fmpq(1)])
        warm = lp.Phase1(b)
        for k in range(1, n + 1):
            branch = warm.copy()  # a copy is independent of the original
            x = warm.add_column(cols[k - 1])
            assert branch.n == k - 1
            assert (x is None) == (_cold(cols[:k], b) is None)
            if x is not None:
                assert len(x) == k and all(v >= 0 for v in x)
                assert all(sum((c[i] * v for c, v in zip(cols[:k], x)), fmpq(0)) == b[i] for i in range(len(b)))


def test_phase1_refuses_a_negative_right_hand_side():
    try:
        lp.Phase1([fmpq(-1)])
    except ValueError:
        return
    raise AssertionError("Phase1 accepted b < 0")
