"""Tests for symcert.exact.reals: parsing, exact folding, printing, rigorous evaluation."""
from fractions import Fraction

import flint
import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symcert.exact.reals import (
    E, PI, BinOp, Const, ExactRealError, Func, Neg, Pow, Rat, Real, UndecidedError,
    compare, decide_sign, exp_of, log_of, parse_real, rational, sqrt_of,
)

F = Fraction


# --- parsing and exact values -------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("3/4", F(3, 4)),
    ("-2", F(-2)),
    ("0.25", F(1, 4)),
    ("1e-3", F(1, 1000)),
    ("1.5E+2", F(150)),
    ("2^-3", F(1, 8)),
    (" - ( 3 )^ -2 ", F(-1, 9)),  # '^' binds tighter than unary minus: -(3^-2)
    ("-2^2", F(-4)),
    ("-(2^2)", F(-4)),
    ("(-2)^2", F(4)),
    ("--2^2", F(4)),
    ("-2^-1", F(-1, 2)),
    ("1 - 2^2", F(-3)),
    ("2*-3^2", F(-18)),
    ("0.1 + 0.2", F(3, 10)),
    ("(1/3) * 3", F(1)),
    ("007", F(7)),
    ("2^0", F(1)),
    ("sqrt(9/4)", F(3, 2)),
    ("sqrt(0)", F(0)),
    ("exp(0)", F(1)),
    ("log(1)", F(0)),
    ("sqrt(4) + exp(0) * 2 - log(1)", F(4)),
    ("1\t+\n1\r", F(2)),
])
def test_rational_values_are_exact(text, value):
    x = parse_real(text)
    assert x.is_rational()
    assert x.as_fraction() == value
    assert type(x.as_fraction()) is Fraction
    assert decide_sign(x) == (value > 0) - (value < 0)


@pytest.mark.parametrize("text, expected", [
    ("(1+e)/6", BinOp("/", BinOp("+", Rat(F(1)), Const("e")), Rat(F(6)))),
    ("log(2)", Func("log", Rat(F(2)))),
    ("exp(-1/2)", Func("exp", Rat(F(-1, 2)))),
    ("sqrt(2)^2", Pow(Func("sqrt", Rat(F(2))), 2)),
    ("pi", Const("pi")),
    ("2*e", BinOp("*", Rat(F(2)), Const("e"))),
    ("-e^2", Neg(Pow(Const("e"), 2))),
    ("-(e^2)", Neg(Pow(Const("e"), 2))),
    ("(-e)^2", Pow(Neg(Const("e")), 2)),
    ("e - 1 - 2", BinOp("-", BinOp("-", Const("e"), Rat(F(1))), Rat(F(2)))),
    ("e - (1 - 2)", BinOp("-", Const("e"), Rat(F(-1)))),
    ("1 + 2 * e", BinOp("+", Rat(F(1)), BinOp("*", Rat(F(2)), Const("e")))),
    ("e / 2 / 3", BinOp("/", BinOp("/", Const("e"), Rat(F(2))), Rat(F(3)))),
    ("+pi", Const("pi")),
])
def test_parse_structure(text, expected):
    x = parse_real(text)
    assert x == expected
    assert not x.is_rational()
    with pytest.raises(ExactRealError, match="not a rational"):
        x.as_fraction()


def test_constructors_match_parser():
    assert parse_real("(1+e)/6") == (1 + E) / 6
    assert parse_real("log(2)") == log_of(2)
    assert parse_real("exp(-1/2)") == exp_of(F(-1, 2))
    assert parse_real("sqrt(2)^2") == sqrt_of(2) ** 2
    assert parse_real("2*e - pi") == 2 * E - PI
    assert parse_real("-e") == -E
    assert rational(1) / 3 + F(1, 6) == Rat(F(1, 2))  # two literals fold into one
    assert -rational(3) == Rat(F(-3))
    assert rational(2) ** -3 == Rat(F(1, 8))
    assert 1 - E == BinOp("-", Rat(F(1)), E)


