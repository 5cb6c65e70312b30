"""petzka2021.split: the paper notes' worked figures recomputed exactly; split lines classified
(local minima inside (0, 1), saddles outside); false classifications rejected."""
import json
from fractions import Fraction as F

import pytest

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims.petzka2021 import common as PC
from symcert.claims.petzka2021 import deep as PD
from symcert.claims.petzka2021 import split as PS


def test_worked_instance_figures_match_the_notes():
    f = PS.worked_figures()
    assert f["sigma"] == [F(1, 3), F(2, 3), F(4, 5), F(8, 9)]
    assert f["loss"] == F(561, 1250)
    assert f["gradient"] == (0, 0)
    assert f["hessian_pd"]
    assert f["B"] == F(8, 125)
    half, two = f["split_1/2"], f["split_2"]
    assert half["tangent_in_kernel"] and all(v > 0 for v in half["complement_minors"])  # PSD, one zero eigenvalue
    assert two["tangent_in_kernel"] and two["complement_minors"][1] < 0  # indefinite: a saddle
    for s in (half, two):
        assert s["curvature"] == s["curvature_formula"]  # (2/m) lambda (1 - lambda) B
    assert two["curvature"] == F(-8, 125)
    assert f["better_loss"] < f["loss"]
    assert f["better_loss"] == F(1526124925967686090601, 3401459615421851051250)


def test_worked_point_is_not_critical_with_a_hidden_bias():
    # the discrepancy the docs report: with a free hidden bias, d/db1 != 0 (d/db2 = 0)
    assert PS.worked_figures()["bias_gradients"] == (F(4, 225), 0)


def test_b_matrix_positive_definite():
    B = PC.b_matrix()
    assert B[0][0] > 0 and B[0][0] * B[1][1] - B[0][1] ** 2 > 0


BY = {i.name: i for i in PS.instances()}


def _doc(name):
    return json.loads(certificate.canonical_bytes(BY[name].build()))


def test_saddle_curvature_is_lambda_one_minus_lambda_B():
    doc = _doc("split-sigmoid-lambda-2")
    rep = check_document(doc)
    assert rep.verdict is Verdict.CERTIFIED
    B11 = PC.b_matrix()[0][0]
    expected = 2 * (1 - 2) * B11
    assert f"d^T H d = {expected.numerator}/{expected.denominator}" in rep.obligations[2][3]


def test_saddle_cannot_be_certified_local_minimum():
    doc = _doc("split-sigmoid-lambda-2")
    doc["obligations"][2] = {"id": "m", "kind": "split_local_minimum", "layer": 1, "neuron": 1}
    doc["claim"]["conclusion"] = "local_minimum"
    doc.pop("rests_on")
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "not positive definite" in rep.summary


def test_local_minimum_needs_the_split_line():
    doc = _doc("split-sigmoid-lambda-1-2")
    doc["obligations"] = [doc["obligations"][0], doc["obligations"][2]]
    doc.pop("rests_on")
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "needs a neuron_split" in rep.summary


def test_local_minimum_refused_on_piecewise_linear():
    doc = _doc("split-relu-yun-lambda-1-2")
    doc["obligations"].append({"id": "m", "kind": "split_local_minimum", "layer": 1, "neuron": 1})
    doc["claim"]["conclusion"] = "local_minimum"
    doc.pop("rests_on")
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "does not apply to problem class piecewise_linear" in rep.summary


