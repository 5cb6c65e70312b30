"""Make the float input files of the own.model certificates (numpy; run once, then stored).

    .venv/bin/python proofs/own/make_inputs.py && .venv/bin/symcert certify own.model
    .venv/bin/python proofs/own/make_inputs.py --smooth   (only the box-route files: smooth networks, deep leaky ReLU)
    .venv/bin/python proofs/own/make_inputs.py --split    (only tanh-split-saddle, sigmoid-split-min: near-duplicate neurons)

The certificates are regenerated from the stored files, never by training again.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "importers"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests"))
import krawczyk_train as T  # noqa: E402
import nets  # noqa: E402


def leaky(seed=10, m=20, dx=2, d1=3, steps=40000, lr=0.02, s=0.125):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, dx)).astype(np.float32).astype(np.float64)
    Y = np.abs(X[:, :1]) - X[:, 1:2] ** 2 / 2
    W1, b1 = rng.normal(size=(d1, dx)), rng.normal(size=d1) * 0.1
    W2, b2 = rng.normal(size=(1, d1)) * 0.5, np.zeros(1)
    for _ in range(steps):
        Z = X @ W1.T + b1
        H = np.where(Z > 0, Z, s * Z)
        R = H @ W2.T + b2 - Y
        G = (R @ W2) * np.where(Z > 0, 1.0, s)
        grads = (G.T @ X, G.sum(0), R.T @ H, R.sum(0))
        for p, g in zip((W1, b1, W2, b2), grads):
            p -= lr * g
    print("leaky: gradient norm", float(np.sqrt(sum((g ** 2).sum() for g in grads))))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, X, Y


def deep_leaky(seed=2, s=0.125, m=60, steps=20000):
    """A 2-3-3-1 leaky ReLU (1/8) network: gradient descent with momentum from a seeded teacher on
    the teacher's outputs rounded to 1/64 (the box route with a rescaling gauge)."""
    rng = np.random.default_rng(seed)
    ws = [2, 3, 3, 1]
    X = np.round(rng.normal(size=(m, 2)) * 8) / 8

    def fwd(P):
        A, Z = [X], []
        for l, (W, b) in enumerate(P):
            z = A[-1] @ W.T + b
            Z.append(z)
            A.append(z if l == 2 else np.where(z > 0, z, s * z))
        return A, Z
    P = [(rng.normal(size=(ws[l + 1], ws[l])), rng.normal(size=ws[l + 1]) * 0.3) for l in range(3)]
    Y = np.round(fwd(P)[0][-1] * 64) / 64
    v = [(0 * W, 0 * b) for W, b in P]
    for _ in range(steps):
        A, Z = fwd(P)
        D, grads = A[-1] - Y, []
        for l in (2, 1, 0):
            grads.insert(0, (D.T @ A[l], D.sum(0)))
            if l:
                D = (D @ P[l][0]) * np.where(Z[l - 1] > 0, 1.0, s)
        for k in range(3):
            v[k] = (0.9 * v[k][0] - 0.02 / m * grads[k][0], 0.9 * v[k][1] - 0.02 / m * grads[k][1])
            P[k] = (P[k][0] + v[k][0], P[k][1] + v[k][1])
    print("deep-leaky-min: largest partial derivative", max(np.abs(g).max() for gg in grads for g in gg))
    params = {f"{n}{l + 1}": a for l, (W, b) in enumerate(P) for n, a in (("W", W), ("b", b))}
    nets.save_npz(os.path.join(HERE, "deep-leaky-min.model.npz"), params, X, Y, os.path.join(HERE, "deep-leaky-min.data.npz"))


def smooth():
    """Smooth networks (the box route): gradient descent with momentum from a seeded start on the
    outputs of a seeded teacher of the same activation rounded to 1/64 (tests/krawczyk_train.py)."""
    out = {}
    for name, act, tol, lr in (("tanh-min", "tanh", 1e-6, 0.5), ("sigmoid-min-f32", "sigmoid", 1e-4, 0.5),
                               ("softplus-walk", "softplus", 1e-3, 0.05)):
        X, Y, _ = T.teacher_data(3, 40, 0, grid=64, act=act)
        theta, steps, grad = T.gradient_descent([2, 3, 1], act, X, Y, 100, tol=tol, lr=lr, steps=20000)
        print(name, "steps", steps, "largest partial derivative", grad)
        p = {k: np.array(v) for k, v in T.point([2, 3, 1], theta).items()}
        out[name] = (p, X.T, Y.T)
    widths, X, Y, theta = T.odd_saddle()
    print("tanh-saddle: Newton's method from a symmetric start")
    out["tanh-saddle"] = ({k: np.array(v) for k, v in T.point(widths, theta).items()}, X.T, Y.T)
    for name, (p, X, Y) in out.items():
        data = os.path.join(HERE, name + ".data.npz")
        if name == "sigmoid-min-f32":
            nets.save_safetensors(os.path.join(HERE, name + ".model.safetensors"), nets.torch_names(p), "F32")
            np.savez(data, X=X, Y=Y)
        else:
            nets.save_npz(os.path.join(HERE, name + ".model.npz"), nets.torch_names(p) if name != "tanh-saddle" else p, X, Y, data)
    p, X, Y = out["tanh-min"]
    nets.save_onnx(os.path.join(HERE, "tanh-min-onnx.model.onnx"), p, act="Tanh")
    np.savez(os.path.join(HERE, "tanh-min-onnx.data.npz"), X=X, Y=Y)
    deep_leaky()


