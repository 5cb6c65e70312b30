"""Reading ``.safetensors`` files directly (untrusted reader; no torch, no dependency).

Layout: an 8-byte little-endian header length N, a JSON header of N bytes mapping each tensor
name to ``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets relative to the byte
after the header; an optional ``__metadata__`` entry of strings), then the raw little-endian
buffers. Accepted dtypes: F64, F32, F16, BF16 (decoded from its bits) and integers; every value
is read as its exact rational (symcert.importers.floats).
"""
from __future__ import annotations

import json
import os

from symcert.importers import floats
from symcert.importers.npy import MAX_BYTES, ArrayError

MAX_HEADER = 100 << 20


def read_safetensors(path: str) -> dict:
    """{name: (shape, flat row-major exact values)}."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
        if len(head) != 8:
            raise ArrayError("header", "file shorter than the 8-byte header length")
        n = int.from_bytes(head, "little")
        if n > MAX_HEADER or n + 8 > size:
            raise ArrayError("header", f"header length {n} exceeds the file ({size} bytes) or the limit")
        try:
            header = json.loads(fh.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ArrayError("header", f"not a JSON header: {exc}") from None
        if not isinstance(header, dict):
            raise ArrayError("header", "expected a JSON object")
        base = 8 + n
        out = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            shape, dtype, begin, end = _entry(name, info, size - base)
            fh.seek(base + begin)
            buf = fh.read(end - begin)
            count = 1
            for d in shape:
                count *= d
            try:
                vals = floats.decode(buf, dtype, count)
            except floats.NonFinite as exc:
                raise ArrayError(f"{name}[{_where(exc.index, shape)}]", f"{exc.value} is not a finite number") from None
            except ValueError as exc:
                raise ArrayError(name, str(exc)) from None
            out[name] = (shape, vals)
        return out


def _entry(name, info, body: int):
    if not isinstance(info, dict):
        raise ArrayError(name, "expected {dtype, shape, data_offsets}")
    dtype, shape, offs = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if dtype not in floats.DTYPES:
        raise ArrayError(f"{name}.dtype", f"unsupported dtype {dtype!r} (known: {', '.join(floats.DTYPES)})")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise ArrayError(f"{name}.shape", f"bad shape {shape!r}")
    if (not isinstance(offs, list) or len(offs) != 2 or not all(isinstance(o, int) and not isinstance(o, bool) for o in offs)
            or not 0 <= offs[0] <= offs[1] <= body or offs[1] - offs[0] > MAX_BYTES):
        raise ArrayError(f"{name}.data_offsets", f"bad offsets {offs!r} (data section has {body} bytes)")
    return tuple(shape), dtype, offs[0], offs[1]


def _where(flat: int, shape: tuple) -> str:
    idx = []
    for d in reversed(shape):
        idx.append(flat % d if d else 0)
        flat //= d if d else 1
    return ", ".join(str(i) for i in reversed(idx))
