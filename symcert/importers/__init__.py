"""Reading trained networks and data from the files training code writes (untrusted).

``read_model(path, layout)`` reads ``.npz`` (numpy), ``.safetensors``, ``.onnx`` and today's JSON
spec (docs/spec-format.md); ``read_data(path)`` reads CSV, JSON and ``.npz`` (arrays ``X``,
m x dx, and ``Y``, m x dy or m). Every binary float is read as its exact dyadic rational. Bad
input raises :class:`symcert.errors.InputError` naming the file, the tensor (and index) and the
value. See docs/own-network.md.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from flint import fmpq_mat

from symcert.errors import InputError
from symcert.importers.naming import LAYOUTS, ModelError, layers_from_arrays
from symcert.importers.npy import ArrayError

FORMATS = (".npz", ".safetensors", ".onnx", ".json")


@dataclass
class Model:
    layers: list  # [(W out x in fmpq_mat, b out x 1 fmpq_mat)]
    activation: dict | None  # from the file (ONNX, spec), else None
    mapping: list = field(default_factory=list)  # lines "W1 <- fc1.weight (...)"
    notes: list = field(default_factory=list)  # float attributes read exactly, etc.
    spec: dict | None = None  # a JSON spec's parsed contents (loss, data), if the model was one

    @property
    def widths(self) -> list:
        return [self.layers[0][0].ncols()] + [W.nrows() for W, _ in self.layers]

    def point(self) -> dict:
        out = {}
        for l, (W, b) in enumerate(self.layers, start=1):
            out[f"W{l}"], out[f"b{l}"] = W, b
        return out


def read_model(path: str, layout: str = "out-in") -> Model:
    if not os.path.isfile(path):
        raise InputError(path, None, None, "no such file")
    ext = os.path.splitext(path)[1].lower()
    if layout not in LAYOUTS:
        raise InputError("--layout", None, layout, f"unknown layout (known: {', '.join(LAYOUTS)})")
    try:
        if ext == ".npz":
            from symcert.importers.npy import read_npz
            return _arrays(read_npz(path), layout)
        if ext == ".safetensors":
            from symcert.importers.safetensors import read_safetensors
            return _arrays(read_safetensors(path), layout)
        if ext == ".onnx":
            from symcert.importers.onnx_mlp import read_onnx
            layers, act, notes = read_onnx(path)
            m = Model(layers, act, notes=notes)
            m.mapping = [f"W{l} <- linear layer {l} ({W.nrows()} x {W.ncols()})" for l, (W, _) in enumerate(layers, start=1)]
            return m
        if ext == ".json":
            return _spec(path)
    except (ArrayError, ModelError) as exc:
        raise InputError(path, exc.field, getattr(exc, "value", None), exc.reason) from None
    raise InputError(path, None, None, f"unknown model format {ext!r} (known: {', '.join(FORMATS)})")


def _arrays(arrays: dict, layout: str) -> Model:
    layers, mapping = layers_from_arrays(arrays, layout)
    return Model(layers, None, mapping)


def _spec(path: str) -> Model:
    from symcert.checker.api import matrix
    from symcert.spec import read_spec
    spec = read_spec(path)
    pj, pt = spec["problem"], spec["point"]
    widths = pj["network"]["widths"]
    layers = []
    for l in range(1, len(widths)):
        W = matrix(pt[f"W{l}"], widths[l], widths[l - 1], f"point.W{l}")
        b = matrix([[v] for v in pt[f"b{l}"]], widths[l], 1, f"point.b{l}")
        layers.append((W, b))
    mapping = [f"W{l}, b{l} <- point.W{l}, point.b{l}" for l in range(1, len(widths))]
    return Model(layers, pj["network"]["activation"], mapping, spec=spec)


def read_data(path: str):
    """A Dataset from CSV, JSON or .npz (X: m x dx or m; Y: m x dy or m)."""
    if not path.lower().endswith(".npz"):
        from symcert.inputs.data import read_dataset
        return read_dataset(path)
    from symcert.importers.npy import read_npz
    from symcert.inputs.data import from_rows
    try:
        arrays = read_npz(path)
    except ArrayError as exc:
        raise InputError(path, exc.field, None, exc.reason) from None
    rows = {}
    for key in ("X", "Y"):
        if key not in arrays:
            raise InputError(path, key, None, f"missing array {key} (expected X: m x dx and Y: m x dy)")
        shape, vals = arrays[key]
        if len(shape) == 1:
            shape = (shape[0], 1)
        if len(shape) != 2 or shape[0] == 0 or shape[1] == 0:
            raise InputError(path, key, list(arrays[key][0]), "expected a non-empty m x d array")
        rows[key] = [vals[i * shape[1]:(i + 1) * shape[1]] for i in range(shape[0])]
    extra = sorted(set(arrays) - {"X", "Y"})
    if extra:
        raise InputError(path, extra[0], None, "unknown array (expected X and Y only)")
    if len(rows["X"]) != len(rows["Y"]):
        raise InputError(path, "Y", len(rows["Y"]), f"expected {len(rows['X'])} rows, one per row of X")
    return from_rows(rows["X"], rows["Y"], path)
