"""The Coq exporter (trusted): round trip of the instance data, refusal of other kinds.
These tests need no coqc."""
import copy
import json
import os
import re

import pytest
from flint import fmpq

from symcert.checker import problem as P
from symcert.checker.verdict import Verdict
from symcert.kernel_coq import export as E
from symcert.kernel_coq import kernel as K

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = os.path.join(ROOT, "proofs")

THM1 = sorted(f"yun2019/{n}" for n in os.listdir(os.path.join(PROOFS, "yun2019")) if n.startswith("thm1-") and "continuum" not in n)
OPT = ["he2020/thm1-worked-d2-relu-squared.json", "christof2023/thm-worked-d2-hard_tanh-squared.json"]
CURVES = ["he2020/kink-valley-end-relu.json", "yun2018/deep-valley-end.json", "yun2018/absolute-valley-end.json",
          "yun2019/thm4-depth2-saddle-zero.json", "yun2019/thm4-depth5-saddle-rank1.json", "yun2019/thm4-huber-s63-depth4-saddle-zero.json"]
CONVEX = ["he2020/thm1-worked-d2-relu-absolute.json", "he2020/thm1-random-s5-m8-dx2-d2-relu-hinge.json",
          "he2020/thm1-worked-d2-leaky-huber.json"]
DEEP = ["he2020/thm1-spread-s27-m8-dx2-dy3-d3-abs-squared.json", "he2020/thm1-spread-s23-m9-dx3-dy3-d2-leaky-huber.json",
        "christof2023/thm-random-s27-m10-dx3-d4-leaky-absolute.json", "he2020/thm1-spread-s34-m7-dx2-dy1-d3-abs-hinge.json"]
GLOBAL = ["yun2019/thm4-depth2-global.json", "yun2019/thm4-random-s3-depth5-global.json", "yun2019/thm4-huber-s67-depth3-global.json"]
VALLEY = ["he2020/valley-worked-relu-squared.json", "he2020/valley-worked-relu-huber.json", "he2020/valley-worked-hard_tanh-squared.json",
          "he2020/thm1-worked-continuum-leaky-squared.json"]
CELLS = ["he2020/cell-worked-relu-squared-t1.json", "he2020/cell-s49-m10-dx2-n3-relu-hinge.json", "he2020/cell-s45-m10-dx2-n4-relu-huber.json"]
NEAR = ["own/relu-min.json", "own/leaky-min-f32.json", "own/relu-spurious.json", "own/relu-saddle.json"]
COVER = ["yun2018/boundary-min-relu.json", "yun2018/boundary-min-leaky-3.json", "yun2018/collinear-min-k6.json"]
TERM = re.compile(r"\((-?\d+) # (\d+)\)")


def load(name):
    with open(os.path.join(PROOFS, name)) as fh:
        return json.load(fh)


def rationals(text):
    return [fmpq(int(p), int(q)) for p, q in TERM.findall(text)]


def definition(vtext, name):
    m = re.search(rf"^Definition {name} : [^:]*:= (.*?)\.$", vtext, flags=re.M | re.S)
    assert m, name
    return m.group(1)


@pytest.mark.parametrize("name", THM1 + OPT)
def test_round_trip_problem_and_point(name):
    doc = load(name)
    vtext = E.export(doc, name)
    prob = P.problem(doc["problem"])
    flat = lambda pt: [v for n in prob.param_names() for v in P.point(pt, prob, "p")[n].entries()]
    assert rationals(definition(vtext, "point")) == flat(doc["point"])
    assert rationals(definition(vtext, "better_point")) == flat(doc["better_point"])
    assert rationals(definition(vtext, "claimed_loss")) == [P.rational(doc["loss"], "loss")]
    rows = re.findall(r"^  \((\[.*?\]), (\[.*?\])\)", definition(vtext, "data"), flags=re.M)
    assert len(rows) == prob.m
    for j, (x, y) in enumerate(rows):
        assert rationals(x) == [prob.X[i, j] for i in range(prob.widths[0])]
        assert rationals(y) == [prob.Y[0, j]]
    net = definition(vtext, "net")
    assert f"widths := [{prob.widths[0]}; {prob.widths[1]}; 1]%nat" in net and "lossk := Squared" in net
    assert rationals(net.split("pieces")[0].split("breakpoints")[1]) == list(prob.act.breakpoints)
    assert rationals(net.split("pieces")[1]) == [v for s, c in zip(prob.act.slopes, prob.act.intercepts) for v in (s, c)]
    assert "Theorem spurious : spurious_local_min (risk net data) (params point)." in vtext
    ev = definition(vtext, "evidence")
    opt = [o for o in doc["obligations"] if o["kind"] == "affine_optimality"]
    if opt:
        assert rationals(ev.split("t1_mults")[1]) == [P.rational(v, "m") for v in opt[0]["multipliers"][0]]
    else:
        assert "t1_mults := None" in ev


