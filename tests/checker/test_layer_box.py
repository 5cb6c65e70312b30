"""The logistic and cross-entropy losses: arb formulas, the layer-box obligations, the commands."""
import copy
import json
from fractions import Fraction as F

import mpmath
import pytest
from flint import arb, fmpq

from symcert.checker import Verdict, check_document
from symcert.checker import losses
from symcert.checker.krawczyk_core import precision

HE = "he2020/thm1-logistic-s42-m10-dx2-dy1-d3-leaky.json"
HE_CE = "he2020/thm1-cross-entropy-s43-m9-dx2-dy3-d2-relu.json"
YUN = "yun2019/thm4-logistic-s72-depth3-global.json"


def _check(doc):
    doc = copy.deepcopy(doc)
    doc.pop("rests_on", None)
    return check_document(doc)


def _near(ball, ref, tol="1e-30"):
    """The arb ball (at 128 bits) and the 40-digit mpmath value agree to ``tol``."""
    return abs(ball - arb(mpmath.nstr(ref, 40))) < arb(tol)


@pytest.mark.parametrize("z,y", [([F(3, 2)], [1]), ([F(-7, 4)], [-1]), ([F(40)], [-1])])
def test_logistic_formulas_against_mpmath(z, y):
    mpmath.mp.dps = 50
    with precision(128):
        val, grad, hess = losses.arb_sample("logistic", [arb(fmpq(v.numerator, v.denominator)) for v in z], y)
        t = mpmath.mpf(z[0].numerator) / z[0].denominator

        def ell(s):
            return mpmath.log(1 + mpmath.exp(-y[0] * s))
        assert _near(val, ell(t)) and _near(grad[0], mpmath.diff(ell, t), "1e-25") and _near(hess[0][0], mpmath.diff(ell, t, 2), "1e-20")


def test_cross_entropy_formulas_against_mpmath():
    mpmath.mp.dps = 50
    z, y = [F(1, 2), F(-3, 4), F(2)], [0, 1, 0]
    zs = [mpmath.mpf(v.numerator) / v.denominator for v in z]

    def ce(*s):
        return mpmath.log(sum(mpmath.exp(v) for v in s)) - s[1]
    with precision(128):
        val, grad, hess = losses.arb_sample("cross_entropy", [arb(fmpq(v.numerator, v.denominator)) for v in z], y)
        assert _near(val, ce(*zs))
        for i in range(3):
            assert _near(grad[i], mpmath.diff(ce, zs, tuple(int(k == i) for k in range(3))), "1e-25")
            for k in range(3):
                order = tuple(int(n == i) + int(n == k) for n in range(3))
                assert _near(hess[i][k], mpmath.diff(ce, zs, order), "1e-20")


@pytest.mark.parametrize("name", [HE, HE_CE, YUN])
def test_instances_check(proof, name):
    assert _check(proof(name)).verdict is Verdict.CERTIFIED


def test_the_loss_enclosure_must_hold_the_minimum(proof):
    doc = proof(HE)
    lo, hi = (F(v) for v in doc["loss"])
    doc["loss"] = [str(hi + (hi - lo)), str(hi + 2 * (hi - lo) + F(1, 10**9))]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "does not contain R(theta*)" in rep.summary, rep.summary


def test_an_exact_loss_or_version_1_is_invalid(proof):
    doc = proof(HE)
    doc["loss"] = doc["loss"][0]
    assert _check(doc).verdict is Verdict.INVALID
    doc = proof(HE)
    doc["version"] = 1
    assert _check(doc).verdict is Verdict.INVALID


def test_too_few_variables_do_not_reach_every_affine_map(proof):
    doc = proof(HE)
    doc["obligations"][0]["variables"] = doc["obligations"][0]["variables"][:-1]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "do not reach every affine map" in rep.summary, rep.summary


