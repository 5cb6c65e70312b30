"""The population class (safran2018): closed form against independent computations, and bad
certificates with the verdict each must get."""
import copy
import json
import random

import flint
import mpmath
import pytest
from flint import arb, fmpq

from symcert.checker import Verdict, check_document
from symcert.checker import population as POP

K6 = "safran2018/k6-seed261.json"


def _mp_F(W, V):
    """An independent implementation: the kernel through arccos, sums over all pairs, mpmath."""
    def f(a, b):
        if a is b:
            return sum(x * x for x in a) / 2
        na, nb = mpmath.sqrt(sum(x * x for x in a)), mpmath.sqrt(sum(x * x for x in b))
        c = sum(x * y for x, y in zip(a, b)) / (na * nb)
        t = mpmath.acos(c)
        return na * nb * (mpmath.sin(t) + (mpmath.pi - t) * c) / (2 * mpmath.pi)
    return (sum(f(a, b) for a in W for b in W) - 2 * sum(f(a, v) for a in W for v in V)
            + sum(f(u, v) for u in V for v in V)) / 2


def _setup(k, n, teacher, seed):
    rnd = random.Random(seed)
    prob = POP.problem({"class": "population", "k": k, "n": n, "teacher": teacher, "input": "standard_gaussian",
                        "loss": {"kind": "squared"}})
    x = [fmpq(rnd.randint(-100, 100), 97) for _ in range(k * n)]
    V = [[mpmath.mpf(int(q.p)) / int(q.q) for q in row] for row in prob.teacher]
    xm = [mpmath.mpf(int(q.p)) / int(q.q) for q in x]
    return prob, x, V, xm


@pytest.mark.parametrize("k,n,teacher,seed", [(3, 3, "orthonormal", 1), (2, 3, [["1", "1/2", "0"], ["-1/3", "0", "2"], ["0", "1", "1"]], 2)])
def test_closed_form_matches_finite_differences_at_100_digits(k, n, teacher, seed):
    mpmath.mp.dps = 100
    prob, x, V, xm = _setup(k, n, teacher, seed)
    ev = POP.Evaluator(prob)
    saved, flint.ctx.prec = flint.ctx.prec, 340
    try:
        xa = [arb(v) for v in x]
        F, g, H = ev.risk(xa), ev.gradient(xa), ev.hessian(xa)
    finally:
        flint.ctx.prec = saved

    def Fx(v):
        return _mp_F([v[i * n:(i + 1) * n] for i in range(k)], V)

    def mid(b):
        return mpmath.mpf(b.mid().str(60, radius=False))
    assert abs(Fx(xm) - mid(F)) < mpmath.mpf(10) ** -50
    h = mpmath.mpf(10) ** -30
    d = k * n
    for i in range(d):
        e = [mpmath.mpf(int(i == j)) * h for j in range(d)]
        plus, minus = [a + b for a, b in zip(xm, e)], [a - b for a, b in zip(xm, e)]
        assert abs((Fx(plus) - Fx(minus)) / (2 * h) - mid(g[i])) < mpmath.mpf(10) ** -25
        for j in range(d):
            f = [mpmath.mpf(int(j == l)) * h for l in range(d)]
            pp = Fx([a + b + c for a, b, c in zip(xm, e, f)]) - Fx([a + b - c for a, b, c in zip(xm, e, f)])
            mm = Fx([a - b + c for a, b, c in zip(xm, e, f)]) - Fx([a - b - c for a, b, c in zip(xm, e, f)])
            assert abs((pp - mm) / (4 * h * h) - mid(H[i, j])) < mpmath.mpf(10) ** -20


def test_kernel_matches_gaussian_quadrature():
    """E[relu(a.x) relu(b.x)] by quadrature in the plane of a and b: for x ~ N(0, I_2) in polar
    form the radial integral is int r^3 e^(-r^2/2) dr / (2 pi) = 1/pi."""
    mpmath.mp.dps = 30
    a, b = [mpmath.mpf(2), mpmath.mpf(1)], [mpmath.mpf(-1), mpmath.mpf(3)]

    def integrand(th):
        u = [mpmath.cos(th), mpmath.sin(th)]
        return max(a[0] * u[0] + a[1] * u[1], 0) * max(b[0] * u[0] + b[1] * u[1], 0)
    kinks = sorted([mpmath.atan2(-a[0], a[1]) % (2 * mpmath.pi), mpmath.atan2(a[0], -a[1]) % (2 * mpmath.pi),
                    mpmath.atan2(-b[0], b[1]) % (2 * mpmath.pi), mpmath.atan2(b[0], -b[1]) % (2 * mpmath.pi)])
    quad = mpmath.quad(integrand, [0, *kinks, 2 * mpmath.pi]) / mpmath.pi
    saved, flint.ctx.prec = flint.ctx.prec, 128
    try:
        p = POP.Pair([arb(2), arb(1)], [arb(-1), arb(3)], "a, b").f()
    finally:
        flint.ctx.prec = saved
    assert abs(quad - mpmath.mpf(p.mid().str(25, radius=False))) < mpmath.mpf(10) ** -20


