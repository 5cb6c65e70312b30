"""cell_cover: local minima on cell boundaries are certified; saddles, forged pruning and
tampered cell lists are rejected; the generator refutes saddles with descent curves."""
import copy
import json

import pytest

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.claims import constructions
from symcert.claims.he2020 import kink as HK
from symcert.claims.yun2018 import test as YT
from symcert.inputs.activations import leaky_relu, relu


def _check(doc):
    return check_document(json.loads(certificate.canonical_bytes(doc)))


def _doc(build, **kw):
    pj, pt = build()
    doc, dec = constructions.certify_point(pj, pt, YT.claim_json("test", {}), **kw)
    return doc, dec


def _cover(doc):
    return next(o for o in doc["obligations"] if o["kind"] == "cell_cover")


@pytest.fixture(scope="module")
def collinear():
    return _doc(lambda: YT.collinear_min(4, relu()))[0]


def test_collinear_min_certified_with_pruning(collinear):
    rep = _check(collinear)
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    ob = _cover(collinear)
    assert len(ob["empty"]) > 0 and len(ob["cells"]) == 8  # 2k live sign vectors on k = 4 collinear points
    assert "8 of 16 sign patterns pruned" in rep.obligations[0][3]


def test_missing_cell_rejected(collinear):
    doc = copy.deepcopy(collinear)
    _cover(doc)["cells"].pop(3)
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not covered" in rep.summary


def test_extra_cell_rejected(collinear):
    doc = copy.deepcopy(collinear)
    _cover(doc)["cells"].append({"pattern": "+-+-", "proof": "affine_exceptions"})
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "not candidates" in rep.summary


def test_tampered_farkas_rejected(collinear):
    doc = copy.deepcopy(collinear)
    ent = _cover(doc)["empty"][0]
    ent["multipliers"] = ["1"] + ent["multipliers"][1:] if ent["multipliers"][0] != "1" else ["2"] + ent["multipliers"][1:]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "!= 0" in rep.summary


def test_forged_pruning_of_a_live_cell_rejected(collinear):
    # claim that the nonempty cell '++++' (its prefix '++') is empty: no multipliers can prove it
    doc = copy.deepcopy(collinear)
    _cover(doc)["empty"].append({"layer": 1, "neuron": 2, "signs": "++", "multipliers": ["1/2", "1/2"]})
    assert _check(doc).verdict is Verdict.REJECTED
    _cover(doc)["empty"][-1]["multipliers"] = ["0", "0"]
    assert _check(doc).verdict is Verdict.REJECTED


def test_negative_multipliers_rejected(collinear):
    doc = copy.deepcopy(collinear)
    _cover(doc)["empty"][0]["multipliers"][0] = "-1"
    assert _check(doc).verdict is Verdict.REJECTED


def test_radius_too_large_rejected(collinear):
    doc = copy.deepcopy(collinear)
    _cover(doc)["radius"] = "3"
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "leaves" in rep.summary


def test_saddle_claimed_as_local_minimum_rejected():
    # the same cover on data whose kinked samples have nonzero residuals: affine_exceptions fails
    doc, _ = _doc(lambda: YT.collinear_min(4, relu()))
    bad, _ = _doc(lambda: YT.collinear_saddle(relu()))
    forged = dict(bad, claim=dict(bad["claim"], conclusion="local_minimum"), obligations=[_cover(doc)])
    forged.pop("better_point"), forged.pop("better_loss")
    rep = _check(forged)
    assert rep.verdict is Verdict.REJECTED


def test_z3_cell_finds_lower_point_on_boundary_saddle():
    doc, _ = _doc(lambda: (constructions.text_problem_json([1, 2, 1], relu(), YT.HE_X, YT.HE_Y), HK.valley_point("-2/3")))
    assert doc["claim"]["conclusion"] == "not_local_minimum"
    cells = ["---", "--+", "-++", "+--", "++-", "+++"]
    forged = dict(doc, claim=dict(doc["claim"], conclusion="local_minimum"),
                  obligations=[{"id": "c", "kind": "cell_cover", "radius": "1/4",
                                "empty": [{"layer": 1, "neuron": 1, "signs": "+-+", "multipliers": ["1", "2", "1"]},
                                          {"layer": 1, "neuron": 1, "signs": "-+-", "multipliers": ["1", "2", "1"]}],
                                "cells": [{"pattern": c, "proof": "z3"} for c in cells]}])
    forged.pop("better_point"), forged.pop("better_loss")
    rep = _check(forged)
    assert rep.verdict is Verdict.REJECTED and "lower risk" in rep.summary


