"""The Krawczyk operator over arb balls, shared by the box routes (trusted; no sympy).

``krawczyk(H, g, r)`` encloses K(B) - c = -Y g(c) + (I - Y H(B)) (B - c) for the sup-norm box B of
radius r around a centre c, with H(B) an arb enclosure of the Jacobian of the map (here: the
Hessian of a risk) over B, g(c) its value at c, and Y a point matrix (an approximate inverse of
mid H(B)). If K(B) lies strictly inside B, the map has exactly one zero in B, and it lies in K(B)
(Krawczyk 1969; Moore 1977; Rump 1983). Used by checker/krawczyk.py (smooth networks) and
checker/layer_box.py (logistic and cross-entropy losses); with the interval LDL^T
(``positive_definite``) that checker/krawczyk.py and checker/population_obligations.py use.
"""
from __future__ import annotations

from contextlib import contextmanager

import flint
from flint import arb, arb_mat, fmpq


@contextmanager
def precision(prec: int):
    saved = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        yield
    finally:
        flint.ctx.prec = saved


def upper_bound(x: arb) -> fmpq:
    """An exact rational >= every point of the ball."""
    man, exp = x.upper().mid().man_exp()
    two = fmpq(2) ** abs(int(exp))
    return fmpq(man) * two if exp >= 0 else fmpq(man) / two


def krawczyk(H: arb_mat, g: list, r: fmpq) -> tuple:
    """(K(B) - c as a list of balls, u = B - c) or (None, reason) when mid H(B) is singular.

    M is mid H(B) rounded to binary64 numbers (a point matrix), R[i, j] an upper bound of
    |h - M[i, j]| over the ball H(B)[i, j], so every H' in H(B) is M + D with |D| <= R entrywise.
    Y is an approximate inverse of M (arb_mat.solve with algorithm "approx", no error bounds, at 53
    bits), rounded to binary64: any point matrix is sound. Then
    (I - Y H') u = (I - Y M) u - Y D u and |(Y D u)_i| <= (|Y| R 1)_i r, so the i-th entry of
    K(B) - c lies in -(Y g(c))_i + ((I - Y M) u)_i + [-1, 1] (|Y| R 1)_i r. The products are of
    short point matrices (fast); the result encloses K(B) - c."""
    n = H.nrows()
    rows = H.tolist()
    M = arb_mat([[arb(float(x.mid())) for x in row] for row in rows])
    I = arb_mat(n, n)
    for i in range(n):
        I[i, i] = 1
    try:
        with precision(53):
            Y = arb_mat([[arb(float(y.mid())) for y in row] for row in M.solve(I, algorithm="approx").tolist()])
    except (ZeroDivisionError, ValueError, OverflowError):
        return None, "the midpoint of H(B) is singular in binary64"
    u = arb_mat(n, 1, [arb(r) * arb(0, 1) for _ in range(n)])
    R = arb_mat([[abs(x - M[i, j]).upper() for j, x in enumerate(row)] for i, row in enumerate(rows)])
    Yabs = arb_mat([[abs(y) for y in row] for row in Y.tolist()])
    spread = Yabs * (R * arb_mat(n, 1, [arb(1)] * n))
    K = -(Y * arb_mat(n, 1, g)) + (I - Y * M) * u
    return [K[i, 0] + spread[i, 0].upper() * arb(r) * arb(0, 1) for i in range(n)], u



def first_outside(K: list, r: fmpq) -> int | None:
    """Index of the first ball of K(B) - c not certainly inside (-r, r), or None: K(B) lies strictly
    inside the box B of radius r (the containment the Krawczyk lemma asks for)."""
    rr = arb(r)
    return next((i for i, k in enumerate(K) if not (k < rr and k > -rr)), None)


def reach(K: list, r: fmpq) -> fmpq:
    """An exact rational rho <= r with |x* - c| <= rho for the zero x* in K(B)."""
    return min(upper_bound(max((abs(k) for k in K), key=lambda b: b.upper())), r)

def risk_at_zero(Rc: arb, g: list, H: arb_mat, u: arb_mat) -> arb:
    """An enclosure of R(x*) for the zero x* of the gradient in B: R(x*) = R(c) + integral over
    t in [0, 1] of grad R(c + t s) . s with s = x* - c in u = B - c, and grad R(c + t s) lies in
    g(c) + H(B) (t s) inside g(c) + H(B) u, since u is symmetric about 0 (t s is in u)."""
    G = arb_mat(len(g), 1, g) + H * u
    return Rc + sum((G[k, 0] * u[k, 0] for k in range(len(g))), arb(0))


LEAF = 32  # block size below which the LDL^T runs entry by entry


def _ldl_leaf(rows: list) -> int | None:
    """Entry-wise LDL^T of a symmetric ball matrix (lower triangle used): the index of the first
    pivot not certainly > 0, or None. Argument: on a symmetric point matrix M inside the balls the
    same operations compute M's exact pivots d_k = det M_k / det M_{k-1} (M_k the leading k x k
    block), and ball arithmetic encloses them; all d_k > 0 gives every det M_k > 0, so M is
    positive definite (Sylvester). Using a[j][k] for a[k][j] is exact for symmetric M."""
    a = [list(row) for row in rows]
    n = len(a)
    for k in range(n):
        p = a[k][k]
        if not p > 0:
            return k
        for i in range(k + 1, n):
            f = a[i][k] / p
            for j in range(k + 1, i + 1):
                a[i][j] -= f * a[j][k]
    return None


def positive_definite(H: arb_mat, start: int = 0, leaf: int = LEAF) -> int | None:
    """None if every symmetric matrix in the balls H is positive definite, else the index of the
    first pivot (block) not proved positive. Block step: with H = [[A, C^T], [C, D]], H is
    positive definite iff A is and the Schur complement S = D - C A^{-1} C^T is (H is congruent to
    diag(A, S)). arb_mat.solve encloses A^{-1} C^T for every A, C in the balls, so the ball matrix
    S encloses S(M) for every M in H."""
    n = H.nrows()
    rows = H.tolist()
    if n <= leaf:
        k = _ldl_leaf(rows)
        return None if k is None else start + k
    h = n // 2
    A = arb_mat([row[:h] for row in rows[:h]])
    C = arb_mat([row[:h] for row in rows[h:]])
    D = arb_mat([row[h:] for row in rows[h:]])
    bad = positive_definite(A, start, leaf)
    if bad is not None:
        return bad
    try:
        S = D - C * A.solve(C.transpose())
    except (ZeroDivisionError, ValueError):
        return start
    return positive_definite(S, start + h, leaf)
