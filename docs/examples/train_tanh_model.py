"""Train a 2-3-1 tanh network with numpy (seeded gradient descent with momentum) and save it as
.npz, .safetensors and ONNX, with its data as .npz (docs/own-network-smooth.md).

    python train_tanh_model.py          # writes tanh.npz, tanh.safetensors, tanh.onnx, data.npz

The ONNX file needs the `onnx` package (pip install "symcert[onnx]"); without it that file is
skipped. The safetensors file is written by hand (an 8-byte header length, a JSON header, the
raw little-endian float64 tensors), so no package is needed for it.
"""
import json
import struct

import numpy as np

rng = np.random.default_rng(0)
m = 40
# a seeded teacher with three well-separated tanh neurons; targets rounded to 1/64
angles = np.pi * np.arange(3) / 3
W1t, b1t = 1.5 * np.stack([np.cos(angles), np.sin(angles)], axis=1), np.linspace(-1, 1, 3)
W2t = np.array([[-1.0, 1.0, -1.0]])
X = np.round(rng.normal(size=(m, 2)) * 12) / 8
Y = np.round((np.tanh(X @ W1t.T + b1t) @ W2t.T) * 64) / 64

# the student: PyTorch-style layout, W (out x in)
rng = np.random.default_rng(100)
p = {"fc1.weight": rng.normal(0, 1 / np.sqrt(2), (3, 2)), "fc1.bias": rng.normal(0, 1 / np.sqrt(2), 3),
     "fc2.weight": rng.normal(0, 1 / np.sqrt(3), (1, 3)), "fc2.bias": rng.normal(0, 1 / np.sqrt(3), 1)}
v = {k: np.zeros_like(a) for k, a in p.items()}
for step in range(20000):
    Z = X @ p["fc1.weight"].T + p["fc1.bias"]
    H = np.tanh(Z)
    R = H @ p["fc2.weight"].T + p["fc2.bias"] - Y  # risk = 1/2 sum R^2
    G = (R @ p["fc2.weight"]) * (1 - H ** 2)
    g = {"fc1.weight": G.T @ X, "fc1.bias": G.sum(0), "fc2.weight": R.T @ H, "fc2.bias": R.sum(0)}
    if max(np.abs(a).max() for a in g.values()) < 1e-6:
        break
    for k in p:
        v[k] = 0.9 * v[k] - 0.5 / m * g[k]
        p[k] = p[k] + v[k]
print(f"{step} steps, risk {0.5 * float((R ** 2).sum()):.6f}, largest partial derivative "
      f"{max(np.abs(a).max() for a in g.values()):.1e}")

np.savez("tanh.npz", **p)
np.savez("data.npz", X=X, Y=Y)

header, blobs, off = {}, [], 0
for k, a in p.items():
    b = np.ascontiguousarray(a, dtype="<f8").tobytes()
    header[k] = {"dtype": "F64", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
text = json.dumps(header).encode()
with open("tanh.safetensors", "wb") as fh:
    fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    print("onnx not installed: tanh.onnx skipped")
else:
    inits = [numpy_helper.from_array(p[k].astype(np.float32), k) for k in p]  # ONNX files usually hold float32
    nodes = [helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["z1"], name="/fc1/Gemm", transB=1),
             helper.make_node("Tanh", ["z1"], ["h1"], name="/act/Tanh"),
             helper.make_node("Gemm", ["h1", "fc2.weight", "fc2.bias"], ["y"], name="/fc2/Gemm", transB=1)]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), "tanh.onnx")
