"""Binary floating-point numbers read as the exact dyadic rationals they are (untrusted reader).

Every finite binary64, binary32, binary16 and bfloat16 value is a dyadic rational m 2^e; this
module decodes the raw little- or big-endian bytes into that rational (python-flint ``fmpq``),
exactly. binary32 and binary16 are widened to binary64 first (``struct`` formats ``f`` and ``e``;
widening is exact), bfloat16 is the upper half of a binary32 and is decoded from its bits. NaN and
infinities have no rational value: they raise :class:`NonFinite` naming the flat index.
Integers (signed and unsigned, 1 to 8 bytes) are read as themselves.
"""
from __future__ import annotations

import math
import struct

from flint import fmpq

# dtype code -> (bytes per value, kind); the codes are safetensors' names
DTYPES = {"F64": (8, "f"), "F32": (4, "f"), "F16": (2, "f"), "BF16": (2, "bf"),
          "I8": (1, "i"), "I16": (2, "i"), "I32": (4, "i"), "I64": (8, "i"),
          "U8": (1, "u"), "U16": (2, "u"), "U32": (4, "u"), "U64": (8, "u")}
_STRUCT = {("f", 8): "d", ("f", 4): "f", ("f", 2): "e", ("bf", 2): "H",
           ("i", 1): "b", ("i", 2): "h", ("i", 4): "i", ("i", 8): "q",
           ("u", 1): "B", ("u", 2): "H", ("u", 4): "I", ("u", 8): "Q"}


class NonFinite(ValueError):
    """A NaN or an infinity at flat index ``index``."""

    def __init__(self, index: int, value: float):
        self.index, self.value = index, value
        super().__init__(f"{value} at flat index {index}")


def exact(x: float) -> fmpq:
    """The exact rational value of a finite Python float (binary64)."""
    p, q = x.as_integer_ratio()
    return fmpq(p, q)


def decode(buf: bytes, dtype: str, count: int, little: bool = True) -> list:
    """``count`` values of ``dtype`` (a key of DTYPES) from ``buf`` as exact fmpq (floats) or
    Python ints (integers); raises NonFinite on NaN/Inf, ValueError on a short buffer."""
    size, kind = DTYPES[dtype]
    if len(buf) != size * count:
        raise ValueError(f"expected {size * count} bytes for {count} values of {dtype}, found {len(buf)}")
    fmt = ("<" if little else ">") + str(count) + _STRUCT[(kind, size)]
    raw = struct.unpack(fmt, buf)
    if kind in ("i", "u"):
        return [fmpq(v) for v in raw]
    if kind == "bf":  # bfloat16: the high 16 bits of a binary32
        raw = struct.unpack("<" + str(count) + "f", struct.pack("<" + str(count) + "I", *(v << 16 for v in raw)))
    out = []
    for n, v in enumerate(raw):
        if not math.isfinite(v):
            raise NonFinite(n, v)
        out.append(exact(v))
    return out


def exact_float(x: float, where: str) -> fmpq:
    """A float attribute (e.g. an ONNX alpha) as its exact dyadic; ValueError naming ``where`` if
    it is not finite."""
    if not math.isfinite(x):
        raise ValueError(f"{where}: {x} is not a finite number")
    return exact(x)
