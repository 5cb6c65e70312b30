"""Smooth networks over arb balls: risk, gradient and Hessian against sympy differentiation."""
import random

import flint
import pytest
import sympy
from flint import arb, fmpq, fmpq_mat

from symcert.checker import balls as B
from symcert.checker.problem import FormatError

SYMPY_ACT = {
    "tanh": sympy.tanh,
    "sigmoid": lambda t: 1 / (1 + sympy.exp(-t)),
    "softplus": lambda t: sympy.log(1 + sympy.exp(t)),
    "arctan": sympy.atan,
    "gelu": lambda t: t * (1 + sympy.erf(t / sympy.sqrt(2))) / 2,
    "selu": lambda t: sympy.Rational(B.SELU_SCALE.p, B.SELU_SCALE.q) * sympy.Piecewise(
        (t, t > 0), (sympy.Rational(B.SELU_ALPHA.p, B.SELU_ALPHA.q) * (sympy.exp(t) - 1), True)),
}


def _net(widths, name, m, seed):
    rnd = random.Random(seed)
    X = fmpq_mat(widths[0], m, [fmpq(rnd.randint(-8, 8), 4) for _ in range(widths[0] * m)])
    Y = fmpq_mat(widths[-1], m, [fmpq(rnd.randint(-8, 8), 4) for _ in range(widths[-1] * m)])
    net = B.Net(tuple(widths), *B.activation({"kind": "smooth", "name": name}, "a"), X, Y)
    return net, [fmpq(rnd.randint(-8, 8), 8) or fmpq(1, 3) for _ in range(net.offsets()[-1])]


def _sympy_risk(net, syms):
    off, R = net.offsets(), 0
    for s in range(net.m):
        a = [sympy.Rational(int(net.X[k, s].p), int(net.X[k, s].q)) for k in range(net.widths[0])]
        for l in range(1, net.depth + 1):
            d0, d1 = net.widths[l - 1], net.widths[l]
            z = [sum(syms[off[l] + i * d0 + k] * a[k] for k in range(d0)) + syms[off[l] + d1 * d0 + i] for i in range(d1)]
            a = z if l == net.depth else [SYMPY_ACT[net.name](zi) for zi in z]
        R += sum((a[i] - sympy.Rational(int(net.Y[i, s].p), int(net.Y[i, s].q))) ** 2 for i in range(net.widths[-1])) / 2
    return R


SLOW = pytest.mark.slow  # sympy differentiation of deeper expressions takes a minute


@pytest.mark.parametrize("widths, name, m", [
    ([2, 2, 1], "tanh", 2),        # one hidden layer
    ([1, 1, 1, 2], "sigmoid", 2),  # two hidden layers, two outputs: every term of the Hessian formula
    ([1, 2, 1], "selu", 2),
    ([2, 1, 1], "arctan", 2),
    pytest.param([1, 2, 2, 2], "sigmoid", 2, marks=SLOW),
    pytest.param([1, 2, 1], "gelu", 2, marks=SLOW),
    pytest.param([1, 1, 1, 1], "softplus", 2, marks=SLOW),
])
def test_gradient_and_hessian_match_sympy(widths, name, m):
    net, vals = _net(widths, name, m, seed=len(widths) * 7 + m)
    n = len(vals)
    syms = sympy.symbols(f"p0:{n}", real=True)
    R = _sympy_risk(net, syms)
    sub = {syms[i]: sympy.Rational(int(v.p), int(v.q)) for i, v in enumerate(vals)}
    saved = flint.ctx.prec
    flint.ctx.prec = 200
    try:
        th = [arb(v) for v in vals]
        g, H, r = B.gradient(net, th), B.hessian(net, th), B.risk(net, th)
        tol = arb("1e-40")
        assert abs(r - arb(str(sympy.N(R.subs(sub), 70)))) < tol
        for i in range(n):
            gi = sympy.diff(R, syms[i])
            assert abs(g[i] - arb(str(sympy.N(gi.subs(sub), 70)))) < tol, i
            for j in range(i, n):
                v = arb(str(sympy.N(sympy.diff(gi, syms[j]).subs(sub), 70)))
                assert abs(H[i, j] - v) < tol and abs(H[j, i] - v) < tol, (i, j)
    finally:
        flint.ctx.prec = saved


def test_hessian_encloses_every_point_of_a_box():
    net, vals = _net([2, 3, 1], "tanh", 4, seed=3)
    box = [arb(v) + arb(fmpq(1, 1024)) * arb(0, 1) for v in vals]
    H = B.hessian(net, box)
    corner = [arb(v + fmpq(1, 1024) * (1 if i % 2 else -1)) for i, v in enumerate(vals)]
    Hc = B.hessian(net, corner)
    assert all(H[i, j].contains(Hc[i, j]) for i in range(len(vals)) for j in range(len(vals)))


def test_elu_ball_meeting_the_breakpoint_is_named():
    X, Y = fmpq_mat(1, 2, [0, 1]), fmpq_mat(1, 2, [1, 0])
    net = B.Net((1, 1, 1), *B.activation({"kind": "smooth", "name": "elu", "alpha": "1/2"}, "a"), X, Y)
    with pytest.raises(B.Crossing, match="layer 1 neuron 1"):
        B.hessian(net, [arb(1), arb(0, fmpq(1, 8)), arb(1), arb(0)])  # z = x + b, b in [-1/8, 1/8], x = 0
    assert B.hessian(net, [arb(1), arb(1), arb(1), arb(0)]).nrows() == 4


@pytest.mark.parametrize("spec, field", [
    ({"kind": "smooth", "name": "swish"}, "a.name"),
    ({"kind": "smooth", "name": "elu"}, "a.alpha"),
    ({"kind": "smooth", "name": "elu", "alpha": "-1"}, "a.alpha"),
    ({"kind": "smooth", "name": "tanh", "alpha": "1"}, "a.alpha"),
])
def test_bad_activation_is_named(spec, field):
    with pytest.raises(FormatError) as e:
        B.activation(spec, "a")
    assert e.value.field == field


def test_limits_are_named():
    X, Y = fmpq_mat(1, 1, [0]), fmpq_mat(1, 1, [0])
    big = B.Net((1, 700, 1), "tanh", B._tanh, X, Y)
    assert "2101 parameters exceed the limit of 2000" in B.limits(big, 128)
    small = B.Net((1, 1, 1), "tanh", B._tanh, X, Y)
    assert B.limits(small, 128) is None and "precision 8192" in B.limits(small, 8192)
