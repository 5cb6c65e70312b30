"""Smooth networks (trusted): activation table, exact-real parameters, exact evaluation.

A smooth problem names its activation as ``{"kind": "smooth", "name": NAME, ...}`` and writes
every parameter of its points as an exact real (grammar of :mod:`symcert.exact.reals`: rationals,
+ - * /, integer powers, exp, log, sqrt, e, pi). Data stay rational.

Values are exact sympy numbers built constructively (never by parsing text): each activation is
a sympy expression in one symbol ``t`` per piece, derivatives are ``sympy.diff`` of it, and a
value at an exact pre-activation z is the expression with z substituted, left to sympy's
automatic evaluation. That evaluation keeps the rational shortcuts exact, e.g.
sigmoid(log q) = q/(1+q), sigmoid'(log q) = q/(1+q)^2, tanh(log q) = (q^2-1)/(q^2+1),
softplus'(log q) = sigmoid(log q), atan(1) = pi/4. Signs and inequalities are decided with
rigorous ball arithmetic (python-flint arb, outward rounded): :func:`to_arb` evaluates such an
expression, or an activation over an interval, at a given precision.

Activation table (``ACTIVATIONS``). Each entry lists its breakpoints (rational, sorted) and one
sympy expression in ``t`` per open piece; a name may take rational parameters:

=============  ============================================  ====================
name           h(t)                                          parameters
=============  ============================================  ====================
sigmoid        1 / (1 + exp(-t))
tanh           (1 - exp(-2t)) / (1 + exp(-2t))
arctan         atan(t)
softplus       log(1 + exp(t))
quadratic      t^2
exponential    exp(t)
elu            t (t > 0), alpha (exp(t) - 1) (t < 0)       alpha > 0 (rational)
gelu           t (1 + erf(t / sqrt 2)) / 2
selu           scale * elu_alpha(t), with the published      none
               constants written as exact decimals:
               alpha = 1.6732632423543772848170429916717,
               scale = 1.0507009873554804934193349852946
silu           t / (1 + exp(-t))  (SiLU, swish with beta 1)
gelu           t (1 + erf(t / sqrt 2)) / 2  (exact GELU)
=============  ============================================  ====================

To add an activation: write a function ``(params) -> (breakpoints, pieces)`` that builds the
sympy pieces constructively from ``T`` (no string parsing), add it to ``ACTIVATIONS`` with the
names of its rational parameters, and make sure every function it uses is handled by
:func:`to_arb` (exp, log, atan, erf, integer and half-integer powers today).

At a breakpoint an activation is treated as not differentiable: obligations that need
derivatives there fail. A piece is used for a pre-activation only after its sign relative to
the breakpoints is decided (exactly if rational, else rigorously).
"""
from __future__ import annotations

from dataclasses import dataclass

import flint
import sympy
from flint import arb, fmpq, fmpq_mat

from symcert.checker import sizes
from symcert.checker.problem import FormatError, NetworkShape, get, param_values, rational
from symcert.exact.limits import MAX_HESSIAN_ORDER, LimitReached, show
from symcert.exact.reals import ExactRealError, Real, parse_real
from symcert.checker.ledger import ARB, SIMPLIFY, SYMPY  # noqa: F401  (ARB: re-exported to the smooth checks)

T = sympy.Symbol("t", real=True)
PREC = 128  # default working precision (bits) of arb evaluations
MAX_PREC = 4096
# Ledger strings (symcert/checker/ledger.py) name the oracle, not its version (versions are
# reported by the checker's environment list, so that certificates stay byte-identical).


SELU_ALPHA = sympy.Rational("1.6732632423543772848170429916717")
SELU_SCALE = sympy.Rational("1.0507009873554804934193349852946")


def _sigmoid(p):
    return (), (1 / (1 + sympy.exp(-T)),)


def _tanh(p):
    return (), ((1 - sympy.exp(-2 * T)) / (1 + sympy.exp(-2 * T)),)


def _arctan(p):
    return (), (sympy.atan(T),)


def _softplus(p):
    return (), (sympy.log(1 + sympy.exp(T)),)


def _gelu(p):
    return (), (T * (1 + sympy.erf(T / sympy.sqrt(2))) / 2,)


def _quadratic(p):
    return (), (T**2,)


def _exponential(p):
    return (), (sympy.exp(T),)