def flat_of(doc, prob, pt):
    return [v for n in prob.param_names() for v in P.point(pt, prob, "p")[n].entries()]


def check_common(vtext, doc):
    """net, data, point and claimed loss of an exported file against the certificate."""
    prob = P.problem(doc["problem"])
    assert rationals(definition(vtext, "point")) == flat_of(doc, prob, doc["point"])
    assert rationals(definition(vtext, "claimed_loss")) == [P.rational(doc["loss"], "loss")]
    rows = re.findall(r"^  \((\[.*?\]), (\[.*?\])\)", definition(vtext, "data"), flags=re.M)
    assert len(rows) == prob.m
    for j, (x, y) in enumerate(rows):
        assert rationals(x) == [prob.X[i, j] for i in range(prob.widths[0])]
        assert rationals(y) == [prob.Y[i, j] for i in range(prob.widths[-1])]
    net = definition(vtext, "net")
    assert "widths := [" + "; ".join(map(str, prob.widths)) + "]%nat" in net
    loss = {"squared": "Squared", "absolute": "Absolute", "hinge": "Hinge"}.get(prob.loss)
    assert f"lossk := {loss}" in net if loss else rationals(net.split("Huber")[1]) == [prob.loss_delta]
    assert rationals(net.split("pieces")[0].split("breakpoints")[1]) == list(prob.act.breakpoints)
    assert rationals(net.split("pieces")[1].split("lossk")[0]) == [v for s, c in zip(prob.act.slopes, prob.act.intercepts) for v in (s, c)]
    return prob


def expected_curve(doc, prob, ob):
    """Per parameter, its coefficients of t, t^2, ... (computed here from the certificate)."""
    terms = {1: ob["direction"]}
    if "second_order" in ob:
        terms[2] = ob["second_order"]
    terms.update({h["power"]: h["term"] for h in ob.get("higher_order", [])})
    flat = {k: flat_of(doc, prob, t) for k, t in terms.items()}
    n = len(flat[1])
    return [[flat[k][i] if k in flat else 0 for k in range(1, max(flat) + 1)] for i in range(n)]


@pytest.mark.parametrize("name", CURVES)
def test_round_trip_curves(name):
    doc = load(name)
    vtext = E.export(doc, name)
    prob = check_common(vtext, doc)
    obs = {o["kind"]: o for o in doc["obligations"]}
    for kind, coq in (("descent_curve", "descent"), ("ascent_curve", "ascent")):
        if kind in obs:
            inner = re.findall(r"\[([^\[\]]*)\]", definition(vtext, coq))
            assert [rationals(f"[{t}]") for t in inner] == expected_curve(doc, prob, obs[kind])
    if doc["claim"]["conclusion"] == "not_local_minimum":
        assert "Theorem not_minimum : not_local_min (risk net data) (params point)." in vtext
        assert rationals(definition(vtext, "better_point")) == flat_of(doc, prob, doc["better_point"])
        assert rationals(definition(vtext, "claimed_better_loss")) == [P.rational(doc["better_loss"], "b")]
    else:
        assert "Theorem saddle_point : saddle (risk net data) (params point)." in vtext and "ascent_curve" in obs
    assert E.theorems(vtext)[-1] in ("claimed_risks", "claimed_risk")


