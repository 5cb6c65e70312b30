"""Turning named tensors into an ordered list of layers (untrusted reader).

Accepted names, per layer l (1-based) or per PyTorch/Keras stem:

* ``W1, b1, ..., WL, bL`` (also ``w1``);
* ``STEM.weight`` / ``STEM.bias`` (PyTorch: ``fc1.weight``, ``0.weight``, ``layers.2.bias``) and
  ``STEM/kernel:0`` / ``STEM/bias:0`` (Keras). Stems are ordered by the integers they contain,
  compared as numbers (``layers.2`` before ``layers.10``, which text order gets wrong); a stem
  without a number sorts first (Keras' ``dense`` before ``dense_1``).

Weights are (out x in) as PyTorch stores them (layout ``out-in``); layout ``in-out`` (Keras,
JAX/Flax) transposes them. Every layer needs a bias; an unknown tensor name, a missing bias, a
tensor of the wrong rank or a shape that does not chain is an ImportError naming the tensor.
"""
from __future__ import annotations

import re

from flint import fmpq_mat

_WB = re.compile(r"([Wwb])([0-9]+)\Z")
_STEM = re.compile(r"(.+?)[./](weight|kernel|bias)(:0)?\Z")
LAYOUTS = ("out-in", "in-out")


class ModelError(ValueError):
    """A model file that cannot be used; ``field`` names the tensor (and index), ``value`` the
    offending value."""

    def __init__(self, field: str, value, reason: str):
        self.field, self.value, self.reason = field, value, reason
        super().__init__(f"{field}: {reason}")


def _groups(arrays: dict) -> list:
    """[(sort key, label, weight name, bias name)] for every layer."""
    layers: dict = {}
    for name in arrays:
        m = _WB.match(name)
        if m:
            key, kind = (int(m.group(2)),), "W" if m.group(1) in "Ww" else "b"
            label = f"layer {m.group(2)}"
        else:
            s = _STEM.match(name)
            if not s:
                raise ModelError(name, None, "unsupported tensor (expected W1, b1, ... or PyTorch/Keras names such as "
                                             "fc1.weight, 0.bias, layers.2.weight, dense/kernel:0)")
            key = tuple(int(d) for d in re.findall(r"[0-9]+", s.group(1)))
            label, kind = s.group(1), "b" if s.group(2) == "bias" else "W"
        slot = layers.setdefault((key, label), {})
        if kind in slot:
            raise ModelError(name, None, f"a second {'weight' if kind == 'W' else 'bias'} for {label} (also {slot[kind]})")
        slot[kind] = name
    out = []
    for (key, label), slot in sorted(layers.items()):
        if "W" not in slot:
            raise ModelError(slot["b"], None, f"bias without a weight for {label}")
        if "b" not in slot:
            raise ModelError(slot["W"], None, "weight without a bias (layers without biases are not supported)")
        out.append((key, label, slot["W"], slot["b"]))
    return out


def layers_from_arrays(arrays: dict, layout: str = "out-in"):
    """(layers [(W out x in fmpq_mat, b out x 1 fmpq_mat)], mapping lines)."""
    if layout not in LAYOUTS:
        raise ModelError("--layout", layout, f"unknown layout (known: {', '.join(LAYOUTS)})")
    groups = _groups(arrays)
    if not groups:
        raise ModelError("tensors", None, "no weight tensors found")
    layers, mapping, prev = [], [], None
    for l, (_, _, wn, bn) in enumerate(groups, start=1):
        shape, vals = arrays[wn]
        if len(shape) != 2:
            raise ModelError(wn, list(shape), f"a weight must be a matrix (2 dimensions), found shape {list(shape)}")
        rows, cols = shape
        W = fmpq_mat(rows, cols, vals)
        if layout == "in-out":
            W = W.transpose()
        out, inp = W.nrows(), W.ncols()
        other = LAYOUTS[1 - LAYOUTS.index(layout)]
        if prev is not None and inp != prev:
            raise ModelError(wn, list(shape), f"takes {inp} inputs but the previous layer has {prev} outputs "
                                              f"(layout {layout}; try --layout {other})")
        bshape, bvals = arrays[bn]
        if len([d for d in bshape if d != 1]) > 1 or len(bvals) != out:
            hint = f" (try --layout {other})" if len(bvals) == inp else ""
            raise ModelError(bn, list(bshape), f"expected a bias of {out} values for {wn}{hint}")
        layers.append((W, fmpq_mat(out, 1, bvals)))
        mapping.append(f"W{l} <- {wn} ({out} x {inp}{', transposed' if layout == 'in-out' else ''}), b{l} <- {bn}")
        prev = out
    return layers, mapping