def test_non_exact_operands_are_refused():
    with pytest.raises(TypeError):
        E + 0.5
    with pytest.raises(TypeError):
        E ** 0.5
    with pytest.raises(TypeError):
        rational(0.25)
    with pytest.raises(TypeError):
        rational(True)
    with pytest.raises(TypeError):
        parse_real(b"1")
    with pytest.raises(ExactRealError):
        E ** 1001


@pytest.mark.parametrize("make", [
    lambda: Neg(Rat(F(1))),  # unfolded literal operations
    lambda: BinOp("+", Rat(F(1)), Rat(F(2))),
    lambda: Pow(Rat(F(2)), 2),
    lambda: Const("tau"),
    lambda: Func("sin", E),
    lambda: BinOp("%", E, E),
    lambda: Pow(E, 1001),
    lambda: Pow(E, 2.0),
    lambda: BinOp("/", E, Rat(F(0))),
    lambda: Func("log", Rat(F(-1))),
])
def test_node_invariants(make):
    with pytest.raises(ExactRealError):
        make()


def test_node_types():
    with pytest.raises(TypeError):
        Rat(1)  # a Fraction is required
    with pytest.raises(TypeError):
        Neg(2)
    with pytest.raises(ExactRealError):
        Real()


def test_literals_beyond_cpython_digit_limit():
    x = parse_real("1" * 5000)
    assert x.as_fraction() == (10**5000 - 1) // 9
    assert parse_real(x.to_string()) == x
    y = parse_real("0." + "0" * 4999 + "1")
    assert y.as_fraction() == F(1, 10**5000)
    assert parse_real(y.to_string()) == y
    assert repr(x * E).startswith("BinOp(op='*', left=Rat(Fraction(1111")
    assert (x * E).to_sympy() == sympy.Integer((10**5000 - 1) // 9) * sympy.E
    with pytest.raises(ExactRealError, match="log of a rational <= 0 at position 0"):
        parse_real("log(-1" + "0" * 5000 + ")")
    with pytest.raises(ExactRealError, match="exponent exceeds 1000"):
        E ** (10**5000)


# --- rejection, with positions ------------------------------------------------

@pytest.mark.parametrize("text, position, quoted", [
    ("2**3", 1, "'**3'"),
    ("foo(2)", 0, "'foo'"),
    ("1.", 1, "'.'"),
    (".5", 0, "'.'"),  # a number must start with a digit
    ("e2", 0, "'e2'"),
    ("2e", 1, "'e'"),
    ("2e+", 1, "'e+'"),
    ("2exp(1)", 1, "'exp(1)'"),
    ("log(", 4, "end of input"),
    ("(1+2", 4, "end of input"),
    ("log()", 4, "')'"),
    ("log 2", 4, "'2'"),
    ("e(2)", 1, "'('"),
    ("2 e", 2, "'e'"),
    ("2pi", 1, "'pi'"),
    ("1)", 1, "')'"),
    ("2^3^2", 3, "'^'"),
    ("2^1.5", 2, "'1.5'"),
    ("2^e", 2, "'e'"),
    ("2^", 2, "end of input"),
    ("2^100000", 2, "'100000'"),
    ("pi^-1001", 2, "'^-1001'"),
    ("1e1001", 1, "'e1001'"),
    ("(1e1000)^1000", 8, "'^1000'"),
    ("", 0, "empty input"),
    ("   ", 0, "empty input"),
    ("E", 0, "'E'"),
    ("sin(1)", 0, "'sin'"),
    ("x + 1", 0, "'x'"),
    ("\u0663", 0, "'\u0663'"),  # ARABIC-INDIC DIGIT THREE
    ("\uff11", 0, "'\uff11'"),  # FULLWIDTH DIGIT ONE
    ("1\u00a0+ 1", 1, "'\\xa0"),  # no-break space is not whitespace here
    ("__import__('os')", 11, "'os')"),
    ("__import__", 0, "'__import__'"),
    ("eval(1)", 0, "'eval'"),
    ("e.real", 1, "'.'"),
    ("pi.__class__", 2, "'.'"),
    ("1; 2", 1, "';'"),
    ("[1]", 0, "'['"),
    ("1 if 1 else 2", 2, "'if'"),
    ("lambda: 1", 6, "':"),
    # exact domain errors are found while building, at the offending operator
    ("1/0", 1, "'/0'"),
    ("e/(sqrt(4) - 2)", 1, "'/(sqrt(4)"),
    ("0^-1", 1, "'^-1'"),
    ("log(0)", 0, "'log(0)'"),
    ("log(-1)", 0, "'log(-1)'"),
    ("1 + sqrt(-1)", 4, "'sqrt(-1)'"),
])
def test_rejections_report_position(text, position, quoted):
    with pytest.raises(ExactRealError) as info:
        parse_real(text)
    message = str(info.value)
    assert f"at position {position} " in message
    assert quoted in message


def test_unknown_identifier_message():
    with pytest.raises(ExactRealError, match=r"unknown identifier '__import__' at position 0"):
        parse_real("__import__(os)")


def test_size_limits():
    with pytest.raises(ExactRealError, match=r"than 20000 characters \(30000\) at position 20000"):
        parse_real("1" * 30000)
    parse_real("1" * 20000)  # at the limit: accepted
    with pytest.raises(ExactRealError, match="nesting deeper than 200 at position 200"):
        parse_real("(" * 500 + "1" + ")" * 500)
    assert parse_real("(" * 200 + "1" + ")" * 200) == Rat(F(1))
    with pytest.raises(ExactRealError, match="nesting deeper than 200"):
        parse_real("-" * 300 + "1")
    with pytest.raises(ExactRealError, match="deeper than 200"):
        parse_real("+".join(["e"] * 201))  # a long sum is a deep AST
    deep = parse_real("+".join(["e"] * 200))
    assert parse_real(deep.to_string()) == deep
    assert decide_sign(deep) == 1


# --- canonical text and round trip --------------------------------------------

@pytest.mark.parametrize("text, canonical", [
    ("(1+e)/6", "(1 + e) / 6"),
    ("0.25", "1/4"),
    ("-2", "-2"),
    ("-e^2", "-e^2"),
    ("-(e^2)", "-e^2"),
    ("(-e)^2", "(-e)^2"),
    ("-(-e)^3", "-(-e)^3"),
    ("--e", "-(-e)"),
    ("e*(3/4)", "e * (3/4)"),
    ("3/4*e", "3/4 * e"),
    ("e - -3/4", "e - (-3/4)"),
    ("e + (-3)", "e + (-3)"),
    ("e/(pi*2)", "e / (pi * 2)"),
    ("e-(pi-1)", "e - (pi - 1)"),
    ("e^-2*pi^3", "e^-2 * pi^3"),
    ("log( sqrt(2)^2 )", "log(sqrt(2)^2)"),
    ("(e)", "e"),
])
def test_canonical_text(text, canonical):
    x = parse_real(text)
    assert x.to_string() == canonical
    assert str(x) == canonical
    assert parse_real(canonical) == x


def _build(make, *args):
    try:
        return make(*args)
    except ExactRealError:  # e.g. an exact division by zero
        return None


_leaves = st.one_of(
    st.fractions(max_denominator=50).map(rational),
    st.sampled_from([E, PI]),
)
_exprs = st.recursive(
    _leaves,
    lambda kids: st.one_of(
        st.builds(lambda op, a, b: _build(lambda: {"+": a + b, "-": a - b, "*": a * b,
                                                   "/": _build(lambda: a / b)}[op]),
                  st.sampled_from("+-*/"), kids, kids),
        st.builds(lambda a: -a, kids),
        st.builds(lambda a, n: _build(lambda: a ** n), kids, st.integers(-4, 4)),
        st.builds(lambda f, a: _build(Func, f, a), st.sampled_from(["exp", "log", "sqrt"]), kids),
    ).filter(lambda x: x is not None),
    max_leaves=10,
).filter(lambda x: x is not None)


@settings(max_examples=300, deadline=None)
@given(_exprs)
def test_round_trip(x):
    text = x.to_string()
    assert parse_real(text) == x
    assert parse_real(text).to_string() == text


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**30), st.integers(0, 10**12), st.integers(0, 12),
       st.sampled_from(["", "e", "E"]), st.sampled_from(["", "+", "-"]), st.integers(0, 40))
