"""The integer fast paths of the yun2019 generator agree exactly with the plain rational
formulas they replace (text of the data, and the split search of the better point)."""
import random

from flint import fmpq

from symcert.claims.yun2019 import thm1 as yun2019
from symcert.exact.rationals import format_rational
from symcert.inputs.data import from_rows


def _reference_split(values, targets, kappa, best=False):
    """The split search written directly in rationals (the specification of yun2019._split)."""
    m = len(values)
    order = sorted(range(m), key=lambda i: values[i])
    S = sum((values[i] - targets[i] for i in range(m)), fmpq(0))
    Q = fmpq(0)
    found, found_gain = None, fmpq(0)
    for pos in range(m - 1):
        i, nxt = order[pos], order[pos + 1]
        Q += values[i] - targets[i]
        gap = values[nxt] - values[i]
        c = 2 * Q - S
        if gap > 0 and c != 0:
            gamma = c / (m * kappa)
            if abs(gamma) > gap / 4:
                gamma = gap / 4 if gamma > 0 else -gap / 4
            gain = kappa * gamma * c - m * kappa * kappa * gamma * gamma / 2
            if not best:
                return pos + 1, (values[i] + values[nxt]) / 2, gamma
            if gain > found_gain:
                found, found_gain = (pos + 1, (values[i] + values[nxt]) / 2, gamma), gain
    return found


def _rand_q(rng, big=False):
    den = rng.choice([1, 2, 3, 4, 7, 10, 12]) if not big else rng.randint(1, 10 ** 30)
    return fmpq(rng.randint(-50, 50) if not big else rng.randint(-10 ** 40, 10 ** 40), den)


def test_split_matches_the_rational_formulas():
    rng = random.Random(11)
    for trial in range(300):
        m = rng.randint(1, 12)
        big = trial % 5 == 0
        values = [_rand_q(rng, big) for _ in range(m)]
        if trial % 3 == 0 and m > 2:  # ties among the fitted values
            values[1] = values[0]
            values[-1] = values[0]
        targets = [_rand_q(rng, big) for _ in range(m)]
        kappa = fmpq(rng.choice([1, 1, 3]), rng.choice([1, 3, 5]))
        for best in (False, True):
            assert yun2019._split(values, targets, kappa, best) == _reference_split(values, targets, kappa, best)


def test_split_none_when_all_values_tie():
    v = [fmpq(1, 3)] * 4
    assert yun2019._split(v, [fmpq(0), fmpq(1), fmpq(0), fmpq(1)], fmpq(1)) is None


def test_rows_text_is_format_rational():
    rng = random.Random(5)
    for big in (False, True):
        for _ in range(20):
            m, dx = rng.randint(1, 8), rng.randint(1, 4)
            xs = [[_rand_q(rng, big) for _ in range(dx)] for _ in range(m)]
            xs[0][0] = fmpq(0)
            ys = [[_rand_q(rng, big)] for _ in range(m)]
            data = from_rows(xs, ys)
            assert yun2019._rows_text(data.inputs) == [[format_rational(v) for v in row] for row in data.inputs]
            assert yun2019._problem_json(data, 2, {"kind": "x"})["data"] == data.to_json()
