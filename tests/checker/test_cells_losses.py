"""cell_cover and smt_cell_minimum under the absolute, Huber and hinge losses: the per-cell z3
query If-encodes the loss, so its own kinks (a residual exactly 0, |r| = delta, a margin exactly 1)
need no cells; certificates built by hand here (no generator), tampered ones rejected."""
import copy
import json

import pytest

from symcert import certificate
from symcert.checker import Verdict, check_document, kernel
from symcert.checker import cells as C
from symcert.checker.reading import point as parse_point, problem as parse_problem
from symcert.inputs.activations import relu

X = [["-1"], ["0"], ["1"], ["2"]]
# one neuron outputs the fit, neuron 2 = relu(x - 2) sits on its kink at x = 2 with zero outgoing weight
BOUNDARY = {"W1": [["0"], ["1"]], "b1": ["1", "-2"], "W2": [["1", "0"]]}
CASES = {  # loss, targets, b2: the fit is optimal for the loss, and sample x = 2 lies on it
    "absolute": ({"kind": "absolute"}, ["1", "0", "1", "1"], "0"),  # residuals (0, 1, 0, 0): three loss kinks
    "hinge": ({"kind": "hinge"}, ["1", "-1", "1", "1"], "0"),  # margins 1 - y yhat = (0, 2, 0, 0): three loss kinks
    "huber": ({"kind": "huber", "delta": "2/3"}, ["1", "0", "1", "2/3"], "-1/3"),  # |r| = delta on sample x = 0
}


def _problem(loss, ys, widths=(1, 2, 1)):
    return {"network": {"widths": list(widths), "activation": relu()}, "loss": loss,
            "data": {"inputs": X[:len(ys)], "targets": [[y] for y in ys]}}


def _doc(pj, pt, obligations, conclusion="local_minimum"):
    prob = parse_problem(pj)
    point = parse_point(pt, prob, "point")
    claim = {"id": "yun2018.test", "paper": "p", "theorem": "t", "statement": "s", "instance": "i",
             "construction": {}, "conclusion": conclusion}
    return certificate.document(claim, pj, point, kernel.risk(prob, point), obligations)


def _check(doc):
    return check_document(json.loads(certificate.canonical_bytes(doc)))


def _cover(cells, loss_if=True, proof="z3"):
    return {"id": "cell_cover", "kind": "cell_cover", "radius": "1/4", "empty": [],
            "cells": [{"pattern": c, "proof": proof} for c in cells], "rests_on": C.ledger_for(False, False, True, loss_if)}


def _boundary_doc(kind):
    loss, ys, b2 = CASES[kind]
    return _doc(_problem(loss, ys), dict(BOUNDARY, b2=[b2]), [_cover(["-", "+"])])


@pytest.mark.parametrize("kind", sorted(CASES))
def test_boundary_minimum_certified_by_z3_cells(kind):
    rep = _check(_boundary_doc(kind))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert "2 cells: 0 by affine_exceptions, 2 by z3" in rep.obligations[0][3]
    assert C.LOSS_IF in rep.rests_on


@pytest.mark.parametrize("kind", sorted(CASES))
def test_removed_cell_rejected(kind):
    doc = _boundary_doc(kind)
    doc["obligations"][0]["cells"].pop()
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not covered" in rep.summary


def test_loss_kind_changed_rejected():
    # the same point and cells under the squared loss: the constant 1 is not the least-squares fit
    loss, ys, b2 = CASES["absolute"]
    doc = _doc(_problem({"kind": "squared"}, ys), dict(BOUNDARY, b2=[b2]), [_cover(["-", "+"], loss_if=False)])
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "lower risk" in rep.summary


def test_undeclared_loss_encoding_rejected():
    doc = _boundary_doc("absolute")
    doc["obligations"][0]["rests_on"] = C.ledger_for(False, False, True)
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "rests on" in rep.summary


def test_affine_exceptions_refused_beyond_squared():
    loss, ys, b2 = CASES["absolute"]
    ob = dict(_cover(["-", "+"], proof="affine_exceptions"), affine_fit={"weights": [["0"]], "bias": ["1"]})
    ob.pop("rests_on")
    rep = _check(_doc(_problem(loss, ys), dict(BOUNDARY, b2=[b2]), [ob]))
    assert rep.verdict is Verdict.REJECTED and "squared-loss argument" in rep.summary


@pytest.mark.parametrize("kind", ["absolute", "hinge"])
def test_not_a_minimum_under_a_kinked_loss_rejected(kind):
    # the output bias one quarter too low: the box holds a lower point, the z3 cell query finds it
    loss, ys, b2 = CASES[kind]
    doc = _doc(_problem(loss, ys), dict(BOUNDARY, b2=["-1/4"]), [_cover(["-", "+"])])
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "lower risk" in rep.summary


@pytest.mark.parametrize("kind", sorted(CASES))
def test_smt_cell_minimum_beyond_squared(kind):
    # no activation kink (one hidden neuron, always on); the loss kinks are If-encoded in the query
    loss, ys, b2 = CASES[kind]
    pj = _problem(loss, ys[:3])
    pj["network"]["widths"] = [1, 1, 1]
    pt = {"W1": [["0"]], "b1": ["1"], "W2": [["1"]], "b2": [b2]}
    obs = [{"id": "cell", "kind": "interior_cell", "radius": "1/4"},
           {"id": "smt", "kind": "smt_cell_minimum", "radius": "1/4", "solver": "z3"}]
    rep = _check(_doc(pj, pt, obs))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    low = copy.deepcopy(pt)
    low["b2"] = ["-1/4"]
    rep = _check(_doc(pj, low, obs))
    assert rep.verdict is Verdict.REJECTED and "lower risk" in rep.summary
