"""A small exact linear-programming solver over the rationals (untrusted prover side).

``minimize c^T x subject to A x = b, x >= 0`` by the two-phase simplex method on a dense
tableau of python-flint ``fmpq`` numbers, with Bland's rule (least index entering and
leaving), which cannot cycle. The tableau carries its reduced-cost row, updated by every pivot
(no reduced cost is recomputed from scratch). Every pivot is exact, so the vertex returned is an
exact optimal basic solution. Meant for the tiny programs of the affine fits and the Gordan
certificates of the kink engine; its answers are never trusted: the checker verifies optimality
and emptiness certificates independently.

:class:`Phase1` is the warm-started form used by the kink engine: a feasibility problem whose
columns arrive one at a time (a sign prefix and its extensions); each new column is priced with
the current basis inverse and phase 1 resumes from the previous optimal basis.
"""
from __future__ import annotations

from flint import fmpq

_ZERO, _ONE = fmpq(0), fmpq(1)


class Infeasible(Exception):
    """The constraints A x = b, x >= 0 have no solution."""


class Unbounded(Exception):
    """The objective is unbounded below on the feasible set."""


def _pivot(T: list, obj: list, basis: list, row: int, col: int) -> None:
    """Pivot on T[row][col]; ``obj`` is the reduced-cost row (last entry: minus the objective)."""
    piv = T[row][col]
    prow = T[row] = [v / piv for v in T[row]]
    for i, r in enumerate(T):
        f = r[col]
        if i != row and f != 0:
            T[i] = [a - f * b for a, b in zip(r, prow)]
    f = obj[col]
    if f != 0:
        obj[:] = [a - f * b for a, b in zip(obj, prow)]
    basis[row] = col


def _run(T: list, obj: list, basis: list, allowed: int) -> None:
    """Simplex iterations (Bland's rule) on tableau T (last column: rhs) with reduced-cost row
    ``obj``, entering only among the first ``allowed`` columns."""
    while True:
        enter = next((j for j in range(allowed) if obj[j] < 0), None)
        if enter is None:
            return
        best = None
        for i, r in enumerate(T):
            a = r[enter]
            if a > 0:
                ratio = r[-1] / a
                if best is None or ratio < best[0] or (ratio == best[0] and basis[i] < basis[best[1]]):
                    best = (ratio, i)
        if best is None:
            raise Unbounded()
        _pivot(T, obj, basis, best[1], enter)


def _reduced(T: list, basis: list, cost: list) -> list:
    """The reduced-cost row c - c_B^T T of tableau T (rhs entry: -c_B^T x_B)."""
    obj = list(cost) + [_ZERO]
    for i, r in enumerate(T):
        cb = cost[basis[i]]
        if cb != 0:
            obj = [o - cb * v for o, v in zip(obj, r)]
    return obj


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
        rows.append(row + [_ONE if k == i else _ZERO for k in range(m)] + [rhs])
    total = n + m
    basis = [n + i for i in range(m)]
    obj = _reduced(rows, basis, [_ZERO] * n + [_ONE] * m)
    _run(rows, obj, basis, n)  # artificials never re-enter (see Phase1: the restriction keeps phase 1 exact)
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
            _pivot(rows, obj, basis, i, col)
        i += 1
    rows = [r[:n] + [r[total]] for r in rows]
    obj = _reduced(rows, basis, c)
    _run(rows, obj, basis, n)
    x = [_ZERO] * n
    for i, j in enumerate(basis):
        x[j] = rows[i][n]
    return x, sum((ci * xi for ci, xi in zip(c, x)), _ZERO)


class Phase1:
    """Feasibility of A x = b, x >= 0 (b >= 0) with the columns of A added one at a time.

    The tableau keeps the m artificial columns first, so they hold the basis inverse B^-1 (the
    start is the identity basis of the artificials); a new column a enters the tableau as B^-1 a
    with reduced cost -(sum of its entries in rows whose basic variable is artificial), and phase 1
    resumes from the current basis, which stays feasible (the new variable is 0). Artificials
    never re-enter: that restricts phase 1 to points where the artificials that left are 0, and
    every solution of A x = b, x >= 0 is such a point, so a positive optimum still proves
    infeasibility. ``copy`` gives an independent branch (depth-first search over prefixes)."""

    def __init__(self, b: list):
        m = self.m = len(b)
        if any(v < 0 for v in b):
            raise ValueError("Phase1 needs b >= 0")
        self.T = [[_ONE if k == i else _ZERO for k in range(m)] + [fmpq(b[i])] for i in range(m)]
        self.basis = list(range(m))
        self.obj = [_ZERO] * m + [-sum((fmpq(v) for v in b), _ZERO)]
        self.n = 0

    def copy(self) -> "Phase1":
        new = Phase1.__new__(Phase1)
        new.m, new.n, new.T, new.basis, new.obj = self.m, self.n, [list(r) for r in self.T], list(self.basis), list(self.obj)
        return new

    def add_column(self, a: list) -> list | None:
        """Append column ``a`` and re-optimise phase 1: a feasible x (one entry per column added so
        far), or None when A x = b, x >= 0 has no solution."""
        m, col = self.m, self.m + self.n
        new = [sum((r[k] * a[k] for k in range(m) if a[k] != 0), _ZERO) for r in self.T]
        for r, v in zip(self.T, new):
            r.insert(col, v)
        red = -sum((v for v, bi in zip(new, self.basis) if bi < m), _ZERO)
        self.obj.insert(col, red)
        self.n += 1
        if red < 0:
            # Bland's rule over the structural columns only (artificials never re-enter)
            while True:
                enter = next((j for j in range(m, col + 1) if self.obj[j] < 0), None)
                if enter is None:
                    break
                best = None
                for i, r in enumerate(self.T):
                    v = r[enter]
                    if v > 0:
                        ratio = r[-1] / v
                        if best is None or ratio < best[0] or (ratio == best[0] and self.basis[i] < self.basis[best[1]]):
                            best = (ratio, i)
                _pivot(self.T, self.obj, self.basis, best[1], enter)  # phase 1 is bounded below by 0
        if self.obj[-1] != 0:
            return None
        x = [_ZERO] * self.n
        for i, j in enumerate(self.basis):
            if j >= m:
                x[j - m] = self.T[i][-1]
        return x
