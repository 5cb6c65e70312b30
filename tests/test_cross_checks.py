"""Independent cross-checks of the trusted kernel:

* the smooth evaluator's gradient and Hessian against sympy's own differentiation of the risk
  written out symbolically (compared rigorously: arb balls of the difference contain 0 and are
  tiny, at 200 bits);
* the absolute, Huber and hinge losses against a separate evaluation in Python Fractions,
  straight from their textbook definitions, and the whole risk against a Fraction forward pass;
* the box radii against sampling: random parameters inside the box (which keep every neuron on
  its piece) never move a pre-activation by more than its radius.
"""
import random
from fractions import Fraction

import flint
import pytest
import sympy
from flint import fmpq

from symcert.checker import kernel, losses
from symcert.checker import reading as P
from symcert.checker import smooth as S


# ---- smooth gradient and Hessian vs sympy.diff ---------------------------------------------------

def _smooth_problem(name, widths=(1, 2, 1)):
    spec = {"network": {"widths": list(widths), "activation": {"kind": "smooth", "name": name, **({"alpha": "1"} if name == "elu" else {})}},
            "loss": {"kind": "squared"},
            "data": {"inputs": [["-1"], ["1/2"], ["2"]], "targets": [["1"], ["0"], ["3/2"]]}}
    return P.problem(spec)


def _symbols(prob):
    return {n: [[sympy.Symbol(f"{n}_{i}_{j}", real=True) for j in range(prob.param_shape(n)[1])]
                for i in range(prob.param_shape(n)[0])] for n in prob.param_names()}


POINT = {"W1": [["1/3"], ["-2/5"]], "b1": [["1/7"], ["3/4"]], "W2": [["5/4", "-1/3"]], "b2": [["1/6"]]}


def _point():
    return {n: [[sympy.Rational(v) for v in row] for row in M] for n, M in POINT.items()}


def _same(a, b):
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = 200
        b = sympy.sympify(b).replace(sympy.tanh, lambda u: 2 / (1 + sympy.exp(-2 * u)) - 1)  # arb has no tanh here
        d = S.to_arb(sympy.sympify(a) - b)
    finally:
        flint.ctx.prec = saved
    return d.contains(0) and abs(d) < flint.arb(2) ** -150


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "arctan", "elu"])
def test_smooth_gradient_and_hessian_match_sympy_diff(name):
    prob = _smooth_problem(name)
    ev = S.Evaluator(prob)
    syms, point = _symbols(prob), _point()
    # the risk written out independently: sympy's own activation, no piece logic (the point keeps elu's argument > 0 or < 0)
    t = S.T
    act = {"sigmoid": 1 / (1 + sympy.exp(-t)), "tanh": sympy.tanh(t), "softplus": sympy.log(1 + sympy.exp(t)),
           "arctan": sympy.atan(t)}.get(name)
    risk = 0
    for s in range(prob.m):
        x = sympy.Rational(int(prob.X[0, s].p), int(prob.X[0, s].q))
        out = syms["b2"][0][0]
        for j in range(2):
            z = syms["W1"][j][0] * x + syms["b1"][j][0]
            zval = z.subs({syms["W1"][j][0]: point["W1"][j][0], syms["b1"][j][0]: point["b1"][j][0]})
            h = act.subs(t, z) if act is not None else (z if zval > 0 else sympy.exp(z) - 1)
            out += syms["W2"][0][j] * h
        y = sympy.Rational(int(prob.Y[0, s].p), int(prob.Y[0, s].q))
        risk += (out - y) ** 2 / 2
    at = {syms[n][i][j]: point[n][i][j] for n in syms for i in range(len(syms[n])) for j in range(len(syms[n][0]))}
    grad = ev.gradient(point)
    coords = prob.coordinates()
    for n, i, j in coords:
        assert _same(grad[n][i][j], sympy.diff(risk, syms[n][i][j]).subs(at)), (n, i, j)
    H = ev.hessian(point, coords)
    for p, (n, i, j) in enumerate(coords):
        for q, (n2, i2, j2) in enumerate(coords):
            h = H[p, q] if isinstance(H, flint.fmpq_mat) else H[p][q]
            ref = sympy.diff(risk, syms[n][i][j], syms[n2][i2][j2]).subs(at)
            assert _same(sympy.Rational(int(h.p), int(h.q)) if isinstance(h, fmpq) else h, ref), (p, q)


# ---- losses vs Fractions ----------------------------------------------------------------------

def _fraction_loss(kind, delta, yhat, y):
    r = yhat - y
    if kind == "squared":
        return r * r / 2
    if kind == "absolute":
        return r if r >= 0 else -r
    if kind == "huber":
        a = r if r >= 0 else -r
        return r * r / 2 if a <= delta else delta * a - delta * delta / 2
    margin = 1 - y * yhat
    return max(margin, Fraction(0))


def _fmpq(f):
    return fmpq(f.numerator, f.denominator)


