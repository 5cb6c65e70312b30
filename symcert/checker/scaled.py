"""Exact forward pass, risk and gradient over integer numerators (trusted).

A rational matrix M is held as ``Scaled(N, d)``: an integer matrix N (``fmpz_mat``) and one
integer d > 0 with M = N / d. Nothing is rounded, and nothing is reduced to lowest terms until a
single number is wanted (the risk, a value in a message). Why this gives the same answers as the
rational matrices of :mod:`symcert.checker.kernel`:

* Signs. For an entry z = n / d and a rational t = p / q (q > 0), q d > 0, so
  sign(z - t) = sign(q d (z - t)) = sign(q n - p d): the activation piece of z, and whether z
  is exactly a breakpoint, are integer comparisons.
* Affine maps. With W = Wn / dW, A = An / dA, b = bn / db and L = lcm(dW dA, db),
  W A + b 1^T = ((L / (dW dA)) Wn An + (L / db) bn 1^T) / L: integer products, the same value.
* Activations. On piece k, h(z) = s_k z + c_k. With D > 0 a common denominator of every s_k
  and c_k, h(n / d) = ((D s_k) n + (D c_k) d) / (D d), where D s_k and D c_k are integers.
* Products, differences. (N1 / d1)(N2 / d2) = N1 N2 / (d1 d2); N1 / d1 - N2 / d2 =
  (d2 N1 - d1 N2) / (d1 d2). A matrix is zero iff its numerators are all zero (d > 0).
* The squared loss. 1/2 ||N / d||^2 = trace(N N^T) / (2 d^2), one fraction, reduced once.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from operator import gt, lt, or_

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat


@dataclass(frozen=True)
class Scaled:
    """The rational matrix N / d (N an integer matrix, d > 0)."""

    N: fmpz_mat
    d: fmpz

    def entry(self, i: int, j: int) -> fmpq:
        return fmpq(self.N[i, j], self.d)

    def rational(self) -> fmpq_mat:
        return fmpq_mat(self.N) / self.d

    def times(self, other: "Scaled") -> "Scaled":
        return Scaled(self.N * other.N, self.d * other.d)

    def minus(self, other: "Scaled") -> "Scaled":
        return Scaled(self.N * other.d - other.N * self.d, self.d * other.d)

    def transpose(self) -> "Scaled":
        return Scaled(self.N.transpose(), self.d)


def of(M: fmpq_mat) -> Scaled:
    N, d = M.numer_denom()
    return Scaled(N, fmpz(d))


def ones(rows: int, cols: int) -> fmpz_mat:
    return fmpz_mat(rows, cols, [1] * (rows * cols))


def affine(W: Scaled, A: Scaled, b: Scaled) -> Scaled:
    """W A + b 1^T over L = lcm(dW dA, db) (module docstring). The factor L / (dW dA) multiplies
    the numerators of W before the product, ((L / (dW dA)) Wn) An = (L / (dW dA)) (Wn An): the same
    integers, with one multiplication per weight instead of one per result."""
    dWA = W.d * A.d
    L = dWA.lcm(b.d)
    return Scaled((W.N * (L // dWA)) * A.N + (b.N * (L // b.d)) * ones(1, A.N.ncols()), L)


def pieces(act, Z: Scaled) -> list:
    """(piece index, on a breakpoint?) of every entry of Z, row by row.

    For z = n / d (d > 0) and a breakpoint t = p / q (q > 0): z > t iff q n > p d iff n > p d / q
    iff n > F with F = floor(p d / q) (n is an integer), and z = t iff q divides p d and n = F.
    The breakpoints increase strictly (problem.activation checks it), so the floors F_0 <= F_1 <= ...
    do not decrease, and the breakpoints below z are those with F_i < n: a first stretch of the
    list, of length k = bisect_left(F, n), the index of z's piece. z is on a breakpoint iff it is on
    breakpoint k (below k, F_i < n; above k, an exact F_i = n would give t_k < t_i = z <= t_k):
    iff q_k divides p_k d and F_k = n."""
    d = Z.d
    F = [(bp.p * d) // bp.q for bp in act.breakpoints]
    exact = [(bp.p * d) % bp.q == 0 for bp in act.breakpoints]
    nb = len(F)
    inside = [(k, False) for k in range(nb + 1)]
    on = [(k, True) for k in range(nb + 1)]
    return [on[k] if k < nb and exact[k] and F[k] == n else inside[k] for n in Z.N.entries() for k in (bisect_left(F, n),)]


def _common(values) -> fmpz:
    D = fmpz(1)
    for v in values:
        D = D.lcm(v.q)
    return D


def activate(act, Z: Scaled, pcs: list) -> Scaled:
    """h(Z) entrywise, as ((D s_k) n + (D c_k) d) / (D d) on each entry's piece k. The numerators
    start as a copy of N, right where D s_k = 1 and D c_k = 0; every other entry is overwritten
    with (D s_k) n + (D c_k) d."""
    D = _common((*act.slopes, *act.intercepts))
    s = [(a * D).p for a in act.slopes]
    c = [(b * D).p * Z.d for b in act.intercepts]
    keep = [sk == 1 and ck == 0 for sk, ck in zip(s, c)]
    M, m = fmpz_mat(Z.N), Z.N.ncols()
    for t, (k, _) in enumerate(pcs):
        if not keep[k]:
            i, j = divmod(t, m)
            M[i, j] = c[k] if s[k] == 0 else s[k] * M[i, j] + c[k]
    return Scaled(M, D * Z.d)


def forward(prob, params: dict, xs: Scaled | None = None) -> tuple:
    """(pre-activations, their pieces, layer inputs [X, h(Z1), ...], output), each a Scaled
    except the pieces (lists of (k, on a breakpoint?) per pre-activation, row by row); ``xs``,
    if given, is ``inputs(prob)``."""
    pre, pcs, acts = [], [], [inputs(prob) if xs is None else xs]
    for l in range(1, prob.depth + 1):
        Z = affine(of(params[f"W{l}"]), acts[-1], of(params[f"b{l}"]))
        if l == prob.depth:
            return pre, pcs, acts, Z
        pc = pieces(prob.act, Z)
        pre.append(Z)
        pcs.append(pc)
        acts.append(activate(prob.act, Z, pc))
    raise AssertionError("unreachable")


def half_sq_norm(R: Scaled) -> fmpq:
    """1/2 ||R||_F^2 = trace(N N^T) / (2 d^2)."""
    P = R.N * R.N.transpose()
    return fmpq(sum((P[i, i] for i in range(P.nrows())), fmpz(0)), 2 * R.d * R.d)


def first_kink(pcs_list: list, widths_m) -> tuple | None:
    """(layer, neuron, sample) of the first pre-activation on a breakpoint, or None."""
    m = widths_m
    for l, pcs in enumerate(pcs_list, start=1):
        for t, (_, kink) in enumerate(pcs):
            if kink:
                return l, t // m, t % m
    return None


def gradient_squared(prob, params: dict, fwd) -> dict:
    """The exact gradient of the squared-loss risk by back-propagation, as Scaled matrices.
    Precondition: no pre-activation on a breakpoint (the slopes are then defined)."""
    pre, pcs, acts, out = fwd
    G = out.minus(of(prob.Y))  # d loss / d output = Y^ - Y
    D = _common(prob.act.slopes)
    slope = [(a * D).p for a in prob.act.slopes]
    grad = {}
    for l in range(prob.depth, 0, -1):
        A = acts[l - 1]  # G A^T = (A G^T)^T: the long A is not copied into its transpose
        grad[f"W{l}"] = Scaled((A.N * G.N.transpose()).transpose(), G.d * A.d)
        grad[f"b{l}"] = Scaled(G.N * ones(G.N.ncols(), 1), G.d)
        if l > 1:
            back = of(params[f"W{l}"]).transpose().times(G)
            vals = [v * slope[k] for v, (k, _) in zip(back.N.entries(), pcs[l - 2])]
            G = Scaled(fmpz_mat(back.N.nrows(), back.N.ncols(), vals), back.d * D)
    return grad


def inputs(prob) -> Scaled:
    """``of(prob.X)``; its column sums of |N| (abs_col_sums) are taken from the reading when
    prob.x_abs = (X0, R, den[, N0]) was made for this very X (X0 is prob.X): den sum_k |X_kj| = R_j, so
    S_j = sum_k |N_kj| = d R_j / den, an integer (checked: else they are computed entry by entry).
    Packed data was read as X = N0 / den with den its least common denominator (exact/packed.py),
    which is ``of(prob.X)`` itself (numer_denom gives the least common denominator and the
    numerators over it), so N0 is taken as it is."""
    seed = getattr(prob, "x_abs", None)
    own = seed is not None and seed[0] is prob.X and len(seed) == 4 and (seed[3].nrows(), seed[3].ncols()) == (prob.X.nrows(), prob.X.ncols())
    X = Scaled(seed[3], fmpz(seed[2])) if own else of(prob.X)
    if seed is not None and seed[0] is prob.X and len(seed[1]) == X.N.ncols():
        S = [divmod(X.d * r, seed[2]) for r in seed[1]]
        if all(rem == 0 for _, rem in S):
            object.__setattr__(X, "_abs_col_sums", [q for q, _ in S])
    return X


def abs_col_sums(X: Scaled) -> list:
    """S = 1^T |N| for X = N / d (the column sums of |X| are S / d), computed once per X."""
    if "_abs_col_sums" not in X.__dict__:
        N, rows = X.N, range(X.N.nrows())  # entry by entry: no Python copy of all of N at once
        S = [sum([abs(N[k, j]) for k in rows], fmpz(0)) for j in range(N.ncols())]
        object.__setattr__(X, "_abs_col_sums", S)
    return X.__dict__["_abs_col_sums"]


def interior_one_layer(prob, params: dict, fwd, r: fmpq):
    """For one hidden layer: None if every pre-activation z stays strictly inside its piece over
    the box of radius r, else (neuron, sample, z, rad, lo, hi) of the first that does not.

    The radius of z_ij over the box is rad_j = r (sum_k |x_kj| + 1) (kernel.box_radii with exact
    inputs), = r (S_j + dX) / dX with S = 1^T |Xn|. z stays inside its piece iff it is farther
    than rad_j from every breakpoint: the ends of its piece are the nearest breakpoints below and
    above it (a z on a breakpoint fails both tests). With z = n / d, r = a / c and a breakpoint p / q (all
    denominators > 0), multiplying by q d c dX > 0: |z - p / q| > rad_j iff |G| > q R_j with
    G = q c dX n - p d c dX and R_j = d a (S_j + dX), i.e. G > q R_j or G < -q R_j."""
    (Z,), (pcs,), X = fwd[0], fwd[1], fwd[2][0]
    S = abs_col_sums(X)
    a, c, d, m, rows = r.p, r.q, Z.d, Z.N.ncols(), Z.N.nrows()
    R = fmpz_mat(1, m, [s + X.d for s in S]) * (d * a)
    first = None
    for bp in prob.act.breakpoints:
        G = Z.N * (bp.q * c * X.d)
        if bp.p != 0:
            G = G - ones(rows, 1) * ones(1, m) * (bp.p * d * c * X.d)
        G, up, down = G.entries(), (R * bp.q).entries() * rows, (R * -bp.q).entries() * rows
        far = list(map(or_, map(gt, G, up), map(lt, G, down)))
        if not all(far):
            first = min(far.index(False), first if first is not None else len(far))
    if first is None:
        return None
    i, j = divmod(first, m)
    lo, hi = prob.act.piece_bounds(pcs[first][0])
    return i, j, Z.entry(i, j), r * fmpq(S[j] + X.d, X.d), lo, hi
