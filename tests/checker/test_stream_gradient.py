"""The streamed gradient (stream.gradient) equals scaled.gradient_squared and kernel.gradient, and
gradient_zero, interior_cell, affine_reduction and strictly_lower report the same outcome whether
the point's first layer is streamed (stream.STREAM_BITS = 0) or computed as one forward pass, on
random one-hidden-layer problems: critical points that are local minima of an affine cell, and
random points (nonzero gradients, kinks, boxes leaving their cells, fits that are not optimal)."""
import random

import pytest
from flint import fmpq, fmpq_mat

from symcert.checker import kernel, obligations, scaled, stream
from symcert.checker.problem import PiecewiseLinear, Problem

ACTS = [PiecewiseLinear((fmpq(0),), (fmpq(0), fmpq(1)), (fmpq(0), fmpq(0))),  # ReLU
        PiecewiseLinear((fmpq(1, 3),), (fmpq(1, 10), fmpq(1)), (fmpq(3, 10), fmpq(0))),  # leaky, kink at 1/3
        PiecewiseLinear((fmpq(-1), fmpq(1)), (fmpq(0), fmpq(1), fmpq(0)), (fmpq(-1), fmpq(0), fmpq(1))),  # hard tanh
        PiecewiseLinear((fmpq(-1, 3), fmpq(2)), (fmpq(1, 2), fmpq(3), fmpq(-1, 7)),
                        (fmpq(0), fmpq(5, 6), fmpq(5, 6) + fmpq(6) + fmpq(2, 7)))]
ORDER = ("gradient_zero", "interior_cell", "affine_reduction", "strictly_lower")


def _q(rng, dens=(1, 2, 3, 7, 10 ** 20 + 7, 2 ** 70)):
    if rng.random() < 0.15:
        return fmpq(rng.randint(-2, 2)) / rng.choice([1, 3])  # hits breakpoints now and then
    return fmpq(rng.randint(-10 ** 3, 10 ** 3), rng.choice(dens))


def _mat(rng, r, c, dens=(1, 2, 3, 7, 10 ** 20 + 7, 2 ** 70)):
    return fmpq_mat(r, c, [_q(rng, dens) for _ in range(r * c)])


def _fit(prob):
    """The least-squares affine fit (W, b) of Y on X, or None if X~ = [X; 1] has dependent rows."""
    Xt = fmpq_mat(prob.X.nrows() + 1, prob.m, [*prob.X.entries(), *([fmpq(1)] * prob.m)])
    A = Xt * Xt.transpose()
    if A.rank() < A.nrows():
        return None
    sol = A.solve(Xt * prob.Y.transpose()).transpose()  # dy x (dx + 1)
    dx = prob.X.nrows()
    W = fmpq_mat(sol.nrows(), dx, [sol[r, k] for r in range(sol.nrows()) for k in range(dx)])
    return W, fmpq_mat(sol.nrows(), 1, [sol[r, dx] for r in range(sol.nrows())])


def _critical(rng, prob, fit):
    """A critical point in one cell (every sample on the top piece, slope s != 0): W1 = Wfit,
    b1 = C 1, W2 = I / s, b2 = bfit - (s C + c) / s, so the network is the least-squares fit."""
    act, (W, b) = prob.act, fit
    s, c = act.slopes[-1], act.intercepts[-1]
    dy, dx = W.nrows(), W.ncols()
    C = fmpq(act.breakpoints[-1]) + 1 + sum(abs(W[r, k] * prob.X[k, j]) for r in range(dy) for k in range(dx) for j in range(prob.m))
    W2 = fmpq_mat(dy, dy, [fmpq(1) / s if r == t else fmpq(0) for r in range(dy) for t in range(dy)])
    return {"W1": W, "b1": fmpq_mat(dy, 1, [C] * dy), "W2": W2, "b2": fmpq_mat(dy, 1, [b[r, 0] - (s * C + c) / s for r in range(dy)])}


def _mean(prob, params):
    """The same shape with W2 = 0 and b2 = the row means of Y: the best constant, below most random points."""
    dy, d1 = params["W2"].nrows(), params["W2"].ncols()
    b2 = [sum((prob.Y[r, j] for j in range(prob.m)), fmpq(0)) / prob.m for r in range(dy)]
    return {**params, "W2": fmpq_mat(dy, d1), "b2": fmpq_mat(dy, 1, b2)}


