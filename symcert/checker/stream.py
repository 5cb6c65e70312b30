"""One hidden layer, one neuron at a time (trusted).

For a network x -> W2 h(W1 x + b1) + b2 the exact pre-activations Z = W1 X + b1 1^T are d1 x m
numbers. After an exact snap (symcert.importers.snap) every row W1_i = U_i / W2_i carries the
denominator of the lifted least-squares solution, tens of thousands of bits for a few hundred
lifted variables, so holding Z at once (scaled.forward) takes gigabytes. This module computes
the same quantities holding one row of Z at a time (m integers over one denominator):

* Row i. z_i = W1_i X + b1_i 1^T by the identity of ``scaled.affine`` for the 1 x dx row W1_i
  and the bias b1_i: integer numerators over the row's own denominator d_i > 0, the same values
  as row i of scaled.forward's Z (scaled.py's docstring).
* Pieces and kinks of z_i: the rule of ``scaled.pieces`` (sign(z - p / q) = sign(q n - p d)),
  with the integers q n - p d formed for the whole row at once (``pieces``).
* The box test of ``interior_cell``: ``scaled.interior_one_layer`` on that row alone (its rule
  is per entry: rad_j depends on sample j only, and the piece ends on the entry's piece).
* The output. out = sum_i W2[:, i] h(z_i) + b2 1^T. h(z_i) = ``scaled.activate`` of the row
  (Hn / Hd); with W2[:, i] = Wn / Wd and g = gcd(Hd, entries of Wn) (g > 0),
  W2[:, i] h(z_i) = ((Wn / g) Hn) / (Wd (Hd / g)), the same value. Sums A / a + B / b =
  (A (L / a) + B (L / b)) / L with L = lcm(a, b). Every step is an identity over Z.
* The lifted normal equations G Phi = 0 (lifted.py), block by block. Let D > 0 be a common
  denominator of the slopes and intercepts, G = Gn / dG, X = Xn / dX. For neuron i the block of
  U_i is sum_j G_j a_ij x~_j = 0 iff Gn (Phi_i) = 0 with the integer m x (dx+1) matrix
  Phi_i[j] = (D a_ij) (Xn_j, dX) (multiplied by dG D dX > 0); the intercept column is
  Gn (D c_ij)_j = 0, and the output bias column Gn 1 = 0. Only small integer data is formed per
  neuron; Gn (dy x m) is the one big matrix, formed once.

* The gradient of the squared-loss risk (``gradient``), back-propagation as in
  ``scaled.gradient_squared`` with the rows of W1 taken one at a time. With G = out - Y (dy x m),
  grad b2 = G 1 and grad W2 = G h(Z)^T, whose column i is G h(z_i)^T; the error reaching
  neuron i is g_i = (W2[:, i]^T G) o s_i (s_ij the slope of z_ij's piece), which is row i of
  scaled.gradient_squared's (W2^T G) o S, so grad W1[i, :] = g_i X^T and grad b1[i] = g_i 1.
  Every row is computed over integer numerators as there: W2 = Wn / dW, G = Gn / dG and
  s_k = (D s_k) / D (D > 0 a common denominator of the slopes) give g_i = gn_i / (dW dG D) with
  gn_ij = (D s_k) (Wn[:, i]^T Gn)_j, the same denominator for every neuron.

The first kink, the first entry leaving its piece, and the first failing block are found in the
same order as the full-matrix code (row by row, sample by sample), so messages are the same.
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq_mat, fmpz, fmpz_mat

from symcert.checker import scaled
from symcert.checker.scaled import Scaled

STREAM_BITS = 1 << 28  # a first layer whose integer numerators need more bits (about 32 MB) is computed row by row


@dataclass
class Layer:
    """What checks of one hidden layer need: the output (dy x m), the piece index of every
    pre-activation (one bytes object per neuron) and the first pre-activation on a breakpoint,
    (neuron, sample, value), or None."""

    out: Scaled
    pieces: list
    kink: tuple | None


def row(W1: fmpq_mat, b1: fmpq_mat, i: int, xs: Scaled) -> Scaled:
    """z_i = W1_i X + b1_i 1^T (1 x m) over L = lcm(dW dX, db), as in scaled.affine:
    z_i = ((L / (dW dX)) Wn Xn + (L / db) bn 1^T) / L: one integer product (the scalar
    multiplies the short row of weights, not the long row of results) and one row of equal
    integers (m references to one int), so no copy of Xn is formed."""
    W = scaled.of(fmpq_mat(1, W1.ncols(), [W1[i, k] for k in range(W1.ncols())]))
    b = scaled.of(fmpq_mat(1, 1, [b1[i, 0]]))
    L = (W.d * xs.d).lcm(b.d)
    f = L // (W.d * xs.d)
    wt = fmpz_mat(1, W1.ncols(), [v * f for v in W.N.entries()])
    m = xs.N.ncols()
    return Scaled(wt * xs.N + fmpz_mat(1, m, [int(b.N[0, 0] * (L // b.d))] * m), L)


def pieces(act, Z: Scaled) -> list:
    """scaled.pieces of a 1 x m row (same result): for each breakpoint p / q in increasing order,
    the signs of the integer row q N - p d 1^T, formed by one matrix operation; an entry's piece
    is the number of breakpoints it lies strictly above, and it is on a breakpoint if one sign is 0."""
    m = Z.N.ncols()
    k, on, done = [0] * m, [False] * m, [False] * m
    for bp in act.breakpoints:
        S = Z.N if bp.p == 0 and bp.q == 1 else Z.N * bp.q - scaled.ones(1, m) * (bp.p * Z.d)
        for j, v in enumerate(S.entries()):
            if done[j]:
                continue
            if v > 0:
                k[j] += 1
            else:
                on[j], done[j] = v == 0, True
    return list(zip(k, on))


def wanted(prob, params: dict) -> bool:
    """True if the first layer's integer numerators would need more than STREAM_BITS bits."""
    bits = max((abs(v).bit_length() for p in ("W1", "b1") for v in scaled.of(params[p]).N.entries()), default=0)
    return params["W1"].nrows() * prob.m * (bits + 64) > STREAM_BITS