def test_decimal_literals_are_exact(whole, frac, frac_width, e, sign, k):
    text = str(whole)
    if frac_width:
        text += "." + str(frac).zfill(frac_width)
    if e:
        text += e + sign + str(k)
    assert parse_real(text).as_fraction() == Fraction(text)  # Fraction reads decimals exactly


# --- rigorous enclosures ------------------------------------------------------

def _exact(x):
    """The exact dyadic value of an exact arb (a midpoint or a radius)."""
    man, exp = x.man_exp()
    return F(int(man)) * F(2) ** int(exp)


def _bounds(ball):
    """Exact endpoints of an arb ball, as Fractions."""
    mid, rad = _exact(ball.mid()), _exact(ball.rad())
    return mid - rad, mid + rad


def _mpmath_fraction(mpf_value):
    """The exact binary value of an mpmath number."""
    sign, man, exp, _ = mpf_value._mpf_
    return F((-1) ** sign * man) * F(2) ** exp


@settings(max_examples=200, deadline=None)
@given(st.fractions(), st.integers(2, 600))
def test_rational_balls_contain_value(q, prec):
    lo, hi = _bounds(parse_real(rational(q).to_string()).to_arb(prec))
    assert lo <= q <= hi
    assert hi - lo <= abs(q) / 2 ** (prec - 2)