@pytest.mark.parametrize("name", CONVEX)
def test_round_trip_convex_losses(name):
    doc = load(name)
    vtext = E.export(doc, name)
    prob = check_common(vtext, doc)
    assert rationals(definition(vtext, "better_point")) == flat_of(doc, prob, doc["better_point"])
    ob = next(o for o in doc["obligations"] if o["kind"] == "affine_optimality")
    ev = definition(vtext, "evidence")
    assert rationals(ev.split("t1_mults")[1]) == [P.rational(v, "m") for v in ob["multipliers"][0]]
    assert rationals(ev.split("t1_fit_w := ")[1].split("]")[0]) == [P.rational(v, "w") for v in ob["affine_fit"]["weights"][0]]
    assert rationals(ev.split("t1_radius := ")[1].split(";")[0]) == [P.rational(ob["radius"], "r")]
    assert "Lemma checked : check_opt1 net data evidence = true." in vtext
    assert "Theorem spurious : spurious_local_min (risk net data) (params point)." in vtext


@pytest.mark.parametrize("name", DEEP)
def test_round_trip_deep_and_multi_output(name):
    """Several hidden layers or outputs: the fit (dy x dx), its biases, the radii and the
    multipliers (dy x m in the certificate, written per sample) read back from the .v file."""
    doc = load(name)
    vtext = E.export(doc, name)
    prob = check_common(vtext, doc)
    assert not (len(prob.widths) == 3 and prob.widths[-1] == 1)
    assert rationals(definition(vtext, "better_point")) == flat_of(doc, prob, doc["better_point"])
    assert rationals(definition(vtext, "claimed_better_loss")) == [P.rational(doc["better_loss"], "b")]
    ob = next(o for o in doc["obligations"] if o["kind"] == "affine_optimality")
    cell = next(o for o in doc["obligations"] if o["kind"] == "interior_cell")
    ev = definition(vtext, "evidence")
    field = lambda name, end: ev.split(f"{name} := ")[1].split(end)[0]
    assert rationals(field("d_radius", ";")) == [P.rational(cell["radius"], "r")]
    assert rationals(field("d_radii", "]")) == [P.rational(ob["radius"], "r")]
    rows = re.findall(r"\[([^\[\]]*)\]", field("d_fit_w", "; d_fit_b"))
    assert [rationals(f"[{r}]") for r in rows] == [[P.rational(v, "w") for v in row] for row in ob["affine_fit"]["weights"]]
    assert len(rows) == prob.widths[-1]
    assert rationals(field("d_fit_b", "]")) == [P.rational(v, "b") for v in ob["affine_fit"]["bias"]]
    per_sample = re.findall(r"\[([^\[\]]*)\]", ev.split("d_mults := ")[1])
    G = ob["multipliers"]
    assert [rationals(f"[{g}]") for g in per_sample] == [[P.rational(G[i][j], "g") for i in range(len(G))] for j in range(prob.m)]
    assert "Lemma checked : check_deep net data evidence = true." in vtext
    assert "Theorem spurious : spurious_local_min (risk net data) (params point)." in vtext
    assert E.theorems(vtext) == ["spurious", "claimed_risks"]


def test_deep_affine_reduction_has_no_multipliers():
    """The squared loss's affine_reduction (no multipliers: the checker uses the residuals);
    other losses need affine_optimality."""
    doc = copy.deepcopy(load(DEEP[0]))
    ob = next(o for o in doc["obligations"] if o["kind"] == "affine_optimality")
    ob["kind"] = "affine_reduction"
    del ob["multipliers"]
    ob["radius"] = "1/32"
    ev = definition(E.export(doc), "evidence")
    assert "d_mults := None" in ev and rationals(ev.split("d_radii := ")[1].split("]")[0]) == [fmpq(1, 32)]
    doc = copy.deepcopy(load(DEEP[2]))  # absolute loss
    next(o for o in doc["obligations"] if o["kind"] == "affine_optimality")["kind"] = "affine_reduction"
    with pytest.raises(E.Unsupported, match="affine_optimality"):
        E.export(doc)


