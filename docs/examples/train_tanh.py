import json
import numpy as np

rng = np.random.default_rng(1)
X = np.round(rng.normal(size=(2, 40)) * 8) / 8                      # 40 inputs on the grid 1/8 Z
T1, c1, T2 = rng.normal(size=(2, 2)), rng.normal(size=(2, 1)), rng.normal(size=(1, 2))
Y = np.round((T2 @ np.tanh(T1 @ X + c1) + 0.1 * rng.normal(size=(1, 40))) * 16) / 16

def unpack(th):                                                      # W1 (2x2), b1, W2 (1x2), b2
    return th[:4].reshape(2, 2), th[4:6], th[6:8].reshape(1, 2), th[8:]

def risk_grad(th):
    W1, b1, W2, b2 = unpack(th)
    A = np.tanh(W1 @ X + b1[:, None]); R = W2 @ A + b2[:, None] - Y
    D = (W2.T @ R) * (1 - A ** 2)
    return 0.5 * np.sum(R ** 2), np.concatenate([(D @ X.T).ravel(), D.sum(1), (R @ A.T).ravel(), R.sum(1)])

def hessian(th, eps=1e-6):                                           # central differences of the gradient
    H = np.array([(risk_grad(th + e)[1] - risk_grad(th - e)[1]) / (2 * eps) for e in eps * np.eye(len(th))])
    return (H + H.T) / 2

th, mu = np.random.default_rng(0).normal(0, 2 ** -0.5, 9), 1.0                 # seeded start
r, g = risk_grad(th)
for _ in range(200):                                                 # Levenberg-Marquardt
    if np.abs(g).max() < 1e-12:
        break
    new = th - np.linalg.solve(hessian(th) + mu * np.eye(9), g)
    r2, g2 = risk_grad(new)
    th, r, g, mu = (new, r2, g2, mu / 3) if r2 < r else (th, r, g, mu * 4)
print(f"risk {r:.6f}, largest partial derivative {np.abs(g).max():.1e}")

W1, b1, W2, b2 = unpack(th)
spec = {"network": {"widths": [2, 2, 1], "activation": "tanh"}, "loss": "squared",
        "data": {"inputs": [[repr(v) for v in col] for col in X.T.tolist()],
                 "targets": [[repr(v) for v in col] for col in Y.T.tolist()]},
        "point": {"W1": W1.tolist(), "b1": b1.tolist(), "W2": W2.tolist(), "b2": b2.tolist()}}
json.dump(spec, open("tanh-2-2-1.json", "w"), indent=1)