def test_cross_entropy_needs_one_row_fixed(proof):
    doc = proof(HE_CE)
    ob = doc["obligations"][0]
    cols = sorted({c for _, c in ob["variables"]})
    ob["variables"] = [[i, c] for i in range(3) for c in cols]  # every row: the softmax shift is a flat direction
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "C: shifts of the softmax" in rep.summary, rep.summary


def test_piecewise_linear_variables_must_be_in_the_output_layer(proof):
    doc = proof(HE)
    doc["obligations"][0]["layer"] = 1
    doc["obligations"][0]["variables"] = [[0, 0], [0, 1], [0, 2]]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "must be in the output layer" in rep.summary, rep.summary


def test_a_point_on_a_breakpoint_is_rejected(proof):
    doc = proof("he2020/thm1-logistic-s41-m8-dx1-dy1-d2-relu.json")
    doc["point"]["b1"][1] = "0"  # the idle neuron: W1 row 0, pre-activation exactly at the breakpoint
    doc["point"]["W1"][1] = ["0"]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "breakpoint" in rep.summary, rep.summary


def test_a_radius_too_small_fails_krawczyk(proof):
    doc = proof(YUN)
    doc["obligations"][0]["radius"] = "1/1267650600228229401496703205376"  # 2^-100: the minimiser is outside
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not strictly inside" in rep.summary, rep.summary


def test_better_point_must_be_below(proof):
    doc = proof(HE)
    doc["better_point"] = copy.deepcopy(doc["point"])
    doc.pop("better_loss")
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not certainly below" in rep.summary, rep.summary


def test_global_conclusion_needs_a_linear_network(proof):
    doc = proof(HE)
    doc["claim"]["conclusion"] = "global_minimum_in_layer_box"
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "layer_global_min" in rep.summary, rep.summary


def _csv(tmp_path, rows, header):
    p = tmp_path / "d.csv"
    p.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return str(p)


def test_he2020_logistic_on_user_data(cli, tmp_path):
    data = _csv(tmp_path, [(-2, 1), (-1, -1), (0, 1), (1, -1), (2, 1), (3, -1), (1.5, 1)], "x1,y")
    out = tmp_path / "c.json"
    p = cli("certify", "he2020.thm1", "--data", data, "--loss", "logistic", "--hidden", "2", "-o", out, "-q")
    assert p.returncode == 0, p.stderr
    assert json.loads(out.read_text())["claim"]["conclusion"] == "spurious_local_minimum_in_layer_box"
    assert cli("check", out).returncode == 0


def test_he2020_cross_entropy_on_user_data(cli, tmp_path):
    rows = [(-2, 1, 0), (-1, 0, 1), (0, 1, 0), (1, 0, 1), (2, 1, 0), (3, 0, 1), (1.5, 0, 1), (-0.5, 1, 0)]
    data = _csv(tmp_path, rows, "x1,y1,y2")
    out = tmp_path / "c.json"
    p = cli("certify", "he2020.thm1", "--data", data, "--loss", "cross_entropy", "--hidden", "3", "-o", out, "-q")
    assert p.returncode == 0, p.stderr
    assert cli("check", out).returncode == 0


def test_separable_data_are_not_applicable_with_the_direction(cli, tmp_path):
    data = _csv(tmp_path, [(-2, -1), (-1, -1), (1, 1), (2, 1), (3, 1)], "x1,y")
    p = cli("certify", "he2020.thm1", "--data", data, "--loss", "logistic", "--hidden", "2", "-q")
    assert p.returncode == 5 and "separable" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    # the named direction (w, b) separates: y (w x + b) >= 0 on every sample, > 0 on one (checked here independently)
    text = p.stderr.split("D = (")[1].split(")")[0]
    w, b = (F(v) for v in text.split(", "))
    margins = [y * (w * x + b) for x, y in [(-2, -1), (-1, -1), (1, 1), (2, 1), (3, 1)]]
    assert all(v >= 0 for v in margins) and any(v > 0 for v in margins)


