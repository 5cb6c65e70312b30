"""symcert.checker.stream (one hidden layer, one neuron at a time) gives the output, pieces, first
kink, interior test and lifted normal equations of the full-matrix formulas, on random small
networks; and certificates get the same reports whether the checker streams or not."""
import copy
import json
import os
import random

from flint import fmpq, fmpq_mat

from symcert.checker import Verdict, check_document, kernel, scaled, stream
from symcert.checker.cellmin import design
from symcert.checker.problem import PiecewiseLinear, Problem, point, problem
from symcert.exact.rationals import format_rational

ACTS = [PiecewiseLinear((fmpq(0),), (fmpq(0), fmpq(1)), (fmpq(0), fmpq(0))),  # ReLU
        PiecewiseLinear((fmpq(0),), (fmpq(1, 10), fmpq(1)), (fmpq(0), fmpq(0))),  # leaky ReLU
        PiecewiseLinear((fmpq(-1), fmpq(1)), (fmpq(0), fmpq(1), fmpq(0)), (fmpq(-1), fmpq(0), fmpq(1))),  # hard tanh
        PiecewiseLinear((fmpq(-1, 3), fmpq(2)), (fmpq(1, 2), fmpq(3), fmpq(-1, 7)),
                        (fmpq(0), fmpq(5, 6), fmpq(5, 6) + fmpq(6) + fmpq(2, 7)))]


def _q(rng, small=False):
    if rng.random() < 0.2:
        return fmpq(rng.randint(-2, 2))  # hits breakpoints now and then
    return fmpq(rng.randint(-10 ** 3, 10 ** 3), rng.choice([1, 2, 3, 7] if small else [1, 2, 3, 7, 10 ** 20 + 7, 2 ** 70]))


def _mat(rng, r, c, small=False):
    return fmpq_mat(r, c, [_q(rng, small) for _ in range(r * c)])


def _case(rng, dy=None, m=None, d1=None):
    act = rng.choice(ACTS)
    dx, d1, dy, m = rng.randint(1, 3), d1 or rng.randint(1, 4), dy or rng.randint(1, 3), m or rng.randint(1, 7)
    prob = Problem((dx, d1, dy), act, "squared", _mat(rng, dx, m, True), _mat(rng, dy, m, True))
    params = {"W1": _mat(rng, d1, dx), "b1": _mat(rng, d1, 1), "W2": _mat(rng, dy, d1), "b2": _mat(rng, dy, 1)}
    return prob, params


def test_layer_equals_the_full_forward_pass():
    rng = random.Random(5)
    kinked = 0
    for _ in range(300):
        prob, params = _case(rng)
        xs = scaled.of(prob.X)
        lay, full = stream.layer(prob, params, xs), stream.of_forward(scaled.forward(prob, params))
        pre, _, out = kernel.forward(prob, params)
        assert lay.out.rational() == full.out.rational() == out
        assert lay.pieces == full.pieces == [bytes(prob.act.piece(pre[0][i, j])[0] for j in range(prob.m)) for i in range(pre[0].nrows())]
        k = kernel.kinks(prob, pre)
        assert lay.kink == full.kink == (None if not k else (k[0][1], k[0][2], pre[0][k[0][1], k[0][2]]))
        kinked += lay.kink is not None
        for i in range(pre[0].nrows()):
            Z = stream.row(params["W1"], params["b1"], i, xs)
            assert stream.pieces(prob.act, Z) == scaled.pieces(prob.act, Z)
            assert [Z.entry(0, j) for j in range(prob.m)] == [pre[0][i, j] for j in range(prob.m)]
    assert 0 < kinked < 300