@pytest.mark.parametrize("name", GLOBAL)
def test_round_trip_global_minima(name):
    doc = load(name)
    vtext = E.export(doc, name)
    prob = check_common(vtext, doc)
    e2e = next(o for o in doc["obligations"] if o["kind"] in ("linear_global_minimum", "convex_global_minimum"))["end_to_end"]
    assert rationals(definition(vtext, "end_to_end_weights")) == [P.rational(v, "w") for row in e2e["weights"] for v in row]
    assert rationals(definition(vtext, "end_to_end_bias")) == [P.rational(v, "b") for v in e2e["bias"]]
    assert "Theorem global_minimum : global_min (risk net data) (params point)." in vtext
    assert E.theorems(vtext) == ["global_minimum", "claimed_risk"]


def test_the_statement_uses_only_the_instance_and_the_library_definitions():
    vtext = E.export(load(THM1[0]), "odd (* name *) .json")
    assert vtext.count("(*") == vtext.count("*)") == 1
    for forbidden in ("Axiom", "Parameter", "Admitted", "admit", "native_compute", "Unset", "Set ", "Hypothesis", "Variable"):
        assert forbidden not in vtext


@pytest.mark.parametrize("name,why", [
    ("yun2018/deep-abs-global-min.json", "cells settled by z3"),
    ("petzka2021/deep-growth-2-4-4-1.json", "not kernel-checkable for local_minimum"),
    ("safran2018/k9-seed2.json", "version-2"),
    ("he2020/thm2-s11-d2-relu.json", "cell_multilinear"),
    ("yun2019/thm2-sigmoid.json", "transcendental"),
])
def test_unsupported_kinds_are_named(name, why):
    with pytest.raises(E.Unsupported, match=why):
        E.export(load(name))
    rep = K.check_file(os.path.join(PROOFS, name))
    assert rep.verdict is Verdict.UNKNOWN and why in rep.summary


def test_bad_field_is_invalid_naming_it(tmp_path):
    doc = load(THM1[0])
    doc["point"]["W1"][0][0] = 0.5  # a JSON float
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    rep = K.check_file(str(path))
    assert rep.verdict is Verdict.INVALID and "point.W1[0][0]" in rep.summary and str(path) in rep.summary
    path.write_text("{not json")
    assert K.check_file(str(path)).verdict is Verdict.INVALID


def test_digest_mismatch_is_invalid():
    doc = copy.deepcopy(load(THM1[0]))
    doc["problem"]["data"]["targets"][0][0] = "7/3"
    with pytest.raises(P.FormatError, match="problem_sha256"):
        E.export(doc)


def test_coqc_missing_gives_unknown_naming_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    rep = K.check_file(os.path.join(PROOFS, THM1[0]))
    assert rep.verdict is Verdict.UNKNOWN and "coqc" in rep.summary


@pytest.mark.parametrize("name", COVER)
def test_round_trip_cell_cover(name):
    """Cell cover (Cover.v): problem, point, claimed loss, radius and affine fit come back from the .v file."""
    doc = load(name)
    vtext = E.export(doc, name)
    prob = P.problem(doc["problem"])
    ob = doc["obligations"][0]
    assert ob["kind"] == "cell_cover"
    flat = [v for n in prob.param_names() for v in P.point(doc["point"], prob, "p")[n].entries()]
    assert rationals(definition(vtext, "point")) == flat
    assert rationals(definition(vtext, "claimed_loss")) == [P.rational(doc["loss"], "loss")]
    rows = re.findall(r"^  \((\[.*?\]), (\[.*?\])\)", definition(vtext, "data"), flags=re.M)
    assert [(rationals(x), rationals(y)) for x, y in rows] == \
        [([prob.X[i, j] for i in range(prob.widths[0])], [prob.Y[0, j]]) for j in range(prob.m)]
    net = definition(vtext, "net")
    assert f"widths := [{prob.widths[0]}; {prob.widths[1]}; 1]%nat" in net and "lossk := Squared" in net
    assert rationals(net.split("pieces")[1].split("lossk")[0]) == [v for s, c in zip(prob.act.slopes, prob.act.intercepts) for v in (s, c)]
    ev = definition(vtext, "evidence")
    radius, *fit = rationals(ev.split("cv_radius")[1])
    assert radius == P.rational(ob["radius"], "r")
    assert fit == [P.rational(v, "w") for v in ob["affine_fit"]["weights"][0]] + [P.rational(ob["affine_fit"]["bias"][0], "b")]
    assert "Theorem local_minimum : local_min (risk net data) (params point)." in vtext
    assert "Theorem claimed_risk : risk net data (params point) = Q2R claimed_loss." in vtext


