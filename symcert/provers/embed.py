"""Networks that compute a prescribed function on the data through affine pieces (untrusted).

The common engine of the He-Wang-Tao (2020) and Christof-Kowalczyk (2023) constructions.
A few *channels* are formed in the first hidden layer (pre-activation w_k . x + b_k, any
value); every later hidden layer carries each channel on one affine piece (lo, hi) of the
activation (slope s != 0, intercept c): z = mu a + nu with the data's values strictly inside
the piece, so a_l = s mu a_{l-1} + (s nu + c) is affine in the channel's first-layer
activation. The output layer then undoes these affine maps and outputs any prescribed affine
combination of the first-layer channel activations. Neurons that carry no channel are idle:
weights 0, bias at an interior point of the piece, output weight 0.

* Unbounded piece (ReLU's t > 0): mu = 1/s and a shift nu that keeps every value at least 1
  inside the piece (He et al.'s identity blocks scaled by 1/s+ and shifted).
* Bounded piece (hard tanh's (-1, 1), ReLU6's (0, 6)): mu = 2^-k, the first power of two that
  fits the values into the middle half of the piece, re-centred at its midpoint
  (Christof-Kowalczyk's small scalings).

All numbers are exact rationals; the caller's certificate is checked independently.
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq, fmpq_mat

from symcert.inputs.activations import pieces as act_pieces


@dataclass(frozen=True)
class Piece:
    lo: fmpq | None
    hi: fmpq | None
    slope: fmpq
    intercept: fmpq

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    def idle(self) -> fmpq:
        """An interior point used as the bias of idle neurons."""
        if self.bounded:
            return (self.lo + self.hi) / 2
        return self.lo + 1 if self.lo is not None else (self.hi - 1 if self.hi is not None else fmpq(0))

    def value(self, t: fmpq) -> fmpq:
        return self.slope * t + self.intercept


def carrier_piece(act: dict, index: int | None = None) -> Piece:
    """The piece used to carry channels: ``index`` if given, else the last piece of nonzero
    slope (ReLU's and leaky ReLU's right piece, hard tanh's and ReLU6's middle piece)."""
    ps = act_pieces(act)
    if index is None:
        index = max(k for k, p in enumerate(ps) if p[2] != 0)
    lo, hi, s, c = ps[index]
    if s == 0:
        raise ValueError(f"piece {index} of {act.get('name')} has slope 0 and cannot carry a signal")
    return Piece(lo, hi, s, c)


def place(values: list, piece: Piece, lam: fmpq | None = None, margin=fmpq(1)) -> tuple[fmpq, fmpq]:
    """(mu, nu) with mu v + nu strictly inside the piece for every v in ``values``.

    Bounded piece: mu = lam (if given) or the first 2^-k (k >= 0) putting the values' spread
    within the middle half of the piece; nu centres them. Unbounded piece: mu = lam or 1, and
    nu is the least shift (possibly 0) keeping every value at least ``margin`` inside."""
    lo_v, hi_v = min(values), max(values)
    if piece.bounded:
        half = (piece.hi - piece.lo) / 4
        mu = lam
        if mu is None:
            mu = fmpq(1)
            while mu * (hi_v - lo_v) / 2 > half:
                mu /= 2
        return mu, (piece.lo + piece.hi) / 2 - mu * (lo_v + hi_v) / 2
    mu = fmpq(1) if lam is None else lam
    a, b = (mu * lo_v, mu * hi_v) if mu > 0 else (mu * hi_v, mu * lo_v)
    if piece.lo is not None:
        return mu, max(fmpq(0), piece.lo + margin - a)
    if piece.hi is not None:
        return mu, min(fmpq(0), piece.hi - margin - b)
    return mu, fmpq(0)


def build(widths: list, act_value, piece: Piece, X: fmpq_mat, layer1: list, out_coef: list, out_const: list,
          idle_bias: fmpq | None = None) -> dict:
    """Parameters of a network with the given widths computing, on every column x of X,

        yhat_i(x) = sum_k out_coef[i][k] * h(w_k . x + b_k) + out_const[i],

    where ``layer1[k] = (w_k, b_k)`` defines channel k (one neuron per channel in layer 1).
    ``act_value`` is the activation as a function on rationals. Channels are carried through
    the later hidden layers on ``piece`` (see the module docstring)."""
    L = len(widths) - 1
    nch = len(layer1)
    dx, m = X.nrows(), X.ncols()
    assert all(w >= nch for w in widths[1:-1]), "every hidden layer needs a neuron per channel"
    idle = piece.idle() if idle_bias is None else fmpq(idle_bias)
    params = {}
    W1 = fmpq_mat(widths[1], dx)
    b1 = fmpq_mat(widths[1], 1, [idle] * widths[1])
    for k, (w, b) in enumerate(layer1):
        for j in range(dx):
            W1[k, j] = fmpq(w[j])
        b1[k, 0] = fmpq(b)
    params["W1"], params["b1"] = W1, b1
    # values of each channel's activation on the data, and its affine map from layer 1
    vals = [[act_value(sum((W1[k, j] * X[j, i] for j in range(dx)), b1[k, 0])) for i in range(m)] for k in range(nch)]
    alpha, beta = [fmpq(1)] * nch, [fmpq(0)] * nch
    for l in range(2, L):
        W = fmpq_mat(widths[l], widths[l - 1])
        b = fmpq_mat(widths[l], 1, [idle] * widths[l])
        for k in range(nch):
            mu, nu = place(vals[k], piece, fmpq(1) / piece.slope if not piece.bounded else None)
            W[k, k], b[k, 0] = mu, nu
            vals[k] = [piece.value(mu * v + nu) for v in vals[k]]
            alpha[k], beta[k] = piece.slope * mu * alpha[k], piece.slope * (mu * beta[k] + nu) + piece.intercept
        params[f"W{l}"], params[f"b{l}"] = W, b
    dy = widths[-1]
    WL = fmpq_mat(dy, widths[L - 1])
    bL = fmpq_mat(dy, 1)
    for i in range(dy):
        const = fmpq(out_const[i])
        for k in range(nch):
            WL[i, k] = fmpq(out_coef[i][k]) / alpha[k]
            const -= fmpq(out_coef[i][k]) * beta[k] / alpha[k]
        bL[i, 0] = const
    params[f"W{L}"], params[f"b{L}"] = WL, bL
    return params


def affine_channels(Wf: fmpq_mat, bf: fmpq_mat, X: fmpq_mat, piece: Piece, lam: fmpq | None = None,
                    shift: fmpq | None = None) -> tuple[list, list, list]:
    """Layer-1 channels carrying the affine map x -> Wf x + bf on ``piece``, and the output
    coefficients/constants that recover it: (layer1, out_coef, out_const). ``lam`` is the
    first-layer scale, ``shift`` (if given) the first-layer offset nu (He et al.'s eta)."""
    dy, dx, m = Wf.nrows(), Wf.ncols(), X.ncols()
    layer1, coef, const = [], [], []
    for i in range(dy):
        f = [sum((Wf[i, j] * X[j, t] for j in range(dx)), bf[i, 0]) for t in range(m)]
        mu, nu = place(f, piece, lam)
        if shift is not None:
            nu = fmpq(shift)
        layer1.append(([mu * Wf[i, j] for j in range(dx)], mu * bf[i, 0] + nu))
        # h(z) = s z + c on the piece, z = mu f + nu  =>  f = (h - s nu - c) / (s mu)
        row = [fmpq(0)] * dy
        row[i] = 1 / (piece.slope * mu)
        coef.append(row)
        const.append(-(piece.slope * nu + piece.intercept) / (piece.slope * mu))
    return layer1, coef, const


def kink_feature_candidates(act: dict, X: fmpq_mat, piece_index: int | None = None):
    """Candidate first-layer features h(w . x + b) that bend on the data: for each input
    direction u (the coordinate axes first, then differences of consecutive samples), each gap
    between consecutive distinct projections u . x, each breakpoint and each orientation,
    w . x + b crosses the breakpoint in the gap and stays within the two pieces next to it.
    Yields (w, b) in a deterministic order."""
    ps = act_pieces(act)
    bps = [p[1] for p in ps[:-1]]
    dx, m = X.nrows(), X.ncols()
    dirs = [[fmpq(int(k == axis)) for k in range(dx)] for axis in range(dx)]
    if dx > 1:
        for j in range(m - 1):
            u = [X[k, j + 1] - X[k, j] for k in range(dx)]
            if any(u) and sum(1 for v in u if v != 0) > 1 and u not in dirs and [-v for v in u] not in dirs:
                dirs.append(u)
    for u in dirs:
        proj = sorted({sum((u[k] * X[k, i] for k in range(dx)), fmpq(0)) for i in range(m)})
        for t0, t1 in zip(proj, proj[1:]):
            t = (t0 + t1) / 2
            spread = max(abs(p - t) for p in proj)
            for k, bp in enumerate(bps):
                room = [w for w in (bp - ps[k][0] if ps[k][0] is not None else None,
                                    ps[k + 1][1] - bp if ps[k + 1][1] is not None else None) if w is not None]
                sc = fmpq(1)
                while room and sc * spread >= min(room):
                    sc /= 2
                for sign in (1, -1):
                    yield [sign * sc * v for v in u], bp - sign * sc * t
