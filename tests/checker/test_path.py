"""escape_path: the certified non-increasing path; wrong paths are rejected, bad fields invalid."""
import copy
from fractions import Fraction
import json

import pytest
from flint import fmpq, fmpq_poly

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.checker.path import root_free
from symcert.claims.petzka2021 import escape as PE
from symcert.claims.petzka2021 import split as PS

DOC = json.loads(certificate.canonical_bytes(PE.escape()))


def _doc():
    d = copy.deepcopy(DOC)
    d.pop("rests_on")
    return d


def _path(d):
    return next(o for o in d["obligations"] if o["kind"] == "escape_path")


def test_escape_certified():
    rep = check_document(copy.deepcopy(DOC))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert rep.conclusion == "non_attracting_minimum"


def test_root_isolation():
    p = fmpq_poly([-1, 0, 4])  # roots +-1/2
    assert root_free(p, fmpq(0), fmpq(1, 4)) is True
    assert root_free(p, fmpq(0), fmpq(1)) is False
    assert root_free(fmpq_poly([1, -3, 2]), fmpq(0), fmpq(3)) is False  # 1 - 3t + 2t^2: roots 1/2 and 1
    assert root_free(fmpq_poly([1, 0, 1]), fmpq(-5), fmpq(5)) is True


def test_too_long_segment_rejected():
    d = _doc()
    _path(d)["segments"][1]["t_end"] = "1/10"  # the risk turns up again before t = 1/10
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED and "not strictly decreasing" in rep.summary


def test_wrong_direction_rejected():
    d = _doc()
    seg = _path(d)["segments"][1]
    seg["W1"] = [[["2", "4"]], [["2", "2"]]]  # u grows: the risk goes up
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED and "not strictly decreasing" in rep.summary


def test_without_the_split_segment_rejected():
    d = _doc()
    _path(d)["segments"] = _path(d)["segments"][1:]  # the decreasing segment from lambda = 1/2 is not one
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED


def test_segment_must_start_on_the_path():
    d = _doc()
    _path(d)["segments"][1]["b1"] = ["3", "4"]
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED and "does not start" in rep.summary


def test_needs_the_neuron_split_fact():
    d = _doc()
    d["obligations"] = [o for o in d["obligations"] if o["kind"] != "neuron_split"]
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED


def test_log_argument_must_stay_positive():
    d = _doc()
    _path(d)["segments"][1]["t_end"] = "1/2"  # 2 - 4t reaches 0
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED and "not positive" in rep.summary


@pytest.mark.parametrize("mutate", [
    lambda s: s[1].update(kind="spiral"),
    lambda s: s[1].update(t_end="0"),
    lambda s: s[1].update(W1=[["2", "-4"]]),
    lambda s: s[1].update(b1=["-4", "4"]),
    lambda s: s[0].update(to="x"),
])
def test_bad_segments_invalid(mutate):
    d = _doc()
    mutate(_path(d)["segments"])
    assert check_document(d).verdict is Verdict.INVALID


def test_non_attracting_needs_the_local_minimum():
    d = _doc()
    d["obligations"] = [o for o in d["obligations"] if o["kind"] != "split_local_minimum"]
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED and "local_min" in rep.summary


def test_worked_instance_path_monotone_only_to_about_0_09():
    assert PS.worked_escape_monotone() == {"1/10": False, "1/20": True}


def test_split_line_after_leaving_the_line_rejected():
    d = _doc()
    segs = _path(d)["segments"]
    segs.append({"kind": "split_line", "layer": 1, "neuron": 1, "to": "5"})
    rep = check_document(d)
    assert rep.verdict is Verdict.REJECTED and "before any other segment" in rep.summary


LINE = json.loads(certificate.canonical_bytes(PE.escape(with_line=True)))


def _line_doc():
    d = copy.deepcopy(LINE)
    d.pop("rests_on")
    return d


def test_line_segment_certified_by_interval_subdivision():
    rep = check_document(copy.deepcopy(LINE))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert "subintervals (arb)" in rep.obligations[3][3]


def test_line_segment_too_coarse_or_too_long_not_certified():
    d = _line_doc()
    _path(d)["segments"][2]["pieces"] = 1  # one enclosure over the whole segment is too wide
    assert check_document(d).verdict in (Verdict.REJECTED, Verdict.UNKNOWN)
    d = _line_doc()
    seg = _path(d)["segments"][2]
    seg["direction"]["W1"] = [[str(-Fraction(v)) if v != "0" else v for v in row] for row in seg["direction"]["W1"]]  # uphill
    d.pop("better_point", None)
    d["obligations"] = [o for o in d["obligations"] if o["kind"] != "smooth_strictly_lower"]
    rep = check_document(d)
    assert rep.verdict in (Verdict.REJECTED, Verdict.UNKNOWN) and "not certainly negative" in rep.summary


@pytest.mark.parametrize("field,value", [("pieces", 0), ("pieces", 5000), ("t_end", "-1/10"), ("direction", "x")])
def test_line_segment_bad_fields_invalid(field, value):
    d = _line_doc()
    _path(d)["segments"][2][field] = value
    assert check_document(d).verdict is Verdict.INVALID