def _case(rng, dy):
    """(problem, point, affine fit, better point)."""
    act = rng.choice([a for a in ACTS if a.slopes[-1] != 0])
    dx, m = rng.randint(1, 3), rng.randint(dy + 4, 9)
    prob = Problem((dx, dy, dy), act, "squared", _mat(rng, dx, m, (1, 2, 4)), _mat(rng, dy, m, (1, 8)))
    fit = _fit(prob)
    if fit is not None and rng.random() < 0.5:
        point, fit = _critical(rng, prob, fit), fit if rng.random() < 0.7 else (fit[0], fit[1] + _mat(rng, dy, 1, (1, 3)))
        return prob, point, fit, {k: _mat(rng, v.nrows(), v.ncols()) for k, v in point.items()}
    act = rng.choice(ACTS)
    d1 = rng.randint(1, 3)
    prob = Problem((dx, d1, dy), act, "squared", prob.X, prob.Y)
    params = {"W1": _mat(rng, d1, dx), "b1": _mat(rng, d1, 1), "W2": _mat(rng, dy, d1), "b2": _mat(rng, dy, 1)}
    if rng.random() < 0.1:  # the last neuron's pre-activation at the last sample on a breakpoint
        i, j = d1 - 1, prob.m - 1
        params["b1"][i, 0] = act.breakpoints[-1] - sum((params["W1"][i, k] * prob.X[k, j] for k in range(dx)), fmpq(0))
    if fit is None or rng.random() < 0.3:  # normal equations that fail
        fit = (_mat(rng, dy, dx, (1, 3)), _mat(rng, dy, 1, (1, 3)))
    return prob, params, fit, _mean(prob, params)


def _report(prob, params, fit, better, r, streamed, monkeypatch):
    """(status, detail, facts, rests_on) of the four checks in turn, each with the facts before it."""
    monkeypatch.setattr(stream, "STREAM_BITS", 0 if streamed else 1 << 60)
    ctx = obligations.Context(prob, params, better, None)
    ob = {"radius": str(r), "affine_fit": {"weights": [[str(fit[0][i, k]) for k in range(fit[0].ncols())] for i in range(fit[0].nrows())],
                                          "bias": [str(fit[1][i, 0]) for i in range(fit[1].nrows())]}}
    out = []
    for kind in ORDER:
        o = obligations.CHECKS[kind](ctx, ob, "obligations[0]")
        ctx.facts.update(o.facts)
        out.append((o.status, o.detail, o.facts, o.rests_on))
    assert ctx.streams(params) == streamed and (id(params) in ctx._scaled) != streamed  # the full pass: formed iff not streamed
    return out


@pytest.mark.parametrize("dy", [1, 2])
def test_gradient_equals_the_full_back_propagation(dy):
    rng = random.Random(20 + dy)
    zero = nonzero = 0
    for _ in range(150):
        prob, params, _, _ = _case(rng, dy)
        xs = scaled.of(prob.X)
        lay = stream.layer(prob, params, xs)
        if lay.kink is not None:
            continue
        got = stream.gradient(prob, params, xs, lay)
        want = scaled.gradient_squared(prob, params, scaled.forward(prob, params))
        plain = kernel.gradient(prob, params, kernel.forward(prob, params))
        for name in prob.param_names():
            assert (got[name].N.nrows(), got[name].N.ncols()) == prob.param_shape(name)
            assert got[name].rational() == want[name].rational() == plain[name], name
        flat = [v for name in prob.param_names() for v in got[name].N.entries()]
        zero += all(v == 0 for v in flat)
        nonzero += any(v != 0 for v in flat)
    assert zero > 10 and nonzero > 10, (zero, nonzero)


@pytest.mark.parametrize("dy", [1, 2])
def test_checks_report_the_same_streamed_or_not(dy, monkeypatch):
    rng = random.Random(40 + dy)
    seen = {}
    for _ in range(120):
        prob, params, fit, better = _case(rng, dy)
        r = fmpq(1, rng.choice([1, 10, 1000, 10 ** 6]))
        full = _report(prob, params, fit, better, r, False, monkeypatch)
        assert _report(prob, params, fit, better, r, True, monkeypatch) == full
        for kind, o in zip(ORDER, full):
            seen[kind, o[0].value, o[1].split(":")[0].split(" ")[0]] = seen.get((kind, o[0].value, o[1].split(":")[0].split(" ")[0]), 0) + 1
    holds = {k for k, o, _ in seen if o == "holds"}
    fails = {k for k, o, _ in seen if o == "fails"}
    assert holds == set(ORDER) and fails == set(ORDER), seen
    assert {("gradient_zero", "fails", "risk"), ("interior_cell", "fails", "layer"), ("affine_reduction", "fails", "the")} <= set(seen), seen
