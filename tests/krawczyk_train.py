"""Tiny seeded smooth networks trained with numpy (test and benchmark helper, untrusted).

``train`` runs gradient descent and then Newton's method on the gradient (finite-difference
Hessian of the analytic float gradient), so that the float point is critical to about 1e-12, as
a well-converged optimiser leaves it. ``spec`` writes the network, data and float point as a
spec file for ``symcert certify --spec`` (floats in ``point`` are read as their binary64 values).
"""
from __future__ import annotations

import json

import numpy as np

from symcert.provers.krawczyk import np_activation, np_risk_grad


def data(dx: int, m: int, seed: int, hidden: int = 3):
    """Inputs on the grid 1/8 Z; targets: a seeded tanh teacher with ``hidden`` neurons plus noise,
    rounded to the grid 1/16 (exact decimal text)."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(dx, m)) * 8) / 8
    W1, b1, W2 = rng.normal(size=(hidden, dx)), rng.normal(size=(hidden, 1)), rng.normal(size=(1, hidden))
    Y = np.round((W2 @ np.tanh(W1 @ X + b1) + 0.1 * rng.normal(size=(1, m))) * 16) / 16
    return X, Y


def init(widths, rng):
    return np.concatenate([rng.normal(0, 1 / np.sqrt(widths[l - 1]), widths[l] * (widths[l - 1] + 1))
                           for l in range(1, len(widths))])


def newton(widths, act, X, Y, theta, steps=30, tol=1e-12):
    """Newton's method on the gradient: converges to the nearby critical point, minimum or not."""
    h = np_activation({"kind": "smooth", "name": act})
    for _ in range(steps):
        _, g = np_risk_grad(widths, h, X, Y, theta)
        if np.abs(g).max() < tol:
            break
        theta = theta - np.linalg.lstsq(fd_hessian(widths, h, X, Y, theta), g, rcond=None)[0]
    return theta


def teacher_data(hidden: int, m: int, seed: int, grid=2 ** 30, act: str = "tanh"):
    """A 2-hidden-1 tanh teacher with well-separated neurons (directions 1.5 (cos, sin) of evenly
    spaced angles, biases spread over [-1, 1], output weights +-1), seeded inputs on 1/8 Z, and its
    outputs rounded to 1/grid as targets: (X, Y, teacher parameters). The residuals are tiny, so
    the Hessian at the nearby minimum is close to J^T J, which is positive definite."""
    rng = np.random.default_rng(seed)
    ang = np.pi * np.arange(hidden) / hidden
    W1 = 1.5 * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    theta = np.concatenate([W1.ravel(), np.linspace(-1, 1, hidden), np.where(np.arange(hidden) % 2, 1.0, -1.0), [0.0]])
    X = np.round(rng.normal(size=(2, m)) * 12) / 8
    h = np_activation({"kind": "smooth", "name": act})
    F = np_risk_grad([2, hidden, 1], h, X, np.zeros((1, m)), theta, outputs=True)
    return X, np.round(F * grid) / grid, theta


def train(widths, act: str, X, Y, seed: int, steps=200, tol=1e-12):
    """Levenberg-Marquardt on the finite-difference Hessian from a seeded start (a step is kept
    only when it lowers the risk): a float local minimum with gradient below ``tol``."""
    h = np_activation({"kind": "smooth", "name": act})
    theta, mu = init(widths, np.random.default_rng(seed)), 1.0
    risk, g = np_risk_grad(widths, h, X, Y, theta)
    for _ in range(steps):
        if np.abs(g).max() < tol:
            break
        new = theta - np.linalg.solve(fd_hessian(widths, h, X, Y, theta) + mu * np.eye(len(theta)), g)
        r2, g2 = np_risk_grad(widths, h, X, Y, new)
        if r2 < risk:
            theta, risk, g, mu = new, r2, g2, mu / 3
        else:
            mu *= 4
    return theta


