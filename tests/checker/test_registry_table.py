"""The registry table and the verdict table (issue: the checker can be fooled).

* every obligation kind, with a real example of its fields taken from proofs/, run against a
  problem of every class found in proofs/: a verdict, never ERROR; REJECTED wherever the table
  says the kind does not apply;
* the loss swap: every certificate of proofs/ with its loss replaced by every other loss (the
  digest and the claimed loss recomputed by an independent evaluation) is never CERTIFIED;
* no vacuous conclusion: a constant valley path, a constant descent curve, a one-point split line.
"""
import copy
import hashlib
import json
from fractions import Fraction as F
from pathlib import Path

import pytest

from symcert.checker import Verdict, check_document
from symcert.checker import registry as R
from symcert.checker.reading import problem as read_problem

PROOFS = Path(__file__).resolve().parents[2] / "proofs"
DOCS = {str(p.relative_to(PROOFS)): json.loads(p.read_text()) for p in sorted(PROOFS.rglob("*.json"))}


def _class(doc) -> str:
    return R.problem_class(read_problem(doc["problem"]))


def _digest(doc) -> None:
    text = json.dumps(doc["problem"], sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    doc["problem_sha256"] = hashlib.sha256(text.encode("ascii")).hexdigest()


EXAMPLES = {}  # kind -> (certificate name, obligation) : a real obligation of each kind
for _name, _doc in DOCS.items():
    for _ob in _doc["obligations"]:
        EXAMPLES.setdefault(_ob["kind"], (_name, _ob))
SAMPLES = {}  # class -> a small certificate of that class
for _name, _doc in sorted(DOCS.items(), key=lambda kv: len(json.dumps(kv[1]))):
    SAMPLES.setdefault(_class(_doc), _name)


def test_table_covers_every_kind_and_the_examples():
    import importlib
    listed = {}
    for mod in {row.module for row in R.KINDS.values()}:
        listed.update({k: mod for k in importlib.import_module(f"symcert.checker.{mod}").CHECKS})
    assert listed == {k: row.module for k, row in R.KINDS.items()}  # one row per check function, no row without one
    assert all(callable(R.CHECKS[k]) for k in R.KINDS)
    assert set(EXAMPLES) <= set(R.KINDS)
    assert set(SAMPLES) == {R.PL, R.LIN, R.SMOOTH, R.POP}
    for kind, row in R.KINDS.items():
        assert row.classes <= set(R.CLASSES) and row.losses <= R.ALL_LOSSES | R.ARB_LOSSES and row.facts, kind


@pytest.mark.parametrize("cls", sorted(SAMPLES))
@pytest.mark.parametrize("kind", sorted(R.KINDS))
def test_every_kind_on_every_class_gives_a_verdict(kind, cls):
    doc = copy.deepcopy(DOCS[SAMPLES[cls]])
    doc.pop("rests_on", None)
    ob = copy.deepcopy(EXAMPLES[kind][1]) if kind in EXAMPLES else {"id": kind, "kind": kind}
    ob.pop("rests_on", None)
    doc["obligations"] = [ob]
    rep = check_document(doc, smt_timeout_ms=2000)
    assert rep.verdict is not Verdict.ERROR, rep.summary
    applies = cls in R.KINDS[kind].classes and read_problem(doc["problem"]).loss in R.KINDS[kind].losses
    if not applies:
        assert rep.verdict is Verdict.REJECTED and "does not apply" in rep.summary, rep.summary


# ---- loss swap ------------------------------------------------------------------------------

def _h(act: dict, t: F) -> F:
    """The piecewise-linear activation from its JSON, evaluated with Fractions (independent)."""
    bps = [F(b) for b in act["breakpoints"]]
    k = sum(1 for b in bps if t > b)
    a, c = act["pieces"][k]
    return F(a) * t + F(c)


def _risk(doc, loss: dict) -> F:
    """Independent risk: forward pass and per-entry loss in Python Fractions."""
    p = doc["problem"]
    widths, act = p["network"]["widths"], p["network"]["activation"]
    total = F(0)
    for x, y in zip(p["data"]["inputs"], p["data"]["targets"]):
        a = [F(v) for v in x]
        for l in range(1, len(widths)):
            W, b = doc["point"][f"W{l}"], doc["point"][f"b{l}"]
            z = [sum((F(W[i][j]) * a[j] for j in range(len(a))), F(b[i])) for i in range(widths[l])]
            a = z if l == len(widths) - 1 else [_h(act, zi) for zi in z]
        for o, t in zip(a, (F(v) for v in y)):
            r = o - t
            if loss["kind"] == "squared":
                total += r * r / 2
            elif loss["kind"] == "absolute":
                total += abs(r)
            elif loss["kind"] == "huber":
                d = F(loss["delta"])
                total += r * r / 2 if abs(r) <= d else d * (abs(r) - d / 2)
            else:
                total += max(F(0), 1 - t * o)
    return total


LOSS_FREE = ("cell_multilinear",)  # conclusions about the network's output alone
LOSSES = [{"kind": "squared"}, {"kind": "absolute"}, {"kind": "huber", "delta": "1/2"}, {"kind": "hinge"}, {"kind": "logistic"}]


@pytest.mark.parametrize("name", sorted(DOCS))
def test_loss_swap_is_never_certified(name):
    base = DOCS[name]
    pl = base["problem"].get("network", {}).get("activation", {}).get("kind") == "piecewise_linear"
    for loss in LOSSES:
        if loss == base["problem"]["loss"] or (loss["kind"] == base["problem"]["loss"]["kind"] != "huber"):
            continue
        doc = copy.deepcopy(base)
        doc["problem"]["loss"] = dict(loss)
        _digest(doc)
        if pl and loss["kind"] != "logistic" and (
                loss["kind"] != "hinge" or all(v in ("1", "-1") for row in doc["problem"]["data"]["targets"] for v in row)):
            r = _risk(doc, loss)
            doc["loss"] = str(r.numerator) if r.denominator == 1 else f"{r.numerator}/{r.denominator}"
        rep = check_document(doc, smt_timeout_ms=2000)
        if base["claim"]["conclusion"] in LOSS_FREE and rep.verdict is Verdict.CERTIFIED:
            # true whatever the loss: the conclusion is about the network's output; confirmed by
            # the independent risk (the claimed loss was recomputed in Fractions above)
            assert rep.risk == doc["loss"]
            continue
        if rep.verdict is Verdict.CERTIFIED:  # allowed only if the independent oracle confirms it
            why = _confirm(doc, loss)
            assert why is None, (loss, rep.summary, why)
            continue
        assert rep.verdict in (Verdict.REJECTED, Verdict.INVALID, Verdict.UNKNOWN), (loss, rep.verdict, rep.summary)


def _move(point: dict, terms) -> dict:
    """point + sum of t^k * term (terms: [(coefficient, term dict)])."""
    def add(a, b, c):
        if isinstance(a, list):
            return [add(x, y, c) for x, y in zip(a, b)]
        return F(a) + c * F(b)
    out = {k: v for k, v in point.items()}
    for c, term in terms:
        out = {k: add(out[k], term[k], c) for k in out}
    return out


def _confirm(doc, loss) -> str | None:
    """Independent oracle for a swapped certificate the checker accepted: None if it confirms the
    conclusion, else why not. Curves are sampled at t = 2^-j with the risk in Fractions; a local
    minimum is sampled at seeded random points of its box."""
    import random
    at = _risk(doc, loss)
    concl = doc["claim"]["conclusion"]
    for ob in doc["obligations"]:
        if ob["kind"] in ("descent_curve", "ascent_curve"):
            extra = [(k["power"], k["term"]) for k in ob.get("higher_order", [])]
            for j in (8, 16, 32, 48):
                t = F(1, 2 ** j)
                terms = [(t, ob["direction"])] + ([(t * t, ob["second_order"])] if "second_order" in ob else [])
                terms += [(t ** k, term) for k, term in extra]
                r = _risk({**doc, "point": _move(doc["point"], terms)}, loss)
                if (ob["kind"] == "descent_curve") != (r < at):
                    return f"{ob['kind']} at t = 2^-{j}: risk {r} vs {at}"
    if concl in ("local_minimum", "spurious_local_minimum"):
        radius = min(F(o["radius"]) for o in doc["obligations"] if "radius" in o)
        rng = random.Random(1)
        for _ in range(300):
            scale = radius * F(rng.choice((1, 1, 2, 8, 1000)), rng.choice((1, 2, 8, 1000)))
            scale = min(scale, radius)
            def rnd(v):
                return [rnd(x) for x in v] if isinstance(v, list) else scale * F(rng.randint(-8, 8), 8)
            q = _move(doc["point"], [(1, {k: rnd(v) for k, v in doc["point"].items()})])
            if _risk({**doc, "point": q}, loss) < at:
                return "a sampled point of the box has lower risk"
    elif concl not in ("saddle_point", "not_local_minimum"):
        return f"no oracle for conclusion {concl}"
    return None


def test_smooth_problem_with_another_loss_is_refused_before_evaluation():
    doc = copy.deepcopy(DOCS["ding2022/thm-saddle-refuted.json"])
    for kind in ("absolute", "hinge", "huber"):
        doc["problem"]["loss"] = {"kind": kind, **({"delta": "1"} if kind == "huber" else {})}
        doc["problem"]["data"]["targets"] = [["1"] if i % 2 else ["-1"] for i in range(len(doc["problem"]["data"]["targets"]))]
        _digest(doc)
        rep = check_document(doc)
        assert rep.verdict is Verdict.REJECTED and f"the {kind} loss is refused" in rep.summary, rep.summary


# ---- no vacuous conclusion ------------------------------------------------------------------

def _one_point_valley() -> dict:
    """widths [1, 1], x = (0, 1, 2), y = (0, 1, 0): the affine optimum b = 1/3 is an isolated
    strict minimum; a 'valley' given by a constant path is vacuous."""
    return {
        "format": "symcert-certificate", "version": 1,
        "claim": {"id": "he2020.valley", "conclusion": "valley_of_local_minima"},
        "problem": {"network": {"widths": [1, 1], "activation": {"kind": "piecewise_linear", "breakpoints": ["0"],
                                                                  "pieces": [["0", "0"], ["1", "0"]]}},
                    "loss": {"kind": "squared"}, "data": {"inputs": [["0"], ["1"], ["2"]], "targets": [["0"], ["1"], ["0"]]}},
        "point": {"W1": [["0"]], "b1": ["1/3"]}, "loss": "1/3",
        "obligations": [{"id": "v", "kind": "valley_path", "interval": [None, None], "at": "0",
                         "path": {"W1": [[["0"]]], "b1": [["1/3"]]}, "multipliers": [["1/3", "-2/3", "1/3"]]}],
    }


def test_constant_valley_path_is_rejected():
    rep = check_document(_one_point_valley())
    assert rep.verdict is Verdict.REJECTED and "constant" in rep.summary, rep.summary


def test_moving_valley_path_through_the_same_point_is_still_checked():
    doc = _one_point_valley()
    doc["obligations"][0]["path"]["W1"] = [[["0", "1"]]]  # W1 = eta: the outputs move, not a valley
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED and "not constant in the path parameter" in rep.summary, rep.summary


def test_constant_descent_curve_is_rejected():
    doc = copy.deepcopy(DOCS["yun2018/parked-saddle-relu.json"])
    ob = next(o for o in doc["obligations"] if o["kind"] == "descent_curve")
    for key in ("direction", "curve"):
        if key in ob:
            def zero(v):
                return [zero(x) for x in v] if isinstance(v, list) else ({k: zero(x) for k, x in v.items()} if isinstance(v, dict) else "0")
            ob[key] = zero(ob[key])
    doc.pop("rests_on", None)
    rep = check_document(doc)
    assert rep.verdict in (Verdict.REJECTED, Verdict.INVALID), rep.summary


def test_better_point_equal_to_the_point_is_rejected():
    doc = copy.deepcopy(DOCS["yun2019/thm1-case1-relu.json"])
    doc["better_point"] = copy.deepcopy(doc["point"])
    doc["better_loss"] = doc["loss"]
    rep = check_document(doc)
    assert rep.verdict is Verdict.REJECTED, rep.summary


def test_checking_a_piecewise_linear_certificate_imports_no_sympy():
    import subprocess
    import sys
    code = ("import sys; from symcert.checker import check_file; "
            f"r = check_file({str(PROOFS / 'yun2019' / 'thm4-depth2-global.json')!r}); "
            "assert r.verdict.name == 'CERTIFIED', r.summary; print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_ledger_strings_live_in_one_module():
    """Every ledger entry is defined once, in symcert/checker/ledger.py (no string typed twice)."""
    import ast
    root = Path(__file__).resolve().parents[2] / "symcert" / "checker"
    from symcert.checker import ledger
    texts = [v for k, v in vars(ledger).items() if k.isupper() and isinstance(v, str)]
    assert len(texts) == len(set(texts))
    for path in root.glob("*.py"):
        if path.name == "ledger.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in texts, f"{path.name} types the ledger entry {node.value[:40]!r}"
                assert not node.value.startswith("lemma"), f"{path.name}: a lemma string outside ledger.py"


def test_no_import_cycles_inside_the_checker():
    """The static import graph of symcert/checker (lazy imports included) has no cycle."""
    import ast
    base = Path(__file__).resolve().parents[2] / "symcert" / "checker"
    names = {p.stem for p in base.glob("*.py")} - {"__init__"}
    graph = {}
    for m in names:
        deps = set()
        for node in ast.walk(ast.parse((base / f"{m}.py").read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "symcert.checker":
                deps.update(a.name for a in node.names if a.name in names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("symcert.checker."):
                deps.add(node.module.split(".")[2])
        graph[m] = deps - {m}

    def reaches(a, b, seen=()):
        return a == b or any(reaches(c, b, (*seen, a)) for c in graph.get(a, ()) if c not in seen)
    bad = [(a, b) for a in graph for b in graph[a] if reaches(b, a)]
    assert not bad, f"import cycles: {bad}"
