"""Tampering: every single number of a stored certificate is changed in turn.

The change is rejected unless the changed certificate is still true; then an independent
oracle (sympy's symbolic risk and gradient, and sympy's own least-squares solve) confirms
why, and the test records the reason.
"""
import copy
import json

import pytest
import sympy as sp

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.checker.reading import point as read_point
from symcert.checker.reading import problem as read_problem
from symcert.exact.rationals import RationalSyntaxError, format_rational, parse_rational
from oracle.symbolic import gradient_at, risk_at


CASES = ["yun2019/thm1-case1-relu.json", "yun2019/thm1-case1-leaky.json", "yun2019/thm1-case2-relu.json"]
SECTIONS = ("problem", "point", "better_point", "loss", "better_loss", "obligations")


def numeric_leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from numeric_leaves(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from numeric_leaves(v, path + (i,))
    elif isinstance(obj, str):
        try:
            parse_rational(obj)
        except RationalSyntaxError:
            return
        yield path


def set_at(doc, path, value):
    for k in path[:-1]:
        doc = doc[k]
    doc[path[-1]] = value


def get_at(doc, path):
    for k in path:
        doc = doc[k]
    return doc


def oracle_still_true(doc) -> str | None:
    """Independent re-derivation for the all-positive-cell local minima of yun2019.thm1."""
    prob = read_problem(doc["problem"])
    pt = read_point(doc["point"], prob, "point")
    bp = read_point(doc["better_point"], prob, "better_point")
    loss, better = risk_at(prob, pt), risk_at(prob, bp)
    if format_rational(parse_rational(doc["loss"])) != str(loss) or format_rational(parse_rational(doc["better_loss"])) != str(better):
        return None
    if not better < loss:
        return None
    if any(v != 0 for M in gradient_at(prob, pt).values() for v in M):
        return None
    # all hidden pre-activations strictly positive and output = sympy's least-squares fit
    X = sp.Matrix(prob.X.nrows(), prob.X.ncols(), lambda i, j: sp.Rational(int(prob.X[i, j].p), int(prob.X[i, j].q)))
    Xt = X.col_join(sp.ones(1, X.cols))
    Y = sp.Matrix(1, X.cols, lambda i, j: sp.Rational(int(prob.Y[0, j].p), int(prob.Y[0, j].q)))
    W1 = sp.Matrix(pt["W1"].nrows(), pt["W1"].ncols(), lambda i, j: sp.Rational(str(pt["W1"][i, j])))
    b1 = sp.Matrix(pt["b1"].nrows(), 1, lambda i, j: sp.Rational(str(pt["b1"][i, 0])))
    Z = W1 * X + b1 * sp.ones(1, X.cols)
    if not all(z > 0 for z in Z):
        return None
    sol = (Xt * Xt.T).pinv() * Xt * Y.T
    l0 = ((sol.T * Xt - Y) * (sol.T * Xt - Y).T)[0] / 2
    if l0 != loss:
        return None
    return f"sympy: gradient 0, all pre-activations > 0, risk {loss} = least-squares optimum, better {better} < {loss}"


@pytest.mark.parametrize("name", CASES)
def test_every_single_number_change(name, proof):
    original = proof(name)
    assert check_document(original).verdict is Verdict.CERTIFIED
    leaves = [p for s in SECTIONS if s in original for p in numeric_leaves(original[s], (s,))]
    assert len(leaves) > 20
    still_true = []
    for path in leaves:
        for delta in ("1", "1/1000"):
            doc = copy.deepcopy(original)
            old = parse_rational(get_at(doc, path))
            set_at(doc, path, format_rational(old + parse_rational(delta)))
            doc["problem_sha256"] = certificate.digest(doc["problem"])  # a careful forger updates the digest
            rep = check_document(json.loads(certificate.canonical_bytes(doc)))
            if rep.verdict is Verdict.CERTIFIED:
                why = oracle_still_true(doc)
                assert why is not None, f"changing {path} by {delta} was accepted but is false"
                still_true.append((path, delta, why))
            else:
                # an activation that is no longer continuous cannot even be read: INVALID
                assert rep.verdict in (Verdict.REJECTED, Verdict.INVALID), (path, rep.summary)
    # changes that keep the certificate true: the unused hidden neuron of the point (its output
    # weight is 0 and the residual is orthogonal to its feature), or better_point entries that
    # only act on samples where their ReLU is off, or a slightly larger radius whose box still
    # lies inside the cell (the radius is a power of 2 below the largest admissible one)
    for path, delta, _ in still_true:
        assert ((path[0] == "point" and path[1] in ("W1", "b1") and path[2] == 1) or path[0] == "better_point"
                or (path[0] == "obligations" and path[-1] == "radius" and delta == "1/1000")), path


def test_digest_mismatch_rejected(proof):
    doc = proof(CASES[0])
    doc["problem"]["data"]["targets"][0][0] = "1/3"
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "problem_sha256" in rep.summary + str(rep.obligations)


def test_dropping_an_obligation_is_rejected(proof):
    doc = proof(CASES[0])
    for kind in ("affine_reduction", "strictly_lower"):
        d = copy.deepcopy(doc)
        d["obligations"] = [o for o in d["obligations"] if o["kind"] not in (kind, "smt_cell_minimum")]
        rep = check_document(d)
        assert rep.verdict is Verdict.REJECTED and "rests on" in rep.summary  # the overall ledger no longer matches
        d.pop("rests_on")  # a forger who also drops the ledger
        rep = check_document(d)
        assert rep.verdict is Verdict.REJECTED and "missing" in rep.summary


def test_smt_without_cell_box_is_rejected(proof):
    doc = proof(CASES[0])
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] in ("smt_cell_minimum", "strictly_lower")]
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED
