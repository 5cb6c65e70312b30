"""The fast reader of plain integer and fraction matrices gives exactly the strict parser's values,
and declines (None) on every text the strict parser refuses or reads another way."""
import random

import pytest
from flint import fmpq_mat

from symcert.exact.rationals import RationalSyntaxError, parse_plain_matrix, parse_rational


def _token(rng: random.Random) -> str:
    sign = rng.choice(["", "", "-", "+"])
    p = str(rng.randint(0, 10 ** rng.randint(1, 40)))
    if rng.random() < 0.5:
        return sign + p
    return f"{sign}{p}/{rng.randint(1, 10 ** rng.randint(1, 30))}"


@pytest.mark.parametrize("seed", range(20))
def test_same_values_as_the_strict_parser(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 8), rng.randint(1, 8)
    vals = [_token(rng) for _ in range(rows * cols)]
    if seed % 4 == 0:
        vals = [v.split("/")[0] for v in vals]  # integers only
    got = parse_plain_matrix(vals, rows, cols)
    assert got == fmpq_mat(rows, cols, [parse_rational(v) for v in vals])


@pytest.mark.parametrize("bad", ["3/0", "3/-4", "3/+4", "1/2/3", "3/", "/3", "+-1", "--1", "1-2", "", " 1", "1 ", "1\n",
                                 "1_000", "0.5", "1e3", "\u0663", "\uff11", "+", "-", "x", "1" * 5000])
def test_declines_what_it_does_not_read_the_same_way(bad):
    vals = ["1/2", bad, "3"]
    assert parse_plain_matrix(vals, 1, 3) is None  # the caller then reads each entry with parse_rational
    try:
        parse_rational(bad)
    except RationalSyntaxError:
        return
    assert bad.strip() in ("0.5", "1e3", "1" * 5000, "1")  # read by the strict parser's other forms


def test_declines_non_text_and_wrong_counts():
    assert parse_plain_matrix([1, "2"], 1, 2) is None
    assert parse_plain_matrix(["1", "2"], 1, 3) is None


def test_many_denominators_still_exact():
    vals = [f"1/{p}" for p in (2, 3, 5, 7, 11, 13)] * 200
    rng = random.Random(1)
    big = [f"{rng.randint(1, 10**30)}/{rng.randint(10**40, 10**41)}" for _ in range(300)]
    for v in (vals, big):
        assert parse_plain_matrix(v, len(v), 1) == fmpq_mat(len(v), 1, [parse_rational(t) for t in v])


def test_values_across_chunks():
    from symcert.exact import rationals
    n = rationals._CHUNK + 7
    vals = [f"{k % 9 - 4}/{k % 5 + 1}" if k % 3 else str(k) for k in range(n)]
    assert parse_plain_matrix(vals, n, 1) == fmpq_mat(n, 1, [parse_rational(v) for v in vals])
    vals[-2] = "1/2/3"  # a text with two slashes in the last chunk
    assert parse_plain_matrix(vals, n, 1) is None
