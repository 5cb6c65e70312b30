"""Reading numpy ``.npy`` arrays and ``.npz`` archives without numpy (untrusted reader).

The ``.npy`` format: the magic ``\\x93NUMPY``, a version byte pair, a header length (2 bytes for
version 1, 4 bytes for versions 2 and 3), a header that is a Python dict literal
``{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }``, then the raw values. The header
is matched by a strict regular expression (never evaluated). Accepted dtypes: little- or
big-endian f8, f4, f2 and signed/unsigned integers; object arrays (pickles) are refused. A
``.npz`` file is a zip archive of ``NAME.npy`` members (stored or deflated). Sizes are bounded
before anything is read.
"""
from __future__ import annotations

import re
import zipfile

from symcert.importers import floats

MAX_BYTES = 1 << 30  # one array, uncompressed
MAX_MEMBERS = 4096
_HEADER = re.compile(r"\{\s*'descr'\s*:\s*'([<>|=])([fiu])([1248])'\s*,\s*'fortran_order'\s*:\s*(True|False)\s*,"
                     r"\s*'shape'\s*:\s*\(([0-9,\s]*)\)\s*,?\s*\}\s*\Z")


class ArrayError(ValueError):
    """A malformed array; ``field`` names where (member name), ``reason`` what."""

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


def parse_npy(data: bytes, name: str):
    """(shape tuple, flat row-major list of exact values) of one ``.npy`` byte string."""
    if len(data) < 10 or data[:6] != b"\x93NUMPY":
        raise ArrayError(name, "not a .npy array (bad magic bytes)")
    major = data[6]
    if major == 1:
        hlen, start = int.from_bytes(data[8:10], "little"), 10
    elif major in (2, 3):
        hlen, start = int.from_bytes(data[8:12], "little"), 12
    else:
        raise ArrayError(name, f"unsupported .npy version {major}")
    header = data[start:start + hlen].decode("latin-1", "replace").strip()
    m = _HEADER.match(header)
    if not m:
        raise ArrayError(name, f"unsupported .npy header {header[:80]!r} (numeric dtypes f8/f4/f2/i/u only; no object arrays)")
    order, kind, size, fortran, dims = m.groups()
    shape = tuple(int(d) for d in dims.replace(" ", "").split(",") if d)
    count = 1
    for d in shape:
        count *= d
    if count * int(size) > MAX_BYTES:
        raise ArrayError(name, f"array too large ({count} values; at most {MAX_BYTES} bytes)")
    dtype = {"f": "F", "i": "I", "u": "U"}[kind] + str(8 * int(size))
    if dtype not in floats.DTYPES:
        raise ArrayError(name, f"unsupported dtype {kind}{size}")
    body = data[start + hlen:]
    try:
        vals = floats.decode(body, dtype, count, little=order != ">")
    except floats.NonFinite as exc:
        raise ArrayError(f"{name}[{_index(exc.index, shape, fortran == 'True')}]", f"{exc.value} is not a finite number") from None
    except ValueError as exc:
        raise ArrayError(name, str(exc)) from None
    if fortran == "True" and len(shape) > 1:
        vals = _from_fortran(vals, shape)
    return shape, vals


def _index(flat: int, shape: tuple, fortran: bool) -> str:
    """The multi-index of a flat position, as text ``i, j``."""
    idx = []
    dims = list(reversed(shape)) if not fortran else list(shape)
    for d in dims:
        idx.append(flat % d if d else 0)
        flat //= d if d else 1
    if not fortran:
        idx.reverse()
    return ", ".join(str(i) for i in idx)


def _from_fortran(vals: list, shape: tuple) -> list:
    if len(shape) != 2:
        raise ArrayError("array", "Fortran-ordered arrays of more than 2 dimensions are not supported")
    r, c = shape
    return [vals[j * r + i] for i in range(r) for j in range(c)]


def read_npz(path: str) -> dict:
    """{name: (shape, flat values)} of every array in an ``.npz`` archive."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArrayError("archive", f"not a .npz (zip) archive: {exc}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ArrayError("archive", f"{len(infos)} members (at most {MAX_MEMBERS})")
        out = {}
        for info in infos:
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            if info.file_size > MAX_BYTES + 4096:
                raise ArrayError(name, f"member too large ({info.file_size} bytes)")
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise ArrayError(name, f"cannot read: {exc}") from None
            out[name] = parse_npy(data, name)
        return out