def test_degenerate_pairs_are_refused():
    with pytest.raises(POP.Degenerate, match="parallel"):
        POP.Pair([arb(1), arb(2)], [arb(2), arb(4)], "w1, w2")
    with pytest.raises(POP.Degenerate, match="may be 0"):
        POP.Pair([arb(0), arb(0, 1e-3)], [arb(1), arb(0)], "w1, v1")


@pytest.fixture
def k6(proof):
    return proof(K6)


def _verdict(doc):
    return check_document(json.loads(json.dumps(doc)))


def test_stored_k6_minimum_is_certified(k6):
    rep = _verdict(k6)
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert rep.conclusion == "spurious_local_minimum_in_box"


def _ob(doc, oid):
    return next(o for o in doc["obligations"] if o["id"] == oid)


def _mutate(doc, fn):
    d = copy.deepcopy(doc)
    fn(d)
    d.pop("problem_sha256", None)
    d.pop("rests_on", None)
    for o in d["obligations"]:
        o.pop("rests_on", None)
    return d


def _radius(r):
    def fn(d):
        for o in d["obligations"]:
            if "radius" in o:
                o["radius"] = r
    return fn


BAD = {  # name -> (mutation, verdict, words the summary must contain)
    "box too large (meets a parallel pair)": (_radius("1/4"), Verdict.REJECTED, "not analytic"),
    "box too large to contract": (_radius("1/1000"), Verdict.REJECTED, "K(B) is not strictly inside"),
    "Hessian not definite beyond its smallest eigenvalue": (lambda d: _ob(d, "definite").update(shift="1/10"),
                                                           Verdict.REJECTED, "not certainly positive"),
    "enclosure excluding the risk": (lambda d: d.update(loss=["1/10", "2/10"]), Verdict.REJECTED, "does not contain the risk"),
    "enclosure not above the global minimum": (lambda d: d.update(loss=["0", "1"]), Verdict.REJECTED, "not > 0"),
    "no Krawczyk box before the definite Hessian": (lambda d: d["obligations"].pop(0), Verdict.REJECTED, "population_krawczyk"),
    "spurious without the comparison to the teacher": (lambda d: d["obligations"].pop(), Verdict.REJECTED, "missing lower_point"),
    "saddle claimed at a minimum": (lambda d: (d["obligations"].__setitem__(1, {
        "id": "saddle", "kind": "population_negative_curvature", "radius": _ob(d, "critical")["radius"], "precision": 128,
        "direction": {"W": [["1"] + ["0"] * 5] + [["0"] * 6] * 5}}), d["claim"].update(conclusion="saddle_in_box")),
        Verdict.REJECTED, "not certainly negative"),
    "teacher certificate at another point": (lambda d: (d.update(obligations=[{"id": "t", "kind": "population_teacher"}],
                                                                  loss=["0", "0"]), d["claim"].update(conclusion="global_minimum")),
                                             Verdict.REJECTED, "not the teacher"),
    "version 1": (lambda d: d.update(version=1), Verdict.INVALID, "version 2"),
    "k below 1": (lambda d: d["problem"].update(k=0), Verdict.INVALID, "problem.k"),
    "parallel teacher vectors": (lambda d: d["problem"].update(teacher=[["1"] + ["0"] * 5, ["2"] + ["0"] * 5]),
                                 Verdict.INVALID, "parallel"),
    "radius zero": (_radius("0"), Verdict.INVALID, "radius"),
    "precision beyond the limit": (lambda d: _ob(d, "critical").update(precision=100000), Verdict.INVALID, "precision"),
    "point of the wrong shape": (lambda d: d["point"]["W"].pop(), Verdict.INVALID, "point.W"),
    "float in the point": (lambda d: d["point"]["W"][0].__setitem__(0, 0.5), Verdict.INVALID, "point.W[0][0]"),
    "better point in a population certificate": (lambda d: d.update(better_point={"W": []}), Verdict.INVALID, "better point"),
    "enclosure upside down": (lambda d: d.update(loss=["1", "0"]), Verdict.INVALID, "lo must not exceed hi"),
    "too many obligations": (lambda d: d.update(obligations=d["obligations"] * 6), Verdict.INVALID, "at most 16 obligations"),
    "more than 400 parameters": (lambda d: d["problem"].update(k=21, n=21), Verdict.INVALID, "at most 400"),
    "a network hypothesis on a population problem": (lambda d: d["claim"].update(hypotheses=[
        {"id": "h", "statement": "s", "evidence": "e", "check": {"kind": "hidden_widths_at_least", "min": 2}}]),
        Verdict.REJECTED, "no network or data"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_population_certificates(k6, name):
    fn, verdict, words = BAD[name]
    rep = _verdict(_mutate(k6, fn))
    assert rep.verdict is verdict, (name, rep.summary)
    assert words in rep.summary, (name, rep.summary)


def test_population_kind_refused_on_a_network_problem(proof):
    doc = proof("yun2019/thm1-case1-relu.json")
    doc["obligations"].insert(0, {"id": "k", "kind": "population_krawczyk", "radius": "1/10", "precision": 64})
    doc.pop("rests_on", None)
    rep = _verdict(doc)
    assert rep.verdict is Verdict.REJECTED and "does not apply to problem class" in rep.summary