def test_minimum_inside_cannot_descend():
    doc = _doc("split-sigmoid-lambda-1-2")
    lam = F(1, 2)
    d = {"W1": [[str(-lam)], [str(1 - lam)]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["0"]}
    doc["obligations"][2] = {"id": "d", "kind": "smooth_descent", "direction": d}
    doc["claim"]["conclusion"] = "not_local_minimum"
    doc.pop("rests_on")
    assert check_document(doc).verdict is Verdict.REJECTED


@pytest.mark.parametrize("name", ["split-sigmoid-lambda-1-4", "split-sigmoid-lambda-minus1", "split-leaky-random-s12-m12-dx3-d3"])
def test_instances_certified(name):
    assert check_document(_doc(name)).verdict is Verdict.CERTIFIED


DEEP = {i.name: i for i in PD.instances()}


def _deep(name="deep-growth-2-4-4-1"):
    d = json.loads(certificate.canonical_bytes(DEEP[name].build()))
    d.pop("rests_on")
    return d


def test_deep_growth_certified_and_D_zero():
    d = _deep("deep-growth-2-21-21-1")
    assert d["problem"]["network"]["widths"] == [2, 21, 21, 1] and len(d["problem"]["data"]["inputs"]) == 20
    assert d["claim"]["construction"]["D_rs_zero"] is True
    assert check_document(d).verdict is Verdict.CERTIFIED


def test_deep_chain_tampered_lambda_rejected():
    d = _deep()
    ob = next(o for o in d["obligations"] if o["kind"] == "neuron_split")
    ob["chain"][0][2] = "1/7"
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED and "not the split" in rep.summary


def test_deep_chain_dropped_step_invalid():
    d = _deep()
    ob = next(o for o in d["obligations"] if o["kind"] == "neuron_split")
    ob["chain"] = ob["chain"][1:]  # the origin no longer has the right widths
    assert check_document(d).verdict is Verdict.INVALID


@pytest.mark.parametrize("step", [[3, 1, "1/2"], [1, 9, "1/2"], [1, 1], ["1", 1, "1/2"]])
def test_deep_chain_bad_step_invalid(step):
    d = _deep()
    ob = next(o for o in d["obligations"] if o["kind"] == "neuron_split")
    ob["chain"][0] = step
    assert check_document(d).verdict is Verdict.INVALID


def test_d_matrix_nonzero_off_the_fit():
    # D^{r,s} vanishes at the least-squares point; moving the output bias breaks criticality and D
    from flint import fmpq
    from symcert.checker.reading import problem
    data = PD._deep_data(5, 8)
    pj, origin, _ = PD.deep_origin(data)
    assert all(v == 0 for row in PD.d_matrix(problem(pj), origin, 1, 1) for v in row)
    origin["b3"][0, 0] += fmpq(1)
    assert any(v != 0 for row in PD.d_matrix(problem(pj), origin, 1, 1) for v in row)


def test_tanh_instances():
    B = PC.b_matrix("tanh")
    assert B[0][0] > 0 and B[0][0] * B[1][1] - B[0][1] ** 2 > 0
    rep = check_document(_doc("split-tanh-lambda-3"))
    assert rep.verdict is Verdict.CERTIFIED
    expected = 3 * (1 - 3) * B[0][0]  # lambda (1 - lambda) B_11
    assert f"d^T H d = {expected.numerator}/{expected.denominator}" in rep.obligations[2][3]
    assert check_document(_doc("split-tanh-lambda-1-3")).verdict is Verdict.CERTIFIED


def _seeded_docs(act, seed):
    """The two certificates of a seeded smooth instance, keyed by their lambda."""
    prefix = f"split-{act}-random-s{seed}-lambda-"
    docs = {F(_doc(n)["claim"]["construction"]["split"]["lambda"]): _doc(n) for n in BY if n.startswith(prefix)}
    assert len(docs) == 2
    return docs


def test_seeded_smooth_instances_cover_both_activations_and_signs():
    signs = {(act, PC._definite(PC.b_matrix(PS.seeded_smooth(act, seed)["instance"]))) for act, seed in PS.SEEDED}
    assert signs == {(a, s) for a in ("sigmoid", "tanh") for s in ("positive", "negative")}


@pytest.mark.parametrize("act,seed", PS.SEEDED)
def test_seeded_smooth_role_matches_sign_of_B(act, seed):
    sd = PS.seeded_smooth(act, seed)
    S = sd["instance"]
    # the small point is critical: residuals orthogonal to (1, h, h', x h'), recomputed here
    hs = [PC._hd(act, S.c * S.p ** x) for x in S.X]
    res = [S.v * h[0] + S.b2 - y for h, y in zip(hs, S.Y)]
    for feat in ([1] * len(S.X), [h[0] for h in hs], [h[1] for h in hs], [x * h[1] for x, h in zip(S.X, hs)]):
        assert sum(r * f for r, f in zip(res, feat)) == 0
    assert PS._positive_definite(PS.small_hessian(S))
    B = PC.b_matrix(S)
    assert B[0][0] * B[1][1] - B[0][1] ** 2 > 0 and B[0][0] != 0  # definite
    assert (B[0][0] > 0) == (sd["target_sign"] > 0)
    docs = _seeded_docs(act, seed)
    assert set(docs) == {sd["lambda_in"], sd["lambda_out"]}
    assert 0 < sd["lambda_in"] < 1 and not 0 <= sd["lambda_out"] <= 1
    for lam, doc in docs.items():
        minimum = (0 < lam < 1) == (B[0][0] > 0)  # B PD: minima inside (0, 1); B ND: the roles swap
        assert doc["claim"]["conclusion"] == ("local_minimum" if minimum else "not_local_minimum")
        assert doc["claim"]["construction"]["B_r_definite"] == ("positive" if B[0][0] > 0 else "negative")
        rep = check_document(doc)
        assert rep.verdict is Verdict.CERTIFIED, rep.summary
        last = doc["obligations"][2]
        d = {"W1": [[str(-lam)], [str(1 - lam)]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["0"]}
        if minimum:
            assert last["kind"] == "split_local_minimum"
            swapped = {"id": "d", "kind": "smooth_descent", "direction": d}
        else:
            assert last["kind"] == "smooth_descent"
            q = lam * (1 - lam) * B[0][0]  # curvature along the split direction
            assert q < 0 and f"d^T H d = {q.numerator}/{q.denominator}" in rep.obligations[2][3]
            swapped = {"id": "m", "kind": "split_local_minimum", "layer": 1, "neuron": 1}
        # the other role is refused
        doc["obligations"][2] = swapped
        doc["claim"]["conclusion"] = "not_local_minimum" if minimum else "local_minimum"
        doc.pop("rests_on")
        assert check_document(doc).verdict is Verdict.REJECTED


@pytest.fixture
def _cli(cli):
    return cli


def test_cli_split_of_a_user_point(_cli, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x1,y\n0,0\n1,1\n2,0\n3,1\n")
    pt = {"W1": [["1/5"], ["0"]], "b1": ["6/5", "1"], "W2": [["1", "0"]], "b2": ["-1"]}  # yun2019 thm1 worked minimum
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"point": pt, "split": {"layer": 1, "neuron": 1, "lambda": "3/2"}}))
    out = tmp_path / "c.json"
    r = _cli("certify", "petzka2021.split", "--data", str(data), "--point", str(f), "-o", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert doc["claim"]["conclusion"] == "critical_line" and doc["problem"]["network"]["widths"] == [1, 3, 1]
    f.write_text(json.dumps({"point": dict(pt, b2=["0"]), "split": {"layer": 1, "neuron": 1, "lambda": "1/2"}}))
    r = _cli("certify", "petzka2021.split", "--data", str(data), "--point", str(f))
    assert r.returncode == 5 and "not a critical point" in r.stderr
    f.write_text(json.dumps({"point": pt, "split": {"layer": 2, "neuron": 1, "lambda": "1/2"}}))
    r = _cli("certify", "petzka2021.split", "--data", str(data), "--point", str(f))
    assert r.returncode == 2 and "split.layer" in r.stderr and "Traceback" not in r.stderr
    f.write_text(json.dumps({"point": pt, "split": {"layer": 1, "neuron": 1, "lambda": "x"}}))
    r = _cli("certify", "petzka2021.split", "--data", str(data), "--point", str(f))
    assert r.returncode == 2 and "split.lambda" in r.stderr


def test_exact_linear_algebra_of_the_seeded_construction():
    from fractions import Fraction as Fr
    rows = [[Fr(1), Fr(2), Fr(3), Fr(4)], [Fr(2), Fr(4), Fr(6), Fr(8)], [Fr(0), Fr(1), Fr(1, 2), Fr(-1)]]
    basis = PS._nullspace(rows)
    assert len(basis) == 2 and all(isinstance(v, Fr) for vec in basis for v in vec)
    assert all(sum(a * b for a, b in zip(row, vec)) == 0 for row in rows for vec in basis)
    assert PS._solve([[Fr(1), Fr(2)], [Fr(2), Fr(4)]], [Fr(1), Fr(1)]) is None  # singular
    assert PS._solve([[Fr(2), Fr(1)], [Fr(1), Fr(3)]], [Fr(3), Fr(5)]) == [Fr(4, 5), Fr(7, 5)]
    assert PS._positive_definite([[Fr(2), Fr(1)], [Fr(1), Fr(1)]])
    assert not PS._positive_definite([[Fr(1), Fr(2)], [Fr(2), Fr(1)]])


def test_class_a_deep_growth():
    """Sigmoid and tanh (the paper's class A): the grown point is a local minimum, the final
    split's line is critical, D^(r,s) = 0; a tampered grown point is rejected."""
    import copy
    import json
    import os

    from symcert.checker import Verdict, check_document
    PROOFS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "proofs")
    for name in ("deep-growth-sigmoid-1-21-21-1.json", "deep-growth-tanh-1-6-6-1.json"):
        with open(os.path.join(PROOFS, "petzka2021", name)) as fh:
            doc = json.load(fh)
        assert doc["claim"]["construction"]["D_rs_zero"] is True
        rep = check_document(doc)
        assert rep.verdict is Verdict.CERTIFIED and rep.conclusion == "local_minimum"
        bad = copy.deepcopy(doc)
        bad["point"]["W3"][0][0] = "2"
        assert check_document(bad).verdict is Verdict.REJECTED
