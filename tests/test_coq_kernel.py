"""Kernel route: the Coq library builds, its soundness theorems rest only on the standard real
axioms, sample certificates of proofs/ are kernel-checked, tampered ones are rejected.
Skipped, with one line naming it, when coqc is missing."""
import copy
import json
import os
import random
import shutil
import subprocess
from fractions import Fraction

import pytest

from symcert import certificate
from symcert.checker import check_document
from symcert.checker.verdict import Verdict
from symcert.exact.rationals import format_rational, parse_rational
from symcert.kernel_coq import kernel as K
from symcert.kernel_coq import library as L

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = os.path.join(ROOT, "proofs")
from test_mutations import get_at, numeric_leaves, oracle_still_true, set_at

pytestmark = pytest.mark.skipif(shutil.which("coqc") is None, reason="coqc not found: install Coq 8.16 (apt-get install coq)")

SAMPLE = ["yun2019/thm1-case1-relu.json", "yun2019/thm1-case2-leaky.json", "yun2019/thm1-random-s5-m20-dx5-d2-relu.json",
          "yun2019/thm2-relu.json", "he2020/kink-valley-end-relu.json", "yun2018/absolute-valley-end.json",
          "yun2019/thm4-huber-s63-depth4-saddle-zero.json", "yun2019/thm4-depth2-global.json",
          "he2020/thm1-random-s5-m8-dx2-d2-relu-hinge.json", "yun2019/thm4-huber-s62-depth2-global.json",
          "yun2018/collinear-min-k6.json", "he2020/valley-worked-relu-huber.json",
          "he2020/cell-s49-m10-dx2-n3-relu-hinge.json",
          "he2020/thm1-spread-s27-m8-dx2-dy3-d3-abs-squared.json", "christof2023/thm-random-s27-m10-dx3-d4-leaky-absolute.json",
          "own/relu-min.json", "own/relu-saddle.json"]
SOUNDNESS = ["thm1_sound", "thm1_spurious", "thm1_values", "curve_down_sound", "curve_up_sound", "saddle_sound",
             "value_sound", "lower_sound", "linear_sound", "subgrad_sound", "opt1_sound", "opt1_spurious", "opt1_values",
             "cover_sound", "cover_local_min", "cover_value", "valley_sound", "valley_minima", "valley_through_point",
             "cell_sound", "cell_minima_sound", "cell_value", "deep_sound", "deep_spurious", "deep_values",
             "distance_sound", "near_local_min", "near_spurious"]


def assert_tamper_not_certified(doc, path, tmp_path, verdict=Verdict.REJECTED, digest=True):
    """Add 1 to the number at ``path`` (updating problem_sha256 unless ``digest`` is False, as a
    careful forger would): the Python checker must not certify the copy, and the kernel route must
    give ``verdict``."""
    set_at(doc, path, format_rational(parse_rational(get_at(doc, path)) + 1))
    if digest:
        doc["problem_sha256"] = certificate.digest(doc["problem"])
    f = tmp_path / "m.json"
    f.write_bytes(certificate.canonical_bytes(doc))
    assert check_document(json.loads(f.read_text())).verdict is not Verdict.CERTIFIED
    rep = K.check_file(str(f))
    assert rep.verdict is verdict, rep.summary


@pytest.fixture(scope="module")
def libdir():
    return L.library_dir()


def coq_run(libdir, tmp_path, text):
    (tmp_path / "Probe.v").write_text(text)
    return subprocess.run(["coqc", "-Q", libdir, L.LOGICAL, "Probe.v"], cwd=tmp_path, capture_output=True, text=True, timeout=600)


