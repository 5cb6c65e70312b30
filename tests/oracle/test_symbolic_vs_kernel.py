"""The fast exact kernel (matrix products over Q) agrees with sympy's symbolic risk and gradient."""
import pytest
from flint import fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from symcert.checker import kernel
from symcert.checker.reading import problem
from oracle.symbolic import gradient_at, risk_at
from symcert.inputs.activations import relu_like

small = st.fractions(min_value=-3, max_value=3, max_denominator=6)


@st.composite
def instances(draw, max_depth=2, max_width=2, max_m=3):
    depth = draw(st.integers(1, max_depth))
    widths = [draw(st.integers(1, 2))] + [draw(st.integers(1, max_width)) for _ in range(depth - 1)] + [draw(st.integers(1, 2))]
    m = draw(st.integers(1, max_m))
    sp_, sm_ = draw(small), draw(small)
    act = relu_like(fmpq(sp_.numerator, sp_.denominator), fmpq(sm_.numerator, sm_.denominator))
    q = lambda f: f"{f.numerator}/{f.denominator}"  # noqa: E731
    data = {"inputs": [[q(draw(small)) for _ in range(widths[0])] for _ in range(m)],
            "targets": [[q(draw(small)) for _ in range(widths[-1])] for _ in range(m)]}
    prob = problem({"network": {"widths": widths, "activation": act}, "loss": {"kind": "squared"}, "data": data})
    params = {}
    for name in prob.param_names():
        r, c = prob.param_shape(name)
        params[name] = fmpq_mat(r, c, [fmpq(f.numerator, f.denominator) for f in (draw(small) for _ in range(r * c))])
    return prob, params


def _agree(inst):
    prob, params = inst
    r = kernel.risk(prob, params)
    assert risk_at(prob, params) == __import__("sympy").Rational(int(r.p), int(r.q))
    pre, _, _ = kernel.forward(prob, params)
    if kernel.kinks(prob, pre):
        return  # not differentiable there; the symbolic derivative picks a piece
    g = kernel.gradient(prob, params)
    gs = gradient_at(prob, params)
    for name, G in g.items():
        for i in range(G.nrows()):
            for j in range(G.ncols()):
                v = gs[name][i, j]
                assert (int(v.p), int(v.q)) == (int(G[i, j].p), int(G[i, j].q)), (name, i, j)


@settings(max_examples=12, deadline=None)
@given(instances())
def test_risk_and_gradient_agree(inst):
    _agree(inst)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(instances(max_depth=3, max_width=3, max_m=4))
def test_risk_and_gradient_agree_deeper(inst):
    _agree(inst)