def _silu(p):
    return (), (T / (1 + sympy.exp(-T)),)


def _elu(p):
    a = p["alpha"]
    return (sympy.Integer(0),), (a * (sympy.exp(T) - 1), T)


def _selu(p):
    return (sympy.Integer(0),), (SELU_SCALE * SELU_ALPHA * (sympy.exp(T) - 1), SELU_SCALE * T)


ACTIVATIONS = {  # name -> (builder, names of rational parameters, condition on them)
    "sigmoid": (_sigmoid, ()),
    "tanh": (_tanh, ()),
    "arctan": (_arctan, ()),
    "softplus": (_softplus, ()),
    "gelu": (_gelu, ()),
    "quadratic": (_quadratic, ()),
    "exponential": (_exponential, ()),
    "elu": (_elu, ("alpha",)),
    "selu": (_selu, ()),
    "silu": (_silu, ()),
    "gelu": (_gelu, ()),
}


_DERIVATIVES: dict = {}  # (activation, piece, order) -> sympy expression


@dataclass(frozen=True)
class SmoothActivation:
    name: str
    breakpoints: tuple  # sympy Rationals, increasing
    pieces: tuple  # sympy expressions in T, one per open piece

    def derivative(self, k: int, order: int) -> sympy.Expr:
        key = (self, k, order)
        if key not in _DERIVATIVES:
            _DERIVATIVES[key] = sympy.diff(self.pieces[k], T, order) if order else self.pieces[k]
        return _DERIVATIVES[key]

    def piece_bounds(self, k: int):
        lo = self.breakpoints[k - 1] if k > 0 else None
        hi = self.breakpoints[k] if k < len(self.breakpoints) else None
        return lo, hi


def activation(spec, path: str) -> SmoothActivation:
    name = get(spec, "name", path, str)
    if name not in ACTIVATIONS:
        raise FormatError(f"{path}.name", name, f"unknown smooth activation (known: {', '.join(ACTIVATIONS)})")
    build, pnames = ACTIVATIONS[name]
    extra = sorted(set(spec) - {"kind", "name", *pnames})
    if extra:
        raise FormatError(f"{path}.{extra[0]}", spec[extra[0]], f"unknown field for activation {name}")
    params = {}
    for pn in pnames:
        v = rational(get(spec, pn, path), f"{path}.{pn}")
        if not v > 0:
            raise FormatError(f"{path}.{pn}", spec[pn], "must be positive")
        params[pn] = sympy.Rational(int(v.p), int(v.q))
    bps, pieces = build(params)
    return SmoothActivation(name, tuple(bps), tuple(pieces))


# ---- rigorous evaluation of sympy expressions -------------------------------------------------

_FUNCS = {sympy.exp: arb.exp, sympy.log: arb.log, sympy.atan: arb.atan, sympy.erf: arb.erf}


def to_arb(expr: sympy.Expr, env: dict | None = None) -> arb:
    """Rigorous ball of an exact sympy expression (symbols taken from ``env``), at the current
    ``flint.ctx.prec``. Supports rationals, e, pi, +, *, powers with integer or half-integer
    exponents, exp, log, atan, erf. Raises ValueError on anything else or on a domain violation
    that arb cannot exclude (log of a ball not certainly positive, division by a ball
    containing 0)."""
    if expr.is_Rational:
        return arb(fmpq(int(expr.p), int(expr.q)))
    if expr is sympy.pi:
        return arb.pi()
    if expr is sympy.E:
        return arb.const_e()
    if expr.is_Symbol:
        if env is None or expr not in env:
            raise ValueError(f"free symbol {expr}")
        return env[expr]
    if expr.is_Add:
        out = arb(0)
        for a in expr.args:
            out += to_arb(a, env)
        return out
    if expr.is_Mul:
        out = arb(1)
        for a in expr.args:
            out *= to_arb(a, env)
        return out
    if expr.is_Pow:
        base, e = to_arb(expr.args[0], env), expr.args[1]
        if e.is_Integer:
            if e < 0 and not (base > 0 or base < 0):
                raise ValueError("division by a ball containing 0")
            return base ** int(e)
        if e.is_Rational and e.q == 2:
            if not base >= 0:
                raise ValueError("square root of a ball not certainly >= 0")
            root = base.sqrt()
            if e.p < 0 and not root > 0:
                raise ValueError("division by a ball containing 0")
            return root ** int(e.p)
        raise ValueError(f"unsupported power {expr}")
    f = _FUNCS.get(expr.func)
    if f is not None and len(expr.args) == 1:
        x = to_arb(expr.args[0], env)
        if expr.func is sympy.log and not x > 0:
            raise ValueError("log of a ball not certainly positive")
        return f(x)
    raise ValueError(f"unsupported expression {type(expr).__name__}: {expr}")