@pytest.mark.parametrize("text, reference", [
    ("e", lambda m: m.e),
    ("pi", lambda m: m.pi),
    ("log(2)", lambda m: m.log(2)),
    ("exp(-1/2)", lambda m: m.exp(m.mpf(-1) / 2)),
    ("(1+e)/6", lambda m: (1 + m.e) / 6),
    ("sqrt(2)^2", lambda m: m.mpf(2)),
    ("2*e", lambda m: 2 * m.e),
    ("pi^-3 * e - log(3/7)", lambda m: m.pi ** -3 * m.e - m.log(m.mpf(3) / 7)),
    ("sqrt(pi) - exp(sqrt(2))", lambda m: m.sqrt(m.pi) - m.exp(m.sqrt(2))),
    ("log(log(10))", lambda m: m.log(m.log(10))),
])
def test_arb_enclosure_matches_mpmath(text, reference):
    with mpmath.workprec(1000):
        ref = _mpmath_fraction(reference(mpmath.mp))
    eps = F(1, 2**900)  # generous bound on mpmath's error at 1000 bits
    for prec in (64, 128, 512):
        lo, hi = _bounds(parse_real(text).to_arb(prec))
        assert lo <= ref + eps and ref - eps <= hi  # the ball meets [ref - eps, ref + eps]
        assert hi - lo < F(1, 2 ** (prec - 10))
    lo, hi = _bounds(parse_real(f"{text} + 1/2^100").to_arb(256))
    assert ref + eps < lo  # the check can fail: a shifted value is excluded


@pytest.mark.parametrize("text", ["(1+e)/6", "log(2) - pi", "exp(-1/2) * 1e-5", "sqrt(3)^-7"])
def test_arb_matches_sympy_n(text):
    x = parse_real(text)
    decimal = parse_real(str(sympy.N(x.to_sympy(), 60)))  # exact rational from sympy's digits
    lo, hi = _bounds(x.to_arb(256))
    assert lo - F(1, 10**55) < decimal.as_fraction() < hi + F(1, 10**55)


def test_to_arb_restores_precision():
    saved = flint.ctx.prec
    parse_real("pi").to_arb(300)
    assert flint.ctx.prec == saved
    with pytest.raises(UndecidedError):
        parse_real("log(e - e)").to_arb(300)
    assert flint.ctx.prec == saved
    with pytest.raises(ExactRealError):
        parse_real("pi").to_arb(1)
    with pytest.raises(ExactRealError):
        parse_real("pi").to_arb(128.0)