@pytest.mark.parametrize("name", VALLEY)
def test_round_trip_valley(name):
    """Valley (Valley.v): the path, interval, member, multipliers, problem and point come back from the .v file."""
    doc = load(name)
    vtext = E.export(doc, name)
    prob = P.problem(doc["problem"])
    ob = next(o for o in doc["obligations"] if o["kind"] == "valley_path")
    flat = [v for n in prob.param_names() for v in P.point(doc["point"], prob, "p")[n].entries()]
    assert rationals(definition(vtext, "point")) == flat
    assert rationals(definition(vtext, "claimed_loss")) == [P.rational(doc["loss"], "loss")]
    rows = re.findall(r"^  (\[.*?\])", definition(vtext, "path"), flags=re.M)
    coeffs = [c for n in prob.param_names() for row in ob["path"][n] for c in ([row] if n[0] == "b" else row)]
    assert [rationals(r) for r in rows] == [[P.rational(v, "c") for v in cs] for cs in coeffs]
    for name_, end in (("eta_lo", ob["interval"][0]), ("eta_hi", ob["interval"][1])):
        assert definition(vtext, name_) == "None" if end is None else rationals(definition(vtext, name_)) == [P.rational(end, "e")]
    assert rationals(definition(vtext, "eta_at")) == [P.rational(ob["at"], "at")]
    ev = definition(vtext, "evidence")
    assert rationals(ev.split("vl_mults")[1].split("vl_loss")[0]) == [P.rational(v, "g") for v in ob["multipliers"][0]]
    data = re.findall(r"^  \((\[.*?\]), (\[.*?\])\)", definition(vtext, "data"), flags=re.M)
    assert [(rationals(x), rationals(y)) for x, y in data] == \
        [([prob.X[i, j] for i in range(prob.widths[0])], [prob.Y[0, j]]) for j in range(prob.m)]
    assert "Theorem valley_of_minima : valley (risk net data) path eta_lo eta_hi (Q2R claimed_loss)." in vtext
    if "better_point" in doc:
        assert rationals(definition(vtext, "better_point")) == [v for n in prob.param_names() for v in P.point(doc["better_point"], prob, "p")[n].entries()]
        assert "Theorem claimed_risks" in vtext


@pytest.mark.parametrize("name", CELLS)
def test_round_trip_cell(name):
    """Cell minima (Cell.v): problem, point, claimed loss and multipliers come back from the .v file."""
    doc = load(name)
    vtext = E.export(doc, name)
    prob = P.problem(doc["problem"])
    ob = doc["obligations"][0]
    assert ob["kind"] == "cell_global_minima"
    flat = [v for n in prob.param_names() for v in P.point(doc["point"], prob, "p")[n].entries()]
    assert rationals(definition(vtext, "point")) == flat
    assert rationals(definition(vtext, "claimed_loss")) == [P.rational(doc["loss"], "loss")]
    data = re.findall(r"^  \((\[.*?\]), (\[.*?\])\)", definition(vtext, "data"), flags=re.M)
    assert [(rationals(x), rationals(y)) for x, y in data] == \
        [([prob.X[i, j] for i in range(prob.widths[0])], [prob.Y[0, j]]) for j in range(prob.m)]
    net = definition(vtext, "net")
    assert rationals(net.split("pieces")[1].split("lossk")[0]) == [v for s, c in zip(prob.act.slopes, prob.act.intercepts) for v in (s, c)]
    ev = definition(vtext, "evidence")
    mults = rationals(ev.split("cl_mults")[1].split("cl_loss")[0])
    assert mults == ([P.rational(v, "g") for v in ob["multipliers"][0]] if "multipliers" in ob else [])
    assert ("cl_mults := None" in ev) == ("multipliers" not in ob)
    assert "Theorem minima_of_cell : cell_minima net data (params point)." in vtext