def test_library_builds_from_scratch(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMCERT_COQ_CACHE", str(tmp_path))
    d = L.library_dir()
    assert d.startswith(str(tmp_path)) and all(os.path.isfile(os.path.join(d, n + ".vo")) for n in L.SOURCES)
    assert L.library_dir() == d  # the second call reuses the cache


def test_sources_have_no_axioms_or_shortcuts():
    for name in L.SOURCES:
        text = open(os.path.join(L.SOURCE_DIR, name + ".v"), encoding="utf-8").read()
        for word in ("Admitted", "admit", "Axiom", "Parameter", "Conjecture", "native_compute", "Unset Guard", "Unset Universe"):
            assert word not in text, (name, word)


def test_soundness_theorems_rest_only_on_the_standard_real_axioms(libdir, tmp_path):
    text = "From Symcert Require Import Thm1 Curves Subgrad Linear Convex1 Cover Valley CellSound Deep Near.\n" + "".join(f"Print Assumptions {t}.\n" for t in SOUNDNESS)
    res = coq_run(libdir, tmp_path, text)
    assert res.returncode == 0, res.stderr
    axioms = set(K._axioms(res.stdout))
    assert axioms and axioms <= set(L.STANDARD_AXIOMS), axioms
    assert res.stdout.count("Axioms:") == len(SOUNDNESS)


@pytest.mark.parametrize("name", SAMPLE)
def test_sample_of_proofs_is_kernel_checked(libdir, name):
    rep = K.check_file(os.path.join(PROOFS, name))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary
    assert rep.rests_on == ["Coq 8.16 kernel"]


def test_instance_theorems_rest_only_on_the_standard_real_axioms(libdir, tmp_path):
    from symcert.kernel_coq.export import export
    with open(os.path.join(PROOFS, SAMPLE[0])) as fh:
        text = export(json.load(fh))
    res = coq_run(libdir, tmp_path, text + "\nPrint Assumptions spurious.\nPrint Assumptions claimed_risks.\n")
    assert res.returncode == 0, res.stderr
    assert set(K._axioms(res.stdout)) <= set(L.STANDARD_AXIOMS)


def test_a_false_statement_is_rejected_by_the_kernel(libdir, tmp_path):
    """A forged file whose checker run is false cannot be closed: coqc fails, REJECTED."""
    from symcert.kernel_coq.export import export
    with open(os.path.join(PROOFS, SAMPLE[0])) as fh:
        text = export(json.load(fh))
    forged = text.replace("Definition claimed_loss : Q := (", "Definition claimed_loss : Q := (1 + ")
    ok, detail = K.run_coq(forged, libdir, 600)
    assert not ok and "did not accept" in detail


def _mutations(doc, k, seed):
    leaves = [p for s in ("problem", "point", "better_point", "loss", "better_loss", "obligations") if s in doc
              for p in numeric_leaves(doc[s], (s,))]
    rng = random.Random(seed)
    return rng.sample(leaves, min(k, len(leaves)))


def _frac_risk(spec, pt):
    """The risk at a parameter point, by a plain Fraction forward pass (independent of symcert)."""
    act, loss = spec["network"]["activation"], spec["loss"]
    bps = [Fraction(b) for b in act["breakpoints"]]
    pieces = [(Fraction(a), Fraction(b)) for a, b in act["pieces"]]
    depth = len(spec["network"]["widths"]) - 1
    total = Fraction(0)
    for x, y in zip(spec["data"]["inputs"], spec["data"]["targets"]):
        a = [Fraction(v) for v in x]
        for l in range(1, depth + 1):
            z = [sum((Fraction(w) * v for w, v in zip(row, a)), Fraction(0)) + Fraction(b) for row, b in zip(pt[f"W{l}"], pt[f"b{l}"])]
            a = z if l == depth else [pieces[sum(1 for b in bps if b <= v)][0] * v + pieces[sum(1 for b in bps if b <= v)][1] for v in z]
        for o, t in zip(a, (Fraction(v) for v in y)):
            r, d = o - t, Fraction(loss.get("delta", "0"))
            total += {"squared": r * r / 2, "absolute": abs(r), "hinge": max(Fraction(0), 1 - t * o),
                      "huber": r * r / 2 if abs(r) <= d else d * (abs(r) - d / 2)}[loss["kind"]]
    return total


def _curve_point(doc, ob, t):
    """theta(t) = point + t D + t^2 C + sum_k t^k H_k, as nested lists of Fractions."""
    terms = [(1, ob["direction"])] + ([(2, ob["second_order"])] if "second_order" in ob else []) + \
        [(h["power"], h["term"]) for h in ob.get("higher_order", [])]
    powers = [k for k, _ in terms]

    def at(base, *coeffs):
        if isinstance(base, list):
            return [at(v, *(c[i] for c in coeffs)) for i, v in enumerate(base)]
        return Fraction(base) + sum((Fraction(c) * t ** k for k, c in zip(powers, coeffs)), Fraction(0))
    return {name: at(doc["point"][name], *(T[name] for _, T in terms)) for name in doc["point"]}


def curve_oracle(doc):
    """Independent confirmation for curve and linear certificates: the claimed risks are the
    Fraction risks, the curves descend / ascend at t = 2^-20, 2^-40, 2^-60, and a global
    minimum of a linear network is the least-squares optimum (sympy)."""
    spec, r0 = doc["problem"], _frac_risk(doc["problem"], doc["point"])
    if Fraction(doc["loss"]) != r0:
        return None
    if "better_point" in doc and not Fraction(doc["better_loss"]) == _frac_risk(spec, doc["better_point"]) < r0:
        return None
    for ob in doc["obligations"]:
        sign = {"descent_curve": -1, "ascent_curve": 1}.get(ob["kind"])
        if sign and not all(sign * (_frac_risk(spec, _curve_point(doc, ob, Fraction(1, 2 ** e))) - r0) > 0 for e in (20, 40, 60)):
            return None
        if ob["kind"] == "linear_global_minimum":
            import sympy as sp
            Xt = sp.Matrix([[sp.Rational(v) for v in x] + [1] for x in spec["data"]["inputs"]])
            Y = sp.Matrix([[sp.Rational(v) for v in y] for y in spec["data"]["targets"]])
            R = Xt * ((Xt.T * Xt).pinv() * Xt.T * Y) - Y
            if sum(v * v for v in R) / 2 != r0:
                return None
    return "Fraction risks and curve values, sympy least squares"


@pytest.mark.parametrize("name,k", [("yun2019/thm1-case1-relu.json", 6), ("he2020/kink-valley-end-relu.json", 4),
                                    ("yun2019/thm4-depth2-saddle-zero.json", 4), ("yun2019/thm4-depth2-global.json", 4),
                                    ("he2020/thm1-spread-s27-m8-dx2-dy3-d3-abs-squared.json", 4)])
def test_tampered_certificates_are_rejected_unless_still_true(libdir, tmp_path, name, k):
    """Single numbers changed (the digest updated, as a careful forger would): the kernel
    rejects the change unless the Python checker and the sympy oracle of test_mutations
    agree that the changed certificate is still true."""
    with open(os.path.join(PROOFS, name)) as fh:
        original = json.load(fh)
    for path in _mutations(original, k, seed=11):
        doc = copy.deepcopy(original)
        set_at(doc, path, format_rational(parse_rational(get_at(doc, path)) + 1))
        doc["problem_sha256"] = certificate.digest(doc["problem"])
        f = tmp_path / "m.json"
        f.write_bytes(certificate.canonical_bytes(doc))
        rep = K.check_file(str(f))
        if rep.verdict is Verdict.CERTIFIED:
            assert check_document(json.loads(f.read_text())).verdict is Verdict.CERTIFIED, path
            oracle = oracle_still_true if doc["claim"]["conclusion"] == "spurious_local_minimum" else curve_oracle
            assert oracle(doc) is not None, path
        else:
            assert rep.verdict in (Verdict.REJECTED, Verdict.INVALID), (path, rep.summary)


@pytest.mark.parametrize("path", [("obligations", 1, "multipliers", 0, 1), ("loss",), ("point", "b2", 0)])
def test_tampered_convex_loss_certificates_are_rejected(libdir, tmp_path, path):
    """Absolute loss, subgradient route: a changed multiplier, claimed loss or point entry is
    false (the Python checker rejects it too), and the kernel does not accept it."""
    with open(os.path.join(PROOFS, "he2020/thm1-worked-d2-relu-absolute.json")) as fh:
        doc = json.load(fh)
    assert get_at(doc, ("obligations", 1, "kind")) == "affine_optimality"
    assert_tamper_not_certified(doc, path, tmp_path, digest=False)


@pytest.mark.parametrize("path,verdict", [(("loss",), Verdict.REJECTED), (("point", "b2", 0), Verdict.REJECTED),
                                          (("obligations", 0, "radius"), Verdict.REJECTED),
                                          (("problem", "data", "inputs", 0, 0), Verdict.REJECTED),
                                          (("obligations", 0, "affine_fit", "bias", 0), Verdict.UNKNOWN)])
def test_tampered_cell_cover_certificates_are_not_kernel_checked(libdir, tmp_path, path, verdict):
    """Cell cover (Cover.v): a changed claimed loss, point entry, radius (+1 leaves the cell) or
    input (the digest updated) is false and the kernel rejects it; a changed affine fit puts a
    nonzero residual on a sample with a kinked neuron, which the Coq library does not model
    (UNKNOWN, never CERTIFIED)."""
    with open(os.path.join(PROOFS, "yun2018/boundary-min-relu.json")) as fh:
        doc = json.load(fh)
    assert_tamper_not_certified(doc, path, tmp_path, verdict)


@pytest.mark.parametrize("path", [("loss",), ("obligations", 0, "multipliers", 0, 0), ("obligations", 0, "at"),
                                  ("obligations", 0, "path", "b2", 0, 1), ("problem", "data", "targets", 1, 0)])
def test_tampered_valley_certificates_are_rejected(libdir, tmp_path, path):
    """Valley (Valley.v): a changed claimed loss, multiplier, member parameter, path coefficient or
    target (the digest updated) is false (the Python checker rejects it too) and the kernel does not
    accept it."""
    with open(os.path.join(PROOFS, "he2020/valley-worked-relu-absolute.json")) as fh:
        doc = json.load(fh)
    assert_tamper_not_certified(doc, path, tmp_path)


@pytest.mark.parametrize("name,path", [("he2020/cell-worked-relu-squared-t1.json", ("loss",)),
                                       ("he2020/cell-worked-relu-squared-t1.json", ("point", "b2", 0)),
                                       ("he2020/cell-worked-relu-squared-t1.json", ("problem", "data", "targets", 0, 0)),
                                       ("he2020/cell-s44-m9-dx1-n3-abs-absolute.json", ("obligations", 0, "multipliers", 0, 0))])
def test_tampered_cell_certificates_are_rejected(libdir, tmp_path, name, path):
    """Cell minima (Cell.v): a changed claimed loss, point entry, target (the digest updated) or
    multiplier is false (the Python checker rejects it too) and the kernel does not accept it."""
    with open(os.path.join(PROOFS, name)) as fh:
        doc = json.load(fh)
    assert_tamper_not_certified(doc, path, tmp_path)


def test_instance_cell_cover_theorems_rest_only_on_the_standard_real_axioms(libdir, tmp_path):
    from symcert.kernel_coq.export import export
    with open(os.path.join(PROOFS, "yun2018/boundary-min-leaky-3.json")) as fh:
        text = export(json.load(fh))
    assert "Theorem local_minimum : local_min (risk net data) (params point)." in text
    res = coq_run(libdir, tmp_path, text + "\nPrint Assumptions local_minimum.\nPrint Assumptions claimed_risk.\n")
    assert res.returncode == 0, res.stderr
    assert set(K._axioms(res.stdout)) <= set(L.STANDARD_AXIOMS) and res.stdout.count("Axioms:") == 2


DEEP = "he2020/thm1-spread-s27-m8-dx2-dy3-d3-abs-squared.json"  # 2 hidden layers, 3 outputs


def test_deep_instance_theorems_rest_only_on_the_standard_real_axioms(libdir, tmp_path):
    from symcert.kernel_coq.export import export
    with open(os.path.join(PROOFS, DEEP)) as fh:
        text = export(json.load(fh))
    assert "check_deep net data evidence" in text
    res = coq_run(libdir, tmp_path, text + "\nPrint Assumptions spurious.\nPrint Assumptions claimed_risks.\n")
    assert res.returncode == 0, res.stderr
    assert set(K._axioms(res.stdout)) <= set(L.STANDARD_AXIOMS)


def test_deep_affine_reduction_is_kernel_checked_and_a_changed_fit_rejected(libdir, tmp_path):
    """The squared loss without multipliers (affine_reduction: check_deep uses the residuals)."""
    from symcert.checker.ledger import AFFINE_LEMMA, RATIONAL
    with open(os.path.join(PROOFS, DEEP)) as fh:
        doc = json.load(fh)
    ob = doc["obligations"][2]
    assert ob["kind"] == "affine_optimality"
    ob["kind"] = ob["id"] = "affine_reduction"
    del ob["multipliers"]
    ob["rests_on"] = [RATIONAL, AFFINE_LEMMA]
    doc["rests_on"] = [AFFINE_LEMMA if "subdifferential" in r else r for r in doc["rests_on"]]
    for change, verdict in ((None, Verdict.CERTIFIED), ("1", Verdict.REJECTED)):
        if change:
            ob["affine_fit"]["bias"][1] = format_rational(parse_rational(ob["affine_fit"]["bias"][1]) + parse_rational(change))
        f = tmp_path / "r.json"
        f.write_bytes(certificate.canonical_bytes(doc))
        assert check_document(json.loads(f.read_text())).verdict is verdict
        rep = K.check_file(str(f))
        assert rep.verdict is verdict, rep.summary


@pytest.mark.parametrize("path", [("point", "W2", 1, 2), ("obligations", 2, "multipliers", 1, 3),
                                  ("obligations", 2, "affine_fit", "bias", 0), ("obligations", 1, "radius"),
                                  ("problem", "data", "targets", 4, 1)])
def test_tampered_deep_certificates_are_rejected(libdir, tmp_path, path):
    """Several hidden layers and outputs: a changed hidden weight, multiplier, fit bias, box
    radius (now too large for the cells) or target (digest updated) makes the certificate
    false; the Python checker rejects it and the kernel does not accept it."""
    with open(os.path.join(PROOFS, DEEP)) as fh:
        doc = json.load(fh)
    assert [o["kind"] for o in doc["obligations"]][1:3] == ["interior_cell", "affine_optimality"]
    assert_tamper_not_certified(doc, path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["yun2019/thm1-case1-relu.json", "yun2019/thm1-case1-leaky.json"])
def test_every_single_number_change_slow(libdir, tmp_path, name):
    test_tampered_certificates_are_rejected_unless_still_true(libdir, tmp_path, name, 10 ** 6)


def test_cli_audit_counts_kernel_checked(libdir, tmp_path, capsys):
    from symcert.cli import main
    for name in ("yun2019/thm1-case1-relu.json", "yun2018/deep-abs-global-min.json"):
        shutil.copy(os.path.join(PROOFS, name), tmp_path / os.path.basename(name))
    code = main(["audit", str(tmp_path), "--kernel", "coq"])
    out = capsys.readouterr().out
    assert "1 of 2 certificates kernel-checked (Coq)" in out and code == Verdict.UNKNOWN.exit_code
    assert main(["check", "--kernel", "coq", str(tmp_path / "thm1-case1-relu.json")]) == 0
    assert "rests on: Coq 8.16 kernel" in capsys.readouterr().out


def test_bench_script_runs_one_small_size(libdir):
    """bench/bench_coq.py keeps working (figures are not asserted: not a timed test)."""
    import sys
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import bench_coq
    r = bench_coq.run_size(12, 2, 600)
    assert r["python"] == r["kernel"] == "CERTIFIED", r
    assert r["kernel_cpu"] >= 0 and r["python_s"] >= 0
    assert "not_applicable" in bench_coq.run_size(3, 2, 600)


@pytest.mark.parametrize("name,path", [("own/relu-min.json", ("obligations", 2, "distance")),
                                       ("own/relu-min.json", ("obligations", 2, "float_point", "b2", 0)),
                                       ("own/relu-min.json", ("point", "W2", 0, 1)),
                                       ("own/relu-saddle.json", ("obligations", 4, "distance"))])
def test_tampered_near_float_certificates_are_rejected(libdir, tmp_path, name, path):
    """Near a float point (Near.v): a changed distance, float-point entry or point entry is false
    (the Python checker rejects it too) and the kernel does not accept it."""
    with open(os.path.join(PROOFS, name)) as fh:
        doc = json.load(fh)
    assert path[0] == "point" or doc["obligations"][path[1]]["kind"] == "float_distance"
    assert_tamper_not_certified(doc, path, tmp_path, digest=False)


def test_descent_near_float_is_kernel_checked_and_a_changed_curve_rejected(libdir, tmp_path):
    """not_local_minimum_near_float (none in proofs/): own/relu-saddle without its ascent curve."""
    with open(os.path.join(PROOFS, "own/relu-saddle.json")) as fh:
        doc = json.load(fh)
    doc["claim"]["conclusion"] = "not_local_minimum_near_float"
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] not in ("gradient_zero", "ascent_curve", "strictly_lower")]
    ob = doc["obligations"][0]
    assert ob["kind"] == "descent_curve"
    for change, verdict in ((False, Verdict.CERTIFIED), (True, Verdict.REJECTED)):
        if change:
            ob["direction"]["W2"] = [[format_rational(-parse_rational(v)) for v in row] for row in ob["direction"]["W2"]]  # now an ascent
        f = tmp_path / "d.json"
        f.write_bytes(certificate.canonical_bytes(doc))
        rep = K.check_file(str(f))
        assert rep.verdict is verdict, rep.summary
