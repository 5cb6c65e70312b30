"""Box certificates (Krawczyk, interval LDL^T, negative curvature): good ones check, and every
bad one gets its verdict. Networks are trained at test time (tests/krawczyk_train.py)."""
import copy
import json

import pytest
from flint import arb, arb_mat, fmpq

import krawczyk_train as T
from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.checker import krawczyk as K
from symcert.provers.krawczyk import certify_smooth_point


def _spec(widths, X, Y, theta):
    return {"network": {"widths": widths, "activation": "tanh"}, "loss": "squared",
            "data": {"inputs": [[repr(float(v)) for v in col] for col in X.T],
                     "targets": [[repr(float(v)) for v in col] for col in Y.T]},
            "point": T.point(widths, theta)}


@pytest.fixture(scope="module")
def minimum():
    X, Y = T.data(2, 40, 1, hidden=2)
    verdict, doc, msg = certify_smooth_point(_spec([2, 2, 1], X, Y, T.train([2, 2, 1], "tanh", X, Y, 0)), restarts=0)
    assert verdict is Verdict.CERTIFIED and doc["claim"]["conclusion"] == "strict_local_minimum_in_box", msg
    return json.loads(certificate.canonical_bytes(doc))


@pytest.fixture(scope="module")
def saddle():
    widths, X, Y, theta = T.odd_saddle()
    verdict, doc, msg = certify_smooth_point(_spec(widths, X, Y, theta))
    assert verdict is Verdict.REFUTED and doc["claim"]["conclusion"] == "saddle_in_box", msg
    return json.loads(certificate.canonical_bytes(doc))


def _ob(doc, kind):
    return next(o for o in doc["obligations"] if o["kind"] == kind)


def _check(doc):
    return check_document(json.loads(json.dumps(doc)))


def test_good_certificates_check(minimum, saddle):
    for doc in (minimum, saddle):
        rep = _check(doc)
        assert rep.verdict is Verdict.CERTIFIED, rep.summary
        assert doc["version"] == 2 and rep.rests_on == doc["rests_on"]
        assert any("arb ball arithmetic" in x for x in rep.rests_on)


def test_box_too_large_is_rejected(minimum):
    doc = copy.deepcopy(minimum)
    for ob in doc["obligations"]:
        ob["radius"] = "1/4"
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "K(B) is not strictly inside" in rep.summary


def test_hessian_not_definite_is_rejected(saddle):
    doc = copy.deepcopy(saddle)
    ob = _ob(doc, "negative_curvature_box")
    del ob["direction"]
    ob["kind"], ob["rests_on"] = "hessian_definite_box", [ob["rests_on"][0], K.LDL]
    doc["claim"]["conclusion"] = "strict_local_minimum_in_box"
    doc.pop("rests_on")
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "is not certainly positive" in rep.summary


def test_enclosure_that_excludes_the_risk_is_rejected(minimum):
    doc = copy.deepcopy(minimum)
    lo, hi = (fmpq(int(t.split("/")[0]), int(t.split("/")[1])) for t in doc["loss"])
    doc["loss"] = [str(hi + (hi - lo)), str(hi + 2 * (hi - lo) + 1)]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "does not contain the risk" in rep.summary


def test_removed_krawczyk_obligation_leaves_the_conclusion_unproved(minimum):
    doc = copy.deepcopy(minimum)
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "krawczyk_box"]
    doc.pop("rests_on")
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "needs a krawczyk_box" in rep.summary


def test_wrong_curvature_direction_is_rejected(saddle):
    doc = copy.deepcopy(saddle)
    d = _ob(doc, "negative_curvature_box")["direction"]
    d["W1"], d["b1"], d["W2"], d["b2"] = [["0"]], ["0"], [["0"]], ["1"]  # along the output bias: curvature m > 0
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not certainly negative" in rep.summary


def test_tampered_centre_is_rejected(minimum):
    doc = copy.deepcopy(minimum)
    doc["point"]["b2"] = [_shift(doc["point"]["b2"][0])]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "K(B) is not strictly inside" in rep.summary


def _shift(text):
    from symcert.exact.rationals import format_rational, parse_rational
    return format_rational(parse_rational(text) + fmpq(1, 8))


@pytest.mark.parametrize("edit, verdict, words", [
    (lambda d: d.update(version=1), Verdict.INVALID, "version 2"),
    (lambda d: d.update(loss=d["loss"][0]), Verdict.INVALID, "loss enclosure"),
    (lambda d: d.update(loss=[0.25, "1"]), Verdict.INVALID, "loss[0]"),
    (lambda d: d.update(loss=["1", "0"]), Verdict.INVALID, "lo must not exceed hi"),
    (lambda d: d["obligations"][0].update(precision=16), Verdict.INVALID, "at least 32 bits"),
    (lambda d: d["obligations"][0].update(radius="-1"), Verdict.INVALID, "radius must be positive"),
    (lambda d: d["obligations"][0].update(precision=10000), Verdict.UNKNOWN, "limit reached: precision 10000"),
    (lambda d: d["problem"].update(loss={"kind": "absolute"}) or d.pop("problem_sha256"), Verdict.REJECTED, "squared loss only"),
    (lambda d: d["problem"]["network"].update(activation={"kind": "smooth", "name": "swish"}), Verdict.INVALID, "swish"),
])
def test_malformed_box_certificates(minimum, edit, verdict, words):
    doc = copy.deepcopy(minimum)
    edit(doc)
    rep = _check(doc)
    assert rep.verdict is verdict and words in rep.summary, rep.summary