def gradient_descent(widths, act: str, X, Y, seed: int, steps=20000, tol=1e-6, lr=0.5, beta=0.9):
    """Plain full-batch gradient descent with heavy-ball momentum (learning rate lr / m) from a
    seeded start, stopped once the largest partial derivative is below ``tol``: (theta, steps,
    largest partial derivative)."""
    h = np_activation({"kind": "smooth", "name": act})
    theta = init(widths, np.random.default_rng(seed))
    v = np.zeros_like(theta)
    for k in range(steps):
        _, g = np_risk_grad(widths, h, X, Y, theta)
        if np.abs(g).max() < tol:
            break
        v = beta * v - lr / X.shape[1] * g
        theta = theta + v
    return theta, k, float(np.abs(g).max())


def fit_from(widths, act: str, X, Y, start, steps=50):
    """Levenberg-Marquardt with the Gauss-Newton matrix J^T J + mu I (J by central differences of
    the outputs) from ``start``, e.g. the teacher of ``teacher_data``: converges fast when the
    residuals are small."""
    h = np_activation({"kind": "smooth", "name": act})
    theta = np.array(start, dtype=float)
    out = lambda th: np_risk_grad(widths, h, X, Y, th, outputs=True).ravel()
    risk, g = np_risk_grad(widths, h, X, Y, theta)
    mu = 1e-6
    for _ in range(steps):
        if np.abs(g).max() < 1e-13:
            break
        n = len(theta)
        J = np.empty((Y.size, n))
        for i in range(n):
            e = np.zeros(n)
            e[i] = 1e-6
            J[:, i] = (out(theta + e) - out(theta - e)) / 2e-6
        new = theta - np.linalg.solve(J.T @ J + mu * np.eye(n), g)
        r2, g2 = np_risk_grad(widths, h, X, Y, new)
        if r2 < risk:
            theta, risk, g, mu = new, r2, g2, max(mu / 3, 1e-15)
        else:
            mu *= 4
    return theta


def point(widths, theta) -> dict:
    out, off = {}, 0
    for l in range(1, len(widths)):
        d0, d1 = widths[l - 1], widths[l]
        out[f"W{l}"] = theta[off:off + d1 * d0].reshape(d1, d0).tolist()
        out[f"b{l}"] = theta[off + d1 * d0:off + d1 * (d0 + 1)].tolist()
        off += d1 * (d0 + 1)
    return out


def spec(widths, act: str, X, Y, theta, path: str, **extra) -> dict:
    doc = {"network": {"widths": list(widths), "activation": act}, "loss": "squared",
           "data": {"inputs": [[repr(float(v)) for v in col] for col in X.T],
                    "targets": [[repr(float(v)) for v in col] for col in Y.T]},
           "point": point(widths, theta), **extra}
    with open(path, "w") as fh:
        json.dump(doc, fh)
    return doc


def fd_hessian(widths, h, X, Y, theta, eps=1e-6):
    """Central differences of the analytic float gradient, symmetrised."""
    n = len(theta)
    H = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = eps
        H[:, i] = (np_risk_grad(widths, h, X, Y, theta + e)[1] - np_risk_grad(widths, h, X, Y, theta - e)[1]) / (2 * eps)
    return (H + H.T) / 2


def hessian_eigenvalues(widths, act, X, Y, theta):
    return np.linalg.eigvalsh(fd_hessian(widths, np_activation({"kind": "smooth", "name": act}), X, Y, theta))


ODD_X = [0.5, 1, 2, 3]
ODD_Y = [-0.125, 1.375, -0.625, 0.375]


def odd_saddle():
    """A 1-1-1 tanh network on odd data (x -> -x maps targets y -> -y). The risk is then invariant
    under (w, b, v, c) -> (w, -b, v, -c), so Newton's method on the gradient started on the fixed
    set b = c = 0 stays there; it converges to the best odd fit v tanh(w x), which is a critical
    point of the full risk with a negative curvature across the fixed set: a saddle.
    Returns (widths, X, Y, theta)."""
    X = np.array([[-x for x in ODD_X] + ODD_X], dtype=float)
    Y = np.array([[-y for y in ODD_Y] + ODD_Y], dtype=float)
    theta = newton([1, 1, 1], "tanh", X, Y, np.array([0.5, 0.0, 1.0, 0.0]))
    return [1, 1, 1], X, Y, theta
