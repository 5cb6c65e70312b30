"""Reading a large CSV data set straight into packed integer matrices (certificate version 3).

A CSV file whose header is comma-separated and whose cells are all plain integers or fractions
(``-3``, ``3/4``: digits, ``-`` and ``/`` only, no spaces) is read here in blocks of lines,
without a Python string per cell surviving the block: each block's cells become integer
numerators over the block's common denominator, the blocks are brought to one common
denominator, and each matrix (inputs, targets) is reduced to its least common denominator and
written in the packed form of :mod:`symcert.exact.packed` (one text of integers per row). The
checker's own reader (``read_matrix``) then reads that text, once: the certificate carries it,
and the check of ``certify`` reuses the reading.

Anything else (another delimiter, columns in another order, decimals, spaces, a ragged row, an
empty cell, ``3/-4``) returns None, and :func:`symcert.inputs.data.read_csv` reads the file cell
by cell with the strict parser, which names a bad cell; its values are packed afterwards.
"""
from __future__ import annotations

import math
import operator
import re
from itertools import repeat

from symcert.exact.packed import pack
from symcert.exact.rationals import FAST_MAX_CHARS, FAST_MAX_DENOMINATOR_BITS

LINES = 4096  # lines parsed at a time
_BAD = re.compile(r"[^0-9,/\-\n]")


def read(text: str, width: int, dx: int) -> tuple[dict, dict] | None:
    """(inputs, targets) packed from the data ``text`` (the lines after the header; ``width``
    cells per line, the first ``dx`` of them inputs), or None when a line or cell is not plain."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _BAD.search(text):
        return None
    lines = [ln for ln in text.split("\n") if ln]
    if not lines or set(map(str.count, lines, repeat(","))) != {width - 1}:
        return None
    blocks, L = [], 1
    while lines:
        part, lines[:LINES] = lines[:LINES], []
        got = _block(part)
        if got is None:
            return None
        blocks.append(got)
        L = math.lcm(L, got[1])
        if L.bit_length() > FAST_MAX_DENOMINATOR_BITS:
            return None
    flat = []
    blocks.reverse()
    while blocks:  # each block brought to L and moved into one list, so that the two are never whole at once
        ints, d = blocks.pop()
        flat += ints if d == L else [v * (L // d) for v in ints]
        del ints
    m, dy = len(flat) // width, width - dx
    ycols = [flat[dx + k::width] for k in range(dy)]
    for k in reversed(range(dy)):  # delete target column dx + k while the rows are dx + k + 1 wide
        del flat[dx + k::dx + k + 1]
    ys = ycols[0] if dy == 1 else [v for row in zip(*ycols) for v in row]
    inputs = _packed(flat, m, dx, L)
    del flat
    targets = _packed(ys, m, dy, L)
    return None if inputs is None or targets is None else (inputs, targets)


def _block(lines: list) -> tuple[list, int] | None:
    """(numerators over d, d) of the cells of ``lines``, row-major, or None."""
    tokens = ",".join(lines).split(",")
    if max(map(len, tokens)) > FAST_MAX_CHARS:
        return None
    try:
        if not any("/" in t for t in tokens):
            return list(map(int, tokens)), 1
        # every cell as "p/q" ("p" becomes "p/1"); with exactly one slash in each (counted), the
        # pieces alternate numerator, denominator
        pieces = ",".join([t if "/" in t else t + "/1" for t in tokens]).replace("/", ",").split(",")
        if len(pieces) != 2 * len(tokens):
            return None
        nums, dens = list(map(int, pieces[0::2])), pieces[1::2]
        value = {q: int(q) for q in set(dens)}  # denominators repeat: each distinct text is read once
    except ValueError:  # an empty cell, a sign in the wrong place
        return None
    if min(value.values()) <= 0:  # "3/0", "3/-4": the strict parser gives the message
        return None
    d = math.lcm(*value.values())
    scale = {q: d // v for q, v in value.items()}
    return list(map(operator.mul, nums, map(scale.__getitem__, dens))), d


def _packed(ints: list, rows: int, cols: int, L: int) -> dict | None:
    """The packed text of ints / L, reduced to the least common denominator (None: too long, pack)."""
    g = L
    for k in range(0, len(ints), 1 << 16):
        if g == 1:
            break
        g = math.gcd(g, *ints[k:k + (1 << 16)])
    if g > 1:  # in place, a slice at a time: no second list of every number
        for k in range(0, len(ints), 1 << 16):
            ints[k:k + (1 << 16)] = [v // g for v in ints[k:k + (1 << 16)]]
    return pack(ints, rows, cols, L // g)
