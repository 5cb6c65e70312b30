"""Exact real numbers: the immutable AST of :mod:`symcert.exact.reals`, exact rational folding,
canonical printing, rigorous ball enclosures (python-flint ``arb``), exact sympy translation
and rigorous sign decisions (trusted). The grammar and its parser are in
:mod:`symcert.exact.reals`, which re-exports every public name of this module; the limits are
constants of :mod:`symcert.exact.limits`.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from fractions import Fraction
from math import isqrt
from typing import TYPE_CHECKING, NamedTuple

import flint
from flint import arb, fmpq

from symcert.exact.limits import MAX_EXPONENT, MAX_REAL_BITS as MAX_BITS, MAX_REAL_DEPTH as MAX_DEPTH
from symcert.exact.limits import MAX_REAL_LENGTH as MAX_LENGTH

if TYPE_CHECKING:
    import sympy

CONSTANTS, FUNCTIONS = ("e", "pi"), ("exp", "log", "sqrt")
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


class ExactRealError(ValueError):
    """Malformed, oversized or undefined exact real expression."""


class UndecidedError(ExactRealError):
    """A rigorous check could not be concluded at the available precision."""


def _clip(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[:n] + "..."


# --- exact rational folding ---------------------------------------------------

def _checked(v: Fraction) -> Fraction:
    if max(v.numerator.bit_length(), v.denominator.bit_length()) > MAX_BITS:
        raise ExactRealError(f"rational exceeds {MAX_BITS} bits")
    return v


def _fold_binop(op: str, a: Fraction, b: Fraction) -> Fraction:
    if op == "/" and b == 0:
        raise ExactRealError("division by zero")
    return _checked(_ARITH[op](a, b))


def _fold_pow(a: Fraction, n: int) -> Fraction:
    if a == 0 and n < 0:
        raise ExactRealError("zero raised to a negative power")
    if (max(a.numerator.bit_length(), a.denominator.bit_length()) - 1) * abs(n) > MAX_BITS:
        raise ExactRealError(f"rational power exceeds {MAX_BITS} bits")
    return _checked(a**n)


def _fold_func(f: str, a: Fraction) -> Fraction | None:
    """Exact value of f(a) if rational by the rules exp(0), log(1), sqrt(p^2/q^2)."""
    if f == "exp":
        return Fraction(1) if a == 0 else None
    if f == "log":
        if a <= 0:
            raise ExactRealError("log of a rational <= 0")
        return Fraction(0) if a == 1 else None
    if a < 0:
        raise ExactRealError("sqrt of a rational < 0")
    p, q = isqrt(a.numerator), isqrt(a.denominator)
    return Fraction(p, q) if p * p == a.numerator and q * q == a.denominator else None


# --- AST ----------------------------------------------------------------------

@dataclass(frozen=True)
class Real:
    """An exact real expression: an immutable AST node. Build nodes with
    :func:`parse_real`, :func:`rational`, ``exp_of``/``log_of``/``sqrt_of``,
    ``E``, ``PI`` and the operators ``+ - * /``, unary ``-`` and ``** int``."""

    _value: Fraction | None = field(init=False, repr=False, compare=False)
    _depth: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        value, depth = _validate(self)
        if depth > MAX_DEPTH:
            raise ExactRealError(f"expression deeper than {MAX_DEPTH} levels")
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_depth", depth)

    def is_rational(self) -> bool:
        """True iff :meth:`as_fraction` succeeds. False does not prove
        irrationality (``e - e`` is not recognised as rational)."""
        return self._value is not None

    def as_fraction(self) -> Fraction:
        """Exact value of an expression free of e, pi and non-folding functions."""
        if self._value is None:
            raise ExactRealError(f"not a rational expression: {_clip(self.to_string())!r}")
        return self._value

    def to_string(self) -> str:
        """Canonical text, with ``parse_real(x.to_string()) == x``."""
        return _show(self, 0, False)

    __str__ = to_string

    def to_arb(self, prec: int = 128) -> arb:
        """Ball certainly containing the value, computed at ``prec`` bits.
        Raises ExactRealError if a log, sqrt, division or negative power is
        provably undefined; UndecidedError if its definedness cannot be
        certified at this precision. Not thread-safe: it sets the global
        ``flint.ctx.prec`` for the duration of the call."""
        if type(prec) is not int or not 2 <= prec <= 1 << 20:
            raise ExactRealError(f"precision must be an int in [2, 2^20], got {prec!r}")
        saved = flint.ctx.prec
        try:
            flint.ctx.prec = prec
            return _arb(self, prec)
        finally:
            flint.ctx.prec = saved

    def to_sympy(self) -> "sympy.Expr":
        """Exact sympy expression, built constructively (no string parsing).
        Definedness is first certified with :meth:`to_arb` (up to 4096 bits),
        so sympy never silently yields ``zoo`` or a complex logarithm."""
        _refine(self, 4096, lambda ball: True)
        return _sym(self)

    def __neg__(self) -> Real:
        return Rat(-self.value) if isinstance(self, Rat) else Neg(self)

    def __pos__(self) -> Real:
        return self

    def __pow__(self, n: int) -> Real:
        if type(n) is not int:
            return NotImplemented
        if abs(n) > MAX_EXPONENT:
            raise ExactRealError(f"exponent exceeds {MAX_EXPONENT} in absolute value")
        return Rat(_fold_pow(self.value, n)) if isinstance(self, Rat) else Pow(self, n)


@dataclass(frozen=True, repr=False)
class Rat(Real):
    value: Fraction

    def __repr__(self) -> str:  # also beyond CPython's int/str digit limit
        v = self.value
        return f"Rat(Fraction({_int_str(v.numerator)}, {_int_str(v.denominator)}))"


@dataclass(frozen=True)
class Const(Real):
    name: str  # one of CONSTANTS


@dataclass(frozen=True)
class Func(Real):
    name: str  # one of FUNCTIONS
    arg: Real


@dataclass(frozen=True)
class Neg(Real):
    arg: Real


@dataclass(frozen=True)
class BinOp(Real):
    op: str  # "+", "-", "*" or "/"
    left: Real
    right: Real


@dataclass(frozen=True)
class Pow(Real):
    base: Real
    exp: int  # |exp| <= MAX_EXPONENT


def _validate(node: Real) -> tuple[Fraction | None, int]:
    """Check the invariants of a new node; return its exact value if it is
    recognisably rational (else None) and its depth."""
    kids = [getattr(node, a) for a in ("arg", "left", "right", "base") if hasattr(node, a)]
    if not all(isinstance(k, Real) for k in kids):
        raise TypeError("operands of a Real node must be Real nodes")
    if isinstance(node, Neg | BinOp | Pow) and all(isinstance(k, Rat) for k in kids):
        raise ExactRealError("operations on literals must be folded; build them with the operators")
    depth = 1 + max((k._depth for k in kids), default=0)
    values = [k._value for k in kids]
    known = None not in values
    match node:
        case Rat(value=v):
            if not isinstance(v, Fraction):
                raise TypeError(f"Rat needs a Fraction, got {type(v).__name__}")
            return _checked(v), depth
        case Const(name=c) if c in CONSTANTS:
            return None, depth
        case Func(name=f) if f in FUNCTIONS:
            return (_fold_func(f, values[0]) if known else None), depth
        case Neg():
            return (-values[0] if known else None), depth
        case BinOp(op=op) if op in _ARITH:
            if op == "/" and values[1] == 0:
                raise ExactRealError(f"division by zero: {_clip(node.right.to_string())!r}")
            return (_fold_binop(op, *values) if known else None), depth
        case Pow(exp=n) if type(n) is int and abs(n) <= MAX_EXPONENT:
            return (_fold_pow(values[0], n) if known else None), depth
    raise ExactRealError(f"invalid {type(node).__name__} node")


def _coerce(x: object) -> Real | None:
    """``x`` as a node if it is a Real, int or Fraction; None otherwise (floats)."""
    if isinstance(x, Real):
        return x
    return rational(x) if isinstance(x, int | Fraction) and not isinstance(x, bool) else None


def _binop(op: str, a: Real, b: Real) -> Real:
    if isinstance(a, Rat) and isinstance(b, Rat):
        return Rat(_fold_binop(op, a.value, b.value))
    return BinOp(op, a, b)


def _operator(op: str, reflected: bool):
    def method(self: Real, other: object) -> Real:
        other = _coerce(other)
        if other is None:
            return NotImplemented
        return _binop(op, other, self) if reflected else _binop(op, self, other)
    return method


for _op, _name in (("+", "add"), ("-", "sub"), ("*", "mul"), ("/", "truediv")):
    setattr(Real, f"__{_name}__", _operator(_op, False))
    setattr(Real, f"__r{_name}__", _operator(_op, True))

E, PI = Const("e"), Const("pi")


def rational(x: Fraction | int) -> Real:
    """The literal ``x`` (an int or Fraction; floats and bools are refused)."""
    if isinstance(x, bool) or not isinstance(x, int | Fraction):
        raise TypeError(f"rational() needs an int or Fraction, got {type(x).__name__}")
    return Rat(Fraction(x))


def exp_of(x: Real | Fraction | int) -> Real:
    return Func("exp", x if isinstance(x, Real) else rational(x))


def log_of(x: Real | Fraction | int) -> Real:
    return Func("log", x if isinstance(x, Real) else rational(x))


def sqrt_of(x: Real | Fraction | int) -> Real:
    return Func("sqrt", x if isinstance(x, Real) else rational(x))


# --- printing -----------------------------------------------------------------

_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5  # binding strength
_CHUNK = 10**1000


def _int_str(n: int) -> str:
    """Decimal text of ``n``, also beyond CPython's int/str digit limit."""
    if n < 0:
        return "-" + _int_str(-n)
    if n < _CHUNK:
        return str(n)
    high, low = divmod(n, _CHUNK)
    return _int_str(high) + str(low).zfill(1000)


