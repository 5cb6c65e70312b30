"""Datasets: exact rational inputs and targets read from CSV or JSON.

CSV: a header ``x1,...,xd,y`` (or ``y1,...,yk`` for several outputs) and one row per sample.
JSON: ``{"inputs": [[x11, ..., x1d], ...], "targets": [y1, ...]}`` (a target may be a list for
several outputs); numbers are strings (``"3/4"``), integers, or decimal literals, which are
read exactly from their text (``0.25`` is 1/4).

Every entry is parsed exactly; a bad entry is an :class:`~symcert.errors.InputError` naming the
file, the row and the column.
"""
from __future__ import annotations

import csv
import decimal
import json
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from flint import fmpq, fmpz

from symcert.errors import InputError
from symcert.exact.jsontext import JSONLimitError, load_file
from symcert.exact.rationals import RationalSyntaxError, format_rational, parse_plain_matrix, parse_rational


@dataclass(frozen=True)
class Dataset:
    inputs: tuple  # m rows of dx fmpq
    targets: tuple  # m rows of dy fmpq
    text: tuple | None = field(default=None, compare=False, repr=False)  # (inputs, targets) as format_rational writes them
    reads: tuple = field(default=(), compare=False, repr=False)  # the checker's reading of text or packed (checker.api.read_matrix)
    packed: tuple | None = field(default=None, compare=False, repr=False)  # (inputs, targets) packed (exact/packed.py), if read so

    @property
    def m(self) -> int:
        return len(self.inputs)

    @property
    def dx(self) -> int:
        return len(self.inputs[0])

    @property
    def dy(self) -> int:
        return len(self.targets[0])

    @classmethod
    def from_rows(cls, inputs, targets, source: str = "<data>") -> "Dataset":
        """See :func:`from_rows`."""
        return from_rows(inputs, targets, source)

    @classmethod
    def from_arrays(cls, X, Y) -> "Dataset":
        """A dataset from inputs X (m rows of d numbers, or m numbers when d = 1) and targets Y (m
        numbers, or m rows): lists, tuples or numpy arrays. Floats are read as their exact binary
        values. Wrong types raise TypeError, bad values ValueError, each quoting the value."""
        for name, v in (("X", X), ("Y", Y)):
            if isinstance(v, (str, bytes, dict, set)) or not (isinstance(v, (list, tuple)) or hasattr(v, "tolist")):
                raise TypeError(f"Dataset.from_arrays: {name} must be a list, tuple or numpy array, not {type(v).__name__}: {_quote(v)}")
        try:
            return from_rows(X, Y, "Dataset.from_arrays")
        except InputError as exc:
            raise ValueError(str(exc)) from None

    def packed_json(self) -> dict | None:
        """The data in the packed form of certificate version 3 (:mod:`symcert.exact.packed`):
        each matrix as its least common denominator and rows of integer numerators; None when a
        numerator or denominator is too long for it (PACKED_MAX_BITS)."""
        if self.packed is not None:
            return {"inputs": self.packed[0], "targets": self.packed[1]}
        from flint import fmpq_mat
        from symcert.exact.packed import pack
        out = {}
        for name, rows in (("inputs", self.inputs), ("targets", self.targets)):
            n = len(rows[0])
            N, d = fmpq_mat(len(rows), n, [v for row in rows for v in row]).numer_denom()
            out[name] = pack(list(map(int, N.entries())), len(rows), n, int(d))
            if out[name] is None:
                return None
        return out

    def to_json(self) -> dict:
        if self.text is not None:  # the file's own cells, already canonical (see _canonical)
            return {"inputs": [list(r) for r in self.text[0]], "targets": [list(r) for r in self.text[1]]}
        return {
            "inputs": [[format_rational(v) for v in row] for row in self.inputs],
            "targets": [[format_rational(v) for v in row] for row in self.targets],
        }


