"""Untrusted float search for safran2018: the population risk, its gradient and Hessian in numpy,
gradient descent from seeded starts, a Newton polish, and a float classification of the endpoint.

The formulas are those of :mod:`symcert.checker.population` (arc-cosine kernel), vectorised.
Nothing here is trusted: an endpoint only becomes a result through a certificate that the
checker re-derives from the endpoint stored as exact binary floats.
"""
from __future__ import annotations

import math

import numpy as np

TWO_PI = 2 * math.pi


def teacher(k: int, n: int) -> np.ndarray:
    return np.eye(k, n)


def _pairs(A: np.ndarray, B: np.ndarray):
    """|a|^2, a.b, S = |a||b| sin t and t for every row pair (a in A, b in B)."""
    aa = np.einsum("ij,ij->i", A, A)
    bb = np.einsum("ij,ij->i", B, B)
    ab = A @ B.T
    S = np.sqrt(np.maximum(np.outer(aa, bb) - ab * ab, 0.0))
    return aa, bb, ab, S, np.arctan2(S, ab)


def risk(W: np.ndarray, V: np.ndarray) -> float:
    _, _, ab, S, t = _pairs(W, W)
    fww = (S + (math.pi - t) * ab) / TWO_PI
    np.fill_diagonal(fww, np.einsum("ij,ij->i", W, W) / 2)
    _, _, abv, Sv, tv = _pairs(W, V)
    fwv = (Sv + (math.pi - tv) * abv) / TWO_PI
    _, _, vv, Svv, tvv = _pairs(V, V)
    fvv = (Svv + (math.pi - tvv) * vv) / TWO_PI
    np.fill_diagonal(fvv, np.einsum("ij,ij->i", V, V) / 2)
    return float(fww.sum() / 2 - fwv.sum() + fvv.sum() / 2)


def gradient(W: np.ndarray, V: np.ndarray) -> np.ndarray:
    aa, _, _, S, t = _pairs(W, W)
    np.fill_diagonal(S, 0.0)
    P = math.pi - t
    np.fill_diagonal(P, 0.0)
    _, _, _, Sv, tv = _pairs(W, V)
    coef = (S.sum(axis=1) - Sv.sum(axis=1)) / aa
    return W / 2 + (coef[:, None] * W + P @ W - (math.pi - tv) @ V) / TWO_PI


def _A(a, b):
    aa, ab = a @ a, a @ b
    S = math.sqrt(max(aa * (b @ b) - ab * ab, 0.0))
    p = aa * b - ab * a
    return ((S / aa) * (np.eye(len(a)) - np.outer(a, a) / aa) + np.outer(p, p) / (aa * aa * S)) / TWO_PI


def _B(a, b):
    aa, bb, ab = a @ a, b @ b, a @ b
    S = math.sqrt(max(aa * bb - ab * ab, 0.0))
    t = math.atan2(S, ab)
    M = np.outer(a, b)
    return ((math.pi - t) * np.eye(len(a)) + (M + M.T - ab * (np.outer(a, a) / aa + np.outer(b, b) / bb)) / S) / TWO_PI


def hessian(W: np.ndarray, V: np.ndarray) -> np.ndarray:
    k, n = W.shape
    H = np.zeros((k * n, k * n))
    for i in range(k):
        D = np.eye(n) / 2
        for l in range(k):
            if l != i:
                D += _A(W[i], W[l])
                H[i * n:(i + 1) * n, l * n:(l + 1) * n] = _B(W[i], W[l])
        for v in V:
            D -= _A(W[i], v)
        H[i * n:(i + 1) * n, i * n:(i + 1) * n] = D
    return H


def start(seed: int, k: int, n: int) -> np.ndarray:
    """Xavier-uniform start: entries i.i.d. uniform on [-sqrt(6/(n+1)), sqrt(6/(n+1))]."""
    rng = np.random.default_rng(seed)
    b = math.sqrt(6.0 / (n + 1))
    return rng.uniform(-b, b, size=(k, n))


def gradient_descent(W, V, step=0.1, iters=20000, tol=1e-9):
    """Plain gradient descent with a fixed step until |grad| < tol or ``iters`` steps."""
    W = W.copy()
    for it in range(iters):
        g = gradient(W, V)
        if not np.all(np.isfinite(g)):
            return W, it, "the gradient is not finite (a neuron reached 0)"
        if float(np.abs(g).max()) < tol:
            return W, it, None
        W -= step * g
    return W, iters, None


def lbfgs(W, V, iters=2000, tol=1e-9, memory=10):
    """L-BFGS (two-loop recursion) with a backtracking Armijo line search."""
    x = W.ravel().copy()
    shape = W.shape

    def fg(y):
        M = y.reshape(shape)
        return risk(M, V), gradient(M, V).ravel()
    f, g = fg(x)
    hist = []
    for it in range(iters):
        if not np.all(np.isfinite(g)):
            return x.reshape(shape), it, "the gradient is not finite (a neuron reached 0)"
        if float(np.abs(g).max()) < tol:
            return x.reshape(shape), it, None
        q, alphas = g.copy(), []
        for s, y, rho in reversed(hist):
            a = rho * (s @ q)
            alphas.append(a)
            q -= a * y
        if hist:
            s, y, _ = hist[-1]
            q *= (s @ y) / (y @ y)
        for (s, y, rho), a in zip(hist, reversed(alphas)):
            q += s * (a - rho * (y @ q))
        d = -q if g @ q > 0 else -g
        lr, f_new = 1.0, None
        for _ in range(40):
            x_new = x + lr * d
            f_new, g_new = fg(x_new)
            if np.isfinite(f_new) and f_new <= f + 1e-4 * lr * (g @ d):
                break
            lr /= 2
        else:
            return x.reshape(shape), it, None
        s, y = x_new - x, g_new - g
        if s @ y > 1e-300:
            hist = (hist + [(s, y, 1.0 / (s @ y))])[-memory:]
        x, f, g = x_new, f_new, g_new
    return x.reshape(shape), iters, None


def newton_polish(W, V, steps=6):
    """A few Newton steps on the gradient (float64): quadratic convergence near a non-degenerate
    critical point. Returns the polished point, or the input when a step fails."""
    k, n = W.shape
    for _ in range(steps):
        g = gradient(W, V).ravel()
        if float(np.abs(g).max()) < 1e-15:
            break
        try:
            dx = np.linalg.solve(hessian(W, V), g)
        except np.linalg.LinAlgError:
            break
        Wn = W - dx.reshape(k, n)
        if not np.all(np.isfinite(Wn)):
            break
        W = Wn
    return W


def canonical(W: np.ndarray) -> np.ndarray:
    """Rows sorted (student neurons are interchangeable): the representative of the orbit."""
    order = sorted(range(W.shape[0]), key=lambda i: tuple(np.round(W[i], 6)))
    return W[order]


def orbit_key(W: np.ndarray) -> tuple:
    """Endpoints equal up to a permutation of the student's neurons (to 1e-6) share this key."""
    return tuple(tuple(float(x) for x in np.round(r, 6)) + () for r in canonical(W))


def teacher_match(W: np.ndarray, V: np.ndarray, tol=1e-4):
    """The permutation putting W's rows on the teacher's (zero rows beyond), if within tol."""
    rows = list(range(W.shape[0]))
    perm = []
    for v in V:
        i = min(rows, key=lambda r: float(np.abs(W[r] - v).max()))
        if float(np.abs(W[i] - v).max()) > tol:
            return None
        perm.append(i)
        rows.remove(i)
    if any(float(np.abs(W[r]).max()) > tol for r in rows):
        return None
    return perm + rows