def _show(node: Real, need: int, unsigned: bool) -> str:
    """Text of ``node``, parenthesised if it binds looser than ``need``, or if
    ``unsigned`` and it would start with '-' (so no '--' or '+ -' is printed)."""
    match node:
        case Rat(value=v):
            s = _int_str(v.numerator) + ("/" + _int_str(v.denominator)) * (v.denominator != 1)
            level = _PRODUCT if v.denominator != 1 else _ATOM if v >= 0 else _UNARY
        case Const(name=c):
            s, level = c, _ATOM
        case Func(name=f, arg=a):
            s, level = f"{f}({_show(a, 0, False)})", _ATOM
        case Neg(arg=a):
            s, level = "-" + _show(a, _UNARY, True), _UNARY
        case BinOp(op=op, left=a, right=b):
            level = _SUM if op in "+-" else _PRODUCT
            s = f"{_show(a, level, False)} {op} {_show(b, level + 1, True)}"
        case Pow(base=a, exp=n):
            s, level = f"{_show(a, _ATOM, True)}^{n}", _POWER
    return f"({s})" if level < need or (unsigned and s.startswith("-")) else s


# --- rigorous evaluation ------------------------------------------------------

def _require(node: Real, prec: int, claim: str, certain: bool, refuted: bool = False) -> None:
    """Raise unless ``claim`` about ``node`` is ``certain``; the error is
    definite if it is ``refuted``, else an UndecidedError."""
    if refuted:
        raise ExactRealError(f"'{claim}' is provably false in {_clip(node.to_string())!r}")
    if not certain:
        raise UndecidedError(f"cannot certify '{claim}' at {prec} bits "
                             f"in {_clip(node.to_string())!r}")


def _arb(node: Real, prec: int) -> arb:
    if node._value is not None:  # exact; its domain was checked when it was built
        return arb(fmpq(node._value.numerator, node._value.denominator))
    match node:
        case Const(name=c):
            return arb.const_e() if c == "e" else arb.pi()
        case Neg(arg=a):
            return -_arb(a, prec)
        case Func(name=f, arg=a):
            x = _arb(a, prec)
            if f == "log" and a._value is None:  # rational arguments were checked exactly
                _require(node, prec, "log argument > 0", x > 0, x <= 0)
            if f == "sqrt" and a._value is None:
                _require(node, prec, "sqrt argument >= 0", x >= 0, x < 0)
            return {"exp": arb.exp, "log": arb.log, "sqrt": arb.sqrt}[f](x)
        case BinOp(op=op, left=a, right=b):
            x, y = _arb(a, prec), _arb(b, prec)
            if op == "/" and b._value is None:
                _require(node, prec, "divisor != 0", y > 0 or y < 0)
            return _ARITH[op](x, y)
        case Pow(base=a, exp=n):
            x = _arb(a, prec)
            if n < 0 and a._value is None:
                _require(node, prec, "base of a negative power != 0", x > 0 or x < 0)
            return x**n
    raise TypeError(f"not a Real node: {node!r}")


