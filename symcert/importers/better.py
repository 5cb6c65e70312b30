"""Searching for a point of strictly lower risk (untrusted; exact, no floating point).

Candidates re-place one hidden neuron: its kink hyperplane is put through a data point x_j,
along a coordinate axis (W1_i = +-e_k, b1_i = -+x_jk + offset), and the output layer (W2, b2) is
then the exact least-squares fit to the resulting hidden features. The risk of such a point is
exactly the fit's loss, whatever cell it lies in, so any candidate below the minimum's risk is a
certified better point (obligation ``strictly_lower``). Neurons are tried weakest first
(smallest ||W2_i|| ||(W1_i, b1_i)||, so switched-off neurons come first); the amount of work is
bounded (MAX_WORK multiply-adds of the hidden layer).

The caller passes the float point the user gave, not the snapped one: any point of lower risk
will do, and the float point's entries are short dyadics, while the snapped point's carry the
lifted solution's denominator (thousands of bits for a network of a few hundred lifted
variables), which made every candidate's exact least-squares fit hundreds of times slower.
"""
from __future__ import annotations

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from symcert.checker.api import kernel, scaled
from symcert.provers.affine import least_squares, pivot_columns

MAX_WORK = 4_000_000
MAX_SAMPLES = 8


def _hidden(prob, W1, b1) -> fmpq_mat:
    Z = kernel.affine(W1, prob.X, b1)
    return kernel.elementwise(Z, prob.act.value)


def _strength(point: dict, i: int) -> fmpq:
    w = sum(v * v for v in [point["W2"][r, i] for r in range(point["W2"].nrows())])
    t = sum(v * v for v in [point["W1"][i, k] for k in range(point["W1"].ncols())] + [point["b1"][i, 0]])
    return w * t


def candidates(prob, point: dict):
    """Yield (W1, b1, (neuron, sample, coordinate, sign)) candidates, bounded by MAX_WORK."""
    dx, d1, m = prob.widths[0], prob.widths[1], prob.m
    per = max(1, d1 * m * (dx + 1))
    budget = max(0, MAX_WORK // per)
    order = sorted(range(d1), key=lambda i: _strength(point, i))
    step = max(1, m // MAX_SAMPLES)
    samples = list(range(0, m, step))[:MAX_SAMPLES]
    offset = fmpq(1, 2)
    for i in order:
        for j in samples:
            for k in range(dx):
                for s in (1, -1):
                    if budget <= 0:
                        return
                    budget -= 1
                    W1, b1 = fmpq_mat(point["W1"]), fmpq_mat(point["b1"])
                    for kk in range(dx):
                        W1[i, kk] = fmpq(s) if kk == k else fmpq(0)
                    b1[i, 0] = -s * prob.X[k, j] + offset
                    yield W1, b1, (i, j, k, s)


class _Fits:
    """The least-squares loss of the output layer over the float point's hidden features with one
    row replaced, over integers: H~ = [Hn; L 1^T] / L (every hidden row and every candidate row
    over one denominator L), G0 = H~n H~n^T, B0 = H~n Yn^T. With row i replaced by hn the Gram
    matrix changes in row and column i only (hn H~n^T, hn hn^T) and B in row i (hn Yn^T). For
    the normal equations G sol = B (pivot columns when singular) the true weights are
    (L / dY) sol, and the minimal loss is 1/2 (||Yn||^2 - trace(sol^T B)) / dY^2."""

    def __init__(self, prob, point: dict):
        self.prob, xs = prob, scaled.of(prob.X)
        H = scaled.forward(prob, point, xs)[2][1]  # h(W1 X + b1 1^T), one denominator
        D = fmpz(1)
        for v in (*prob.act.slopes, *prob.act.intercepts):
            D = D.lcm(v.q)
        self.Dz = xs.d.lcm(2)  # a candidate's pre-activations s (x_k - x_kj) + 1/2 have this denominator
        self.L = H.d.lcm(D * self.Dz)
        self.Ht = fmpz_mat(H.N.nrows() + 1, prob.m, [v * (self.L // H.d) for v in H.N.entries()] + [self.L] * prob.m)
        Yn, self.dY = prob.Y.numer_denom()
        self.Yn = fmpz_mat(Yn)
        self.G0, self.B0 = self.Ht * self.Ht.transpose(), self.Ht * self.Yn.transpose()
        self.YY = sum((v * v for v in self.Yn.entries()), fmpz(0))
        self.xs = xs

    def row(self, k: int, j: int, s: int) -> fmpz_mat:
        """The numerators over L of h(s (x_k - x_kj) + 1/2) for every sample."""
        Xn, f = self.xs.N, self.Dz // self.xs.d
        zn = [s * (Xn[k, t] - Xn[k, j]) * f + self.Dz // 2 for t in range(self.prob.m)]
        Z = scaled.Scaled(fmpz_mat(1, self.prob.m, zn), self.Dz)
        A = scaled.activate(self.prob.act, Z, scaled.pieces(self.prob.act, Z))
        return A.N * (self.L // A.d)

    def loss(self, i: int, hn: fmpz_mat) -> fmpq:
        G, B = fmpq_mat(self.G0), fmpq_mat(self.B0)
        g, bi = hn * self.Ht.transpose(), hn * self.Yn.transpose()
        for c in range(G.ncols()):
            G[i, c] = G[c, i] = g[0, c]
        G[i, i] = (hn * hn.transpose())[0, 0]
        for c in range(B.ncols()):
            B[i, c] = bi[0, c]
        pivots = pivot_columns(*G.rref())
        Gs = fmpq_mat(len(pivots), len(pivots), [G[a, b] for a in pivots for b in pivots])
        Bs = fmpq_mat(len(pivots), B.ncols(), [B[a, c] for a in pivots for c in range(B.ncols())])
        sol = Gs.solve(Bs)
        tr = sum((sol[a, c] * Bs[a, c] for a in range(len(pivots)) for c in range(B.ncols())), fmpq(0))
        return (self.YY - tr) / (2 * self.dY * self.dY)


def search(prob, point: dict, risk: fmpq):
    """(better point, its risk, tried) or (None, None, tried). Squared loss only. Each candidate's
    least-squares loss is computed over integers (_Fits); a candidate below ``risk`` is then
    rebuilt with the rational least-squares fit and its risk recomputed."""
    tried = 0
    if prob.loss != "squared" or prob.depth != 2:
        return None, None, 0
    fits = None
    for W1, b1, (i, j, k, s) in candidates(prob, point):
        tried += 1
        fits = fits or _Fits(prob, point)
        if fits.loss(i, fits.row(k, j, s)) < risk:
            fit = least_squares(_hidden(prob, W1, b1), prob.Y)
            cand = {"W1": W1, "b1": b1, "W2": fit.weights, "b2": fit.bias}
            value = kernel.risk(prob, cand)
            if value < risk:
                return cand, value, tried
    return None, None, tried
