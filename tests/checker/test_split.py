"""neuron_split: a critical point maps to a line of critical points (identity in lambda);
tampered lines, non-critical sources and bad fields are rejected."""
import copy
import json

import pytest
from flint import fmpq

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.checker.reading import point, problem
from symcert.claims.yun2019 import thm1 as Y
from symcert.claims.yun2019 import thm4 as T
from symcert.inputs.activations import leaky_relu, relu
from symcert.transform.split import certify_split, split_point


def _min(act=relu(), hidden=2):
    doc = Y.certify(Y._rows(*Y.CASE1), act, hidden=hidden, smt="never")
    prob = problem(doc["problem"])
    return doc["problem"], point(doc["point"], prob, "p")


def _check(doc):
    return check_document(json.loads(certificate.canonical_bytes(doc)))


@pytest.mark.parametrize("lam", ["0", "1/2", "2", "-3/7"])
@pytest.mark.parametrize("act", [relu(), leaky_relu("1/2")], ids=["relu", "leaky"])
def test_split_line_certified(act, lam):
    pj, pt = _min(act)
    rep = _check(certify_split(pj, pt, 1, 1, fmpq(lam), {"id": "t", "instance": "t"}))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert "zero polynomial in lambda" in rep.obligations[1][3]


def test_deep_linear_split_of_a_middle_layer():
    inst = next(i for i in T.instances() if i.name == "thm4-depth4-saddle-rank1")
    doc = inst.build()
    prob = problem(doc["problem"])
    pt = point(doc["point"], prob, "p")
    W3 = pt["W3"]
    live = [r for r in range(1, W3.ncols() + 1) if any(W3[i, r - 1] != 0 for i in range(W3.nrows()))]
    dead = [r for r in range(1, W3.ncols() + 1) if r not in live]
    assert live and dead
    rep = _check(certify_split(doc["problem"], pt, 2, live[0], fmpq(5, 3), {"id": "t"}))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    # a neuron whose outgoing weights are all 0: every lambda gives the same point (no line)
    rep = _check(certify_split(doc["problem"], pt, 2, dead[0], fmpq(5, 3), {"id": "t"}))
    assert rep.verdict is Verdict.REJECTED and "no line" in rep.summary, rep.summary


def test_split_point_preserves_the_function():
    from symcert.checker import kernel
    pj, pt = _min()
    wide = problem(dict(pj, network=dict(pj["network"], widths=[1, 3, 1])))
    for lam in (fmpq(-2), fmpq(1, 3), fmpq(7)):
        assert kernel.forward(wide, split_point(pt, 1, 2, lam))[2] == kernel.forward(problem(pj), pt)[2]


def test_non_critical_source_rejected():
    pj, pt = _min()
    pt["b2"][0, 0] += 1  # moves the output: no longer critical
    doc = certify_split(pj, pt, 1, 1, fmpq(1, 2), {"id": "t"})
    doc["obligations"] = doc["obligations"][1:]
    doc.pop("rests_on")
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not identically 0" in rep.summary


def test_point_off_the_line_rejected():
    pj, pt = _min()
    doc = certify_split(pj, pt, 1, 1, fmpq(1, 2), {"id": "t"})
    doc["obligations"][1]["lambda"] = "1/3"
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not the split" in rep.summary


def test_wrong_source_rejected():
    pj, pt = _min()
    doc = certify_split(pj, pt, 1, 1, fmpq(1, 2), {"id": "t"})
    src = doc["obligations"][1]["source"]
    src["W1"][1][0] = "1"  # the unused neuron changes: the point is no longer its split
    assert _check(doc).verdict is Verdict.REJECTED


@pytest.mark.parametrize("field,value", [("layer", 2), ("layer", 0), ("neuron", 3), ("neuron", 0), ("lambda", "x"), ("layer", "1")])
def test_bad_fields_invalid(field, value):
    pj, pt = _min()
    doc = certify_split(pj, pt, 1, 1, fmpq(1, 2), {"id": "t"})
    doc["obligations"][1][field] = value
    rep = _check(doc)
    assert rep.verdict is Verdict.INVALID, rep.summary
    assert field in rep.summary


def test_source_with_wrong_shape_invalid():
    pj, pt = _min()
    doc = certify_split(pj, pt, 1, 1, fmpq(1, 2), {"id": "t"})
    doc["obligations"][1]["source"] = copy.deepcopy(doc["point"])  # the wide point, not the narrow one
    assert _check(doc).verdict is Verdict.INVALID