def add(A: Scaled, B: Scaled) -> Scaled:
    """A + B over L = lcm of the denominators."""
    L = A.d.lcm(B.d)
    return Scaled(A.N * (L // A.d) + B.N * (L // B.d), L)


def times_column(w: fmpq_mat, H: Scaled) -> Scaled:
    """w H for a dy x 1 column w and a 1 x m row H, with the gcd of Hd and w's numerators cancelled."""
    W = scaled.of(w)
    g = H.d
    for v in W.N.entries():
        g = g.gcd(v)
    g = g if g != 0 else fmpz(1)
    return Scaled(fmpz_mat(W.N.nrows(), 1, [v // g for v in W.N.entries()]) * H.N, W.d * (H.d // g))


def layer(prob, params: dict, xs: Scaled) -> Layer:
    """Output, pieces and first kink, one neuron at a time (module docstring)."""
    W1, b1, W2 = params["W1"], params["b1"], params["W2"]
    b2 = scaled.of(params["b2"])
    out = Scaled(b2.N * scaled.ones(1, prob.m), b2.d)
    rows, kink = [], None
    for i in range(W1.nrows()):
        Z = row(W1, b1, i, xs)
        pcs = pieces(prob.act, Z)
        rows.append(bytes(k for k, _ in pcs))
        if kink is None:
            j = next((j for j, (_, on) in enumerate(pcs) if on), None)
            kink = None if j is None else (i, j, Z.entry(0, j))
        col = fmpq_mat(W2.nrows(), 1, [W2[r, i] for r in range(W2.nrows())])
        out = add(out, times_column(col, scaled.activate(prob.act, Z, pcs)))
    return Layer(out, rows, kink)


def of_forward(fwd) -> Layer:
    """The same Layer from a full scaled.forward of a one-hidden-layer network."""
    (Z,), (pcs,), _, out = fwd
    m = Z.N.ncols()
    rows = [bytes(k for k, _ in pcs[i * m:(i + 1) * m]) for i in range(Z.N.nrows())]
    t = next((t for t, (_, on) in enumerate(pcs) if on), None)
    return Layer(out, rows, None if t is None else (t // m, t % m, Z.entry(t // m, t % m)))


def interior(prob, params: dict, xs: Scaled, r) -> tuple | None:
    """("kink", neuron, sample, z) for the first pre-activation on a breakpoint, else ("leaves",
    neuron, sample, z, rad, lo, hi) for the first that leaves its piece over the box of radius r,
    else None; row by row as scaled.interior_one_layer."""
    W1, b1 = params["W1"], params["b1"]
    leaves = None
    for i in range(W1.nrows()):
        Z = row(W1, b1, i, xs)
        pcs = pieces(prob.act, Z)
        j = next((j for j, (_, on) in enumerate(pcs) if on), None)
        if j is not None:
            return "kink", i, j, Z.entry(0, j)
        if leaves is None:
            bad = scaled.interior_one_layer(prob, params, ([Z], [pcs], [xs]), r)
            leaves = None if bad is None else ("leaves", i) + bad[1:]
    return leaves


def balance(prob, xs: Scaled, G: Scaled, rows: list) -> str | None:
    """None if G Phi = 0, else which column block fails (module docstring), in lifted.py's order."""
    Gn, m = G.N, prob.m
    if any(v != 0 for v in (Gn * scaled.ones(m, 1)).entries()):
        return "G 1 != 0 (the output bias column)"
    D = fmpz(1)
    for v in (*prob.act.slopes, *prob.act.intercepts):
        D = D.lcm(v.q)
    s = [(a * D).p for a in prob.act.slopes]
    c = [(b * D).p for b in prob.act.intercepts]
    Xt = xs.N.transpose().tolist()  # m rows (x_j numerators)
    for i, ks in enumerate(rows):
        Phi = fmpz_mat(m, len(Xt[0]) + 1, [s[k] * v for j, k in enumerate(ks) for v in (*Xt[j], xs.d)])
        if any(v != 0 for v in (Gn * Phi).entries()):
            return f"the block of neuron {i + 1}'s lifted weights U_{i + 1} (sum_j G_j a_ij x~_j != 0)"
        if any(v != 0 for v in (Gn * fmpz_mat(m, 1, [c[k] for k in ks])).entries()):
            return f"the intercept column of neuron {i + 1} (sum_j G_j c_ij != 0)"
    return None


def residual(out: Scaled, Y: Scaled) -> Scaled:
    """out - Y over L = lcm(d_out, d_Y): (out.N (L / d_out) - Y.N (L / d_Y)) / L, the same value;
    set entry by entry, so no scaled copy of out or Y is formed beside the result."""
    L = out.d.lcm(Y.d)
    f, g = L // out.d, L // Y.d
    G = fmpz_mat(out.N.nrows(), out.N.ncols())
    for r in range(G.nrows()):
        for j in range(G.ncols()):
            G[r, j] = out.N[r, j] * f - Y.N[r, j] * g
    return Scaled(G, L)


def over_one(parts: list) -> Scaled:
    """Rows A_t / a_t (small matrices of equal widths) stacked over L = lcm of the a_t:
    A_t / a_t = (A_t (L / a_t)) / L."""
    L = fmpz(1)
    for P in parts:
        L = L.lcm(P.d)
    vals = [v * (L // P.d) for P in parts for v in P.N.entries()]
    return Scaled(fmpz_mat(len(parts), parts[0].N.ncols(), vals), L)


def error(Gn: fmpz_mat, w: list, slopes: list, ks: bytes) -> fmpz_mat:
    """The integer column gn_i (m x 1) of the module docstring: w = Wn[:, i], slopes = the D s_k,
    ks = neuron i's pieces; entries with slope 0 stay 0, slope 1 copies (W^T G)_j."""
    back = fmpz_mat(1, len(w), w) * Gn
    col = fmpz_mat(Gn.ncols(), 1)
    for j, k in enumerate(ks):
        if slopes[k] != 0:
            col[j, 0] = back[0, j] if slopes[k] == 1 else back[0, j] * slopes[k]
    return col


def gradient(prob, params: dict, xs: Scaled, lay: Layer) -> dict:
    """scaled.gradient_squared's gradient (the same values), one neuron at a time (module
    docstring); ``lay`` is ``layer(prob, params, xs)`` with no kink. Products are formed so that
    no long matrix is transposed: G h(z_i)^T with the 1 x m row h(z_i) turned (one row), and
    g_i X^T = (X g_i^T)^T, a dx x m by m x 1 integer product turned afterwards (dx numbers)."""
    G = residual(lay.out, scaled.of(prob.Y))
    W = scaled.of(params["W2"])
    D = fmpz(1)
    for a in prob.act.slopes:
        D = D.lcm(a.q)
    slopes = [(a * D).p for a in prob.act.slopes]
    m, dg = prob.m, W.d * G.d * D
    w1, b1, w2, tab = [], [], [], [(k, False) for k in range(len(slopes))]
    for i, ks in enumerate(lay.pieces):
        H = scaled.activate(prob.act, row(params["W1"], params["b1"], i, xs), [tab[k] for k in ks])
        w2.append(Scaled((G.N * H.N.transpose()).transpose(), G.d * H.d))  # column i of grad W2, as a row
        del H
        g = error(G.N, [W.N[r, i] for r in range(W.N.nrows())], slopes, ks)
        w1.append(Scaled((xs.N * g).transpose(), dg * xs.d))
        b1.append(Scaled(scaled.ones(1, m) * g, dg))
    return {"W1": over_one(w1), "b1": over_one(b1), "W2": over_one(w2).transpose(),
            "b2": Scaled(G.N * scaled.ones(m, 1), G.d)}