def test_interior_equals_the_full_matrix_test():
    rng = random.Random(8)
    seen = {"kink": 0, "leaves": 0, None: 0}
    for _ in range(400):
        prob, params = _case(rng)
        r = fmpq(1, rng.choice([1, 10, 1000, 10 ** 6]))
        fwd = scaled.forward(prob, params)
        k = scaled.first_kink(fwd[1], prob.m)
        if k:
            want = ("kink", k[1], k[2], fwd[0][0].entry(k[1], k[2]))
        else:
            bad = scaled.interior_one_layer(prob, params, fwd, r)
            want = None if bad is None else ("leaves",) + bad
        got = stream.interior(prob, params, scaled.of(prob.X), r)
        assert got == want
        seen[None if got is None else got[0]] += 1
    assert seen["kink"] > 0 and seen["leaves"] > 10 and seen[None] > 10, seen


def _plain_first_failure(prob, pre, G):
    """The first failing block of G Phi, from the full rational design matrix (cellmin.design)."""
    d1, dx = pre.nrows(), prob.X.nrows()
    GP = G * design(prob, pre)
    if GP[0, GP.ncols() - 1] != 0:
        return "G 1 != 0 (the output bias column)"
    for i in range(d1):
        if any(GP[0, i * (dx + 1) + k] != 0 for k in range(dx + 1)):
            return f"the block of neuron {i + 1}'s lifted weights U_{i + 1} (sum_j G_j a_ij x~_j != 0)"
        if GP[0, d1 * (dx + 1) + i] != 0:
            return f"the intercept column of neuron {i + 1} (sum_j G_j c_ij != 0)"
    return None


def test_balance_equals_the_plain_normal_equations():
    rng = random.Random(11)
    held = failed = 0
    for _ in range(300):
        prob, params = _case(rng, dy=1, m=rng.randint(4, 16), d1=rng.randint(1, 2))
        pre = kernel.forward(prob, params)[0][0]
        pieces = [bytes(prob.act.piece(pre[i, j])[0] for j in range(prob.m)) for i in range(pre.nrows())]
        Phi = design(prob, pre)
        null, nullity = Phi.numer_denom()[0].transpose().nullspace()  # columns g with Phi^T g = 0
        if nullity and rng.random() < 0.5:
            coef = [rng.randint(-3, 3) for _ in range(nullity)]
            G = fmpq_mat(1, prob.m, [sum(null[j, c] * coef[c] for c in range(nullity)) for j in range(prob.m)]) / 7
        else:
            G = _mat(rng, 1, prob.m, True)
        want = _plain_first_failure(prob, pre, G)
        assert stream.balance(prob, scaled.of(prob.X), scaled.of(G), pieces) == want
        held += want is None
        failed += want is not None
    assert held > 20 and failed > 20, (held, failed)


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIN = os.path.join(ROOT, "proofs", "own", "relu-min.json")


def _mutations():
    def same(doc):
        return doc

    def loss(doc):  # the claimed loss no longer matches the risk
        doc["point"]["b2"][0] = doc["point"]["b2"][0] + "1"
        return doc

    def bias(doc):  # breaks G 1 = 0
        return _fix_loss(loss(doc))

    def radius(doc):
        for o in doc["obligations"]:
            if "radius" in o:
                o["radius"] = "1000"
        return doc

    def kink(doc):  # neuron 1 through the first sample
        doc["point"]["b1"][0] = "0"
        doc["point"]["W1"][0] = ["0"] * len(doc["point"]["W1"][0])
        return _fix_loss(doc)
    return [same, loss, bias, radius, kink]


def _fix_loss(doc):
    prob = problem(doc["problem"])
    doc["loss"] = format_rational(kernel.risk(prob, point(doc["point"], prob, "point")))
    return doc


def test_reports_are_the_same_streamed_or_not(monkeypatch):
    with open(MIN) as fh:
        base = json.load(fh)
    plain = [check_document(mutate(copy.deepcopy(base))) for mutate in _mutations()]
    monkeypatch.setattr(stream, "STREAM_BITS", 0)  # every one-hidden-layer point is now checked row by row
    streamed = [check_document(mutate(copy.deepcopy(base))) for mutate in _mutations()]
    assert plain[0].verdict is Verdict.CERTIFIED
    assert [(r.verdict, r.summary, r.obligations) for r in plain] == [(r.verdict, r.summary, r.obligations) for r in streamed]
    assert len({r.summary for r in plain}) == 5, [r.summary for r in plain]
