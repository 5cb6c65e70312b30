"""Numbers and matrices for people: decimals beside exact fractions, huge numbers shortened.

Certificates keep every value exact; this module only shapes what is printed. A rational whose
text is longer than ``MAX_DIGITS`` characters is shown as ``~d.ddddde+N`` (the decimal rounded to
``SIGNIFICANT`` digits), never as hundreds of digits.
"""
from __future__ import annotations

import re

from flint import fmpq, fmpz

MAX_DIGITS = 40
SIGNIFICANT = 6
_NUMBER = re.compile(r"(?<![\w./])-?[0-9]+(?:/[0-9]+)?(?![\w.]|/[0-9])")


def _digits10(n: int) -> int:
    return len(str(fmpz(n))) if n else 1  # FLINT prints any length (Python's str stops at 4300 digits)


def scientific(q, significant: int = SIGNIFICANT) -> tuple[str, bool]:
    """(text, exact): q rounded to ``significant`` digits as d.ddd or d.ddde+N, and whether that
    text equals q exactly. Integer arithmetic only."""
    q = fmpq(q)
    if q == 0:
        return "0", True
    sign, p, d = ("-" if q < 0 else ""), abs(int(q.p)), int(q.q)
    e = _digits10(p) - _digits10(d)
    if p * 10 ** max(0, -e) < d * 10 ** max(0, e):
        e -= 1  # now 10^e <= p/d < 10^(e+1)
    shift = significant - 1 - e
    num, den = (p * 10 ** shift, d) if shift >= 0 else (p, d * 10 ** (-shift))
    mant, rem = divmod(num, den)
    if 2 * rem >= den:
        mant += 1
    if mant >= 10 ** significant:
        mant //= 10
        e += 1
        shift -= 1
    exact = rem == 0
    text = str(mant).rstrip("0") or "0"
    body = text[0] + "." + (text[1:] or "0")
    if -5 <= e < significant:
        body = _plain(mant, significant - 1 - e)
    else:
        body += f"e{e:+d}"
    return sign + body, exact


def _plain(mant: int, shift: int) -> str:
    """mant / 10^shift as plain decimal text, trailing zeros dropped."""
    if shift <= 0:
        return str(mant * 10 ** (-shift))
    s = str(mant).rjust(shift + 1, "0")
    whole, frac = s[:-shift], s[-shift:].rstrip("0")
    return whole + ("." + frac if frac else "")


def decimal(q, significant: int = SIGNIFICANT) -> str:
    """'0.385' when exact, '~0.333333' when rounded."""
    text, exact = scientific(q, significant)
    return text if exact else "~" + text


def number(q, max_digits: int = MAX_DIGITS) -> str:
    """Exact text when short; the rounded decimal when the exact text is longer than max_digits."""
    q = fmpq(q)
    text = str(q.p) if q.q == 1 else f"{q.p}/{q.q}"
    return text if len(text) <= max_digits else decimal(q)


def with_decimal(q, max_digits: int = MAX_DIGITS) -> str:
    """'77/200 (0.385)': the exact value with its decimal beside it (integers alone)."""
    q = fmpq(q)
    if q.q == 1 and len(str(q.p)) <= max_digits:
        return str(q.p)
    text = str(q.p) if q.q == 1 else f"{q.p}/{q.q}"
    return f"{text} ({decimal(q)})" if len(text) <= max_digits else decimal(q)


def shorten(text: str, max_digits: int = MAX_DIGITS) -> str:
    """Every integer or fraction in ``text`` longer than max_digits replaced by its rounded decimal."""
    def repl(m):
        s = m.group(0)
        if len(s) <= max_digits:
            return s
        p, _, d = s.partition("/")
        return decimal(fmpq(fmpz(p), fmpz(d)) if d else fmpq(fmpz(p)))
    return _NUMBER.sub(repl, text)


def param_order(names) -> list:
    """Parameter names in network order: W1 b1 W2 b2 ... (other names last, sorted)."""
    def key(name):
        m = re.fullmatch(r"([Wb])([0-9]+)", name)
        return (0, int(m.group(2)), m.group(1) != "W") if m else (1, 0, name)
    return sorted(names, key=key)


def cell(value, max_digits: int = MAX_DIGITS) -> str:
    """One entry of a certificate (exact text) with its decimal beside it; text that is not a
    rational (an exact-real expression) is shown as written, shortened."""
    from symcert.exact.rationals import RationalSyntaxError, parse_rational
    try:
        return with_decimal(parse_rational(value), max_digits)
    except RationalSyntaxError:
        text = str(value)
        return text if len(text) <= max_digits + 20 else text[:max_digits + 17] + "..."


def as_rows(value) -> list:
    """A JSON vector or matrix as a list of rows (a vector is a column: one entry per row)."""
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        return value
    if isinstance(value, list):
        return [[v] for v in value]
    return [[value]]


def matrix_lines(value, max_rows: int = 12, max_cols: int = 8) -> list:
    """A matrix (or a vector, as a column) as aligned rows of exact entries with decimals."""
    rows = as_rows(value)
    shown = [[cell(v) for v in r[:max_cols]] + (["..."] if len(r) > max_cols else []) for r in rows[:max_rows]]
    ncols = max((len(r) for r in shown), default=0)
    widths = [max((len(r[j]) for r in shown if j < len(r)), default=0) for j in range(ncols)]
    lines = ["[ " + "  ".join(c.rjust(widths[j]) for j, c in enumerate(r)) + " ]" for r in shown]
    if len(rows) > max_rows:
        lines.append(f"... ({len(rows)} rows)")
    return lines


def shape(value) -> str:
    rows = as_rows(value)
    return f"{len(rows)}x{len(rows[0]) if rows else 0}"


_PACKED_INT = re.compile(r"-?[0-9]+\Z")
_PACKED_DEN = re.compile(r"[1-9][0-9]*\Z")


def data_rows(data, limit: int) -> tuple[int, list]:
    """(m, rows): the number of samples of a certificate's ``problem.data`` and its first ``limit``
    samples as (inputs, targets) lists of texts. Rows of numbers are shown as written; packed rows
    (format version 3, :mod:`symcert.exact.packed`) as their rational values n / D (an entry that
    is not an integer, or a denominator that is not positive, is shown as the text "n / D")."""
    data = data if isinstance(data, dict) else {}
    ins, outs = _data_matrix(data.get("inputs"), limit), _data_matrix(data.get("targets"), limit)
    return ins[0], list(zip(ins[1], outs[1]))


def _data_matrix(value, limit: int) -> tuple[int, list]:
    if isinstance(value, list):
        return len(value), [r if isinstance(r, list) else [r] for r in value[:limit]]
    if not isinstance(value, dict) or not isinstance(value.get("rows"), list):
        return 0, []
    den, rows = value.get("denominator"), value["rows"]
    from symcert.exact.limits import MAX_PACKED_DIGITS
    ok = isinstance(den, str) and len(den) <= MAX_PACKED_DIGITS and _PACKED_DEN.match(den)
    out = []
    for row in rows[:limit]:  # the text "n / D" is clipped where it is shown (cell)
        tokens = row.split(",") if isinstance(row, str) else [row]
        out.append([str(fmpq(int(t), int(den))) if ok and isinstance(t, str) and len(t) <= MAX_PACKED_DIGITS and _PACKED_INT.match(t)
                    else f"{t} / {den}" for t in tokens])
    return len(rows), out
