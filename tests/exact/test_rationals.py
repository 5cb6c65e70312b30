import pytest
from flint import fmpq

from symcert.exact.rationals import RationalSyntaxError, as_fmpq, format_rational, parse_rational


@pytest.mark.parametrize("text,value", [
    ("3/4", fmpq(3, 4)), ("-2", fmpq(-2)), ("0.25", fmpq(1, 4)), ("-6/8", fmpq(-3, 4)),
    ("1.5e-3", fmpq(3, 2000)), ("2E2", fmpq(200)), ("  7 ", fmpq(7)), ("+3", fmpq(3)),
    ("0.1", fmpq(1, 10)), (5, fmpq(5)), ("000012", fmpq(12)),
])
def test_parse_exact(text, value):
    assert parse_rational(text) == value


@pytest.mark.parametrize("text", [
    "", "1/0", "1.", ".5", "abc", "1/2/3", "1e", "nan", "inf", "0x10", "1/-2", "3 /4", "1e1001",
    "__import__('os')", "1_000", 0.25, True, None, [1],
])
def test_parse_rejects(text):
    with pytest.raises(RationalSyntaxError):
        parse_rational(text)


@pytest.mark.parametrize("value,text", [(fmpq(3, 4), "3/4"), (fmpq(-4, 2), "-2"), (fmpq(0), "0")])
def test_format(value, text):
    assert format_rational(value) == text
    assert parse_rational(text) == value


def test_as_fmpq_refuses_floats():
    from fractions import Fraction
    assert as_fmpq(Fraction(1, 3)) == fmpq(1, 3)
    with pytest.raises(TypeError):
        as_fmpq(0.5)
