"""Exact least-squares affine fits (untrusted prover side).

The fit minimises l0(R) = 1/2 ||R X~ - Y||_F^2 over affine maps R = [Wx, wb]. It is computed
from the normal equations (X~ X~^T) R^T = X~ Y^T over the rationals; when X~ X~^T is singular
(fewer samples than dx + 1, or affinely dependent inputs) a maximal independent set of features
is kept and the others get weight 0, which is still a minimiser.
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq, fmpq_mat


def augmented(X: fmpq_mat) -> fmpq_mat:
    """X~: X with a row of ones appended."""
    dx, m = X.nrows(), X.ncols()
    return fmpq_mat(dx + 1, m, list(X.entries()) + [1] * m)


@dataclass(frozen=True)
class AffineFit:
    weights: fmpq_mat  # dy x dx
    bias: fmpq_mat  # dy x 1
    fitted: fmpq_mat  # dy x m
    loss: fmpq

    def residual(self, Y: fmpq_mat) -> fmpq_mat:
        return self.fitted - Y


def least_squares(X: fmpq_mat, Y: fmpq_mat) -> AffineFit:
    Xt = augmented(X)
    G = Xt * Xt.transpose()
    B = Xt * Y.transpose()  # (dx+1) x dy
    n = G.nrows()
    rref, rank = G.rref()
    pivots, row = [], 0
    for col in range(n):
        if row < rank and rref[row, col] != 0:
            pivots.append(col)
            row += 1
    Gs = fmpq_mat(len(pivots), len(pivots), [G[i, j] for i in pivots for j in pivots])
    Bs = fmpq_mat(len(pivots), B.ncols(), [B[i, j] for i in pivots for j in range(B.ncols())])
    sol = Gs.solve(Bs)
    R = fmpq_mat(n, B.ncols())
    for a, i in enumerate(pivots):
        for j in range(B.ncols()):
            R[i, j] = sol[a, j]
    Rt = R.transpose()  # dy x (dx+1)
    dy, dx = Y.nrows(), X.nrows()
    W = fmpq_mat(dy, dx, [Rt[i, j] for i in range(dy) for j in range(dx)])
    b = fmpq_mat(dy, 1, [Rt[i, dx] for i in range(dy)])
    fitted = Rt * Xt
    res = fitted - Y
    loss = sum((v * v for v in res.entries()), fmpq(0)) / 2
    return AffineFit(W, b, fitted, loss)
