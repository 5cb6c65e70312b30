"""Bounded reading of JSON text (trusted): size, nesting depth and integer literals are checked
before ``json`` builds anything, so a hostile file can neither exhaust the recursion of the
decoder nor hit Python's 4,300-digit int/str limit.

``loads_bounded(text)`` and ``load_file(path)`` raise :class:`JSONLimitError` (a ValueError with
a one-line message naming the bound and where it is exceeded) or ``json.JSONDecodeError``.
"""
from __future__ import annotations

import json
import re

from symcert.exact.limits import MAX_FILE_BYTES, MAX_JSON_DEPTH, MAX_JSON_INT_DIGITS

# A JSON string (with escapes), in the unrolled form that the regex engine scans in C; strings are
# removed before brackets are counted, so brackets inside them do not count. Text that is not
# valid JSON is left to the decoder, which reports it.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


class JSONLimitError(ValueError):
    """The JSON text exceeds a bound of symcert.exact.limits."""


def nesting_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """Largest nesting of arrays and objects outside strings; stops (raising) past ``limit``."""
    depth = worst = 0
    for m in _BRACKET.finditer(_STRING.sub("", text)):
        if m.group() in "[{":
            depth += 1
            if depth > limit:
                raise JSONLimitError(f"JSON nested deeper than {limit} levels")
            worst = max(worst, depth)
        else:
            depth -= 1
    return worst


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise JSONLimitError(f"a JSON integer literal of {len(text.lstrip('-'))} digits (at most {MAX_JSON_INT_DIGITS}; "
                             "write longer numbers as strings such as \"123...\")")
    return int(text)


def loads_bounded(text: str, **options):
    """``json.loads(text, **options)`` after checking length and nesting; integer literals are
    bounded unless ``options`` gives its own ``parse_int``."""
    if len(text) > MAX_FILE_BYTES:
        raise JSONLimitError(f"JSON text longer than {MAX_FILE_BYTES} characters")
    nesting_depth(text)
    options.setdefault("parse_int", _int)
    try:
        return json.loads(text, **options)
    except RecursionError:  # unreachable after nesting_depth; kept so that it can never escape
        raise JSONLimitError(f"JSON nested too deeply for the decoder (limit {MAX_JSON_DEPTH})") from None


def load_file(path: str, **options):
    """Read and decode a JSON file within the bounds (OSError and UnicodeDecodeError propagate)."""
    with open(path, "rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise JSONLimitError(f"file larger than {MAX_FILE_BYTES} bytes")
    return loads_bounded(raw.decode("utf-8"), **options)