@pytest.mark.parametrize("text", ["log(e - 3)", "sqrt(pi - 4)", "log(-pi)", "log(1 - exp(1/1000))"])
def test_provable_domain_errors(text):
    x = parse_real(text)
    with pytest.raises(ExactRealError, match="provably false") as info:
        x.to_arb()
    assert not isinstance(info.value, UndecidedError)
    assert repr(x.to_string()) in str(info.value)
    with pytest.raises(ExactRealError):
        x.to_sympy()


@pytest.mark.parametrize("text", ["1/(e - e)", "(pi - pi)^-2", "log(e - e)", "sqrt(e - e)",
                                  "log(exp(log(2)) - 2)"])
def test_uncertifiable_domains(text):
    with pytest.raises(UndecidedError, match="cannot certify"):
        parse_real(text).to_arb()
    with pytest.raises(UndecidedError):
        decide_sign(parse_real(text))
    with pytest.raises(UndecidedError):
        parse_real(text).to_sympy()


def test_nonnegative_sqrt_and_positive_log_are_fine():
    assert decide_sign(parse_real("sqrt(e - 2)")) == 1
    assert decide_sign(parse_real("log(e - 2)")) == -1
    assert decide_sign(parse_real("1/(e - 2718281828459045/10^15)")) == 1  # needs > 53 bits


# --- sign decisions -----------------------------------------------------------

PI_60 = "3.141592653589793238462643383279502884197169399375105820974944"  # truncated


@pytest.mark.parametrize("text, sign", [
    ("e - 2718281828/1000000000", 1),
    ("pi - 355/113", -1),
    ("log(2) - 693147/1000000", 1),
    ("log(2) - 693148/1000000", -1),
    ("sqrt(2) - 1.414213562373095", 1),
    ("exp(pi) - exp(e * log(pi))", 1),  # e^pi > pi^e
    (f"pi - {PI_60}", 1),
    (f"pi - ({PI_60} + 1e-60)", -1),
    ("1/3 - 0.3333", 1),
    ("0.1 + 0.2 - 0.3", 0),
    ("-7", -1),
])
def test_decide_sign(text, sign):
    assert decide_sign(parse_real(text)) == sign


def test_precision_escalation_is_bounded():
    close = parse_real(f"pi - {PI_60}")  # ~200 bits needed
    with pytest.raises(UndecidedError, match="undecided up to 128 bits"):
        decide_sign(close, max_prec=128)
    assert decide_sign(close, max_prec=256) == 1
    with pytest.raises(ExactRealError):
        decide_sign(close, max_prec=0)


@pytest.mark.parametrize("text", ["exp(log(2)) - 2", "sqrt(2)^2 - 2", "e - e", "log(e) - 1"])
def test_hidden_zeros_are_undecided(text):
    with pytest.raises(UndecidedError, match="undecided up to 4096 bits"):
        decide_sign(parse_real(text))


def test_compare():
    assert compare(E, 2) == 1
    assert compare(PI, F(22, 7)) == -1
    assert compare(F(1, 2), rational(F(2, 4))) == 0
    assert compare(log_of(3), 1) == 1
    assert compare(parse_real("(1+e)/6"), parse_real("0.6197")) == 1
    with pytest.raises(TypeError):
        compare(E, 2.5)


# --- sympy --------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("(1+e)/6", (1 + sympy.E) / 6),
    ("log(2)", sympy.log(2)),
    ("exp(-1/2)", sympy.exp(sympy.Rational(-1, 2))),
    ("sqrt(2)^2", sympy.Integer(2)),
    ("pi^-2 - 3/4", sympy.pi ** -2 - sympy.Rational(3, 4)),
    ("-e^2", -sympy.exp(2)),
    ("-(e^2)", -sympy.exp(2)),
    ("(-e)^2", sympy.exp(2)),
    ("sqrt(8)", 2 * sympy.sqrt(2)),
    ("1e-3", sympy.Rational(1, 1000)),
])
def test_to_sympy(text, expected):
    x = parse_real(text).to_sympy()
    assert sympy.simplify(x - expected) == 0
    assert x.is_real
    assert not x.has(sympy.Float)


def test_to_sympy_distinguishes_values():
    assert sympy.simplify(parse_real("log(2)").to_sympy() - sympy.log(3)) != 0
