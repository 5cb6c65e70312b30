"""Tiny seeded networks trained with numpy at test time, and writers for the model formats."""
import json
import struct

import numpy as np


def train_relu(seed: int, m: int = 20, dx: int = 2, d1: int = 3, steps: int = 20000, lr: float = 0.02):
    """Plain full-batch gradient descent on 1/2 ||relu net - Y||^2; returns (params, X, Y, grad norm)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, dx))
    Y = np.abs(X[:, :1]) - X[:, 1:2] ** 2 / 2
    W1, b1 = rng.normal(size=(d1, dx)), rng.normal(size=d1) * 0.1
    W2, b2 = rng.normal(size=(1, d1)) * 0.5, np.zeros(1)
    for _ in range(steps):
        Z = X @ W1.T + b1
        H = np.maximum(Z, 0)
        R = H @ W2.T + b2 - Y
        G = (R @ W2) * (Z > 0)
        grads = (G.T @ X, G.sum(0), R.T @ H, R.sum(0))
        for p, g in zip((W1, b1, W2, b2), grads):
            p -= lr * g
    norm = float(np.sqrt(sum((g ** 2).sum() for g in grads)))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, X, Y, norm


def saddle_relu():
    """A saddle made from a symmetric start: neuron 1 carries the affine least-squares fit, neuron 2
    has output weight 0 and its bias is found by bisection (Newton-free) on the one gradient entry
    that is not zero by symmetry, dR/dW2_2."""
    x = np.linspace(-2, 2, 8)
    y = np.sin(3 * x)
    A = np.stack([x, np.ones_like(x)], 1)
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    r = A @ coef - y
    f = lambda b: sum(rj * (xj + b) for xj, rj in zip(x, r) if xj + b > 0)  # noqa: E731
    bs = np.linspace(-2.5, 2.5, 1001)
    lo, hi = next((a, b) for a, b in zip(bs, bs[1:]) if f(a) * f(b) < 0 and abs(f(a)) > 1e-9)
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if f(lo) * f(mid) <= 0 else (mid, hi)
    params = {"W1": np.array([[1.0], [1.0]]), "b1": np.array([10.0, (lo + hi) / 2]),
              "W2": np.array([[coef[0], 0.0]]), "b2": np.array([coef[1] - 10 * coef[0]])}
    return params, x[:, None], y[:, None]


def torch_names(params: dict) -> dict:
    return {"fc1.weight": params["W1"], "fc1.bias": params["b1"], "fc2.weight": params["W2"], "fc2.bias": params["b2"]}


def save_npz(path, params: dict, X=None, Y=None, data_path=None):
    np.savez(path, **params)
    if data_path is not None:
        np.savez(data_path, X=X, Y=Y)


def bf16_bits(a: np.ndarray) -> bytes:
    """bfloat16 by truncation of binary32 (the values written are then exactly these)."""
    u = np.asarray(a, dtype="<f4").view("<u4") >> 16
    return u.astype("<u2").tobytes()


def save_safetensors(path, tensors: dict, dtype: str = "F32", header_extra: bytes = b""):
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        a = np.asarray(a)
        if dtype == "BF16":
            raw = bf16_bits(a)
        else:
            raw = a.astype({"F64": "<f8", "F32": "<f4", "F16": "<f2"}[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header).encode() + header_extra
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def save_onnx(path, params: dict, act: str = "Relu", attrs: dict | None = None, gemm: bool = True, extra_op: str | None = None):
    """A 2-layer MLP as PyTorch exports it (Gemm with transB = 1), or MatMul + Add."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    dx = params["W1"].shape[1]
    inits, nodes = [], []
    cur = "input"
    for l in (1, 2):
        W, b = params[f"W{l}"].astype(np.float32), params[f"b{l}"].astype(np.float32)
        if gemm:
            inits += [numpy_helper.from_array(W, f"fc{l}.weight"), numpy_helper.from_array(b, f"fc{l}.bias")]
            nodes.append(helper.make_node("Gemm", [cur, f"fc{l}.weight", f"fc{l}.bias"], [f"g{l}"], name=f"/fc{l}/Gemm", transB=1))
            cur = f"g{l}"
        else:
            inits += [numpy_helper.from_array(W.T.copy(), f"k{l}"), numpy_helper.from_array(b, f"c{l}")]
            nodes.append(helper.make_node("MatMul", [cur, f"k{l}"], [f"mm{l}"], name=f"matmul{l}"))
            nodes.append(helper.make_node("Add", [f"mm{l}", f"c{l}"], [f"add{l}"], name=f"add{l}"))
            cur = f"add{l}"
        if l == 1:
            nodes.append(helper.make_node(act, [cur], ["h1"], name="/act/" + act, **(attrs or {})))
            cur = "h1"
            if extra_op:
                nodes.append(helper.make_node(extra_op, [cur], ["h1x"], name="/odd/" + extra_op))
                cur = "h1x"
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", dx])],
                              [helper.make_tensor_value_info(cur, TensorProto.FLOAT, ["N", 1])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
