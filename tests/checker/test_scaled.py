"""symcert.checker.scaled (integer numerators over one denominator) gives the values, pieces,
risk, gradient and interior test of the rational kernel, on random networks and activations."""
import dataclasses
import random

from flint import fmpq, fmpq_mat, fmpz

from symcert.checker import kernel, scaled
from symcert.checker.problem import PiecewiseLinear, Problem

ACTS = [PiecewiseLinear((fmpq(0),), (fmpq(0), fmpq(1)), (fmpq(0), fmpq(0))),  # ReLU
        PiecewiseLinear((fmpq(0),), (fmpq(1, 10), fmpq(1)), (fmpq(0), fmpq(0))),  # leaky ReLU
        PiecewiseLinear((fmpq(-1, 3), fmpq(2)), (fmpq(1, 2), fmpq(3), fmpq(-1, 7)),  # three pieces, rational breakpoints
                        (fmpq(0), fmpq(5, 6), fmpq(5, 6) + fmpq(6) + fmpq(2, 7)))]


def _q(rng, small=False):
    if rng.random() < 0.25:
        return fmpq(rng.randint(-2, 2))  # hits breakpoints now and then
    return fmpq(rng.randint(-10 ** 3, 10 ** 3), rng.choice([1, 2, 3, 7] if small else [1, 2, 3, 7, 10 ** 20 + 7, 2 ** 70]))


def _mat(rng, r, c, small=False):
    return fmpq_mat(r, c, [_q(rng, small) for _ in range(r * c)])


def _case(rng):
    act = rng.choice(ACTS)
    for k in range(len(act.breakpoints)):  # continuity, as problem.activation checks
        t = act.breakpoints[k]
        assert act.slopes[k] * t + act.intercepts[k] == act.slopes[k + 1] * t + act.intercepts[k + 1]
    widths = tuple(rng.randint(1, 3) for _ in range(rng.randint(2, 4)))
    m = rng.randint(1, 6)
    prob = Problem(widths, act, "squared", _mat(rng, widths[0], m, True), _mat(rng, widths[-1], m, True))
    params = {}
    for l in range(1, len(widths)):
        params[f"W{l}"] = _mat(rng, widths[l], widths[l - 1])
        params[f"b{l}"] = _mat(rng, widths[l], 1)
    return prob, params


def test_forward_pieces_risk_and_gradient_equal_the_kernel():
    rng = random.Random(16)
    kinked = 0
    for _ in range(300):
        prob, params = _case(rng)
        pre, acts, out = kernel.forward(prob, params)
        spre, spcs, sacts, sout = scaled.forward(prob, params)
        assert [Z.rational() for Z in spre] == pre and [A.rational() for A in sacts] == acts and sout.rational() == out
        for Z, S, pcs in zip(pre, spre, spcs):
            assert pcs == [prob.act.piece(z) for z in Z.entries()]
            assert [S.entry(i, j) for i in range(Z.nrows()) for j in range(Z.ncols())] == Z.entries()
        risk = kernel.loss_value(prob, out)
        assert scaled.half_sq_norm(sout.minus(scaled.of(prob.Y))) == risk
        k = kernel.kinks(prob, pre)
        assert scaled.first_kink(spcs, prob.m) == (k[0] if k else None)
        if k:
            kinked += 1
            continue
        grad, sgrad = kernel.gradient(prob, params), scaled.gradient_squared(prob, params, (spre, spcs, sacts, sout))
        assert {n: g.rational() for n, g in sgrad.items()} == grad
    assert 0 < kinked < 300


def test_interior_one_layer_equals_box_radii():
    rng = random.Random(61)
    seen = {True: 0, False: 0}
    for _ in range(400):
        prob, params = _case(rng)
        if prob.depth != 2:
            continue
        fwd = scaled.forward(prob, params)
        if scaled.first_kink(fwd[1], prob.m):
            continue
        r = fmpq(1, rng.choice([1, 10, 1000, 10 ** 6]))
        pre = kernel.forward(prob, params)[0]
        R = kernel.box_radii(prob, params, r)[0]
        bad = None
        for i in range(pre[0].nrows()):
            for j in range(pre[0].ncols()):
                z, rad = pre[0][i, j], R[i, j]
                lo, hi = prob.act.piece_bounds(prob.act.piece(z)[0])
                if bad is None and ((lo is not None and not z - rad > lo) or (hi is not None and not z + rad < hi)):
                    bad = (i, j, z, rad, lo, hi)
        assert scaled.interior_one_layer(prob, params, fwd, r) == bad
        seen[bad is None] += 1
    assert seen[True] > 10 and seen[False] > 10


def test_generator_radius_equals_interior_radius():
    from symcert.provers.cells import interior_radius, interior_radius_one_layer
    rng = random.Random(7)
    found = 0
    for _ in range(300):
        prob, params = _case(rng)
        if prob.depth != 2:
            continue
        r = interior_radius(prob, params)
        assert interior_radius_one_layer(prob, params, scaled.forward(prob, params)) == r
        found += r is not None
    assert found > 10


def _abs_sums_entry_by_entry(X):
    return [sum((abs(X.N[k, j]) for k in range(X.N.nrows())), fmpz(0)) for j in range(X.N.ncols())]


def test_column_sums_of_the_reading_equal_the_sums_entry_by_entry():
    """scaled.inputs takes S = 1^T |N| from the reading (den * row sums of |.|, parse_plain_scaled):
    the same sums as entry by entry, for plain texts with and without fractions, not in lowest
    terms, signs, and for entries that are not plain (decimals: no sums from the reading)."""
    from symcert.checker.problem import problem
    rng = random.Random(16)
    forms = [lambda: str(rng.randint(-9, 9)), lambda: f"{rng.randint(-40, 40)}/{rng.choice([1, 2, 4, 6, 9])}",
             lambda: f"+{rng.randint(0, 9)}", lambda: f"{rng.randint(-9, 9)}.{rng.randint(0, 99)}"]
    for trial in range(30):
        m, dx, kinds = rng.randint(1, 12), rng.randint(1, 5), rng.sample(forms, rng.randint(1, 3))
        inputs = [[rng.choice(kinds)() for _ in range(dx)] for _ in range(m)]
        spec = {"network": {"widths": [dx, 2, 1], "activation": {"kind": "piecewise_linear", "breakpoints": ["0"], "pieces": [["0", "0"], ["1", "0"]]}},
                "loss": {"kind": "squared"}, "data": {"inputs": inputs, "targets": [[str(i)] for i in range(m)]}}
        prob = problem(spec)
        plain = all("." not in v for row in inputs for v in row)
        assert (prob.x_abs is not None) == plain
        X = scaled.inputs(prob)
        assert ("_abs_col_sums" in X.__dict__) == plain
        assert scaled.abs_col_sums(X) == _abs_sums_entry_by_entry(scaled.of(prob.X))
        other = dataclasses.replace(prob, X=prob.X * 2)  # a sum read for another X is not used
        assert "_abs_col_sums" not in scaled.inputs(other).__dict__
        assert scaled.abs_col_sums(scaled.inputs(other)) == _abs_sums_entry_by_entry(scaled.of(prob.X * 2))
