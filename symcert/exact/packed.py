"""Packed matrices: a rational matrix as one common denominator and rows of integer numerators
(certificate format version 3; part of the trusted base, which reads them).

Syntax of a packed ``rows`` x ``cols`` matrix M::

    {"denominator": "D", "rows": ["n11,n12,...,n1c", ..., "nr1,...,nrc"]}

with M[i, j] = n_ij / D. Each n_ij is a canonical integer: ``0``, or an optional ``-`` followed
by a nonzero digit and more digits (no ``+``, no leading zero, no ``-0``), at most
MAX_PACKED_DIGITS characters; D is a canonical positive integer of at most as many characters;
each row holds exactly ``cols`` integers separated by single commas, nothing else (no spaces).
D must be the least common denominator: gcd(D, every n_ij) = 1. So every rational matrix has
exactly one packed text, and a changed digit changes the value.

Why the reading below accepts exactly this syntax. Python's ``int`` accepts a text exactly when
it is optional whitespace, an optional sign, digits with single underscores between them, and
optional whitespace, where digits and whitespace may be non-ASCII. The reading checks (1) that
the text is ASCII and holds none of ``+``, ``_`` and the ASCII whitespace ``int`` skips (space,
``\t \n \x0b \x0c \r \x1c-\x1f``), (2) that each row has ``cols - 1`` commas, so that splitting at
commas gives ``cols`` tokens per row, and (3) that no ``-0`` occurs and no token starts with ``0``
followed by a digit. A token that ``int`` then accepts is therefore ``-?[0-9]+``, and (3) makes it
canonical; a token it refuses (an empty one, ``1-2``, a letter) is an error naming the row. A
token of more than MAX_PACKED_DIGITS characters is refused before ``int`` sees it (no row is
longer than that, or no token is), so the 4,300-digit int/str limit never applies. The work is a
few passes of C code per block of rows.
"""
from __future__ import annotations

import math
import re
from itertools import repeat

from flint import fmpz_mat

from symcert.exact.limits import MAX_PACKED_DIGITS

KEYS = ("denominator", "rows")
PACKED_MAX_BITS = 13_000  # a writer packs integers of at most this many bits (3,914 digits < MAX_PACKED_DIGITS)
BLOCK = 2048  # rows joined and split at a time (bounds the temporary strings)
_BAD = re.compile(r"[^0-9,\-]")  # used only to name the bad character
_INT_EXTRAS = "+_ \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # ASCII characters int() accepts besides 0-9 and -
_LEADING_ZERO = re.compile(r",0[0-9]")  # searched in "," + text
_DEN = re.compile(r"[1-9][0-9]*\Z")


class PackedSyntaxError(ValueError):
    """The value is not a packed matrix of the stated shape (the message says what is wrong)."""


def is_packed(value) -> bool:
    """Whether ``value`` is written in the packed form (a JSON object) rather than as rows of numbers."""
    return isinstance(value, dict)


def parse(value, rows: int, cols: int) -> tuple[fmpz_mat, int, list]:
    """(N, D, R) for the packed ``rows`` x ``cols`` matrix ``value``: M = N / D with N an integer
    matrix, and R[i] = sum_j |N[i, j]|; raise PackedSyntaxError on anything else."""
    if not isinstance(value, dict) or sorted(value) != sorted(KEYS):
        raise PackedSyntaxError(f"expected an object with exactly the fields {', '.join(KEYS)}")
    den, body = value["denominator"], value["rows"]
    if not isinstance(den, str) or len(den) > MAX_PACKED_DIGITS or not _DEN.match(den):
        raise PackedSyntaxError(f"denominator: expected a positive integer as text, without sign or leading zero, "
                                f"of at most {MAX_PACKED_DIGITS} digits (MAX_PACKED_DIGITS)")
    if not isinstance(body, list) or len(body) != rows or not set(map(type, body)) <= {str}:
        raise PackedSyntaxError(f"rows: expected a list of {rows} texts of {cols} integers each")
    D, flat, gcd, sums = int(den), [], 0, []
    for k in range(0, rows, BLOCK):
        part = body[k:k + BLOCK]
        ints = _block(part, cols, k)
        if gcd != 1:
            gcd = math.gcd(gcd, D, *ints)
        sums += [sum(map(abs, ints[i:i + cols])) for i in range(0, len(ints), cols)]
        flat += ints
    if gcd != 1 and rows:
        raise PackedSyntaxError(f"denominator {den} is not the least common denominator (every numerator and it share the factor {gcd})")
    return fmpz_mat(rows, cols, flat), D, sums


def _block(part: list, cols: int, first: int) -> list:
    """The integers of the rows ``part`` (rows first, first + 1, ... of the matrix), row-major."""
    counts = set(map(str.count, part, repeat(",")))
    if counts != {cols - 1}:
        i = next(i for i, r in enumerate(part) if r.count(",") != cols - 1)
        raise PackedSyntaxError(f"rows[{first + i}]: expected {cols} integers separated by commas, got {part[i].count(',') + 1}")
    text = ",".join(part)
    if not text.isascii() or any(c in text for c in _INT_EXTRAS):
        _bad_character(text, cols, first)
    tokens = text.split(",")
    if max(map(len, part)) > MAX_PACKED_DIGITS and max(map(len, tokens)) > MAX_PACKED_DIGITS:
        t = next(i for i, s in enumerate(tokens) if len(s) > MAX_PACKED_DIGITS)
        raise PackedSyntaxError(f"rows[{first + t // cols}]: an integer longer than {MAX_PACKED_DIGITS} characters (MAX_PACKED_DIGITS)")
    if "-0" in text or _LEADING_ZERO.search("," + text):
        t = next((i for i, s in enumerate(tokens) if s.startswith(("-0", "0")) and s != "0"), None)
        if t is not None:  # else the "-0" is inside a token ("1-0"), which int() refuses below
            raise PackedSyntaxError(f"rows[{first + t // cols}]: integer {tokens[t][:40]!r} is not canonical (no leading zero, no -0)")
    try:
        return list(map(int, tokens))
    except ValueError:
        _bad_character(text, cols, first)
        t = next(i for i, s in enumerate(tokens) if not _integer(s))
        raise PackedSyntaxError(f"rows[{first + t // cols}]: {tokens[t][:40]!r} is not an integer") from None


def _bad_character(text: str, cols: int, first: int) -> None:
    """Raise naming the first character of ``text`` other than 0-9 , - (if there is one)."""
    bad = _BAD.search(text)
    if bad:
        raise PackedSyntaxError(f"rows[{first + text.count(',', 0, bad.start()) // cols}]: character {bad.group()!r} "
                                "(only digits, '-' and ',' occur)")


def _integer(s: str) -> bool:
    try:
        int(s)
        return True
    except ValueError:
        return False


def pack(N_entries, rows: int, cols: int, den: int) -> dict | None:
    """The packed text of the matrix with row-major integer numerators ``N_entries`` over ``den``
    (Python ints, a list or any iterable; the caller reduces them to the least common denominator),
    or None when den or a numerator has more than PACKED_MAX_BITS bits (the writer then keeps rows
    of numbers)."""
    e = N_entries if isinstance(N_entries, list) else list(N_entries)
    if max(den.bit_length(), max(e, default=0).bit_length(), min(e, default=0).bit_length()) > PACKED_MAX_BITS:
        return None
    return {"denominator": str(den), "rows": [",".join(map(str, e[i:i + cols])) for i in range(0, rows * cols, cols)]}
