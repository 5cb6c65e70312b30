"""Packed matrices (certificate format version 3, symcert/exact/packed.py): the reader accepts
exactly the stated syntax, reads the values that were packed, and every rational matrix has one
packed text (a changed character is refused or changes the value)."""
import random
from fractions import Fraction
from math import lcm

import pytest

from symcert.exact.limits import MAX_PACKED_DIGITS
from symcert.exact.packed import PackedSyntaxError, pack, parse


def values(value, rows, cols):
    """The matrix read by parse, as Fractions (row-major)."""
    N, D, R = parse(value, rows, cols)
    got = [Fraction(int(N[i, j]), D) for i in range(rows) for j in range(cols)]
    assert R == [sum(abs(int(N[i, j])) for j in range(cols)) for i in range(rows)]
    return got


def packed(rows: list, den: str = "1") -> dict:
    return {"denominator": den, "rows": rows}


@pytest.mark.parametrize("value,rows,cols,expected", [
    (packed(["1,2", "3,4"]), 2, 2, [1, 2, 3, 4]),
    (packed(["0,-7", "-12,0"], "5"), 2, 2, [0, Fraction(-7, 5), Fraction(-12, 5), 0]),
    (packed(["0"], "1"), 1, 1, [0]),
    (packed(["3", "-1", "10"], "2"), 3, 1, [Fraction(3, 2), Fraction(-1, 2), 5]),
    (packed(["9" * MAX_PACKED_DIGITS], "1"), 1, 1, [int("9" * MAX_PACKED_DIGITS)]),
    (packed(["1"], "1" + "0" * (MAX_PACKED_DIGITS - 1)), 1, 1, [Fraction(1, 10 ** (MAX_PACKED_DIGITS - 1))]),
    (packed(["-" + "9" * (MAX_PACKED_DIGITS - 1)], "1"), 1, 1, [-int("9" * (MAX_PACKED_DIGITS - 1))]),
])
def test_accepted(value, rows, cols, expected):
    assert values(value, rows, cols) == expected


@pytest.mark.parametrize("value,rows,cols,needle", [
    (packed(["01,2"]), 1, 2, "not canonical"),
    (packed(["1,00"]), 1, 2, "not canonical"),
    (packed(["-0,2"]), 1, 2, "not canonical"),
    (packed(["1,-01"]), 1, 2, "not canonical"),
    (packed(["+1,2"]), 1, 2, "character '+'"),
    (packed(["1, 2"]), 1, 2, "character ' '"),
    (packed(["1,2 "]), 1, 2, "character ' '"),
    (packed(["1_0,2"]), 1, 2, "character '_'"),
    (packed(["1,"]), 1, 2, "not an integer"),
    (packed([",1"]), 1, 2, "not an integer"),
    (packed([""]), 1, 1, "not an integer"),
    (packed(["-"]), 1, 1, "not an integer"),
    (packed(["1-2"]), 1, 1, "not an integer"),
    (packed(["--1"]), 1, 1, "not an integer"),
    (packed(["1,2,3"]), 1, 2, "expected 2 integers separated by commas, got 3"),
    (packed(["1"]), 1, 2, "expected 2 integers separated by commas, got 1"),
    (packed(["1,2", "3"]), 2, 2, "rows[1]: expected 2 integers"),
    (packed(["1,2"]), 2, 2, "a list of 2 texts"),
    (packed(["1,2", "3,4"]), 1, 2, "a list of 1 texts"),
    (packed(["2,4"], "2"), 1, 2, "not the least common denominator"),
    (packed(["0,0"], "3"), 1, 2, "not the least common denominator"),
    (packed(["0"], "2"), 1, 1, "not the least common denominator"),
    (packed(["\u0663"]), 1, 1, "character '\u0663'"),
    (packed(["1,\uff11"]), 1, 2, "character"),
    (packed(["1\n"]), 1, 1, "character '\\n'"),
    (packed(["1" * (MAX_PACKED_DIGITS + 1)]), 1, 1, "MAX_PACKED_DIGITS"),
    (packed(["-" + "1" * MAX_PACKED_DIGITS]), 1, 1, "MAX_PACKED_DIGITS"),
    (packed(["1"], "1" * (MAX_PACKED_DIGITS + 1)), 1, 1, "MAX_PACKED_DIGITS"),
    (packed(["1"], "0"), 1, 1, "denominator"),
    (packed(["1"], "02"), 1, 1, "denominator"),
    (packed(["1"], "-1"), 1, 1, "denominator"),
    (packed(["1"], "+1"), 1, 1, "denominator"),
    (packed(["1"], " 1"), 1, 1, "denominator"),
    (packed(["1"], "\u0661"), 1, 1, "denominator"),
    (packed(["1"], 1), 1, 1, "denominator"),
    (packed([1]), 1, 1, "rows: expected a list"),
    (packed([["1"]]), 1, 1, "rows: expected a list"),
    (packed([None]), 1, 1, "rows: expected a list"),
    (packed("1"), 1, 1, "rows: expected a list"),
    ({"denominator": "1"}, 1, 1, "exactly the fields denominator, rows"),
    ({"rows": ["1"]}, 1, 1, "exactly the fields denominator, rows"),
    ({"denominator": "1", "rows": ["1"], "cols": 1}, 1, 1, "exactly the fields denominator, rows"),
    (["1"], 1, 1, "exactly the fields denominator, rows"),
])
def test_refused(value, rows, cols, needle):
    with pytest.raises(PackedSyntaxError) as exc:
        parse(value, rows, cols)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_integer_text_beyond_pythons_limit_is_refused_before_int():
    with pytest.raises(PackedSyntaxError, match="MAX_PACKED_DIGITS"):
        parse(packed(["1," + "7" * 5000]), 1, 2)  # 5,000 digits: int() would raise its own ValueError