def test_narrow_networks_use_first_layer_variables_inside_the_cell_box(cli, tmp_path):
    data = _csv(tmp_path, [(0, 1, 1), (1, 0, -1), (1, 1, 1), (2, 1, -1), (0, 2, -1), (1, 2, 1), (-1, 0, 1)], "x1,x2,y")
    out = tmp_path / "c.json"
    p = cli("certify", "he2020.thm1", "--data", data, "--loss", "logistic", "--hidden", "2", "-o", out, "-q")
    assert p.returncode == 0, p.stderr
    doc = json.loads(out.read_text())
    assert [o["kind"] for o in doc["obligations"]] == ["interior_cell", "layer_minimum_box", "arb_strictly_lower"]
    assert doc["obligations"][1]["layer"] == 1
    doc["obligations"] = doc["obligations"][1:]  # without the cell box, first-layer variables may leave the cell
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "interior_cell box of radius" in rep.summary, rep.summary


def test_yun2019_thm4_logistic_point(cli, proof, tmp_path):
    doc = proof(YUN)
    d = doc["problem"]["data"]
    data = _csv(tmp_path, [x + y for x, y in zip(d["inputs"], d["targets"])], "x1,x2,y")
    pt = tmp_path / "p.json"
    pt.write_text(json.dumps(doc["point"]))
    out = tmp_path / "c.json"
    p = cli("certify", "yun2019.thm4", "--data", data, "--point", pt, "--loss", "logistic", "-o", out, "-q")
    assert p.returncode == 0, p.stderr
    assert json.loads(out.read_text())["claim"]["conclusion"] == "global_minimum_in_layer_box"
    zero = {k: [["0"] * len(r) for r in v] if isinstance(v[0], list) else ["0"] * len(v) for k, v in doc["point"].items()}
    pt.write_text(json.dumps(zero))
    p = cli("certify", "yun2019.thm4", "--data", data, "--point", pt, "--loss", "logistic", "-q")
    balanced = sum(int(y[0]) for y in d["targets"]) == 0
    assert (p.returncode, "not a critical point" in p.stderr) == ((0, False) if balanced else (5, True)), p.stderr


def test_other_routes_refuse_the_transcendental_losses(cli, tmp_path):
    data = _csv(tmp_path, [(0, 1), (1, -1), (2, 1), (3, -1)], "x1,y")
    p = cli("certify", "christof2023.thm", "--data", data, "--loss", "cross_entropy", "-q")  # it takes logistic, pseudo_huber
    assert p.returncode == 5 and "cross_entropy" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_yun2019_thm4_trained_point_is_refined_and_says_so(cli, proof, tmp_path):
    import random
    doc = proof(YUN)
    rng = random.Random(3)

    def pert(v):
        if isinstance(v, dict):
            return {k: pert(x) for k, x in v.items()}
        if isinstance(v, list):
            return [pert(x) for x in v]
        return repr(float(F(v)) + rng.uniform(-1e-3, 1e-3))
    d = doc["problem"]["data"]
    data = _csv(tmp_path, [x + y for x, y in zip(d["inputs"], d["targets"])], "x1,x2,y")
    pt = tmp_path / "p.json"
    pt.write_text(json.dumps(pert(doc["point"])))
    out = tmp_path / "c.json"
    p = cli("certify", "yun2019.thm4", "--data", data, "--point", pt, "--loss", "logistic", "-o", out, "-q")
    assert p.returncode == 0, p.stderr
    cert = json.loads(out.read_text())
    assert "were moved by Newton's method" in cert["claim"]["construction"]["refined"]
    assert cli("check", out).returncode == 0


SADDLE = "yun2019/thm4-logistic-s75-depth2-saddle-zero.json"