class MatrixRows(Sequence):
    """The rows of a matrix given by its transpose T (an fmpq_mat with one column per row: the
    orientation a problem holds its data in) as tuples of fmpq, made when asked for: a large data
    set read from a CSV file is then held once, as the matrix, not as millions of fmpq objects.
    Equal to the tuple of its rows (and hashed like it)."""

    __slots__ = ("_T",)

    def __init__(self, T):
        self._T = T

    def __len__(self) -> int:
        return self._T.ncols()

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(len(self))))
        i = i + len(self) if i < 0 else i
        if not 0 <= i < len(self):
            raise IndexError(i)
        return tuple(self._T[j, i] for j in range(self._T.nrows()))

    def __iter__(self):
        e, n = self._T.entries(), self._T.ncols()
        return (tuple(e[i::n]) for i in range(n))

    def __eq__(self, other) -> bool:
        return isinstance(other, (tuple, MatrixRows)) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))


def _quote(v) -> str:
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."


def _entry(text, source, row, column) -> fmpq:
    try:
        return parse_rational(text)
    except RationalSyntaxError as exc:
        raise InputError(source, f"row {row}, column {column}", text, str(exc)) from None


def exact_value(v, source: str = "<data>", where: str = "value") -> fmpq:
    """An exact rational from a number a user gives: int, fmpq/fmpz, Fraction, Decimal, numpy
    scalar, text in the rational syntax, or a binary float read as its exact binary value
    (0.1 is 3602879701896397/36028797018963968). NaN, infinities and booleans are refused."""
    if isinstance(v, bool) or v is None:
        raise InputError(source, where, v, "not a number")
    if isinstance(v, str):
        return _parse(v, source, where)
    if isinstance(v, (int, fmpq, fmpz)):
        return fmpq(v)
    if isinstance(v, float) or (hasattr(v, "dtype") and hasattr(v, "item")):
        v = v.item() if not isinstance(v, float) else v
        if isinstance(v, bool):
            raise InputError(source, where, v, "not a number")
        if isinstance(v, int):
            return fmpq(v)
        if not isinstance(v, float) or v != v or v in (float("inf"), float("-inf")):
            raise InputError(source, where, v, "not a finite number")
        p, q = v.as_integer_ratio()
        return fmpq(p, q)
    if isinstance(v, decimal.Decimal):
        if not v.is_finite():
            raise InputError(source, where, str(v), "not a finite number")
        p, q = v.as_integer_ratio()
        return fmpq(p, q)
    if isinstance(v, numbers.Rational):
        return fmpq(int(v.numerator), int(v.denominator))
    raise InputError(source, where, type(v).__name__, "not a number (expected int, fraction, float or text such as \"3/4\")")


def _parse(text: str, source: str, where: str) -> fmpq:
    try:
        return parse_rational(text)
    except RationalSyntaxError as exc:
        raise InputError(source, where, text, str(exc)) from None


def _row(v) -> list:
    """A sample's inputs or targets: a list/tuple (or array row), or one scalar."""
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        v = v.tolist()
    return list(v) if isinstance(v, (list, tuple)) else [v]


def from_rows(inputs, targets, source: str = "<data>") -> Dataset:
    """A dataset from rows of inputs and targets; a target (or an input) may be a scalar instead of
    a one-element row. Values are read by :func:`exact_value`."""
    inputs, targets = _row(inputs) if inputs is not None else [], _row(targets) if targets is not None else []
    if not inputs:
        raise InputError(source, "inputs", None, "no samples")
    if len(inputs) != len(targets):
        raise InputError(source, "targets", len(targets), f"expected {len(inputs)} targets, one per input row")
    rows_x, rows_y = [_row(x) for x in inputs], [_row(y) for y in targets]
    dx, dy = len(rows_x[0]), len(rows_y[0])
    if dx == 0 or dy == 0:
        raise InputError(source, "inputs", None, "need at least one input and one target column")
    xs, ys = [], []
    for i, (x, y) in enumerate(zip(rows_x, rows_y), start=1):
        if len(x) != dx or len(y) != dy:
            raise InputError(source, f"row {i}", len(x) + len(y), f"expected {dx} inputs and {dy} targets")
        xs.append(tuple(exact_value(v, source, f"row {i}, column x{k}") for k, v in enumerate(x, start=1)))
        ys.append(tuple(exact_value(v, source, f"row {i}, column y{k}") for k, v in enumerate(y, start=1)))
    return Dataset(tuple(xs), tuple(ys))


