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


def teacher_data(widths, m: int, seed: int, noise=0.05):
    """Targets of a seeded teacher network of the given widths plus noise, rounded to 1/64; returns
    (X, Y, teacher parameters) so that training can start near the teacher."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(widths[0], m)) * 8) / 8
    theta = np.concatenate([rng.normal(0, 1, widths[l] * (widths[l - 1] + 1)) for l in range(1, len(widths))])
    h = np_activation({"kind": "smooth", "name": "tanh"})
    F = np_risk_grad(widths, h, X, np.zeros((widths[-1], m)), theta, outputs=True)
    Y = np.round((F + noise * rng.normal(size=F.shape)) * 64) / 64
    return X, Y, theta


def train(widths, act: str, X, Y, seed: int, steps=300, tol=1e-12, start=None, jitter=0.1):
    """Levenberg-Marquardt (Gauss-Newton matrix J^T J + mu I, J by central differences of the
    outputs; a step is kept only when it lowers the risk) from a seeded start (or ``start`` plus
    seeded noise of size ``jitter``), then Newton's method on the gradient: a float local minimum with
    gradient below ``tol``, or the last iterate."""
    h = np_activation({"kind": "smooth", "name": act})
    rng = np.random.default_rng(seed)
    theta = init(widths, rng) if start is None else start + jitter * rng.normal(size=len(start))
    out = lambda th: np_risk_grad(widths, h, X, Y, th, outputs=True).ravel()
    risk, g = np_risk_grad(widths, h, X, Y, theta)
    mu = 1.0
    for _ in range(steps):
        if np.abs(g).max() < 1e-6:
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
            theta, risk, g, mu = new, r2, g2, max(mu / 3, 1e-12)
        else:
            mu *= 4
    polished = newton(widths, act, X, Y, theta, tol=tol)
    done = np_risk_grad(widths, h, X, Y, polished)
    return polished if done[0] <= risk and np.abs(done[1]).max() < np.abs(g).max() else theta


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