def _logistic_risk(doc, point, dps=60):
    """Independent: the logistic risk in mpmath at a point given as nested Fractions (identity network)."""
    mpmath.mp.dps = dps
    p = doc["problem"]
    widths = p["network"]["widths"]
    total = mpmath.mpf(0)
    for x, y in zip(p["data"]["inputs"], p["data"]["targets"]):
        a = [F(v) for v in x]
        for l in range(1, len(widths)):
            W, b = point[f"W{l}"], point[f"b{l}"]
            a = [sum((W[i][j] * a[j] for j in range(len(a))), b[i]) for i in range(widths[l])]
        total += mpmath.log(1 + mpmath.exp(-int(y[0]) * mpmath.mpf(a[0].numerator) / a[0].denominator))
    return total


def test_taylor_saddle_drops_and_rises_in_mpmath(proof):
    doc = proof(SADDLE)
    assert _check(doc).verdict is Verdict.CERTIFIED
    base = {k: [[F(v) for v in r] for r in M] if isinstance(M[0], list) else [F(v) for v in M] for k, M in doc["point"].items()}
    r0 = _logistic_risk(doc, base)
    for kind, sign in (("taylor_descent", -1), ("taylor_ascent", 1)):
        ob = next(o for o in doc["obligations"] if o["kind"] == kind)
        terms = [(1, ob["direction"])] + [(h["power"], h["term"]) for h in ob.get("higher_order", [])]
        terms += [(2, ob["second_order"])] if "second_order" in ob else []
        for t in (F(1, 2 ** 10), F(1, 2 ** 14)):
            pt = {}
            for k, M in base.items():
                def move(v, path):
                    return v + sum((t ** pw * F(term[k][path[0]][path[1]] if len(path) == 2 else term[k][path[0]])
                                    for pw, term in terms), F(0))
                pt[k] = ([[move(v, (i, j)) for j, v in enumerate(r)] for i, r in enumerate(M)] if isinstance(M[0], list)
                         else [move(v, (i,)) for i, v in enumerate(M)])
            assert sign * (_logistic_risk(doc, pt) - r0) > 0, (kind, t)


def test_taylor_route_rejects_a_point_that_is_not_critical(proof):
    doc = proof(SADDLE)
    doc["problem"]["data"]["targets"][0] = ["1" if doc["problem"]["data"]["targets"][0] == ["-1"] else "-1"]  # unbalanced
    import hashlib
    text = json.dumps(doc["problem"], sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    doc["problem_sha256"] = hashlib.sha256(text.encode("ascii")).hexdigest()
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not a critical point" in rep.summary, rep.summary


def test_logistic_taylor_series_coefficients():
    from symcert.checker.taylor import series
    assert series(fmpq(1), 8).coeffs() == [0, fmpq(-1, 2), fmpq(1, 8), 0, fmpq(-1, 192), 0, fmpq(1, 2880), 0, fmpq(-17, 645120)]
    assert series(fmpq(-1), 3).coeffs() == [0, fmpq(1, 2), fmpq(1, 8)]
    mpmath.mp.dps = 50
    u = mpmath.mpf(1) / 16
    approx = sum(float(c) * float(u) ** k for k, c in enumerate(series(fmpq(1), 12).coeffs()))
    assert abs(approx - float(mpmath.log(1 + mpmath.exp(-u)) - mpmath.log(2))) < 1e-17


@pytest.mark.parametrize("claim,loss", [("he2020.thm1", "logistic"), ("he2020.thm1", "cross_entropy"), ("yun2019.thm4", "logistic")])
def test_labels_the_loss_does_not_take_are_one_line(cli, tmp_path, claim, loss):
    data = _csv(tmp_path, [(0, 1), (1, 0), (2, 1), (3, 0)], "x1,y")
    pt = tmp_path / "p.json"
    pt.write_text('{"W1": [["1"]], "b1": ["0"], "W2": [["1"]], "b2": ["0"]}')
    p = cli("certify", claim, "--data", data, "--loss", loss, "-q", *(["--point", pt] if claim == "yun2019.thm4" else []))
    assert p.returncode == 2 and "problem.data.targets" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
