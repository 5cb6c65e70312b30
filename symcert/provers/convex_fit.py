"""Best affine fits under convex losses, with exact optimality multipliers (untrusted).

For data X (dx x m), Y (dy x m) and a per-entry convex loss ell, find an affine map
A = [W | b] minimising sum_j ell(A x~_j, y_j), and multipliers G (dy x m) with every G_ij in
the subdifferential of ell at the fitted value and G X~^T = 0. Those multipliers are the
certificate the checker verifies (obligation ``affine_optimality``): by the subgradient
inequality they prove that no affine map does better.

Methods (each output row is an independent problem):

* squared: the normal equations (:func:`symcert.provers.affine.least_squares`); G = residual.
* absolute, hinge: an exact linear program (:mod:`symcert.provers.lp`, two-phase simplex over
  the rationals) for the fit; then a second, feasibility, program for the multipliers at the
  kinks (zero residuals / margins exactly 1), whose values are only known to lie in an
  interval there.
* huber: a floating-point fit (iteratively reweighted least squares; untrusted, only a guess) says which residuals lie
  in [-delta, delta]; for that pattern the stationarity equations are linear, and an exact
  feasibility program finds a point satisfying them and the pattern's inequalities (patterns
  with residuals within 1e-7 of +-delta are also tried with those entries flipped). Such a
  point is an exact optimum; the multipliers are the (unique) derivatives.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from flint import fmpq, fmpq_mat

from symcert.checker.api import losses
from symcert.errors import ConstructionFailed
from symcert.provers import lp
from symcert.provers.affine import augmented, least_squares


@dataclass(frozen=True)
class ConvexFit:
    weights: fmpq_mat  # dy x dx
    bias: fmpq_mat  # dy x 1
    fitted: fmpq_mat  # dy x m
    multipliers: fmpq_mat  # dy x m
    loss: fmpq


def _row_fit_lp(kind: str, Xt: fmpq_mat, y: list) -> list:
    """Coefficients a (length p = dx + 1) of an optimal affine fit of one output row."""
    p, m = Xt.nrows(), Xt.ncols()
    A, b = [], []
    for j in range(m):
        xj = [Xt[k, j] for k in range(p)]
        if kind == "absolute":  # x~.(a+ - a-) - u + v = y, minimise sum u + v
            A.append(xj + [-v for v in xj] + [fmpq(-int(i == j)) for i in range(m)] + [fmpq(int(i == j)) for i in range(m)])
            b.append(y[j])
        else:  # hinge: y x~.(a+ - a-) + xi - s = 1, minimise sum xi
            A.append([y[j] * v for v in xj] + [-y[j] * v for v in xj] + [fmpq(int(i == j)) for i in range(m)] + [fmpq(-int(i == j)) for i in range(m)])
            b.append(fmpq(1))
    c = [fmpq(0)] * (2 * p) + [fmpq(1)] * m + ([fmpq(1)] if kind == "absolute" else [fmpq(0)]) * m
    x, _ = lp.solve(c, A, b)
    return [x[k] - x[p + k] for k in range(p)]


def _row_multipliers(kind: str, delta, Xt: fmpq_mat, fitted: list, y: list) -> list:
    """g with g_j in the subdifferential at fitted_j and sum_j g_j x~_j = 0 (a feasibility LP
    over the kink entries)."""
    p, m = Xt.nrows(), Xt.ncols()
    ivals = [losses.subdifferential(kind, delta, f, t) for f, t in zip(fitted, y)]
    free = [j for j in range(m) if ivals[j][0] != ivals[j][1]]
    g = [lo for lo, _ in ivals]
    if free:
        # g_j = lo_j + u_j, u_j + w_j = hi_j - lo_j; sum_{free} u_j x~_j = -sum_j lo_j x~_j
        nf = len(free)
        A, b = [], []
        for k in range(p):
            A.append([Xt[k, j] for j in free] + [fmpq(0)] * nf)
            b.append(-sum((g[j] * Xt[k, j] for j in range(m)), fmpq(0)))
        for t, j in enumerate(free):
            A.append([fmpq(int(s == t)) for s in range(nf)] + [fmpq(int(s == t)) for s in range(nf)])
            b.append(ivals[j][1] - ivals[j][0])
        try:
            u, _ = lp.solve([fmpq(0)] * (2 * nf), A, b)
        except lp.Infeasible:
            raise ConstructionFailed("no optimality multipliers exist at this fit (it is not an optimal affine fit)") from None
        for t, j in enumerate(free):
            g[j] += u[t]
    return g


def _huber_float(delta: float, Xt: list, y: list, a: list, iters: int = 2000) -> list:
    """Approximate Huber fit in floating point by iteratively reweighted least squares (a
    majorise-minimise scheme: weight 1 where |r| <= delta, delta/|r| elsewhere); used only to
    guess which residuals lie in [-delta, delta]. The exact fit is then solved and verified."""
    p, m = len(Xt), len(y)
    for _ in range(iters):
        H = [[1e-13 * (k == l) for l in range(p)] for k in range(p)]
        g = [0.0] * p
        for j in range(m):
            r = sum(a[k] * Xt[k][j] for k in range(p)) - y[j]
            w = 1.0 if abs(r) <= delta else delta / abs(r)
            for k in range(p):
                g[k] += w * Xt[k][j] * y[j]
                for l in range(p):
                    H[k][l] += w * Xt[k][j] * Xt[l][j]
        new = _float_solve(H, g)
        if max(abs(u - v) for u, v in zip(new, a)) < 1e-15:
            return new
        a = new
    return a


def _float_solve(H: list, g: list) -> list:
    n = len(g)
    M = [row[:] + [g[i]] for i, row in enumerate(H)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(M[r][c]))
        M[c], M[piv] = M[piv], M[c]
        if abs(M[c][c]) < 1e-300:
            M[c][c] = 1e-12
        for r in range(n):
            if r != c:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[c])]
    return [M[i][n] / M[i][i] for i in range(n)]


def _huber_pattern_point(delta, Xt: fmpq_mat, y: list, pat: tuple) -> list | None:
    """An exact a that is stationary for the smooth piece of the Huber risk selected by ``pat``
    (pat_j = 0: |r_j| <= delta, +1: r_j >= delta, -1: r_j <= -delta) and satisfies the pattern's
    inequalities; None if there is none. A feasibility LP over a = a+ - a-."""
    p, m = Xt.nrows(), Xt.ncols()
    A, b = [], []
    for k in range(p):  # sum_{pat 0} x~ (x~.a - y) + delta sum_{pat != 0} pat x~ = 0
        row = [sum((Xt[k, j] * Xt[l, j] for j in range(m) if pat[j] == 0), fmpq(0)) for l in range(p)]
        rhs = sum((Xt[k, j] * y[j] for j in range(m) if pat[j] == 0), fmpq(0)) - delta * sum((pat[j] * Xt[k, j] for j in range(m)), fmpq(0))
        A.append(row + [-v for v in row])
        b.append(rhs)
    cons = []  # (coefficients on a, sign, bound): sign * (x~.a) <= bound
    for j in range(m):
        xj = [Xt[k, j] for k in range(p)]
        if pat[j] == 0:
            cons.append((xj, 1, y[j] + delta))
            cons.append((xj, -1, -(y[j] - delta)))
        elif pat[j] == 1:
            cons.append((xj, -1, -(y[j] + delta)))
        else:
            cons.append((xj, 1, y[j] - delta))
    ns = len(cons)
    A = [row + [fmpq(0)] * ns for row in A]
    for t, (xj, sg, bound) in enumerate(cons):
        A.append([sg * v for v in xj] + [-sg * v for v in xj] + [fmpq(int(s == t)) for s in range(ns)])
        b.append(bound)
    try:
        x, _ = lp.solve([fmpq(0)] * (2 * p + ns), A, b)
    except lp.Infeasible:
        return None
    return [x[k] - x[p + k] for k in range(p)]


def _huber_row(delta, Xt: fmpq_mat, y: list, start: list) -> list | None:
    p, m = Xt.nrows(), Xt.ncols()
    fx = [[float(Xt[k, j]) for j in range(m)] for k in range(p)]
    fa = _huber_float(float(delta), fx, [float(v) for v in y], [float(v) for v in start])
    res = [sum(fa[k] * fx[k][j] for k in range(p)) - float(y[j]) for j in range(m)]
    pat = [0 if abs(r) <= float(delta) else (1 if r > 0 else -1) for r in res]
    close = [j for j in range(m) if abs(abs(res[j]) - float(delta)) < 1e-7][:8]
    for flips in range(len(close) + 1):
        for chosen in itertools.combinations(close, flips):
            trial = list(pat)
            for j in chosen:
                trial[j] = 0 if trial[j] != 0 else (1 if res[j] > 0 else -1)
            a = _huber_pattern_point(delta, Xt, y, tuple(trial))
            if a is not None and _huber_ok(delta, Xt, y, a):
                return a
    return None


def _huber_ok(delta, Xt, y, a) -> bool:
    p, m = Xt.nrows(), Xt.ncols()
    g = []
    for j in range(m):
        r = sum((a[k] * Xt[k, j] for k in range(p)), fmpq(0)) - y[j]
        g.append(losses.subdifferential("huber", delta, r + y[j], y[j])[0])
    return all(sum((g[j] * Xt[k, j] for j in range(m)), fmpq(0)) == 0 for k in range(p))


def best_affine(kind: str, X: fmpq_mat, Y: fmpq_mat, delta=None) -> ConvexFit:
    """An optimal affine fit of Y from X under the loss ``kind``, with its multipliers."""
    dx, m, dy = X.nrows(), X.ncols(), Y.nrows()
    Xt = augmented(X)
    p = dx + 1
    ls = least_squares(X, Y)
    coef = []
    for i in range(dy):
        y = [Y[i, j] for j in range(m)]
        if kind == "squared":
            a = [ls.weights[i, k] for k in range(dx)] + [ls.bias[i, 0]]
        elif kind in ("absolute", "hinge"):
            a = _row_fit_lp(kind, Xt, y)
        elif kind == "huber":
            a = _huber_row(fmpq(delta), Xt, y, [ls.weights[i, k] for k in range(dx)] + [ls.bias[i, 0]])
            if a is None:
                raise ConstructionFailed("the Huber active-set iteration found no optimal affine fit")
        else:
            raise ValueError(f"unknown loss {kind}")
        coef.append(a)
    A = fmpq_mat(dy, p, [v for row in coef for v in row])
    fitted = A * Xt
    G = []
    for i in range(dy):
        G += _row_multipliers(kind, delta, Xt, [fitted[i, j] for j in range(m)], [Y[i, j] for j in range(m)])
    G = fmpq_mat(dy, m, G)
    assert all(v == 0 for v in (G * Xt.transpose()).entries()), "multipliers do not balance"
    W = fmpq_mat(dy, dx, [A[i, k] for i in range(dy) for k in range(dx)])
    b = fmpq_mat(dy, 1, [A[i, dx] for i in range(dy)])
    loss = sum((losses.value(kind, delta, fitted[i, j], Y[i, j]) for i in range(dy) for j in range(m)), fmpq(0))
    return ConvexFit(W, b, fitted, G, loss)