def test_bad_valley_path_is_invalid_naming_the_field(tmp_path):
    doc = copy.deepcopy(load(VALLEY[0]))
    doc["obligations"][0]["path"]["b1"][0][1] = "x"
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    rep = K.check_file(str(f))
    assert rep.verdict is Verdict.INVALID and "obligations[0].path.b1[0][0][1]" in rep.summary and "'x'" in rep.summary
    doc["obligations"][0]["path"]["b1"] = [["1"]]
    with pytest.raises(P.FormatError, match="expected 2 x 1 coefficient lists"):
        E.export(doc)


def test_deep_valleys_are_not_exported():
    assert "one hidden layer" in E.unsupported(load("christof2023/thm-worked-continuum-relu-squared.json"))


@pytest.mark.parametrize("name,why", [("yun2018/deep-abs-global-min.json", "z3"), ("yun2018/hinge-boundary-min.json", "z3")])
def test_cell_covers_resting_on_z3_are_not_exported(name, why):
    assert why in E.unsupported(load(name))


def test_cell_cover_with_a_kink_on_a_sample_of_nonzero_residual_is_not_exported():
    doc = copy.deepcopy(load("yun2018/boundary-min-relu.json"))
    doc["obligations"][0]["affine_fit"]["bias"] = ["1"]  # every residual nonzero, the kink at sample 4 now counts
    doc.pop("problem_sha256")
    assert "breakpoint at sample 4" in E.unsupported(doc)


def test_axiom_lines_are_read_from_print_assumptions():
    out = "Axioms:\nClassicalDedekindReals.sig_forall_dec\n  : forall P : nat -> Prop,\nmy_axiom : False\n"
    assert K._axioms(out) == ["ClassicalDedekindReals.sig_forall_dec", "my_axiom"]
    assert K._axioms("Closed under the global context\n") == []


def test_docs_state_the_sizes_of_the_kernel_route():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    kernel_md = open(os.path.join(root, "docs", "kernel.md"), encoding="utf-8").read()
    trust_md = open(os.path.join(root, "docs", "trust-model.md"), encoding="utf-8").read()
    base = os.path.join(root, "symcert", "kernel_coq")
    for name in ("Defs.v", "QSem.v", "Lists.v", "Affine.v", "Thm1.v", "Curves.v", "Subgrad.v", "Linear.v", "Convex1.v", "Deep.v", "Cover.v", "Paths.v", "Valley.v",
                 "CellDefs.v", "Cell.v", "CellPath.v", "CellSound.v", "FloatDefs.v", "Near.v"):
        n = sum(1 for _ in open(os.path.join(base, "coq", name), encoding="utf-8"))
        assert f"| `{name}` | {n} |" in kernel_md, name
    for name in ("export.py", "export_more.py", "kernel.py", "library.py"):
        n = sum(1 for _ in open(os.path.join(base, name), encoding="utf-8"))
        assert f"`symcert/kernel_coq/{name}` | {n} |" in trust_md, name
    for name in ("Defs.v", "FloatDefs.v"):
        n = sum(1 for _ in open(os.path.join(base, "coq", name), encoding="utf-8"))
        assert f"`symcert/kernel_coq/coq/{name}` | {n} |" in trust_md, name