def arb_at(expr: sympy.Expr, prec: int, env: dict | None = None) -> arb:
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        return to_arb(expr, env)
    finally:
        flint.ctx.prec = saved


def sign(expr: sympy.Expr, max_prec: int = MAX_PREC) -> tuple[int | None, str]:
    """(sign of an exact sympy number, what decided it). Exactly 0 only if sympy's automatic
    evaluation gives 0 (or, failing that, ``sympy.simplify``); otherwise by arb balls at
    128, 256, ... bits. (None, reason) if undecided."""
    if expr == 0:
        return 0, SYMPY
    if expr.is_Rational:
        return (1 if expr > 0 else -1), SYMPY
    prec = PREC
    while prec <= max_prec:
        try:
            b = arb_at(expr, prec)
            if b > 0:
                return 1, ARB(prec)
            if b < 0:
                return -1, ARB(prec)
        except ValueError:
            pass
        prec *= 2
    if not sizes.simplifiable(expr):
        return None, f"no ball up to {max_prec} bits excludes 0, and the expression is too large for sympy.simplify (limit MAX_SIMPLIFY_NODES)"
    if sympy.simplify(expr) == 0:
        return 0, SIMPLIFY
    return None, f"no ball up to {max_prec} bits excludes 0 and sympy does not simplify it to 0"


def as_fmpq(expr: sympy.Expr) -> fmpq | None:
    return fmpq(int(expr.p), int(expr.q)) if expr.is_Rational else None


# ---- problems and points ----------------------------------------------------------------------

@dataclass(frozen=True)
class SmoothProblem(NetworkShape):
    widths: tuple
    act: SmoothActivation
    loss: str
    X: fmpq_mat
    Y: fmpq_mat

    def coordinates(self) -> list[tuple[str, int, int]]:
        """Every scalar parameter, in the fixed order used by Hessians and directions."""
        out = []
        for name in self.param_names():
            r, c = self.param_shape(name)
            out += [(name, i, j) for i in range(r) for j in range(c)]
        return out


def is_smooth(spec) -> bool:
    try:
        return spec["network"]["activation"]["kind"] == "smooth"
    except (KeyError, TypeError):
        return False


def problem(spec, path: str, widths: tuple, loss: str, X: fmpq_mat, Y: fmpq_mat) -> SmoothProblem:
    act = activation(get(get(spec, "network", path, dict), "activation", f"{path}.network", dict), f"{path}.network.activation")
    return SmoothProblem(widths, act, loss, X, Y)


def real(text, path: str) -> sympy.Expr:
    """An exact real written in the grammar of symcert.exact.reals, as an exact sympy number."""
    if not isinstance(text, str):
        if isinstance(text, int) and not isinstance(text, bool):
            return sympy.Integer(text)
        raise FormatError(path, text, "expected an exact real written as text")
    if text in _REALS:
        return _REALS[text]
    try:
        node: Real = parse_real(text)
        value = node.to_sympy()
    except ExactRealError as exc:
        raise FormatError(path, text, str(exc)) from None
    sizes.require_magnitude(value, path, to_arb)
    if len(_REALS) < 4096 and len(text) <= 200:  # a text read and bounded once is the same value wherever it appears again
        _REALS[text] = value
    return value


_REALS: dict = {}  # exact-real text -> its value (only texts that passed every check above)


def point(spec, prob: SmoothProblem, path: str) -> dict:
    """Parameter matrices as lists of lists of exact sympy numbers."""
    out = {}
    for name, r, c, value in param_values(spec, prob, path):
        if name[0] == "b":
            if not isinstance(value, list) or len(value) != r:
                raise FormatError(f"{path}.{name}", value, f"expected a list of {r} exact reals")
            out[name] = [[real(v, f"{path}.{name}[{i}]")] for i, v in enumerate(value)]
        else:
            if not isinstance(value, list) or len(value) != r or not all(isinstance(row, list) and len(row) == c for row in value):
                raise FormatError(f"{path}.{name}", value, f"expected {r} rows of {c} exact reals")
            out[name] = [[real(v, f"{path}.{name}[{i}][{j}]") for j, v in enumerate(row)] for i, row in enumerate(value)]
    return out