def test_other_losses_refused():
    pj, pt = _min()
    doc = certify_split(pj, pt, 1, 1, fmpq(1, 2), {"id": "t"})
    doc["problem"]["loss"] = {"kind": "absolute"}
    doc.pop("problem_sha256"), doc.pop("rests_on")
    from symcert.checker import kernel
    doc["loss"] = str(sum(abs(v) for v in (kernel.forward(problem(doc["problem"]), point(doc["point"], problem(doc["problem"]), "p"))[2] - problem(doc["problem"]).Y).entries()))
    doc["obligations"] = doc["obligations"][1:]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "does not apply to the absolute loss" in rep.summary, rep.summary


def _reference_poly_pass(prob, A, A1):
    """The per-sample, per-scalar fmpq_poly pass the vectorised one replaced (kept as a reference)."""
    from flint import fmpq_poly
    names = prob.param_names()
    P = {n: [[fmpq_poly([A[n][i][j], A1[n][i][j] - A[n][i][j]]) for j in range(len(A[n][0]))] for i in range(len(A[n]))] for n in names}
    grad = {n: [[fmpq_poly([]) for _ in row] for row in P[n]] for n in names}
    outs = []
    for s in range(prob.m):
        a = [fmpq_poly([prob.X[k, s]]) for k in range(prob.widths[0])]
        acts, slopes = [a], []
        for l in range(1, prob.depth + 1):
            W, b = P[f"W{l}"], P[f"b{l}"]
            z = [sum((W[i][k] * a[k] for k in range(len(a))), b[i][0]) for i in range(len(W))]
            if l == prob.depth:
                break
            if any(zi.degree() > 0 for zi in z):
                return None, None, "moves"
            cs = [zi.coeffs()[0] if zi.coeffs() else fmpq(0) for zi in z]
            if any(prob.act.piece(c)[1] for c in cs):
                return None, None, "breakpoint"
            slopes.append([prob.act.slope(c) for c in cs])
            a = [fmpq_poly([prob.act.value(c)]) for c in cs]
            acts.append(a)
        outs.append(z)
        G = [zi - prob.Y[i, s] for i, zi in enumerate(z)]
        for l in range(prob.depth, 0, -1):
            for i, g in enumerate(G):
                for k, ak in enumerate(acts[l - 1]):
                    grad[f"W{l}"][i][k] += g * ak
                grad[f"b{l}"][i][0] += g
            if l > 1:
                W = P[f"W{l}"]
                G = [sum((W[i][k] * G[i] for i in range(len(G))), fmpq_poly([])) * slopes[l - 2][k] for k in range(len(acts[l - 1]))]
    return outs, grad, None


@pytest.mark.parametrize("moved", ["last", "W1"])
@pytest.mark.parametrize("seed", range(8))
def test_vectorised_pass_equals_the_per_sample_polynomial_pass(seed, moved):
    """Random leaky-ReLU networks (depth 2-4) and random lines. When only the last layer's weights
    move, pre-activations stay constant and both passes give the same output and gradient
    polynomials; when a first-layer weight moves, both refuse the line (a pre-activation depends on
    lambda)."""
    import random

    from symcert.checker import split
    rng = random.Random(seed)
    depth = 2 + seed % 3
    widths = [2] + [rng.randint(1, 4) for _ in range(depth - 1)] + [rng.randint(1, 2)]
    base = {"network": {"widths": widths, "activation": leaky_relu("1/3")}, "loss": {"kind": "squared"},
            "data": {"inputs": [[str(rng.randint(-5, 5)) for _ in range(2)] for _ in range(6)],
                     "targets": [[str(rng.randint(-5, 5)) for _ in range(widths[-1])] for _ in range(6)]}}
    prob = problem(base)
    q = lambda: fmpq(rng.randint(-9, 9), rng.randint(1, 4)) + fmpq(1, 97)  # noqa: E731  (never 0)
    A = {n: [[q() for _ in range(prob.param_shape(n)[1])] for _ in range(prob.param_shape(n)[0])] for n in prob.param_names()}
    A1 = copy.deepcopy(A)
    for row in A1[f"W{depth}" if moved == "last" else "W1"]:
        row[0] += q()
    new, ref = split._poly_pass(prob, A, A1), _reference_poly_pass(prob, A, A1)
    if moved == "last":
        assert new[2] is None and ref[2] is None
        assert new[0] == ref[0] and new[1] == ref[1]
        assert any(g != 0 for rows in new[1].values() for row in rows for g in row)  # a generic line: not critical
    else:
        assert ref[2] == "moves" and "depends on lambda" in new[2]