def test_better_point_not_lower_is_rejected(minimum):
    doc = copy.deepcopy(minimum)
    doc["claim"]["conclusion"] = "spurious_local_minimum_in_box"
    doc["better_point"] = doc["point"]
    doc["obligations"].append({"id": "lower", "kind": "box_strictly_lower", "precision": 128})
    doc.pop("rests_on")
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not certainly below" in rep.summary


def test_piecewise_linear_problem_with_box_conclusion_is_invalid(minimum):
    doc = copy.deepcopy(minimum)
    doc["problem"]["network"]["activation"] = {"kind": "piecewise_linear", "breakpoints": ["0"], "pieces": [["0", "0"], ["1", "0"]]}
    rep = _check(doc)
    assert rep.verdict is Verdict.INVALID and "smooth activation" in rep.summary


def _sym(rows):
    return arb_mat([[arb(x) for x in r] for r in rows])


def test_interval_ldl():
    assert K.positive_definite(_sym([[2, 1], [1, 2]])) is None
    assert K.positive_definite(_sym([[1, 2], [2, 1]])) == 1  # indefinite: second pivot 1 - 4 < 0
    assert K.positive_definite(_sym([[0, 0], [0, 1]])) == 0
    wide = arb_mat([[arb(1), arb(0, 2)], [arb(0, 2), arb(1)]])  # contains indefinite matrices
    assert K.positive_definite(wide) == 1


@pytest.mark.parametrize("n", [5, 40, 90])
def test_block_ldl_matches_definiteness(n):
    # tridiagonal 2, -1 (positive definite) and the same shifted by -1 (indefinite for n >= 2)
    pd = [[2 if i == j else -1 if abs(i - j) == 1 else 0 for j in range(n)] for i in range(n)]
    assert K.positive_definite(_sym(pd)) is None
    ind = [[pd[i][j] - (1 if i == j else 0) for j in range(n)] for i in range(n)]
    assert K.positive_definite(_sym(ind)) is not None


def test_too_many_parameters_is_unknown_before_the_point_is_read(minimum):
    doc = copy.deepcopy(minimum)
    doc["problem"]["network"]["widths"] = [2, 2500, 1]
    doc["point"] = {"W1": "not read"}
    doc.pop("problem_sha256")
    rep = _check(doc)
    assert rep.verdict is Verdict.UNKNOWN and "10001 parameters exceed the limit of 10000" in rep.summary, rep.summary
    assert "MAX_SMOOTH_PARAMETERS" in rep.summary


@pytest.mark.parametrize("act, obj, seed", [
    ("arctan", {"kind": "smooth", "name": "arctan"}, 1),
    ("selu", {"kind": "smooth", "name": "selu"}, 2),
    ("elu:1/2", {"kind": "smooth", "name": "elu", "alpha": "1/2"}, 2),
])
def test_other_activations_end_to_end(act, obj, seed):
    """A 2-4-1 network fitted (Gauss-Newton, float64) to a noisy teacher of the same activation
    (seeds where the fit converges to a strict minimum): certified and checked."""
    import numpy as np
    from symcert.provers.krawczyk import np_activation, np_risk_grad
    W, rng = [2, 4, 1], np.random.default_rng(seed)
    X = np.round(rng.normal(size=(2, 60)) * 12) / 8
    ang = np.pi * np.arange(4) / 4
    teacher = np.concatenate([(1.5 * np.stack([np.cos(ang), np.sin(ang)], axis=1)).ravel(), np.linspace(-1, 1, 4),
                              [1, -1, 1, -1.0], [0.0]])
    F = np_risk_grad(W, np_activation(obj), X, np.zeros((1, 60)), teacher, outputs=True)
    Y = np.round((F + 0.05 * rng.normal(size=F.shape)) * 64) / 64
    theta = _fit(W, obj, X, Y, teacher)
    spec = dict(_spec(W, X, Y, theta), network={"widths": W, "activation": act})
    verdict, doc, msg = certify_smooth_point(spec, restarts=0)
    assert verdict is Verdict.CERTIFIED and "strict local minimum" in msg, msg
    assert _check(json.loads(certificate.canonical_bytes(doc))).verdict is Verdict.CERTIFIED


def _fit(W, obj, X, Y, theta, steps=60):
    import numpy as np
    from symcert.provers.krawczyk import np_activation, np_risk_grad
    h, mu = np_activation(obj), 1e-6
    r, g = np_risk_grad(W, h, X, Y, theta)
    for _ in range(steps):
        J = np.array([(np_risk_grad(W, h, X, Y, theta + e, outputs=True) - np_risk_grad(W, h, X, Y, theta - e, outputs=True)).ravel()
                      / 2e-6 for e in 1e-6 * np.eye(len(theta))]).T
        new = theta - np.linalg.solve(J.T @ J + mu * np.eye(len(theta)), g)
        r2, g2 = np_risk_grad(W, h, X, Y, new)
        theta, r, g, mu = (new, r2, g2, mu / 3) if r2 < r else (theta, r, g, mu * 4)
    return theta