def _sym(node: Real) -> "sympy.Expr":
    import sympy  # imported on use: a certificate without smooth facts never loads sympy
    if node._value is not None:
        return sympy.Rational(node._value.numerator, node._value.denominator)
    match node:
        case Const(name=c):
            return sympy.E if c == "e" else sympy.pi
        case Neg(arg=a):
            return -_sym(a)
        case Func(name=f, arg=a):
            return {"exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt}[f](_sym(a))
        case BinOp(op=op, left=a, right=b):
            return _ARITH[op](_sym(a), _sym(b))
        case Pow(base=a, exp=n):
            return sympy.Pow(_sym(a), sympy.Integer(n))
    raise TypeError(f"not a Real node: {node!r}")


def _refine(x: Real, max_prec: int, done) -> arb:
    """First ball of ``x`` at 128, 256, ... (at most ``max_prec``) bits with ``done(ball)``."""
    if type(max_prec) is not int or max_prec < 2:
        raise ExactRealError(f"max_prec must be an int >= 2, got {max_prec!r}")
    prec, reason = min(128, max_prec), "no ball excluded 0"
    while True:
        try:
            ball = x.to_arb(prec)
            if done(ball):
                return ball
        except UndecidedError as exc:
            reason = str(exc)
        if prec >= max_prec:
            raise UndecidedError(f"undecided up to {max_prec} bits for "
                                 f"{_clip(x.to_string())!r}: {reason}")
        prec = min(2 * prec, max_prec)


def decide_sign(x: Real, max_prec: int = 4096) -> int:
    """Rigorous sign (-1, 0 or +1) of ``x``: exact if ``x.is_rational()``, else
    from arb balls at 128, 256, ... up to ``max_prec`` bits. Raises
    UndecidedError when no ball excludes 0; this happens for values that are
    exactly 0 without being recognisably rational, e.g. ``exp(log(2)) - 2``."""
    if not isinstance(x, Real):
        raise TypeError("decide_sign needs a Real")
    if x._value is not None:
        return (x._value > 0) - (x._value < 0)
    return 1 if _refine(x, max_prec, lambda b: b > 0 or b < 0) > 0 else -1


def compare(a: Real | Fraction | int, b: Real | Fraction | int, max_prec: int = 4096) -> int:
    """Rigorous sign of ``a - b``; see :func:`decide_sign`."""
    x, y = _coerce(a), _coerce(b)
    if x is None or y is None:
        raise TypeError("compare needs Real, int or Fraction operands")
    return decide_sign(x - y, max_prec)
