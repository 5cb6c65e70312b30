"""cell_global_minima (checker/cellmin.py): the certified statements, tested against the risk itself.

Random parameters drawn inside a certificate's cell (any output-weight signs) never have lower
risk than the certified minimum; minimisers obtained from the certificate's point in the lifted
coordinates (a segment between two of them) stay in the signed cell at the minimum risk; and a
point that is not a minimum of its cell is rejected."""
import random

import pytest
from flint import fmpq, fmpq_mat

from symcert.checker import Verdict, check_document
from symcert.checker.cellmin import design
from symcert.checker.kernel import forward, kinks, risk
from symcert.checker.problem import point, problem
from symcert.exact.rationals import format_rational, parse_rational

CERTS = ["cell-s41-m8-dx1-n3-relu-squared", "cell-s43-m8-dx2-n2-hard_tanh-huber", "cell-s44-m9-dx1-n3-abs-absolute",
         "cell-worked-relu-squared-t1"]


def _read(doc):
    prob = problem(doc["problem"])
    return prob, point(doc["point"], prob, "point")


def _pieces(prob, pt):
    pre = forward(prob, pt)[0][0]
    return [prob.act.piece(v)[0] for v in pre.entries()]


@pytest.mark.parametrize("name", CERTS)
def test_certified_and_no_point_of_the_cell_is_lower(proof, name):
    doc = proof(f"he2020/{name}.json")
    assert check_document(doc).verdict is Verdict.CERTIFIED
    prob, pt = _read(doc)
    best, cell = risk(prob, pt), _pieces(prob, pt)
    rng = random.Random(name)
    found = 0
    for _ in range(400):
        q = {k: fmpq_mat(v.nrows(), v.ncols(), [e + fmpq(rng.randint(-64, 64), 256) for e in v.entries()]) for k, v in pt.items()}
        q["W2"] = fmpq_mat(1, pt["W2"].ncols(), [fmpq(rng.randint(-40, 40), 8) for _ in range(pt["W2"].ncols())])
        q["b2"] = fmpq_mat(1, 1, [fmpq(rng.randint(-40, 40), 8)])
        if _pieces(prob, q) == cell:  # same cell, output weights of any sign
            found += 1
            assert risk(prob, q) >= best
    assert found > 20


def _lifted(pt):
    n, dx = pt["W1"].nrows(), pt["W1"].ncols()
    v = list(pt["W2"].entries())
    u = [v[i] * x for i in range(n) for x in [pt["W1"][i, k] for k in range(dx)] + [pt["b1"][i, 0]]]
    return u + v + [pt["b2"][0, 0]]


def _unlifted(w, n, dx):
    v = [w[n * (dx + 1) + i] for i in range(n)]
    return {"W1": fmpq_mat(n, dx, [w[i * (dx + 1) + k] / v[i] for i in range(n) for k in range(dx)]),
            "b1": fmpq_mat(n, 1, [w[i * (dx + 1) + dx] / v[i] for i in range(n)]),
            "W2": fmpq_mat(1, n, v), "b2": fmpq_mat(1, 1, [w[-1]])}


def test_minimisers_of_the_signed_cell_are_joined_by_a_segment(proof):
    doc = proof("he2020/cell-s41-m8-dx1-n3-relu-squared.json")
    prob, pt = _read(doc)
    best, cell = risk(prob, pt), _pieces(prob, pt)
    n, dx = pt["W1"].nrows(), pt["W1"].ncols()
    Phi = design(prob, forward(prob, pt)[0][0])
    R, rank = Phi.rref()  # a vector of Phi's kernel, read off the reduced row echelon form
    assert Phi.ncols() - rank > 0  # the certificate's message says the dimension is positive
    pivots, c = [], 0
    for r in range(rank):
        while R[r, c] == 0:
            c += 1
        pivots.append(c)
    free = next(j for j in range(Phi.ncols()) if j not in pivots)
    z = [fmpq(0)] * Phi.ncols()
    z[free] = fmpq(1)
    for r, p in enumerate(pivots):
        z[p] = -R[r, free]
    w0 = _lifted(pt)
    w1 = None
    for k in range(1, 40):  # a second minimiser: w0 + s z inside the signed cell
        cand = _unlifted([a + fmpq(1, 2 ** k) * b for a, b in zip(w0, z)], n, dx)
        if _pieces(prob, cand) == cell and all(a * b > 0 for a, b in zip(cand["W2"].entries(), pt["W2"].entries())):
            w1 = cand
            break
    assert w1 is not None and w1 != pt and risk(prob, w1) == best
    for t in (fmpq(1, 3), fmpq(1, 2), fmpq(5, 7)):
        mid = _unlifted([(1 - t) * a + t * b for a, b in zip(w0, _lifted(w1))], n, dx)
        assert _pieces(prob, mid) == cell and not kinks(prob, forward(prob, mid)[0])
        assert risk(prob, mid) == best


def test_a_point_that_does_not_minimise_its_cell_is_rejected(proof):
    doc = proof("he2020/cell-worked-relu-squared-t1.json")
    doc["point"]["W2"][0][0] = format_rational(fmpq(11, 10) * parse_rational(doc["point"]["W2"][0][0]))
    prob, pt = _read(doc)
    doc["loss"] = format_rational(risk(prob, pt))
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "G Phi = 0" in rep.summary
