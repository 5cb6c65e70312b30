"""Exact rational numbers: strict parsing and canonical printing.

Part of the trusted base (the checker uses it). Numbers are python-flint ``fmpq``.

Accepted text (surrounding whitespace is ignored):

* integers: ``-2``, ``17``
* fractions of integers: ``3/4``, ``-6/8`` (denominator nonzero; the value is reduced)
* decimals, read exactly: ``0.25`` is 1/4, ``-1.5e-3`` is -3/2000 (exponent at most 1000 in size)

At most ``MAX_DIGITS`` (100,000) characters. Digits are converted by FLINT, so Python's
4,300-digit int/str limit never applies (a Python ``int`` argument is taken as it is).

Nothing else: no floats from a binary representation, no ``inf``/``nan``, no expressions.
Certificates always write numbers as strings ``"p/q"`` or ``"p"``.
"""
from __future__ import annotations

import math
import re

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from symcert.exact.limits import MAX_DIGITS, MAX_EXPONENT

_INT = re.compile(r"[+-]?[0-9]+\Z")
_FRAC = re.compile(r"([+-]?[0-9]+)/([0-9]+)\Z")
_DEC = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?\Z")


class RationalSyntaxError(ValueError):
    """The text is not an exact rational in the accepted syntax."""


def parse_rational(text: object) -> fmpq:
    """Parse ``text`` (a str, or a Python int) into an exact ``fmpq``; raise on anything else."""
    if isinstance(text, bool):
        raise RationalSyntaxError("a boolean is not a number")
    if isinstance(text, int):
        return fmpq(text)
    if isinstance(text, float):
        raise RationalSyntaxError("a binary floating-point number is not exact; write it as text such as \"0.25\" or \"1/4\"")
    if not isinstance(text, str):
        raise RationalSyntaxError(f"expected a number written as text, got {type(text).__name__}")
    if len(text) > MAX_DIGITS + 1000:
        raise RationalSyntaxError(f"number longer than {MAX_DIGITS} characters ({len(text)})")
    s = text.strip()
    if not s or len(s) > MAX_DIGITS:
        raise RationalSyntaxError("empty number" if not s else f"number longer than {MAX_DIGITS} characters ({len(s)})")
    if _INT.match(s):
        return fmpq(digits_to_fmpz(s))
    m = _FRAC.match(s)
    if m:
        den = digits_to_fmpz(m.group(2))
        if den == 0:
            raise RationalSyntaxError("zero denominator")
        return fmpq(digits_to_fmpz(m.group(1)), den)
    m = _DEC.match(s)
    if m:
        return _decimal(m)
    raise RationalSyntaxError("not an exact rational (accepted: 3, -2, 3/4, 0.25, 1.5e-3)")


_PLAIN = frozenset("0123456789+-/")
FAST_MAX_CHARS = 4000  # longest token of the fast path (below Python's 4,300-digit int/str limit)
FAST_MAX_DENOMINATOR_BITS = 4096  # beyond this common denominator, entries are made one by one
_CHUNK = 1 << 16  # texts split at a time


def parse_plain_matrix(values: list, rows: int, cols: int) -> fmpq_mat | None:
    """:func:`parse_plain_scaled` without the row sums."""
    read = parse_plain_scaled(values, rows, cols)
    return None if read is None else read[0]


