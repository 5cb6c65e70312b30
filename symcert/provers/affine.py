"""Exact least-squares affine fits (untrusted prover side).

The fit minimises l0(R) = 1/2 ||R X~ - Y||_F^2 over affine maps R = [Wx, wb]. It is computed
from the normal equations (X~ X~^T) R^T = X~ Y^T over the rationals; when X~ X~^T is singular
(fewer samples than dx + 1, or affinely dependent inputs) a maximal independent set of features
is kept and the others get weight 0, which is still a minimiser.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat


def augmented(X: fmpq_mat) -> fmpq_mat:
    """X~: X with a row of ones appended."""
    dx, m = X.nrows(), X.ncols()
    return fmpq_mat(dx + 1, m, list(X.entries()) + [1] * m)


@dataclass(frozen=True)
class AffineFit:
    weights: fmpq_mat  # dy x dx
    bias: fmpq_mat  # dy x 1
    fitted_num: fmpz_mat  # dy x m: the fitted values are fitted_num / fitted_den (not reduced)
    fitted_den: fmpz
    loss: fmpq

    @cached_property
    def fitted(self) -> fmpq_mat:
        """The fitted values (dy x m) in lowest terms, reduced when first asked for."""
        return fmpq_mat(self.fitted_num) / self.fitted_den

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


def least_squares(X: fmpq_mat, Y: fmpq_mat, scaled_X=None) -> AffineFit:
    """The fit over integer numerators. With X = NX / dX and Y = NY / dY (one denominator each),
    X' = [NX; dX 1^T] = dX X~, so G' = X' X'^T = dX^2 G and B' = X' NY^T = dX dY B for the normal
    equations G R^T = B: G' has the pivots of G, and R^T = (dX / dY) G'^-1 B' on them. With
    R = Rn / dR, the fitted values are F / (dR dX), F = Rn_W NX + dX Rn_b 1^T (reduced once, at
    the end), and the residual is E / (dR dX dY) with E = dY F - (dR dX) NY, so the loss is
    trace(E E^T) / (2 (dR dX dY)^2)."""
    dx, m, dy = X.nrows(), X.ncols(), Y.nrows()
    NX, dX = X.numer_denom() if scaled_X is None else (scaled_X.N, scaled_X.d)  # scaled_X: X as N / d, if at hand
    NY, dY = Y.numer_denom()
    dX, dY = fmpz(dX), fmpz(dY)
    # G' and B' from blocks (X' itself is never formed): G' = [[NX NX^T, dX NX 1], [dX 1^T NX^T, dX^2 m]],
    # B' = [[NX NY^T], [dX 1^T NY^T]]
    ones = fmpz_mat(m, 1, [1] * m)
    XXt, X1, XYt, Y1 = NX * NX.transpose(), NX * ones, NX * NY.transpose(), NY * ones  # one transpose of the long NX, freed at once
    n = dx + 1
    G = fmpz_mat(n, n)
    B = fmpz_mat(n, dy)
    for i in range(dx):
        for j in range(dx):
            G[i, j] = XXt[i, j]
        G[i, dx] = G[dx, i] = dX * X1[i, 0]
        for k in range(dy):
            B[i, k] = XYt[i, k]
    G[dx, dx] = dX * dX * m
    for k in range(dy):
        B[dx, k] = dX * Y1[k, 0]
    rref, _, rank = G.rref()
    pivots = pivot_columns(rref, rank)
    Gs = fmpz_mat(len(pivots), len(pivots), [G[i, j] for i in pivots for j in pivots])
    Bs = fmpz_mat(len(pivots), dy, [B[i, j] for i in pivots for j in range(dy)])
    sol = Gs.solve(Bs) * fmpq(dX, dY)
    Rt = fmpq_mat(dy, n)  # R^T: dy x (dx+1), zero off the pivots
    for a, i in enumerate(pivots):
        for j in range(dy):
            Rt[j, i] = sol[a, j]
    W = fmpq_mat(dy, dx, [Rt[i, j] for i in range(dy) for j in range(dx)])
    b = fmpq_mat(dy, 1, [Rt[i, dx] for i in range(dy)])
    Rn, dR = Rt.numer_denom()
    Wn = fmpz_mat(dy, dx, [Rn[i, j] for i in range(dy) for j in range(dx)])
    bn = fmpz_mat(dy, 1, [Rn[i, dx] * dX for i in range(dy)])
    F = Wn * NX + bn * fmpz_mat(1, m, [1] * m)
    L = fmpz(dR) * dX
    E = F * dY - NY * L
    EEt = E * E.transpose()
    loss = fmpq(sum((EEt[i, i] for i in range(dy)), fmpz(0)), 2 * (L * dY) ** 2)
    return AffineFit(W, b, F, L, loss)
