"""Exact least-squares affine fits (untrusted prover side).

The fit minimises l0(R) = 1/2 ||R X~ - Y||_F^2 over affine maps R = [Wx, wb]. It is computed
from the normal equations (X~ X~^T) R^T = X~ Y^T over the rationals; when X~ X~^T is singular
(fewer samples than dx + 1, or affinely dependent inputs) a maximal independent set of features
is kept and the others get weight 0, which is still a minimiser.
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq, fmpq_mat

from symcert.checker.api import kernel


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


def pivot_columns(rref: fmpq_mat, rank: int) -> list[int]:
    """The pivot columns of a matrix in reduced row echelon form of the given rank."""
    pivots, row = [], 0
    for col in range(rref.ncols()):
        if row < rank and rref[row, col] != 0:
            pivots.append(col)
            row += 1
    return pivots


def nullspace(A: fmpq_mat) -> fmpq_mat:
    """A basis (as columns) of {n : A n = 0}; an n x 0 matrix is returned as None."""
    n = A.ncols()
    R, rank = A.rref()
    pivots = pivot_columns(R, rank)
    free = [c for c in range(n) if c not in pivots]
    if not free:
        return None
    N = fmpq_mat(n, len(free))
    for k, f in enumerate(free):
        N[f, k] = 1
        for r, p in enumerate(pivots):
            N[p, k] = -R[r, f]
    return N


def least_squares(X: fmpq_mat, Y: fmpq_mat) -> AffineFit:
    dx, m, dy = X.nrows(), X.ncols(), Y.nrows()
    # G = X~ X~^T and B = X~ Y^T assembled from blocks (X~ = [X; 1^T] itself is never formed):
    # G = [[X X^T, X 1], [1^T X^T, m]], B = [[X Y^T], [1^T Y^T]]
    ones = fmpq_mat(m, 1, [1] * m)
    XXt, X1, XYt, Y1 = X * X.transpose(), X * ones, X * Y.transpose(), Y * ones
    n = dx + 1
    G = fmpq_mat(n, n)
    B = fmpq_mat(n, dy)  # (dx+1) x dy
    for i in range(dx):
        for j in range(dx):
            G[i, j] = XXt[i, j]
        G[i, dx] = G[dx, i] = X1[i, 0]
        for k in range(dy):
            B[i, k] = XYt[i, k]
    G[dx, dx] = m
    for k in range(dy):
        B[dx, k] = Y1[k, 0]
    pivots = pivot_columns(*G.rref())
    Gs = fmpq_mat(len(pivots), len(pivots), [G[i, j] for i in pivots for j in pivots])
    Bs = fmpq_mat(len(pivots), B.ncols(), [B[i, j] for i in pivots for j in range(B.ncols())])
    sol = Gs.solve(Bs)
    R = fmpq_mat(n, B.ncols())
    for a, i in enumerate(pivots):
        for j in range(B.ncols()):
            R[i, j] = sol[a, j]
    Rt = R.transpose()  # dy x (dx+1)
    W = fmpq_mat(dy, dx, [Rt[i, j] for i in range(dy) for j in range(dx)])
    b = fmpq_mat(dy, 1, [Rt[i, dx] for i in range(dy)])
    fitted = kernel.affine(W, X, b)  # = Rt X~
    loss = kernel.sq_norm(fitted - Y) / 2
    return AffineFit(W, b, fitted, loss)
