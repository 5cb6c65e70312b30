"""A small exact linear-programming solver over the rationals (untrusted prover side).

``minimize c^T x subject to A x = b, x >= 0`` by the two-phase simplex method on a dense
tableau of python-flint ``fmpq`` numbers, with Bland's rule (least index entering and
leaving), which cannot cycle. Every pivot is exact, so the vertex returned is an exact optimal
basic solution. Meant for the tiny programs of the affine fits (tens of variables); its answers
are never trusted: the checker verifies optimality certificates independently.
"""
from __future__ import annotations

from flint import fmpq


class Infeasible(Exception):
    """The constraints A x = b, x >= 0 have no solution."""


class Unbounded(Exception):
    """The objective is unbounded below on the feasible set."""


def _pivot(T: list, basis: list, row: int, col: int) -> None:
    piv = T[row][col]
    T[row] = [v / piv for v in T[row]]
    for i, r in enumerate(T):
        if i != row and r[col] != 0:
            f = r[col]
            T[i] = [a - f * b for a, b in zip(r, T[row])]
    basis[row] = col


def _run(T: list, basis: list, cost: list, allowed: int) -> None:
    """Simplex iterations on tableau T (rows: constraints, last column: rhs) minimising
    cost^T x over the first ``allowed`` columns."""
    n = len(cost)
    while True:
        # reduced costs: c_j - c_B^T column_j
        enter = None
        for j in range(allowed):
            if j in basis:
                continue
            red = cost[j] - sum((cost[basis[i]] * T[i][j] for i in range(len(T))), fmpq(0))
            if red < 0:
                enter = j
                break
        if enter is None:
            return
        best = None
        for i, r in enumerate(T):
            if r[enter] > 0:
                ratio = r[n] / r[enter]
                if best is None or ratio < best[0] or (ratio == best[0] and basis[i] < basis[best[1]]):
                    best = (ratio, i)
        if best is None:
            raise Unbounded()
        _pivot(T, basis, best[1], enter)


def solve(c: list, A: list, b: list) -> tuple[list, fmpq]:
    """An optimal vertex x and the optimal value of min c^T x, A x = b, x >= 0 (exact)."""
    m, n = len(A), len(c)
    c = [fmpq(v) for v in c]
    rows = []
    for i in range(m):
        row = [fmpq(v) for v in A[i]]
        rhs = fmpq(b[i])
        if rhs < 0:
            row, rhs = [-v for v in row], -rhs
        rows.append(row + [fmpq(int(k == i)) for k in range(m)] + [rhs])
    total = n + m
    basis = [n + i for i in range(m)]
    phase1 = [fmpq(0)] * n + [fmpq(1)] * m
    _run(rows, basis, phase1, total)
    if any(rows[i][total] != 0 for i in range(m) if basis[i] >= n):
        raise Infeasible()
    # drive artificial variables (at value 0) out of the basis, or drop redundant rows
    i = 0
    while i < len(rows):
        if basis[i] >= n:
            col = next((j for j in range(n) if rows[i][j] != 0), None)
            if col is None:
                del rows[i], basis[i]
                continue
            _pivot(rows, basis, i, col)
        i += 1
    rows = [r[:n] + [r[total]] for r in rows]
    _run(rows, basis, c, n)
    x = [fmpq(0)] * n
    for i, j in enumerate(basis):
        x[j] = rows[i][n]
    return x, sum((ci * xi for ci, xi in zip(c, x)), fmpq(0))
