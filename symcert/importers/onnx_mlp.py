"""Reading multilayer perceptrons from ONNX files (untrusted reader; needs the ``onnx`` extra).

The graph must be a chain from its one data input: linear layers (``Gemm``, or ``MatMul``
followed by ``Add``), each hidden one followed by the same activation, and nothing after the
last linear layer. ``Identity`` and ``Flatten`` are no-ops. Gemm computes alpha A' B' + beta C
(A' = A^T if transA, B' = B^T if transB); the layer's effective weight alpha B'^T and bias
beta C are what symcert certifies (a nonzero rescaling of the trained parameters). Every float
(initializers and the attributes alpha, beta, min, max) is read as its exact dyadic and printed.

Activations: Relu, LeakyRelu(alpha), Clip(min, max) (ReLU6, hard tanh, any clip), HardSigmoid
(alpha, beta) are piecewise linear; Sigmoid, Tanh, Softplus, Elu(alpha) and Selu (the published
constants only) are smooth. Any other operator is a ModelError naming the operator and the node.
"""
from __future__ import annotations

import math
import os
import struct

from flint import fmpq, fmpq_mat

from symcert.exact.rationals import format_rational as fr
from symcert.importers.floats import exact
from symcert.importers.naming import ModelError
from symcert.inputs import activations as A

MAX_BYTES = 1 << 30
NOOPS = ("Identity", "Flatten")
ACTS = ("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softplus", "Elu", "Selu", "Clip", "HardSigmoid")
SELU_ALPHA, SELU_GAMMA = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def _array(tensor, where: str):
    """(shape, flat exact values) of an ONNX tensor."""
    from onnx import numpy_helper
    arr = numpy_helper.to_array(tensor)
    if arr.dtype.kind not in "fiu" and "bfloat16" not in str(arr.dtype):
        raise ModelError(where, str(arr.dtype), "unsupported tensor type")
    flat = [float(v) for v in arr.astype("float64").ravel()]  # widening to binary64 is exact
    out = []
    for n, v in enumerate(flat):
        if not math.isfinite(v):
            raise ModelError(f"{where}[{n}]", v, "not a finite number")
        out.append(exact(v))
    return tuple(arr.shape), out


def _attrs(node) -> dict:
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _fattr(node, attrs, key, default, notes):
    v = attrs.get(key)
    v = _f32(default) if v is None else float(v)
    if not math.isfinite(v):
        raise ModelError(f"node {node.name or node.op_type} attribute {key}", v, "not a finite number")
    q = exact(v)
    notes.append(f"{node.op_type} {node.name or ''} {key} = {v!r} read exactly as {fr(q)}".replace("  ", " "))
    return q


def load(path: str):
    """(onnx ModelProto) after bounding the file size; ModelError if it cannot be parsed."""
    try:
        import onnx
    except ImportError:
        raise ModelError("model", path, "reading ONNX files needs the onnx package: pip install 'symcert[onnx]'") from None
    if os.path.getsize(path) > MAX_BYTES:
        raise ModelError("model", path, f"file larger than {MAX_BYTES} bytes")
    try:
        return onnx.load(path)
    except Exception as exc:  # protobuf raises several types on malformed input
        raise ModelError("model", os.path.basename(path), f"not a readable ONNX model: {exc.__class__.__name__}: {exc}") from None


def _activation(node, attrs, consts, notes):
    op = node.op_type
    if op == "Relu":
        return A.relu()
    if op == "LeakyRelu":
        return A.leaky_relu(_fattr(node, attrs, "alpha", 0.01, notes))
    if op == "HardSigmoid":
        a, b = _fattr(node, attrs, "alpha", 0.2, notes), _fattr(node, attrs, "beta", 0.5, notes)
        if a <= 0:
            raise ModelError(f"node {node.name} attribute alpha", fr(a), "HardSigmoid needs alpha > 0")
        return A.from_knots(0, [(-b / a, 0), ((1 - b) / a, 1)], 0, name=f"hard_sigmoid:{fr(a)},{fr(b)}")
    if op == "Clip":
        return _clip(node, attrs, consts, notes)
    if op in ("Sigmoid", "Tanh", "Softplus"):
        return {"kind": "smooth", "name": op.lower()}
    if op == "Elu":
        return {"kind": "smooth", "name": "elu", "alpha": fr(_fattr(node, attrs, "alpha", 1.0, notes))}
    a, g = _fattr(node, attrs, "alpha", SELU_ALPHA, notes), _fattr(node, attrs, "gamma", SELU_GAMMA, notes)
    if (a, g) != (exact(_f32(SELU_ALPHA)), exact(_f32(SELU_GAMMA))):
        raise ModelError(f"node {node.name} (Selu)", f"alpha={fr(a)}, gamma={fr(g)}", "only the published SELU constants are supported")
    notes.append("Selu: its float32 constants are the roundings of the published ones; the exact published constants are used")
    return {"kind": "smooth", "name": "selu"}