def test_cli_export_writes_one_file_or_names_why_not(tmp_path, capsys):
    from symcert.cli import main
    assert main(["export", "--coq", os.path.join(PROOFS, THM1[0]), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out.strip()
    assert out.endswith(".v") and os.path.isfile(out) and "Theorem spurious" in open(out).read()
    assert main(["export", "--coq", os.path.join(PROOFS, "yun2018/deep-abs-global-min.json"), "-o", str(tmp_path)]) == Verdict.UNKNOWN.exit_code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not kernel-checkable" in err[0]


def test_cli_refuses_options_the_route_ignores(capsys):
    from symcert.cli import main
    cert = os.path.join(PROOFS, THM1[0])
    assert main(["check", "--kernel", "coq", "--smt-timeout", "5", cert]) == 2
    assert main(["check", "--kernel-timeout", "5", cert]) == 2
    assert main(["check", "--kernel", "coq", "--kernel-timeout", "0", cert]) == 2
    err = capsys.readouterr().err
    assert "--smt-timeout" in err and "--kernel-timeout" in err


def test_kernel_route_imports_nothing_from_the_generator():
    import ast
    import glob
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    generator = ("symcert.claims", "symcert.provers", "symcert.model", "symcert.inputs", "symcert.landscape", "symcert.certificate",
                 "symcert.cli", "symcert.transform", "symcert.spec", "symcert.explain")
    for f in glob.glob(os.path.join(root, "symcert", "kernel_coq", "*.py")):
        for node in ast.walk(ast.parse(open(f, encoding="utf-8").read())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for n in names:
                assert not n.startswith(generator), (f, n)


def descent_near_float(keep_better: bool):
    """own/relu-saddle as a not_local_minimum_near_float certificate (none is in proofs/)."""
    doc = copy.deepcopy(load("own/relu-saddle.json"))
    doc["claim"]["conclusion"] = "not_local_minimum_near_float"
    drop = ("gradient_zero", "ascent_curve") + (() if keep_better else ("strictly_lower",))
    doc["obligations"] = [o for o in doc["obligations"] if o["kind"] not in drop]
    return doc


@pytest.mark.parametrize("name", NEAR + ["descent-with-better", "descent-alone"])
def test_round_trip_near_float(name):
    """Near a float point (export_more.py): the point, the float point, the distance, the better
    point and the multipliers come back from the .v file, with the statements of the conclusion."""
    doc = descent_near_float(name == "descent-with-better") if name.startswith("descent") else load(name)
    vtext = E.export(doc, name)
    prob = P.problem(doc["problem"])
    obs = {o["kind"]: o for o in doc["obligations"]}
    assert rationals(definition(vtext, "point")) == flat_of(doc, prob, doc["point"])
    assert rationals(definition(vtext, "float_point")) == flat_of(doc, prob, obs["float_distance"]["float_point"])
    assert rationals(definition(vtext, "distance")) == [P.rational(obs["float_distance"]["distance"], "d")]
    assert rationals(definition(vtext, "claimed_loss")) == [P.rational(doc["loss"], "loss")]
    data = re.findall(r"^  \((\[.*?\]), (\[.*?\])\)", definition(vtext, "data"), flags=re.M)
    assert [(rationals(x), rationals(y)) for x, y in data] == \
        [([prob.X[i, j] for i in range(prob.widths[0])], [prob.Y[0, j]]) for j in range(prob.m)]
    assert "Theorem float_distance : at_distance (params point) (params float_point) (Q2R distance)." in vtext
    if "strictly_lower" in obs:
        assert rationals(definition(vtext, "better_point")) == flat_of(doc, prob, doc["better_point"])
        assert "Theorem claimed_risks :" in vtext
    statement = {"not_local_minimum_near_float": "Theorem not_minimum : not_local_min (risk net data) (params point).",
                 "local_minimum_near_float": "Theorem local_minimum : local_min (risk net data) (params point).",
                 "spurious_local_minimum_near_float": "Theorem spurious : spurious_local_min (risk net data) (params point).",
                 "saddle_point_near_float": "Theorem saddle_point : saddle (risk net data) (params point)."}
    assert statement[doc["claim"]["conclusion"]] in vtext
    if "lifted_normal_equations" in obs:
        ev = definition(vtext, "evidence")
        ob = obs["lifted_normal_equations"]
        assert rationals(ev.split("cl_mults")[1].split("cl_loss")[0]) == \
            ([P.rational(v, "g") for v in ob["multipliers"][0]] if "multipliers" in ob else [])



def test_near_float_minimum_with_a_zero_output_weight_is_not_exported():
    """check_cell needs every output weight nonzero; the exporter names it (UNKNOWN, not a false REJECTED)."""
    doc = copy.deepcopy(load("own/relu-min.json"))
    doc["point"]["W2"][0][1] = "0"
    assert "output weight is 0" in E.unsupported(doc)
    assert E.unsupported(load("own/relu-min.json")) is None
