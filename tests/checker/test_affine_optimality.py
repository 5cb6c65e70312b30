"""affine_optimality, valley_path and cell_multilinear: genuine certificates pass, tampered ones
are REJECTED with the reason named; non-differentiable losses are reported precisely."""
import copy
import json

from flint import fmpq

from symcert import certificate
from symcert.checker import Verdict, check_document
from symcert.checker import kernel
from symcert.checker.reading import point as read_point
from symcert.checker.reading import problem as read_problem
from symcert.claims.he2020 import common as HC
from symcert.claims.he2020 import thm1 as H1
from symcert.claims.he2020 import thm2 as H2
from symcert.claims.he2020 import valley as HV
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.activations import hard_tanh, relu


def check(doc):
    return check_document(json.loads(certificate.canonical_bytes(doc)))


def refresh(doc):
    """Recompute the fields a tamperer would also fix (problem digest, losses, ledger), so that
    only the tampered obligation can fail."""
    doc = copy.deepcopy(doc)
    doc["problem_sha256"] = certificate.digest(doc["problem"])
    prob = read_problem(doc["problem"])
    doc["loss"] = fr(kernel.risk(prob, read_point(doc["point"], prob, "point")))
    if "better_point" in doc:
        doc["better_loss"] = fr(kernel.risk(prob, read_point(doc["better_point"], prob, "better_point")))
    return doc


def failing(rep):
    return [(o[0], o[3]) for o in rep.obligations if o[2] == "fails"]


def ob(doc, oid):
    return next(o for o in doc["obligations"] if o["id"] == oid)


def thm1(loss="absolute", act=relu, widths=(1, 2, 1)):
    return H1.certify_thm1(HC.rows(*HC.WORKED), act(), HC.LOSSES[loss], list(widths), "test", eta=fmpq(1))


def test_genuine_certificates_pass():
    for loss in ("squared", "absolute", "huber"):
        assert check(thm1(loss)).verdict is Verdict.CERTIFIED


def test_absolute_worked_multipliers():
    doc = thm1("absolute")
    assert ob(doc, "affine_optimality")["multipliers"] == [["-1/2", "1", "-1/2"]]
    assert doc["loss"] == "1" and "gradient_zero" not in [o["id"] for o in doc["obligations"]]


def test_tampered_multipliers_unbalanced():
    doc = thm1("absolute")
    ob(doc, "affine_optimality")["multipliers"] = [["-1/4", "1", "-3/4"]]
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED
    assert failing(rep)[0][0] == "affine_optimality" and "not balanced" in failing(rep)[0][1]


def test_tampered_multiplier_outside_subdifferential():
    doc = thm1("huber")
    ob(doc, "affine_optimality")["multipliers"] = [["-1/2", "1", "-1/2"]]  # balanced, but Huber's slopes are -1/4, 1/2, -1/4
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "not in the subdifferential" in failing(rep)[0][1]


def test_wrong_fit():
    doc = thm1("absolute")
    ob(doc, "affine_optimality")["affine_fit"]["bias"] = ["2/3"]
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "not the affine fit" in failing(rep)[0][1]


def test_wrong_loss_kind():
    doc = thm1("absolute")
    doc["problem"]["loss"] = {"kind": "squared"}
    rep = check(refresh(doc))
    assert rep.verdict is Verdict.REJECTED and failing(rep)[0][0] == "affine_optimality"
    doc = thm1("huber")
    doc["problem"]["loss"]["delta"] = "1/3"
    rep = check(refresh(doc))
    assert rep.verdict is Verdict.REJECTED and failing(rep)[0][0] in ("affine_optimality", "gradient_zero")


def test_needs_interior_cell_first():
    doc = thm1("absolute")
    doc["obligations"] = [o for o in doc["obligations"] if o["id"] != "interior_cell"]
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "interior_cell" in failing(rep)[0][1]


def test_point_whose_neurons_change_piece_is_rejected():
    doc = thm1("squared")
    doc["point"], doc["better_point"] = doc["better_point"], doc["point"]
    rep = check(refresh(doc))
    assert rep.verdict is Verdict.REJECTED


def test_gradient_zero_reports_loss_kink():
    doc = thm1("absolute")
    doc["obligations"].insert(0, {"id": "gradient_zero", "kind": "gradient_zero"})
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED
    assert "absolute loss has a kink at output 1 sample 1" in failing(rep)[0][1]


def test_hinge_margin_kink_reported():
    from symcert.inputs.data import from_rows
    data = from_rows([[fmpq(v)] for v in (-1, 0, 1, 2)], [[fmpq(v)] for v in (1, -1, 1, -1)])
    doc = H1.certify_thm1(data, relu(), HC.LOSSES["hinge"], [1, 2, 1], "test")
    assert check(doc).verdict is Verdict.CERTIFIED
    doc["obligations"].insert(0, {"id": "gradient_zero", "kind": "gradient_zero"})
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "hinge loss has a kink" in failing(rep)[0][1]


