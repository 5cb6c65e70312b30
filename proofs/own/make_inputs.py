"""Make the float input files of the own.model certificates (numpy; run once, then stored).

    .venv/bin/python proofs/own/make_inputs.py && .venv/bin/symcert certify own.model

The certificates are regenerated from the stored files, never by training again.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "importers"))
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
    main()