def test_error_names_the_row_in_later_blocks():
    from symcert.exact.packed import BLOCK
    rows = ["1,2"] * (BLOCK + 5)
    rows[BLOCK + 3] = "1,02"
    with pytest.raises(PackedSyntaxError, match=rf"rows\[{BLOCK + 3}\]"):
        parse(packed(rows), len(rows), 2)


def _matrix(rng: random.Random, rows: int, cols: int) -> list:
    def one():
        p = rng.randint(-10 ** rng.randint(0, 30), 10 ** rng.randint(0, 30))
        return Fraction(p, rng.choice([1, 1, 2, 3, rng.randint(1, 10 ** rng.randint(1, 20))]))
    return [one() for _ in range(rows * cols)]


def _pack(vals: list, rows: int, cols: int) -> dict:
    den = lcm(*(v.denominator for v in vals))
    return pack([int(v * den) for v in vals], rows, cols, den)


@pytest.mark.parametrize("seed", range(25))
def test_pack_then_parse_gives_the_values(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 9), rng.randint(1, 6)
    vals = _matrix(rng, rows, cols)
    if seed % 5 == 0:
        vals = [Fraction(0)] * (rows * cols)
    assert values(_pack(vals, rows, cols), rows, cols) == vals


def test_pack_then_parse_across_blocks():
    from symcert.exact.packed import BLOCK
    rng = random.Random(7)
    rows = 2 * BLOCK + 3
    vals = [Fraction(rng.randint(-99, 99), rng.randint(1, 12)) for _ in range(rows * 2)]
    assert values(_pack(vals, rows, 2), rows, 2) == vals


@pytest.mark.parametrize("seed", range(6))
def test_every_single_character_change_is_refused_or_changes_the_value(seed):
    """One packed text per matrix: replacing, deleting or inserting one character of the
    denominator or of a row either is refused or gives other values."""
    rng = random.Random(100 + seed)
    rows, cols = rng.randint(1, 3), rng.randint(1, 3)
    vals = [Fraction(rng.randint(-300, 300), rng.choice([1, 2, 6, 35])) for _ in range(rows * cols)]
    good = _pack(vals, rows, cols)
    alphabet = "0123456789-,+ /.\u0663"
    texts = [("denominator", None, good["denominator"])] + [("rows", i, r) for i, r in enumerate(good["rows"])]
    tried = 0
    for key, i, text in texts:
        changed = set()
        for k in range(len(text) + 1):
            for c in alphabet:
                changed.add(text[:k] + c + text[k:])
                if k < len(text):
                    changed.add(text[:k] + c + text[k + 1:])
            if k < len(text):
                changed.add(text[:k] + text[k + 1:])
        changed.discard(text)
        for new in changed:
            bad = {"denominator": good["denominator"], "rows": list(good["rows"])}
            if i is None:
                bad["denominator"] = new
            else:
                bad["rows"][i] = new
            tried += 1
            try:
                got = values(bad, rows, cols)
            except PackedSyntaxError:
                continue
            assert got != vals, (key, i, text, new)
    assert tried > 50


@pytest.mark.parametrize("row", ["1-0", "5-00", "-8-00"])
def test_minus_zero_inside_a_token(row):
    with pytest.raises(PackedSyntaxError):
        parse(packed([row]), 1, 1)