@pytest.mark.parametrize("kind", ["squared", "absolute", "huber", "hinge"])
def test_losses_match_a_fraction_evaluation(kind):
    rng = random.Random(9)
    for _ in range(400):
        yhat = Fraction(rng.randint(-60, 60), rng.choice([1, 2, 3, 7, 12]))
        y = Fraction(rng.choice([-1, 1])) if kind == "hinge" else Fraction(rng.randint(-20, 20), rng.choice([1, 4, 5]))
        delta = Fraction(rng.randint(1, 30), rng.choice([1, 2, 9]))
        want = _fraction_loss(kind, delta, yhat, y)
        assert losses.value(kind, _fmpq(delta), _fmpq(yhat), _fmpq(y)) == _fmpq(want)
        for yh in (yhat, y + delta, y - delta, (1 / y) if kind == "hinge" else y):  # kinks included
            lo, hi = losses.subdifferential(kind, _fmpq(delta), _fmpq(yh), _fmpq(y))
            eps = Fraction(1, 10**9)
            left = (_fraction_loss(kind, delta, yh, y) - _fraction_loss(kind, delta, yh - eps, y)) / eps
            right = (_fraction_loss(kind, delta, yh + eps, y) - _fraction_loss(kind, delta, yh, y)) / eps
            assert _fmpq(left) - fmpq(1, 10**6) <= lo <= hi <= _fmpq(right) + fmpq(1, 10**6)


def _pl_problem(loss, rng, widths=(2, 3, 2, 1)):
    targets = [[rng.choice(["1", "-1"])] for _ in range(5)] if loss == "hinge" else [[str(rng.randint(-3, 3))] for _ in range(5)]
    spec = {"network": {"widths": list(widths), "activation": {"kind": "piecewise_linear", "breakpoints": ["0", "2"],
                                                                "pieces": [["1/10", "0"], ["1", "0"], ["0", "2"]]}},
            "loss": {"kind": loss, **({"delta": "1/2"} if loss == "huber" else {})},
            "data": {"inputs": [[str(rng.randint(-4, 4)), f"{rng.randint(-9, 9)}/4"] for _ in range(5)], "targets": targets}}
    return spec, P.problem(spec)


def _random_point(prob, rng):
    return {n: [[Fraction(rng.randint(-12, 12), rng.choice([3, 5, 7])) for _ in range(prob.param_shape(n)[1])]
                for _ in range(prob.param_shape(n)[0])] for n in prob.param_names()}


def _fraction_risk(spec, point, kind, delta):
    act = lambda t: t / 10 if t < 0 else (t if t < 2 else Fraction(2))  # noqa: E731
    total = Fraction(0)
    L = len(spec["network"]["widths"]) - 1
    for x, y in zip(spec["data"]["inputs"], spec["data"]["targets"]):
        a = [Fraction(v) for v in x]
        for l in range(1, L + 1):
            z = [sum((w * v for w, v in zip(row, a)), point[f"b{l}"][i][0]) for i, row in enumerate(point[f"W{l}"])]
            a = z if l == L else [act(v) for v in z]
        total += sum(_fraction_loss(kind, delta, o, Fraction(t)) for o, t in zip(a, y))
    return total


@pytest.mark.parametrize("kind", ["squared", "absolute", "huber", "hinge"])
def test_risk_matches_a_fraction_forward_pass(kind):
    rng = random.Random(5)
    for _ in range(20):
        spec, prob = _pl_problem(kind, rng)
        point = _random_point(prob, rng)
        params = P.point({n: ([[str(v) for v in row] for row in M] if n[0] == "W" else [str(r[0]) for r in M])
                          for n, M in point.items()}, prob, "point")
        got = kernel.loss_value(prob, kernel.forward(prob, params)[2])
        assert got == _fmpq(_fraction_risk(spec, point, kind, Fraction(1, 2)))


# ---- box radii vs sampling ---------------------------------------------------------------------

def test_box_radii_bound_sampled_parameters():
    rng = random.Random(17)
    checked = 0
    for _ in range(40):
        _, prob = _pl_problem("squared", rng, widths=(2, 3, 3, 1))
        point = _random_point(prob, rng)
        params = P.point({n: ([[str(v) for v in row] for row in M] if n[0] == "W" else [str(r[0]) for r in M])
                          for n, M in point.items()}, prob, "point")
        pre = kernel.forward(prob, params)[0]
        if kernel.kinks(prob, pre):
            continue
        r = fmpq(1, rng.choice([50, 200, 1000]))
        radii = kernel.box_radii(prob, params, r)
        for _ in range(30):
            moved = {n: M + kernel.elementwise(M, lambda v: fmpq(rng.randint(-1000, 1000), 1000) * r) for n, M in params.items()}
            pre2 = kernel.forward(prob, moved)[0]
            same_pieces = all(prob.act.piece(a)[0] == prob.act.piece(b)[0] for Z, Z2 in zip(pre, pre2)
                              for a, b in zip(Z.entries(), Z2.entries()))
            if not same_pieces:  # the radii are claimed for parameters keeping every piece (checked by interior_cell)
                continue
            for Z, Z2, R in zip(pre, pre2, radii):
                for a, b, rad in zip(Z.entries(), Z2.entries(), R.entries()):
                    assert abs(b - a) <= rad
            checked += 1
    assert checked > 200
