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
import json
import re
from dataclasses import dataclass

from flint import fmpq

from symcert.errors import InputError
from symcert.exact.jsontext import JSONLimitError, load_file
from symcert.exact.rationals import RationalSyntaxError, format_rational, parse_rational


@dataclass(frozen=True)
class Dataset:
    inputs: tuple  # m rows of dx fmpq
    targets: tuple  # m rows of dy fmpq

    @property
    def m(self) -> int:
        return len(self.inputs)

    @property
    def dx(self) -> int:
        return len(self.inputs[0])

    @property
    def dy(self) -> int:
        return len(self.targets[0])

    def to_json(self) -> dict:
        return {
            "inputs": [[format_rational(v) for v in row] for row in self.inputs],
            "targets": [[format_rational(v) for v in row] for row in self.targets],
        }


def _entry(text, source, row, column) -> fmpq:
    try:
        return parse_rational(text)
    except RationalSyntaxError as exc:
        raise InputError(source, f"row {row}, column {column}", text, str(exc)) from None


def from_rows(inputs, targets, source: str = "<data>") -> Dataset:
    if not inputs:
        raise InputError(source, "inputs", None, "no samples")
    dx, dy = len(inputs[0]), len(targets[0]) if targets else 0
    if dx == 0 or dy == 0:
        raise InputError(source, "inputs", None, "need at least one input and one target column")
    xs, ys = [], []
    for i, (x, y) in enumerate(zip(inputs, targets), start=1):
        if len(x) != dx or len(y) != dy:
            raise InputError(source, f"row {i}", len(x) + len(y), f"expected {dx} inputs and {dy} targets")
        xs.append(tuple(fmpq(v) for v in x))
        ys.append(tuple(fmpq(v) for v in y))
    if len(inputs) != len(targets):
        raise InputError(source, "targets", len(targets), f"expected {len(inputs)} targets, one per input row")
    return Dataset(tuple(xs), tuple(ys))


_X = re.compile(r"x([0-9]+)\Z")
_Y = re.compile(r"y([0-9]*)\Z")


def read_csv(path: str) -> Dataset:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, None, None, f"cannot read: {exc}") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(path, "header", None, "empty file (expected a header x1,...,xd,y)")
    header = [h.strip().lower() for h in rows[0]]
    nx = 0
    while nx < len(header) and _X.match(header[nx]):
        nx += 1
    ycols = header[nx:]
    if nx == 0 or not ycols or not all(_Y.match(h) for h in ycols) or header[:nx] != [f"x{i}" for i in range(1, nx + 1)]:
        raise InputError(path, "header", ",".join(rows[0]), "expected x1,...,xd followed by y (or y1,...,yk)")
    inputs, targets = [], []
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(path, f"row {r}", ",".join(row), f"expected {len(header)} columns")
        vals = [_entry(c.strip(), path, r, header[k]) for k, c in enumerate(row)]
        inputs.append(vals[:nx])
        targets.append(vals[nx:])
    return from_rows(inputs, targets, path)


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


def read_dataset(path: str) -> Dataset:
    """Read a dataset from a ``.csv`` or ``.json`` file."""
    if path.lower().endswith(".json"):
        return read_json(path)
    return read_csv(path)