def _clip(node, attrs, consts, notes):
    bounds = []
    for k, key in enumerate(("min", "max")):
        v = None
        if len(node.input) > k + 1 and node.input[k + 1]:
            name = node.input[k + 1]
            if name not in consts:
                raise ModelError(f"node {node.name} (Clip) input {name}", None, "Clip bounds must be constants")
            v = consts[name][1][0]
        elif key in attrs:
            v = _fattr(node, attrs, key, 0.0, notes)
        if v is not None:
            notes.append(f"Clip {node.name} {key} = {fr(v)}")
        bounds.append(v)
    lo, hi = bounds
    if lo is not None and hi is not None:
        if not lo < hi:
            raise ModelError(f"node {node.name} (Clip)", f"{fr(lo)}, {fr(hi)}", "needs min < max")
        if (lo, hi) == (0, 6):
            return A.relu6()
        if (lo, hi) == (-1, 1):
            return A.hard_tanh()
        return A.from_knots(0, [(lo, lo), (hi, hi)], 0)
    if lo is not None:
        return A.relu() if lo == 0 else A.from_knots(0, [(lo, lo)], 1)
    if hi is not None:
        return A.from_knots(1, [(hi, hi)], 0)
    return None  # no bounds: identity


def read_onnx(path: str):
    """(layers [(W, b)], activation JSON or None, notes)."""
    graph = load(path).graph
    consts = {t.name: _array(t, f"initializer {t.name}") for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            attrs = {a.name: a for a in node.attribute}
            if "value" not in attrs:
                raise ModelError(f"node {node.name} (Constant)", None, "only tensor constants are supported")
            consts[node.output[0]] = _array(attrs["value"].t, f"node {node.name}")
    inputs = [i.name for i in graph.input if i.name not in consts]
    if len(inputs) != 1:
        raise ModelError("graph.input", inputs, "expected exactly one data input")
    return _walk(graph, inputs[0], consts)


def _walk(graph, current, consts):
    layers, act, notes, pending = [], None, [], None  # pending: MatMul weight awaiting its Add
    after_act = True
    for node in graph.node:
        op, label = node.op_type, f"node {node.name or '?'} ({node.op_type})"
        if op == "Constant":
            continue
        if current not in node.input:
            raise ModelError(label, list(node.input), "the graph is not a chain from the data input")
        attrs = _attrs(node)
        if op in NOOPS:
            pass
        elif op == "Gemm":
            layers.append(_gemm(node, label, attrs, consts, current, notes, first=not layers))
            after_act = False
        elif op == "MatMul":
            if pending is not None or list(node.input)[0] != current or node.input[1] not in consts:
                raise ModelError(label, list(node.input), "MatMul must multiply the data (left) by a constant weight (right)")
            pending = _mat(consts[node.input[1]], f"{node.input[1]}", transpose=True)
        elif op == "Add" and pending is not None:
            other = [i for i in node.input if i != current]
            if len(other) != 1 or other[0] not in consts:
                raise ModelError(label, list(node.input), "Add after MatMul must add a constant bias")
            layers.append((pending, _bias(consts[other[0]], other[0], pending.nrows())))
            pending, after_act = None, False
        elif op in ACTS:
            if after_act or pending is not None:
                raise ModelError(label, None, "an activation must follow a linear layer")
            a = _activation(node, attrs, consts, notes)
            if act is not None and a != act:
                raise ModelError(label, None, "every hidden layer must use the same activation")
            act, after_act = a, True
        else:
            raise ModelError(label, None, f"unsupported operator {op} (supported: Gemm, MatMul+Add, {', '.join(ACTS)}, Identity, Flatten)")
        current = node.output[0]
    if pending is not None:
        raise ModelError(f"{pending.nrows()}-output MatMul", None, "MatMul without its bias Add (layers without biases are not supported)")
    if not layers:
        raise ModelError("graph", None, "no linear layer found")
    if after_act:
        raise ModelError("graph", None, "the output layer is followed by an activation (the network must end with a linear layer)")
    if len(layers) > 1 and act is None:
        raise ModelError("graph", None, "hidden layers without an activation")
    return layers, act, notes


def _mat(arr, name, transpose=False) -> fmpq_mat:
    shape, vals = arr
    if len(shape) != 2:
        raise ModelError(name, list(shape), "a weight must be a matrix (2 dimensions)")
    M = fmpq_mat(shape[0], shape[1], vals)
    return M.transpose() if transpose else M


def _bias(arr, name, n) -> fmpq_mat:
    shape, vals = arr
    if len(vals) == 1 and n > 1:
        vals = vals * n
    if len(vals) != n or len([d for d in shape if d != 1]) > 1:
        raise ModelError(name, list(shape), f"expected a bias of {n} values")
    return fmpq_mat(n, 1, vals)


def _gemm(node, label, attrs, consts, current, notes, first):
    if list(node.input)[0] != current or len(node.input) < 2 or node.input[1] not in consts:
        raise ModelError(label, list(node.input), "Gemm must take the data as A and a constant weight as B")
    if len(node.input) < 3 or node.input[2] not in consts:
        raise ModelError(label, list(node.input), "Gemm without a constant bias C (layers without biases are not supported)")
    if attrs.get("transA", 0) and not first:
        raise ModelError(f"{label} attribute transA", 1, "transA = 1 is supported on the data input only")
    alpha = _fattr(node, attrs, "alpha", 1.0, notes) if "alpha" in attrs else fmpq(1)
    beta = _fattr(node, attrs, "beta", 1.0, notes) if "beta" in attrs else fmpq(1)
    if alpha == 0:
        raise ModelError(f"{label} attribute alpha", 0, "alpha = 0 leaves no weight")
    B = _mat(consts[node.input[1]], node.input[1])
    W = (B if attrs.get("transB", 0) else B.transpose()) * alpha  # out x in
    b = _bias(consts[node.input[2]], node.input[2], W.nrows()) * beta
    return W, b