# ---- valley_path -----------------------------------------------------------------------------

def valley(act=relu, loss="squared"):
    return HV.certify_valley(act(), HC.LOSSES[loss], "test")


def test_valley_genuine():
    doc = valley()
    o = ob(doc, "valley_path")
    assert o["interval"] == ["-2/3", None] and o["ends_at"] == ["-2/3"]
    assert check(doc).verdict is Verdict.CERTIFIED
    doc = valley(hard_tanh)
    assert ob(doc, "valley_path")["interval"] == ["-5/3", "1/3"]
    assert check(doc).verdict is Verdict.CERTIFIED


def test_valley_output_not_constant():
    doc = valley()
    ob(doc, "valley_path")["path"]["b2"] = [["-1", "0"]]  # b2 no longer -eta
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "not constant" in failing(rep)[0][1]


def test_valley_interval_past_the_boundary():
    doc = valley()
    o = ob(doc, "valley_path")
    o["interval"] = ["-1", None]
    del o["ends_at"]
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "meets breakpoint 0" in failing(rep)[0][1]


def test_valley_at_outside_and_path_mismatch():
    doc = valley()
    ob(doc, "valley_path")["at"] = "-1"
    assert "not inside" in failing(check(doc))[0][1]
    doc = valley()
    ob(doc, "valley_path")["at"] = "2"
    assert "differs from the point" in failing(check(doc))[0][1]


def test_valley_wrong_end_and_multipliers():
    doc = valley()
    o = ob(doc, "valley_path")
    o["interval"] = ["-1/3", None]
    o["ends_at"] = ["-1/3"]
    assert "does not end on the cell boundary" in failing(check(doc))[0][1]
    doc = valley()
    ob(doc, "valley_path")["multipliers"] = [["-1/3", "1/3", "0"]]
    assert check(doc).verdict is Verdict.REJECTED


# ---- cell_multilinear ------------------------------------------------------------------------

def test_multilinear_genuine_and_boundary():
    inst = {i.name: i for i in H2.thm2_instances()}
    doc = inst["thm2-s13-d4-relu6"].build()
    rep = check(doc)
    assert rep.verdict is Verdict.CERTIFIED and "layer 1: 1" in rep.obligations[-1][3]
    doc = inst["thm2-worked-local-min-relu"].build()
    doc["point"]["b1"] = ["0", "1"]  # neuron 1 now sits on ReLU's breakpoint on every sample
    rep = check(refresh(doc))
    assert rep.verdict is Verdict.REJECTED and "cell boundary" in failing(rep)[0][1]


def test_multilinear_is_not_a_risk_claim():
    doc = {i.name: i for i in H2.thm2_instances()}["thm2-s11-d2-relu"].build()
    doc["claim"]["conclusion"] = "local_minimum"
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "missing local_min" in rep.summary


# ---- property: on random data every loss certifies, and any change of one multiplier is caught

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), loss=st.sampled_from(["squared", "absolute", "huber", "hinge"]),
       act=st.sampled_from(["relu", "hard_tanh", "relu6", "leaky"]), bump=st.sampled_from(["1/7", "-1/3", "2"]))
def test_random_certificates_and_tampered_multipliers(seed, loss, act, bump):
    from symcert.errors import SymcertError
    data = HC.random_dataset(seed, 6, 2, "pm1" if loss == "hinge" else "real")
    try:
        doc = H1.certify_thm1(data, HC.ACTS[act](), HC.LOSSES[loss], [2, 3, 1], "t")
    except SymcertError:
        return  # the hypotheses fail on this draw (e.g. an exact affine fit): nothing to check
    assert check(doc).verdict is Verdict.CERTIFIED
    G = ob(doc, "affine_optimality")["multipliers"]
    j = seed % len(G[0])
    G[0][j] = fr(fmpq(G[0][j]) + fmpq(bump))
    assert check(doc).verdict is Verdict.REJECTED


def test_continuum_of_spurious_minima_needs_the_lower_point():
    from symcert.claims.christof2023 import pl as C
    doc = C.certify_continuum()
    assert check(doc).verdict is Verdict.CERTIFIED
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] != "strictly_lower"]
    doc.pop("rests_on", None)
    rep = check(doc)
    assert rep.verdict is Verdict.REJECTED and "missing lower_point" in rep.summary
    doc = C.certify_continuum()
    doc["better_point"] = doc["point"]
    rep = check(refresh(doc))
    assert rep.verdict is Verdict.REJECTED and "not below" in failing(rep)[0][1]