# ---- exact evaluation ------------------------------------------------------------------------

class NotDifferentiable(ValueError):
    pass


class Evaluator:
    """Exact forward pass, risk, gradient and (one hidden layer) Hessian at a point.

    Derivative values h^(k)(z) are cached per exact pre-activation z, which makes symmetric
    constructions (many neurons at the same pre-activation) cost one evaluation."""

    def __init__(self, prob: SmoothProblem):
        self.prob = prob
        self._piece: dict = {}
        self._val: dict = {}

    def piece(self, z: sympy.Expr, value_only: bool = False) -> int:
        """Index of the open piece containing z. On a breakpoint: NotDifferentiable, unless
        ``value_only`` (the table activations are continuous, so the left piece gives the value)."""
        key = (z, value_only)
        if key not in self._piece:
            k = 0
            for bp in self.prob.act.breakpoints:
                s, _ = sign(z - bp)
                if s is None:
                    raise NotDifferentiable(f"cannot decide the side of breakpoint {bp} for pre-activation {show(z)}")
                if s == 0 and not value_only:
                    raise NotDifferentiable(f"pre-activation {show(z)} is on the breakpoint {bp}")
                if s <= 0:
                    break
                k += 1
            self._piece[key] = k
        return self._piece[key]

    def h(self, z: sympy.Expr, order: int = 0) -> sympy.Expr:
        key = (z, order)
        if key not in self._val:
            k = self.piece(z, order == 0) if self.prob.act.breakpoints else 0
            if (z, "size") not in self._piece:  # measured once per pre-activation, before sympy evaluates h there
                sizes.require_magnitude(z, "a pre-activation", to_arb)
                self._piece[z, "size"] = True
            self._val[key] = self.prob.act.derivative(k, order).subs(T, z)
        return self._val[key]

    def forward(self, params: dict):
        """Per sample: (pre-activations per hidden layer, activations per layer incl. input, output)."""
        prob = self.prob
        out = []
        for s in range(prob.m):
            a = [sympy.Rational(int(prob.X[k, s].p), int(prob.X[k, s].q)) for k in range(prob.widths[0])]
            pres, acts = [], [a]
            for l in range(1, prob.depth + 1):
                W, b = params[f"W{l}"], params[f"b{l}"]
                z = [sympy.Add(*[W[i][k] * a[k] for k in range(len(a))], b[i][0]) for i in range(len(W))]
                if l == prob.depth:  # expanding (exact algebra) exposes rational outputs such as pi*(2/pi + 3/4)/6 - pi/8
                    z = [zi if zi.is_Rational or zi.free_symbols else sizes.bounded_expand(zi, f"output {i + 1} on sample {s + 1}")
                         for i, zi in enumerate(z)]
                    out.append((pres, acts, z))
                    break
                pres.append(z)
                a = [self.h(zi) for zi in z]
                acts.append(a)
        return out

    def residuals(self, params: dict, fw=None) -> list[list]:
        fw = self.forward(params) if fw is None else fw
        Y = self.prob.Y
        return [[o - sympy.Rational(int(Y[i, s].p), int(Y[i, s].q)) for i, o in enumerate(f[2])] for s, f in enumerate(fw)]

    def risk(self, params: dict) -> sympy.Expr:
        return sympy.Add(*[r * r for rs in self.residuals(params) for r in rs]) / 2

    def gradient(self, params: dict) -> dict:
        """Exact gradient by back-propagation: name -> list of lists of sympy numbers."""
        prob = self.prob
        fw = self.forward(params)
        res = self.residuals(params, fw)
        grad = {n: [[0] * prob.param_shape(n)[1] for _ in range(prob.param_shape(n)[0])] for n in prob.param_names()}
        terms = {n: [[[] for _ in range(prob.param_shape(n)[1])] for _ in range(prob.param_shape(n)[0])] for n in prob.param_names()}
        for s, (pres, acts, _) in enumerate(fw):
            G = res[s]
            for l in range(prob.depth, 0, -1):
                a = acts[l - 1]
                for i, g in enumerate(G):
                    if g == 0:
                        continue
                    for k, ak in enumerate(a):
                        terms[f"W{l}"][i][k].append(g * ak)
                    terms[f"b{l}"][i][0].append(g)
                if l > 1:
                    W = params[f"W{l}"]
                    G = [sympy.Add(*[W[i][k] * G[i] for i in range(len(G))]) * self.h(pres[l - 2][k], 1) for k in range(len(a))]
        for n in grad:
            grad[n] = [[sympy.Add(*cell) for cell in row] for row in terms[n]]
        return grad

    def hessian(self, params: dict, coords: list, keep: list | None = None):
        """Exact Hessian of the risk (one hidden layer, scalar output).

        H = sum_s (J_s^T J_s + r_s D2 f_s): J_s the gradient of the output at sample s, r_s the
        residual, D2 f_s its Hessian, which couples only (W2_j, W1_j, b1_j) of one neuron j.
        Returns an fmpq_mat when every entry is rational (computed in flint), else a dense list
        of lists of exact sympy numbers. With ``keep`` (a list of coordinates), only the principal
        submatrix on those coordinates, in that order."""
        prob = self.prob
        if prob.depth != 2 or prob.widths[-1] != 1:
            raise ValueError("the Hessian is implemented for one hidden layer and scalar output")
        full = {c: n for n, c in enumerate(coords)}
        kept = coords if keep is None else keep
        index = _Index({c: n for n, c in enumerate(kept)}, full)
        P, m = len(kept), prob.m
        if P > MAX_HESSIAN_ORDER:  # P^2 exact entries: bounded before any is formed
            raise LimitReached(f"an exact Hessian of order {P} exceeds the limit of {MAX_HESSIAN_ORDER} (MAX_HESSIAN_ORDER)")
        fw = self.forward(params)
        res = self.residuals(params, fw)
        W2 = params["W2"]
        dx = prob.widths[0]
        rows, curv = [], []  # J_s as {index: value}; curvature entries (p, q, value)
        for s, (pres, acts, _) in enumerate(fw):
            x, r = acts[0], res[s][0]
            J = {index[("b2", 0, 0)]: sympy.Integer(1)}
            for j, z in enumerate(pres[0]):
                J[index[("W2", 0, j)]] = self.h(z)
                d1 = W2[0][j] * self.h(z, 1)
                for k in range(dx):
                    J[index[("W1", j, k)]] = d1 * x[k]
                J[index[("b1", j, 0)]] = d1
                if r != 0:
                    inner = [(index[("W1", j, k)], x[k]) for k in range(dx)] + [(index[("b1", j, 0)], sympy.Integer(1))]
                    h1, h2, u = self.h(z, 1), self.h(z, 2), index[("W2", 0, j)]
                    for p, xp in inner:
                        curv += [(u, p, r * h1 * xp), (p, u, r * h1 * xp)]
                        curv += [(p, q, r * W2[0][j] * h2 * xp * xq) for q, xq in inner]
            J.pop(None, None)
            rows.append(J)
        curv = [c for c in curv if c[0] is not None and c[1] is not None]
        if all(v.is_Rational for J in rows for v in J.values()) and all(c[2].is_Rational for c in curv):
            Jm = fmpq_mat(m, P)
            for s, J in enumerate(rows):
                for p, v in J.items():
                    Jm[s, p] = as_fmpq(v)
            H = Jm.transpose() * Jm
            for p, q, v in curv:
                H[p, q] += as_fmpq(v)
            return H
        H = [[[] for _ in range(P)] for _ in range(P)]
        for J in rows:
            for p, vp in J.items():
                for q, vq in J.items():
                    H[p][q].append(vp * vq)
        for p, q, v in curv:
            H[p][q].append(v)
        return [[sympy.Add(*cell) for cell in row] for row in H]


class _Index(dict):
    """Position of a coordinate in the kept list; None for a coordinate that is not kept."""

    def __init__(self, kept: dict, full: dict):
        super().__init__(kept)
        self.full = full

    def __missing__(self, c):
        if c not in self.full:
            raise KeyError(c)
        return None


def flat(params: dict, coords: list) -> list:
    return [params[n][i][j] for n, i, j in coords]