_X = re.compile(r"x([0-9]+)\Z")
_Y = re.compile(r"y([0-9]*)\Z")
DELIMITERS = (",", ";", "\t")


def _sniff(first_line: str) -> str:
    """The delimiter of a CSV file: the one of , ; TAB that occurs most often in its header line
    (a comma when none occurs: one column)."""
    counts = [(first_line.count(d), -k, d) for k, d in enumerate(DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ","


def _names(spec, option: str, path: str) -> list:
    if spec is None:
        return []
    names = [n.strip() for n in (spec.split(",") if isinstance(spec, str) else spec)]
    if not names or not all(names):
        raise InputError(path, option, spec, "expected column names separated by commas")
    return names


def _pick(header: list, names: list, option: str, path: str) -> list:
    lower = [h.lower() for h in header]
    out = []
    for n in names:
        if n.lower() not in lower:
            raise InputError(path, option, n, f"no such column (columns: {', '.join(header)})")
        k = lower.index(n.lower())
        if k in out:
            raise InputError(path, option, n, "column named twice")
        out.append(k)
    return out


def _default_columns(header: list, path: str) -> tuple[list, list]:
    """Without --x-columns/--y-column: the columns x1..xd (any order in the file) and y (or y1..yk)."""
    xs, ys = {}, {}
    for k, h in enumerate(header):
        mx, my = _X.match(h.lower()), _Y.match(h.lower())
        if mx:
            xs[int(mx.group(1))] = k
        elif my:
            ys[int(my.group(1) or 1)] = k
        else:
            raise InputError(path, "header", ",".join(header), f"column {h!r} is neither xK nor y; expected x1,...,xd "
                             "and y (or y1,...,yk), or choose columns with --x-columns and --y-column")
    if not xs or not ys or sorted(xs) != list(range(1, len(xs) + 1)) or sorted(ys) != list(range(1, len(ys) + 1)):
        raise InputError(path, "header", ",".join(header), "expected x1,...,xd followed by y (or y1,...,yk)")
    return [xs[i] for i in sorted(xs)], [ys[i] for i in sorted(ys)]


def _columns(header: list, x_columns, y_column, path: str) -> tuple[list, list]:
    xn, yn = _names(x_columns, "--x-columns", path), _names(y_column, "--y-column", path)
    if not xn and not yn:
        return _default_columns(header, path)
    xi, yi = _pick(header, xn, "--x-columns", path), _pick(header, yn, "--y-column", path)
    rest = [k for k in range(len(header)) if k not in xi and k not in yi]
    xi, yi = xi or rest, yi or rest
    if set(xi) & set(yi):
        raise InputError(path, "--y-column", y_column, "a column cannot be both an input and a target")
    if not xi or not yi:
        raise InputError(path, "--x-columns" if not xi else "--y-column", None, "no column left for it")
    return xi, yi


def read_csv(path: str, x_columns=None, y_column=None, want_rows: bool = True) -> Dataset:
    """Read a CSV dataset: UTF-8 with or without a byte-order mark; delimiter , ; or TAB (detected
    from the header); columns x1..xd and y by default, or chosen by name. ``want_rows=False``: the
    data is read into packed matrices when its cells are plain (:mod:`symcert.inputs.packed_csv`),
    and inputs and targets are then MatrixRows (made on demand) instead of tuples."""
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8-sig")
        if not want_rows:
            fast = _read_packed(text, path, x_columns, y_column)
            if fast is not None:
                return fast
        lines = text.splitlines()
        delim = _sniff(next((ln for ln in lines if ln.strip()), ""))
        rows = list(csv.reader(lines, delimiter=delim))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, None, None, f"cannot read: {exc}") from None
    rows = [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not rows:
        raise InputError(path, "header", None, "empty file (expected a header x1,...,xd,y)")
    header = [h.strip() for h in rows[0][1]]
    xi, yi = _columns(header, x_columns, y_column, path)
    fast = _plain(rows[1:], len(header), xi, yi, want_rows)
    if fast is not None:
        return fast
    inputs, targets = [], []
    for r, row in rows[1:]:
        if len(row) != len(header):
            raise InputError(path, f"row {r}", delim.join(row), f"expected {len(header)} columns separated by {delim!r}")
        inputs.append([_entry(row[k].strip(), path, r, header[k]) for k in xi])
        targets.append([_entry(row[k].strip(), path, r, header[k]) for k in yi])
    return from_rows(inputs, targets, path)


def _read_packed(text: str, path: str, x_columns, y_column) -> Dataset | None:
    """The dataset of a comma-separated file with plain cells in the order x1..xd, y1..yk, read
    by :func:`symcert.inputs.packed_csv.read` and then by the checker's reader; else None."""
    from symcert.checker.api import FormatError, read_matrix
    from symcert.inputs import packed_csv
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    first = text[start:] if end < 0 else text[start:end]
    if _sniff(first) != "," or '"' in first:
        return None
    header = [h.strip() for h in first.rstrip("\r").split(",")]
    xi, yi = _columns(header, x_columns, y_column, path)
    if xi + yi != list(range(len(header))) or end < 0:
        return None
    got = packed_csv.read(text[end + 1:], len(header), len(xi))
    if got is None:
        return None
    m = len(got[0]["rows"])
    try:
        reads = (read_matrix(got[0], m, len(xi), "inputs"), read_matrix(got[1], m, len(yi), "targets"))
    except FormatError:  # e.g. more data than the checker reads: the general reader, then the check, say so
        return None
    return Dataset(MatrixRows(reads[0].T), MatrixRows(reads[1].T), None, reads, got)


def _plain(rows: list, width: int, xi: list, yi: list, want_rows: bool = True) -> Dataset | None:
    """The dataset of CSV rows whose chosen cells are all plain integers or fractions, read in one
    pass (:func:`~symcert.exact.rationals.parse_plain_matrix`: the values of the strict parser);
    None when some row or cell is not (the caller then reads cell by cell and names the bad one)."""
    if not rows or any(len(row) != width for _, row in rows):
        return None
    cols = xi + yi
    cells = [v for _, row in rows for v in row] if cols == list(range(width)) else [row[k] for _, row in rows for k in cols]
    n, w, dx = len(rows), len(cols), len(xi)
    read = _read_canonical(cells, n, w, dx, want_rows)
    if read is not None:
        return read
    M = parse_plain_matrix(cells, n, w)
    if M is None:
        cells = [v.strip() for v in cells]
        M = parse_plain_matrix(cells, n, w)
        if M is None:
            return None
    e = M.entries()
    text = None
    if _canonical(cells):
        text = ([cells[i:i + dx] for i in range(0, n * w, w)], [cells[i + dx:i + w] for i in range(0, n * w, w)])
    return Dataset(tuple(tuple(e[i:i + dx]) for i in range(0, n * w, w)), tuple(tuple(e[i + dx:i + w]) for i in range(0, n * w, w)), text)


def _read_canonical(cells: list, n: int, w: int, dx: int, want_rows: bool = True) -> Dataset | None:
    """When every cell is plain and canonical (:func:`_canonical`), the dataset read by the
    checker's own reader (read_matrix), which certify's check then reuses for the same texts
    instead of reading them again; else None."""
    from symcert.checker.api import FormatError, read_matrix
    text = "".join(cells)
    try:
        if not (text.isascii() and _PLAIN_CHARS.issuperset(text) and _canonical(cells)):
            return None
        xs, ys = [cells[i:i + dx] for i in range(0, n * w, w)], [cells[i + dx:i + w] for i in range(0, n * w, w)]
        reads = (read_matrix(xs, n, dx, "inputs"), read_matrix(ys, n, w - dx, "targets"))
    except (ValueError, FormatError):  # not plain after all (e.g. "1-2"): the caller reads cell by cell
        return None
    if not want_rows:
        return Dataset(MatrixRows(reads[0].T), MatrixRows(reads[1].T), (xs, ys), reads)
    return Dataset(tuple(MatrixRows(reads[0].T)), tuple(MatrixRows(reads[1].T)), (xs, ys), reads)


_PLAIN_CHARS = frozenset("0123456789-/")  # no "+": a canonical text has none


def _canonical(cells: list) -> bool:
    """Whether plain cells (read by parse_plain_matrix) are written as format_rational writes their
    values: no plus sign, no leading zero, no -0, and every fraction p/q in lowest terms with q > 1
    (substring tests on the joined text, then one gcd per fraction)."""
    text = "," + ",".join(cells) + ","
    digits = "," + text.replace("/", ",").replace("-", ",")  # every number starts after a comma
    if "+" in text or "-0," in text or "/1," in text or any(f",0{d}" in digits for d in "0123456789"):
        return False
    parts = "/".join([v for v in cells if "/" in v]).split("/")  # p, q, p, q, ...: one slash in each plain fraction
    return len(parts) < 2 or max(map(math.gcd, map(int, parts[0::2]), map(int, parts[1::2]))) == 1


def load_json(path: str, **options):
    """Read a JSON file given by a user (``options`` go to json.load, e.g. parse_float=str to keep
    decimal text exact); an unreadable or invalid file is a one-line InputError."""
    try:
        return load_file(path, **options)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, None, f"cannot read: {exc}") from None
    except JSONLimitError as exc:
        raise InputError(path, None, None, str(exc)) from None
    except json.JSONDecodeError as exc:
        raise InputError(path, None, None, f"not valid JSON: {exc}") from None


def read_json(path: str) -> Dataset:
    return dataset_from_json(load_json(path, parse_float=str, parse_int=str), path)  # keep decimal text exact


def dataset_from_json(doc, path: str) -> Dataset:
    if not isinstance(doc, dict) or "inputs" not in doc or "targets" not in doc:
        raise InputError(path, "inputs/targets", None, "expected an object with 'inputs' and 'targets'")
    ins, outs = doc["inputs"], doc["targets"]
    if not isinstance(ins, list) or not isinstance(outs, list):
        raise InputError(path, "inputs", None, "expected lists")
    inputs, targets = [], []
    for i, x in enumerate(ins, start=1):
        x = x if isinstance(x, list) else [x]
        inputs.append([_entry(v, path, i, f"x{k}") for k, v in enumerate(x, start=1)])
    for i, y in enumerate(outs, start=1):
        y = y if isinstance(y, list) else [y]
        targets.append([_entry(v, path, i, f"y{k}") for k, v in enumerate(y, start=1)])
    return from_rows(inputs, targets, path)


def read_dataset(path: str, x_columns=None, y_column=None, want_rows: bool = True) -> Dataset:
    """Read a dataset from a ``.csv`` or ``.json`` file (columns can be chosen in CSV files only;
    ``want_rows``: see :func:`read_csv`)."""
    if path.lower().endswith(".json"):
        if x_columns is not None or y_column is not None:
            raise InputError(path, "--x-columns" if x_columns is not None else "--y-column", x_columns or y_column,
                             "columns are chosen in CSV files only (a JSON dataset has inputs and targets)")
        return read_json(path)
    return read_csv(path, x_columns, y_column, want_rows)
