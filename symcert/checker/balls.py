"""Smooth networks over arb balls (trusted): risk, gradient and Hessian of the squared loss.

No sympy: each activation is a short formula over arb balls giving h, h' and h'' at once, and
the derivatives of the risk come from explicit back-propagation formulas evaluated with
python-flint ``arb`` / ``arb_mat`` (outward rounded; every result encloses the exact value for
every parameter vector in the input balls). Parameters are a flat list of balls in the order of
``SmoothProblem.coordinates()`` (W1 row-major, b1, W2, b2, ...).

Network: z_l = W_l a_{l-1} + b_l, a_l = h(z_l) (l < L), output f = z_L, a_0 = x; risk
R = 1/2 sum_s ||f_s - y_s||^2. With delta_L = f - y, nu_l = W_{l+1}^T delta_{l+1},
delta_l = h'(z_l) o nu_l, the gradient is dR/dW_l = delta_l a_{l-1}^T, dR/db_l = delta_l.

Hessian. H = J^T J + S, J the Jacobian of the outputs. S = sum_s sum_o r_so grad^2 f_so, and
by induction on the top layer (g = r^T z_L; grad^2 g splits at each layer into the mixed term
of W_l with a_{l-1} and nu_l-weighted second derivatives of a_{l-1}):

    S = sum_l sum_{i,k,s} delta_l[i,s] (e_{W_l[i,k]} grad a_{l-1,k,s}^T + transpose)
      + sum_{l<L} sum_{k,s} h''(z_l[k,s]) nu_l[k,s] grad z_{l,k,s} grad z_{l,k,s}^T,

with grad a_{l-1,k,s} = h'(z_{l-1}[k,s]) grad z_{l-1,k,s} and grad a_0 = 0. grad z_{l,k,s} is
kept as its part on the parameters of layers < l (``lower``, m x off_l, dense) and its part on
layer l, which is (a_{l-1}(s), 1) on the row (W_l[k,:], b_l[k]) of neuron k. Sums over samples
are arb_mat products.
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import arb, arb_mat, fmpq, fmpq_mat

from symcert.checker.ledger import ARB  # noqa: F401  (read as B.ARB by krawczyk.py)
from symcert.checker.problem import FormatError, NetworkShape, get, rational

MAX_PARAMS = 2000  # parameters
MAX_WORK = 4 * 10**6  # samples x parameters
MAX_PREC = 4096  # bits
SELU_ALPHA = fmpq(16732632423543772848170429916717, 10**31)
SELU_SCALE = fmpq(10507009873554804934193349852946, 10**31)


class Crossing(ValueError):
    """A pre-activation ball meets a breakpoint of a piecewise activation (ELU, SELU)."""


def _sigmoid(z):
    s = 1 / (1 + (-z).exp())
    d = s * (1 - s)
    return s, d, d * (1 - 2 * s)


def _tanh(z):
    t = z.tanh()
    d = 1 - t * t
    return t, d, -2 * t * d


def _softplus(z):
    s, d, _ = _sigmoid(z)
    return z.exp().log1p(), s, d


def _arctan(z):
    q = 1 / (1 + z * z)
    return z.atan(), q, -2 * z * q * q


def _gelu(z):
    phi = (-(z * z) / 2).exp() / (2 * arb.pi()).sqrt()
    cdf = (1 + (z / arb(2).sqrt()).erf()) / 2
    return z * cdf, cdf + z * phi, phi * (2 - z * z)


def _elu(alpha: fmpq, scale: fmpq = fmpq(1)):
    def h(z):  # the constants become balls here, at the working precision
        if z > 0:
            return arb(scale) * z, arb(scale), arb(0)
        if z < 0:
            e, sa = z.exp(), arb(scale * alpha)
            return sa * (e - 1), sa * e, sa * e
        raise Crossing("meets the breakpoint 0")
    return h


def piecewise_linear(act):
    """h over balls for a piecewise-linear activation (checker.problem.PiecewiseLinear): on a ball
    inside one open piece, h = slope z + intercept, h' = slope, h'' = 0; a ball that meets a
    breakpoint raises Crossing (the risk is not C^2 there)."""
    bps = act.breakpoints

    def h(z):
        for k, (a, c) in enumerate(zip(act.slopes, act.intercepts)):
            if (k == 0 or z > arb(bps[k - 1])) and (k == len(bps) or z < arb(bps[k])):
                return arb(a) * z + arb(c), arb(a), arb(0)
        raise Crossing("meets a breakpoint")
    return h


def activation(spec, path: str):
    """(name, h) from the problem's activation object; h(ball) -> (h, h', h'')."""
    name = get(spec, "name", path, str)
    fixed = {"sigmoid": _sigmoid, "tanh": _tanh, "softplus": _softplus, "arctan": _arctan, "gelu": _gelu,
             "selu": _elu(SELU_ALPHA, SELU_SCALE),
             "quadratic": lambda z: (z * z, 2 * z, arb(2)), "exponential": lambda z: (z.exp(),) * 3}
    extra = sorted(set(spec) - {"kind", "name"} - ({"alpha"} if name == "elu" else set()))
    if extra:
        raise FormatError(f"{path}.{extra[0]}", spec[extra[0]], f"unknown field for activation {name}")
    if name == "elu":
        alpha = rational(get(spec, "alpha", path), f"{path}.alpha")
        if not alpha > 0:
            raise FormatError(f"{path}.alpha", spec["alpha"], "must be positive")
        return name, _elu(alpha)
    if name not in fixed:
        raise FormatError(f"{path}.name", name, f"no ball formulas for this activation (known: elu, {', '.join(fixed)})")
    return name, fixed[name]


@dataclass(frozen=True)
class Net(NetworkShape):
    widths: tuple
    name: str
    h: object
    X: fmpq_mat  # dx x m
    Y: fmpq_mat  # dy x m

    def offsets(self) -> list[int]:
        """off[l] = index of W_l[0,0]; off[L + 1] = number of parameters (off[0] unused)."""
        off = [0, 0]
        for l in range(1, self.depth + 1):
            off.append(off[-1] + self.widths[l] * (self.widths[l - 1] + 1))
        return off

    def own(self, l: int, i: int) -> list[int]:
        """Indices of (W_l[i, :], b_l[i])."""
        off, d0, d1 = self.offsets()[l], self.widths[l - 1], self.widths[l]
        return [off + i * d0 + k for k in range(d0)] + [off + d1 * d0 + i]


def limits(net: Net, prec: int) -> str | None:
    """The first size limit the request exceeds, named; None if within every limit."""
    n = net.offsets()[-1]
    if n > MAX_PARAMS:
        return f"{n} parameters exceed the limit of {MAX_PARAMS}"
    if n * net.m > MAX_WORK:
        return f"{net.m} samples x {n} parameters exceed the limit of {MAX_WORK}"
    if prec > MAX_PREC:
        return f"precision {prec} bits exceeds the limit of {MAX_PREC}"
    return None


def _layers(net: Net, theta: list):
    off, out = net.offsets(), []
    for l in range(1, net.depth + 1):
        d0, d1 = net.widths[l - 1], net.widths[l]
        W = arb_mat(d1, d0, theta[off[l]:off[l] + d1 * d0])
        out.append((W, theta[off[l] + d1 * d0:off[l + 1]]))
    return out


def _tilde(A: arb_mat) -> arb_mat:
    """[A; 1 ... 1]: the layer input with a row of ones for the bias."""
    rows = A.tolist()
    return arb_mat(rows + [[arb(1)] * A.ncols()])


def forward(net: Net, theta: list):
    """Per layer l = 1..L: (W_l, A~_{l-1}, Z_l, D1_l, D2_l) with D1, D2 = h', h'' at Z_l (lists of
    rows; None for the output layer). Raises Crossing naming the pre-activation."""
    A = arb_mat(net.X)
    out = []
    for l, (W, b) in enumerate(_layers(net, theta), start=1):
        Z = W * A
        Zr = [[Z[i, s] + b[i] for s in range(net.m)] for i in range(Z.nrows())]
        At = _tilde(A)
        if l == net.depth:
            out.append((W, At, arb_mat(Zr), None, None))
            break
        H, D1, D2 = [], [], []
        for i, row in enumerate(Zr):
            try:
                vals = [net.h(z) for z in row]
            except Crossing as exc:
                raise Crossing(f"layer {l} neuron {i + 1}: a pre-activation {exc}") from None
            H.append([v[0] for v in vals])
            D1.append([v[1] for v in vals])
            D2.append([v[2] for v in vals])
        out.append((W, At, arb_mat(Zr), D1, D2))
        A = arb_mat(H)
    return out


def residual(net: Net, layers) -> arb_mat:
    return layers[-1][2] - arb_mat(net.Y)


def risk(net: Net, theta: list) -> arb:
    R = residual(net, forward(net, theta))
    return sum((R[i, s] ** 2 for i in range(R.nrows()) for s in range(R.ncols())), arb(0)) / 2


def backward(net: Net, layers):
    """(Delta_l, Nu_l) per layer as lists of rows (Nu_L = None)."""
    D = residual(net, layers)
    out = [(D.tolist(), None)]
    for l in range(net.depth - 1, 0, -1):
        Nu = (layers[l][0].transpose() * D).tolist()
        D1 = layers[l - 1][3]
        Dl = [[d * n for d, n in zip(dr, nr)] for dr, nr in zip(D1, Nu)]
        out.insert(0, (Dl, Nu))
        D = arb_mat(Dl)
    return out


def gradient(net: Net, theta: list) -> list:
    """The gradient of the risk as a flat list of balls (coordinate order)."""
    layers = forward(net, theta)
    g = []
    for (W, At, _, _, _), (Dl, _) in zip(layers, backward(net, layers)):
        G = arb_mat(Dl) * At.transpose()  # d_l x (d_{l-1} + 1): [dR/dW_l | dR/db_l]
        d0 = W.ncols()
        g += [G[i, k] for i in range(G.nrows()) for k in range(d0)] + [G[i, d0] for i in range(G.nrows())]
    return g


def _lower(net: Net, layers) -> list:
    """lower[l][k]: for each sample s, grad z_{l,k,s} on the parameters of layers < l (a list of
    off_l balls), by the forward recursion
    grad z_l = W_l diag(h'(z_{l-1})) grad z_{l-1} + (a_{l-1}, 1) on the row of layer l.
    lower[1] is None (layer 1 has no parameters below it)."""
    off, lower = net.offsets(), [None, None]
    for l in range(2, net.depth + 1):
        W, prev = layers[l - 1][0], lower[l - 1]
        At, D1 = layers[l - 2][1], layers[l - 2][3]  # A~_{l-2}, h'(z_{l-1})
        at = At.transpose().tolist()
        owns = [net.own(l - 1, j) for j in range(W.ncols())]
        rows = []
        for k in range(W.nrows()):
            M = []
            for s in range(net.m):
                v = [arb(0)] * off[l]
                for j in range(W.ncols()):
                    c = W[k, j] * D1[j][s]
                    if prev is not None:
                        pj = prev[j][s]
                        for t in range(off[l - 1]):
                            v[t] += c * pj[t]
                    for t, idx in enumerate(owns[j]):
                        v[idx] = c * at[s][t]
                M.append(v)
            rows.append(M)
        lower.append(rows)
    return lower


def _add(H: arb_mat, rows, cols, B: arb_mat, sym: bool = False) -> None:
    """H[rows, cols] += B (and H[cols, rows] += B^T when ``sym``)."""
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            v = B[a, b]
            H[i, j] += v
            if sym:
                H[j, i] += v


def _scale_rows(rows: list, c: list) -> arb_mat:
    return arb_mat([[x * cs for x in row] for row, cs in zip(rows, c)])


def _gauss_newton(net: Net, layers, lower, H: arb_mat) -> None:
    """H += J^T J, J the Jacobian of the outputs (output o: lower part and (a_{L-1}, 1) on its row),
    except the block on the parameters below layer L (``_gauss_newton_lower``)."""
    L, off = net.depth, net.offsets()
    At = layers[L - 1][1]
    G = At * At.transpose()
    for o in range(net.widths[-1]):
        _add(H, net.own(L, o), net.own(L, o), G)
        if L >= 2:
            _add(H, range(off[L]), net.own(L, o), arb_mat(lower[L][o]).transpose() * At.transpose(), sym=True)


def _gauss_newton_lower(net: Net, lower) -> arb_mat:
    """The n x n matrix holding sum_o Lo_o^T Lo_o on the parameters below layer L, zero elsewhere
    (built from rows at once: the largest block of the Hessian)."""
    n, L = net.offsets()[-1], net.depth
    if L < 2:
        return arb_mat(n, n)
    LL = None
    for o in range(net.widths[-1]):
        Lo = arb_mat(lower[L][o])
        LL = Lo.transpose() * Lo if LL is None else LL + Lo.transpose() * Lo
    rows = [row + [arb(0)] * (n - len(row)) for row in LL.tolist()]
    return arb_mat(rows + [[arb(0)] * n for _ in range(n - len(rows))])


def _curvature(net: Net, layers, back, lower, H: arb_mat) -> None:
    """H += sum_{l<L} sum_{k,s} h''(z) nu grad z grad z^T (the second term of S)."""
    off = net.offsets()
    for l in range(1, net.depth):
        At, D2, Nu = layers[l - 1][1], layers[l - 1][4], back[l - 1][1]
        LL = None
        for k in range(net.widths[l]):
            c = [d * n for d, n in zip(D2[k], Nu[k])]
            Atc = arb_mat([[x * cs for x, cs in zip(row, c)] for row in At.tolist()])
            _add(H, net.own(l, k), net.own(l, k), Atc * At.transpose())
            if l >= 2:
                Loc = _scale_rows(lower[l][k], c)
                _add(H, range(off[l]), net.own(l, k), Loc.transpose() * At.transpose(), sym=True)
                term = Loc.transpose() * arb_mat(lower[l][k])
                LL = term if LL is None else LL + term
        if LL is not None:
            _add(H, range(off[l]), range(off[l]), LL)


def _mixed(net: Net, layers, back, lower, H: arb_mat) -> None:
    """H += sum_{l>=2} sum_{i,k,s} delta_l[i,s] h'(z_{l-1}[k,s]) (e_{W_l[i,k]} grad z_{l-1,k,s}^T + transpose)."""
    off = net.offsets()
    for l in range(2, net.depth + 1):
        Dl, D1 = back[l - 1][0], layers[l - 2][3]
        At = layers[l - 2][1]
        d0 = net.widths[l - 1]
        for k in range(d0):
            E = arb_mat([[x * y for x, y in zip(row, D1[k])] for row in Dl])
            rows = [off[l] + i * d0 + k for i in range(net.widths[l])]
            _add(H, rows, net.own(l - 1, k), E * At.transpose(), sym=True)
            if l - 1 >= 2:
                _add(H, rows, range(off[l - 1]), E * arb_mat(lower[l - 1][k]), sym=True)


def hessian(net: Net, theta: list) -> arb_mat:
    """The Hessian of the risk over the parameter balls ``theta`` (an enclosure of the Hessian
    at every parameter vector in the balls)."""
    layers = forward(net, theta)
    back = backward(net, layers)
    lower = _lower(net, layers)
    H = _gauss_newton_lower(net, lower)
    _gauss_newton(net, layers, lower, H)
    _curvature(net, layers, back, lower, H)
    _mixed(net, layers, back, lower, H)
    return H