def split_saddle(lam=0.3):
    """A 2-3-2-1 tanh network whose neurons 1 and 3 of layer 1 are near-duplicates: the strict local
    minimum of a trained 2-2-2-1 network (symcert.provers.split_box.teacher_minimum, seed 0) with its
    neuron 1 split (outgoing weights (1 - lam) v on neuron 1, lam v on neuron 3), the copy's
    incoming weights moved by 1e-9 (the singular-Hessian case of certify --model)."""
    sys.path.insert(0, os.path.join(HERE, "..", ".."))
    from symcert.provers.split_box import teacher_minimum
    X, Y, th = teacher_minimum(0, [2, 2, 2, 1], "tanh", 24)
    W1, b1 = th[0:4].reshape(2, 2), th[4:6]
    W2, b2, W3, b3 = th[6:10].reshape(2, 2), th[10:12], th[12:14].reshape(1, 2), th[14:15]
    W1s = np.vstack([W1[0], W1[1], W1[0] + 1e-9])
    b1s = np.array([b1[0], b1[1], b1[0] - 1e-9])
    W2s = np.hstack([(1 - lam) * W2[:, :1], W2[:, 1:], lam * W2[:, :1]])
    p = {"W1": W1s, "b1": b1s, "W2": W2s, "b2": b2, "W3": W3, "b3": b3}
    nets.save_npz(os.path.join(HERE, "tanh-split-saddle.model.npz"), p, X.T, Y.T, os.path.join(HERE, "tanh-split-saddle.data.npz"))


def split_min(lam=0.4):
    """A 1-2-1 sigmoid network whose two neurons are near-duplicates: the one-hidden-layer instance of
    docs/papers/petzka2021.md section 4 (u = ln 2, b1 = 2 ln 2, v = 1, b2 = 0; B^r positive definite)
    split at lam, the copy's incoming weight moved by 1e-9; labels as binary64 (a Morse-Bott minimum
    on the line of splits)."""
    sys.path.insert(0, os.path.join(HERE, "..", ".."))
    from symcert.claims.petzka2021.common import SIG_X, SIG_Y
    u, b = np.log(2.0), 2 * np.log(2.0)
    p = {"W1": np.array([[u], [u + 1e-9]]), "b1": np.array([b, b]), "W2": np.array([[1 - lam, lam]]), "b2": np.array([0.0])}
    X = np.array([[float(x)] for x in SIG_X])
    Y = np.array([[float(y)] for y in SIG_Y])
    nets.save_npz(os.path.join(HERE, "sigmoid-split-min.model.npz"), p, X, Y, os.path.join(HERE, "sigmoid-split-min.data.npz"))


def main():
    for name, seed in (("relu-min", 10), ("relu-spurious", 2)):
        p, X, Y, norm = nets.train_relu(seed)
        print(name, "gradient norm", norm)
        nets.save_npz(os.path.join(HERE, name + ".model.npz"), nets.torch_names(p), X, Y, os.path.join(HERE, name + ".data.npz"))
    p, X, Y = nets.saddle_relu()
    nets.save_npz(os.path.join(HERE, "relu-saddle.model.npz"), p, X, Y, os.path.join(HERE, "relu-saddle.data.npz"))
    p, X, Y = leaky()
    nets.save_safetensors(os.path.join(HERE, "leaky-min-f32.model.safetensors"), nets.torch_names(p), "F32")
    np.savez(os.path.join(HERE, "leaky-min-f32.data.npz"), X=X.astype(np.float32), Y=Y.astype(np.float32))


if __name__ == "__main__":
    if "--split" in sys.argv:
        split_saddle()
        split_min()
    else:
        smooth() if "--smooth" in sys.argv else main()
