"""Affine fits under the logistic, cross-entropy and pseudo-Huber losses, and separating directions (untrusted).

* ``separating_direction``: an exact LP over the rationals (provers/lp.py) for a nonzero affine
  direction D with, on every sample, a margin that D does not decrease and, on some sample, one
  that it increases: for the logistic loss y_ij (D x~_j)_i >= 0; for the cross-entropy loss
  (D x~_j)_c - (D x~_j)_k >= 0 for the target class c and every k. Along A + t D every sample's
  loss is non-increasing and one strictly decreasing, so the loss has no minimum (the infimum is
  not attained). The direction is checked exactly before it is returned. (The pseudo-Huber loss
  grows like |r|, so its minimum over affine maps always exists: no direction is sought.)
* ``fit``: the float Newton iteration for the affine minimiser (numpy; only a guess, rounded to
  dyadic rationals; the checker's Krawczyk test decides whether a minimiser is near it).
"""
from __future__ import annotations

import numpy as np
from flint import fmpq, fmpq_mat

from symcert.provers import lp


def _lifted_rows(X: fmpq_mat) -> list:
    return [[X[k, j] for k in range(X.nrows())] + [fmpq(1)] for j in range(X.ncols())]


def _classes(Y: fmpq_mat) -> list:
    return [next(i for i in range(Y.nrows()) if Y[i, j] == 1) for j in range(Y.ncols())]


def _margins(loss: str, X: fmpq_mat, Y: fmpq_mat) -> list:
    """Each margin as (coefficients on the flattened direction D, dy x (dx + 1))."""
    xs, dy = _lifted_rows(X), Y.nrows()
    p = len(xs[0])
    out = []
    for j, x in enumerate(xs):
        if loss == "logistic":
            for i in range(dy):
                row = [fmpq(0)] * (dy * p)
                row[i * p:(i + 1) * p] = [Y[i, j] * v for v in x]
                out.append(row)
        else:
            c = _classes(Y)[j]
            for k in range(dy):
                if k != c:
                    row = [fmpq(0)] * (dy * p)
                    row[c * p:(c + 1) * p] = list(x)
                    row[k * p:(k + 1) * p] = [-v for v in x]
                    out.append(row)
    return out


def separating_direction(loss: str, X: fmpq_mat, Y: fmpq_mat) -> list | None:
    """An exact direction D (dy rows of dx + 1 rationals) as in the module docstring, or None."""
    rows = _margins(loss, X, Y)
    n, k = len(rows[0]), len(rows)
    # variables: D+ (n), D- (n), slacks s (k) >= 0 with margin_i(D) - s_i = 0 and sum s = 1
    A = [r + [-v for v in r] + [fmpq(-1) if t == i else fmpq(0) for t in range(k)] for i, r in enumerate(rows)]
    A.append([fmpq(0)] * (2 * n) + [fmpq(1)] * k)
    try:
        x, _ = lp.solve([0] * (2 * n + k), A, [0] * k + [1])
    except lp.Infeasible:
        return None
    D = [x[t] - x[n + t] for t in range(n)]
    vals = [sum((a * d for a, d in zip(r, D)), fmpq(0)) for r in rows]
    if not (all(v >= 0 for v in vals) and any(v > 0 for v in vals)):
        raise AssertionError("the LP's separating direction does not separate")
    p = X.nrows() + 1
    return [D[i * p:(i + 1) * p] for i in range(Y.nrows())]


def fit(loss: str, X: fmpq_mat, Y: fmpq_mat, iters: int = 200, delta=None) -> tuple:
    """(W, b) as float arrays: the affine minimiser by Newton's method (the cross-entropy fit
    keeps the last output's row at 0, which loses nothing: softmax is shift invariant; the
    pseudo-Huber fit, parameter ``delta``, starts at the least-squares fit and damps its steps)."""
    Xt = np.array([[float(v) for v in r] for r in _lifted_rows(X)])
    Yf = np.array([[float(Y[i, j]) for i in range(Y.nrows())] for j in range(Y.ncols())])
    m, p = Xt.shape
    dy = Y.nrows()
    if loss == "pseudo_huber":
        d = float(delta)
        A = np.zeros((dy, p))
        for i in range(dy):
            a = np.linalg.lstsq(Xt, Yf[:, i], rcond=None)[0]
            for _ in range(iters):
                r = Xt @ a - Yf[:, i]
                s = np.sqrt(1 + (r / d) ** 2)
                step = np.linalg.solve((Xt.T / s ** 3) @ Xt, Xt.T @ (r / s))
                t = 1.0  # backtracking: Newton's full step can overshoot where the loss is nearly linear
                f0 = np.sum(d * d * (s - 1))
                while t > 1e-6 and np.sum(d * d * (np.sqrt(1 + ((Xt @ (a - t * step) - Yf[:, i]) / d) ** 2) - 1)) > f0:
                    t /= 2
                a -= t * step
                if np.max(np.abs(t * step)) < 1e-15:
                    break
            A[i] = a
    elif loss == "logistic":
        A = np.zeros((dy, p))
        for i in range(dy):
            a = np.zeros(p)
            for _ in range(iters):
                z = Yf[:, i] * (Xt @ a)
                s = 1 / (1 + np.exp(z))
                g = -(Xt.T @ (Yf[:, i] * s))
                H = (Xt.T * (s * (1 - s))) @ Xt
                step = np.linalg.solve(H, g)
                a -= step
                if np.max(np.abs(step)) < 1e-15:
                    break
            A[i] = a
    else:
        n = (dy - 1) * p
        a = np.zeros(n)
        for _ in range(iters):
            Z = np.hstack([Xt @ a.reshape(dy - 1, p).T, np.zeros((m, 1))])
            P = np.exp(Z - Z.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
            G = ((P - Yf)[:, :dy - 1]).T @ Xt
            H = np.zeros((n, n))
            for j in range(m):
                q = P[j, :dy - 1]
                H += np.kron(np.diag(q) - np.outer(q, q), np.outer(Xt[j], Xt[j]))
            step = np.linalg.solve(H, G.reshape(-1))
            a -= step
            if np.max(np.abs(step)) < 1e-15:
                break
        A = np.vstack([a.reshape(dy - 1, p), np.zeros((1, p))])
    return A[:, :-1], A[:, -1]


def dyadic(x: float, bits: int = 48) -> fmpq:
    """The float rounded to a multiple of 2^-bits (a short exact rational)."""
    return fmpq(int(round(float(x) * 2 ** bits)), 2 ** bits)