def parse_plain_scaled(values: list, rows: int, cols: int) -> tuple[fmpq_mat, tuple | None] | None:
    """(M, A) with M as described below and A = (R, den): R[i] = den * sum_j |M[i, j]| (Python
    ints, from the integer entries of M over den before FLINT reduces them), or A = None when den
    exceeds FAST_MAX_DENOMINATOR_BITS; None when not every text is plain.

    The ``rows`` x ``cols`` matrix of the row-major texts ``values`` when every one is a plain
    integer or fraction (``-3``, ``+7``, ``3/4``: the first two forms of :func:`parse_rational`,
    no whitespace, at most FAST_MAX_CHARS characters); else None, and the caller parses each
    entry with :func:`parse_rational` (which names the bad one).

    The same values as :func:`parse_rational`, read in one pass: only the characters
    ``0-9 + - /`` occur (checked on all texts at once), so ``int`` accepts exactly
    ``[+-]?[0-9]+`` on each side of the slash, and a denominator must be positive. The entries
    are numerators over one common denominator, reduced by FLINT when the matrix is divided by it."""
    if len(values) != rows * cols or not set(map(type, values)) <= {str}:
        return None
    text = "".join(values)
    if not text.isascii() or not _PLAIN.issuperset(text) or max(map(len, values), default=0) > FAST_MAX_CHARS:
        return None
    try:
        if "/" not in text:
            ints = list(map(int, values))
            return fmpq_mat(fmpz_mat(rows, cols, ints)), (_row_abs(ints, rows, cols), 1)
        if "/+" in text or "/-" in text:
            return None  # "3/-4", "3/+4": the strict parser gives the message
        nums, dens = [], []
        for k in range(0, len(values), _CHUNK):  # in chunks, so that the pieces below stay small
            part = values[k:k + _CHUNK]
            # every text as "p/q" ("p" becomes "p/1"); with exactly one slash each (counted), the
            # pieces of the joined text alternate numerator, denominator
            pieces = ",".join([v if "/" in v else v + "/1" for v in part]).replace("/", ",").split(",")
            if len(pieces) != 2 * len(part):
                return None  # some text has two slashes
            nums += map(int, pieces[0::2])
            dens += map(int, pieces[1::2])
    except ValueError:  # a sign in the wrong place, an empty side
        return None
    if min(dens) <= 0:
        return None  # "3/0": the strict parser gives the message
    den = 1
    for q in set(dens):
        den = math.lcm(den, q)
    if den.bit_length() > FAST_MAX_DENOMINATOR_BITS:
        return fmpq_mat(rows, cols, [fmpq(p, q) for p, q in zip(nums, dens)]), None
    scale = {q: den // q for q in set(dens)}
    ints = [p * scale[q] for p, q in zip(nums, dens)]  # M[i, j] = ints[i cols + j] / den
    return fmpq_mat(fmpz_mat(rows, cols, ints)) / den, (_row_abs(ints, rows, cols), den)


def _row_abs(ints: list, rows: int, cols: int) -> list:
    """The sums of |.| of each row of the row-major ``rows`` x ``cols`` list ``ints``."""
    return [sum(map(abs, ints[k * cols:(k + 1) * cols])) for k in range(rows)]


def digits_to_fmpz(s: str) -> fmpz:
    """Exact integer of an optionally signed string of ASCII digits (no size limit of its own:
    callers bound the length), converted by FLINT rather than by Python's ``int``."""
    neg = s[:1] == "-"
    body = s[1:] if s[:1] in "+-" else s
    if not body or not body.isascii() or not body.isdigit():
        raise RationalSyntaxError("expected ASCII digits")
    n = fmpz(body)
    return -n if neg else n


def _decimal(m: re.Match) -> fmpq:
    sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
    e = int(exp) if exp is not None else 0
    if abs(e) > MAX_EXPONENT:
        raise RationalSyntaxError(f"decimal exponent {e} is out of range (at most {MAX_EXPONENT} in size)")
    value = fmpq(digits_to_fmpz(whole + frac), fmpz(10) ** len(frac))
    value = value * fmpq(10) ** e if e >= 0 else value / fmpq(10) ** (-e)
    return -value if sign == "-" else value


def format_rational(q) -> str:
    """Canonical text of an exact rational: ``"p/q"`` in lowest terms, or ``"p"``."""
    q = fmpq(q)
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def as_fmpq(value) -> fmpq:
    """Convert an int/fmpz/fmpq/Fraction exactly (never a float)."""
    if isinstance(value, fmpq):
        return value
    if isinstance(value, (int, fmpz)) and not isinstance(value, bool):
        return fmpq(value)
    if hasattr(value, "numerator") and hasattr(value, "denominator") and not isinstance(value, float):
        return fmpq(int(value.numerator), int(value.denominator))
    raise TypeError(f"not an exact rational: {value!r} ({type(value).__name__})")
