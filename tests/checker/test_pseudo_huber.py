"""The pseudo-Huber loss over arb balls: its formulas, the problem field, and the layer-box certificates."""
import copy
import hashlib
import json
from fractions import Fraction as F

import mpmath
import pytest
from flint import arb, fmpq

from symcert.checker import Verdict, check_document, kernel, losses
from symcert.checker.krawczyk_core import precision
from symcert.checker.problem import FormatError
from symcert.checker.reading import problem

PH = "christof2023/thm-random-s53-m8-dx2-d3-hard_sigmoid-pseudo-huber-1_2.json"  # output-layer variables
PH_NARROW = "christof2023/thm-random-s54-m9-dx2-d4-leaky-pseudo-huber-1.json"  # first-layer variables, cell box
LOGISTIC = "christof2023/thm-random-s52-m9-dx1-d4-hard_sigmoid-logistic.json"


def _check(doc):
    doc = copy.deepcopy(doc)
    doc.pop("rests_on", None)
    return check_document(doc)


def _redigest(doc):
    text = json.dumps(doc["problem"], sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    doc["problem_sha256"] = hashlib.sha256(text.encode("ascii")).hexdigest()
    return doc


def _mp(q):
    return mpmath.mpf(q.numerator) / q.denominator


def _ell(r, d):
    return d * d * (mpmath.sqrt(1 + (r / d) ** 2) - 1)


@pytest.mark.parametrize("yhat,y,delta", [(F(3, 2), F(1, 4), F(1, 2)), (F(-7, 4), F(2), F(1)), (F(40), F(-3), F(1, 10)),
                                          (F(1, 1000), F(0), F(3))])
def test_formulas_against_mpmath(yhat, y, delta):
    mpmath.mp.dps = 50
    d = _mp(delta)
    with precision(128):
        val, grad, hess = losses.arb_sample("pseudo_huber", [arb(yhat.numerator) / yhat.denominator], [fmpq(y.numerator, y.denominator)],
                                            fmpq(delta.numerator, delta.denominator))
        t = _mp(yhat)

        def ell(s):
            return _ell(s - _mp(y), d)
        for ball, ref in ((val, ell(t)), (grad[0], mpmath.diff(ell, t)), (hess[0][0], mpmath.diff(ell, t, 2))):
            assert abs(ball - arb(mpmath.nstr(ref, 45))) < arb("1e-20") * (1 + abs(arb(mpmath.nstr(ref, 10)))), (ball, ref)


def test_exact_values_at_a_pythagorean_residual():
    # r / delta = 3/4: sqrt(1 + 9/16) = 5/4, so the value is delta^2 / 4, the slope 3 delta / 5, the curvature 64/125
    delta = fmpq(2, 3)
    with precision(128):
        val, grad, hess = losses.arb_sample("pseudo_huber", [arb(1) + arb(1) / 2], [fmpq(1)], delta)  # r = 1/2 = (3/4) delta
        for ball, exact in ((val, fmpq(1, 9)), (grad[0], fmpq(2, 5)), (hess[0][0], fmpq(64, 125))):
            assert ball.contains(arb(exact.p) / exact.q) and ball.rad() < arb("1e-30"), (ball, exact)
    assert losses.ARB_KINDS == ("logistic", "cross_entropy", "pseudo_huber")


@pytest.mark.parametrize("delta,why", [("0", "must be positive"), ("-1/2", "must be positive"), (None, "missing"),
                                       (0.5, "")])
def test_the_parameter_must_be_a_positive_rational(delta, why):
    spec = {"network": {"widths": [1, 1], "activation": {"kind": "piecewise_linear", "breakpoints": [], "pieces": [["1", "0"]]}},
            "loss": {"kind": "pseudo_huber"}, "data": {"inputs": [["0"], ["1"]], "targets": [["0"], ["1"]]}}
    if delta is not None:
        spec["loss"]["delta"] = delta
    with pytest.raises(FormatError) as exc:
        problem(spec)
    assert why in str(exc.value)
    spec["loss"]["delta"] = "1/3"
    assert problem(spec).loss_delta == fmpq(1, 3)


@pytest.mark.parametrize("name", [PH, PH_NARROW, LOGISTIC])
def test_instances_check(proof, name):
    assert _check(proof(name)).verdict is Verdict.CERTIFIED


def _affine_minimum(doc, dps=40):
    """Independent: min over affine maps a.x + c of the pseudo-Huber risk, by Newton's method in mpmath."""
    mpmath.mp.dps = dps
    p = doc["problem"]
    d = _mp(F(p["loss"]["delta"]))
    xs = [[_mp(F(v)) for v in x] + [mpmath.mpf(1)] for x in p["data"]["inputs"]]
    ys = [_mp(F(y[0])) for y in p["data"]["targets"]]
    n = len(xs[0])
    M = mpmath.matrix(xs)

    def risk(a):
        return sum(_ell(sum(a[k] * x[k] for k in range(n)) - y, d) for x, y in zip(xs, ys))
    a = mpmath.lu_solve(M.T * M, M.T * mpmath.matrix(ys))  # least squares, then damped Newton
    for _ in range(200):
        g, H = mpmath.matrix(n, 1), mpmath.matrix(n, n)
        for x, y in zip(xs, ys):
            r = sum(a[k] * x[k] for k in range(n)) - y
            s = mpmath.sqrt(1 + (r / d) ** 2)
            for k in range(n):
                g[k] += r / s * x[k]
                for l in range(n):
                    H[k, l] += x[k] * x[l] / s ** 3
        step, t = mpmath.lu_solve(H, g), mpmath.mpf(1)
        while risk(a - t * step) > risk(a) and t > mpmath.mpf("1e-30"):
            t /= 2
        a -= t * step
    assert mpmath.norm(g) < mpmath.mpf("1e-30")
    return risk(a)


@pytest.mark.parametrize("name", [PH, PH_NARROW])
def test_enclosure_holds_the_affine_minimum_computed_independently(proof, name):
    doc = proof(name)
    lo, hi = (F(v) for v in doc["loss"])
    best = _affine_minimum(doc)
    assert _mp(lo) - mpmath.mpf("1e-30") <= best <= _mp(hi) + mpmath.mpf("1e-30"), (lo, best, hi)
    assert hi - lo < F(1, 10**12)


def test_better_point_risk_in_mpmath(proof):
    from symcert.checker.reading import point
    doc = proof(PH)
    prob = problem(doc["problem"])
    out = kernel.forward(prob, point(doc["better_point"], prob, "better_point"))[2]
    mpmath.mp.dps = 40
    d = _mp(F(doc["problem"]["loss"]["delta"]))
    risk = sum(_ell(_mp(F(str(o))) - _mp(F(str(y))), d) for o, y in zip(out.entries(), prob.Y.entries()))
    blo, bhi = (F(v) for v in doc["better_loss"])
    assert _mp(blo) <= risk <= _mp(bhi) and risk < _mp(F(doc["loss"][0]))


def test_a_shifted_enclosure_is_rejected(proof):
    doc = proof(PH)
    lo, hi = (F(v) for v in doc["loss"])
    doc["loss"] = [str(hi + F(1, 10**9)), str(hi + F(2, 10**9))]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "does not contain R(theta*)" in rep.summary, rep.summary


@pytest.mark.parametrize("delta", ["1", "1/4"])
def test_another_delta_moves_the_minimum_out_of_the_box(proof, delta):
    doc = proof(PH)  # delta = 1/2: the same point and data under another delta have another minimiser, far from the point
    doc["problem"]["loss"]["delta"] = delta
    rep = _check(_redigest(doc))
    assert rep.verdict is Verdict.REJECTED and "layer_minimum_box fails: K(B) is not strictly inside" in rep.summary, rep.summary


def test_the_huber_loss_is_not_pseudo_huber(proof):
    doc = proof(PH)
    doc["problem"]["loss"]["kind"] = "huber"
    assert _check(_redigest(doc)).verdict is Verdict.INVALID  # an exact loss: an enclosure is not read for it


def test_exact_routes_refuse_it(proof):
    doc = proof(PH)
    doc["obligations"] = [{"id": "gradient_zero", "kind": "gradient_zero"}] + doc["obligations"]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "does not apply to the pseudo_huber loss" in rep.summary, rep.summary


def test_christof2023_on_user_data(cli, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,y\n0,1,1/2\n1,0,-3/4\n2,1,1\n-1,2,0\n1,1,5/4\n-2,-1,-1\n3,0,1/4\n0,-2,2\n")
    out = tmp_path / "c.json"
    p = cli("certify", "christof2023.thm", "--data", data, "--loss", "pseudo_huber:1/2", "--activation", "leaky_relu:1/10",
            "--depth", "3", "-o", out, "-q")
    assert p.returncode == 0, p.stderr
    doc = json.loads(out.read_text())
    assert doc["claim"]["conclusion"] == "spurious_local_minimum_in_layer_box"
    assert doc["problem"]["loss"] == {"kind": "pseudo_huber", "delta": "1/2"}
    assert cli("check", out).returncode == 0
    p = cli("certify", "christof2023.thm", "--data", data, "--loss", "pseudo_huber:0", "-q")
    assert p.returncode == 2 and "pseudo-Huber parameter must be positive" in p.stderr and len(p.stderr.strip().splitlines()) == 1