@pytest.mark.parametrize("act", [relu(), leaky_relu("1/2")], ids=["relu", "leaky"])
def test_he2020_valley_end_refuted(act):
    doc = HK.instance(act, "t")
    rep = _check(doc)
    assert doc["claim"]["conclusion"] == "not_local_minimum" and rep.verdict is Verdict.CERTIFIED
    uphill = copy.deepcopy(doc)
    uphill["obligations"] = [uphill["obligations"][0]]
    uphill.pop("better_point"), uphill.pop("better_loss")
    uphill["obligations"][0]["direction"] = {"W1": [["0"], ["0"]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["1"]}
    rep = _check(uphill)  # moving the output bias only: the risk grows as 3/2 t^2
    assert rep.verdict is Verdict.REJECTED and "increases" in rep.summary


def test_interior_valley_point_is_local_minimum():
    pj = constructions.text_problem_json([1, 2, 1], relu(), YT.HE_X, YT.HE_Y)
    doc, dec = constructions.certify_point(pj, HK.valley_point("-1/3"), YT.claim_json("t", {}))
    assert doc["claim"]["conclusion"] == "local_minimum" and dec.stats["kinks"] == 0
    assert _check(doc).verdict is Verdict.CERTIFIED


def test_parked_saddle_second_order():
    doc, dec = _doc(lambda: YT.parked_saddle(relu()))
    rep = _check(doc)
    assert rep.verdict is Verdict.CERTIFIED and "t^2" in rep.obligations[0][3]


def test_affine_exceptions_needs_a_fit():
    doc, _ = _doc(lambda: YT.boundary_min(relu()))
    ob = _cover(doc)
    ob["affine_fit"]["bias"] = ["1/2"]
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "normal equations" in rep.summary


def test_deep_kinks_use_z3_per_cell():
    doc, dec = _doc(YT.abs_global_min)
    rep = _check(doc)
    assert rep.verdict is Verdict.CERTIFIED
    assert dec.stats["kinks"] == 3 and dec.stats["z3_cells"] == 8
    assert any("z3" in r and "no proof object" in r for r in rep.rests_on)


def test_declared_ledger_must_match():
    doc, _ = _doc(YT.abs_global_min)
    ob = _cover(doc)
    assert any("z3" in item for item in ob["rests_on"])
    ob["rests_on"] = [item for item in ob["rests_on"] if "z3" not in item]  # hide the solver
    rep = _check(doc)
    assert rep.verdict is Verdict.REJECTED and "rests on" in rep.summary


@pytest.mark.parametrize("field,value", [("empty", "none"), ("cells", [["+"]]), ("radius", "-1/2"),
                                         ("empty", [{"layer": 1, "neuron": 2, "signs": "+x", "multipliers": ["1", "1"]}]),
                                         ("empty", [{"layer": 2, "neuron": 1, "signs": "+", "multipliers": ["1"]}])])
def test_malformed_cover_is_invalid(collinear, field, value):
    doc = copy.deepcopy(collinear)
    _cover(doc)[field] = value
    rep = _check(doc)
    assert rep.verdict is Verdict.INVALID and "obligations[0]" in rep.summary


def test_z3_time_out_is_unknown(monkeypatch):
    import z3

    from symcert.errors import ConstructionFailed
    from symcert.provers import kinks as PK
    monkeypatch.setattr(PK.api, "z3_cell", lambda *a, **k: (z3.unknown, "timeout", (None, {})))
    monkeypatch.setattr(PK, "line_search", lambda *a, **k: None)
    with pytest.raises(ConstructionFailed, match="z3 returned unknown"):
        _doc(YT.abs_global_min)


def test_checker_z3_time_out_gives_unknown_verdict(monkeypatch):
    import z3

    from symcert.checker import cells as C
    doc, _ = _doc(YT.abs_global_min)
    monkeypatch.setattr(C, "z3_cell", lambda *a, **k: (z3.unknown, "timeout", (None, {})))
    rep = _check(doc)
    assert rep.verdict is Verdict.UNKNOWN and "unknown (timeout)" in rep.summary


def test_many_kinks_refuted_by_pattern_free_line_search():
    # k = 10 collinear kinked samples with residuals (1, -2, 1, 0, ...)/4: 1024 sign patterns, none enumerated
    pj, pt = YT.collinear_min(10, relu())
    pj["data"]["targets"] = pj["data"]["targets"][:4] + [["3/4"], ["0"], ["3/4"]] + [["1/2"]] * 7
    doc, dec = constructions.certify_point(pj, pt, YT.claim_json("t", {}))
    assert doc["claim"]["conclusion"] == "not_local_minimum" and "cells" not in dec.stats
    assert _check(doc).verdict is Verdict.CERTIFIED


def test_streamed_cells_are_the_nested_product_in_canonical_order():
    from symcert.checker import cells as C
    kinks = [(1, 0, 0), (1, 0, 1), (1, 0, 2), (1, 1, 0), (2, 0, 0)]
    dead = {0: {"+-"}, 1: {"+"}}
    counts = {"pruned": 0}
    got = list(C.enumerate_cells(None, kinks, dead, counts))
    parts = [sorted(C._neuron_patterns(3, dead[0], {"pruned": 0})), sorted(C._neuron_patterns(1, dead[1], {"pruned": 0})), ["-", "+"]]
    want = [""]
    for p in parts:
        want = [c + s for c in want for s in p]
    assert got == want and len(got) == C.count_cells(kinks, dead) and counts["pruned"] == 2 + 1


def test_column_test_agrees_with_the_columns_written_out():
    """column_test (base columns once, cached per kinked-character string) against the pattern
    columns built from scratch for every cell, on the leaky 3-kink instance and a deep one."""
    from symcert.checker import cells as C
    from symcert.checker import kernel
    from symcert.checker.reading import point as parse_point, problem as parse_problem
    for build in (lambda: YT.boundary_min(leaky_relu("1/2"), 3), YT.abs_global_min, lambda: YT.collinear_min(5, relu())):
        pj, pt = build()
        prob = parse_problem(pj)
        theta = parse_point(pt, prob, "point")
        pre = kernel.forward(prob, theta)[0]
        kinks = C.kinked_entries(prob, pre)
        for nonzero in ([], [0], [0, 1], list(range(prob.m))):
            test = C.column_test(prob, pre, kinks, nonzero)
            for pat in C.enumerate_cells(prob, kinks, {}, {"pruned": 0}):
                choice = dict(zip(kinks, pat))
                cols = []
                for j in nonzero:
                    col = []
                    for l, Z in enumerate(pre, start=1):
                        for i in range(Z.nrows()):
                            k, kink = prob.act.piece(Z[i, j])
                            col.append(k + 1 if kink and choice[(l, i, j)] == "+" else k)
                    cols.append(tuple(col))
                assert test(pat) == (len(set(cols)) <= 1)
