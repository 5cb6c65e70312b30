"""Certificate -> Coq file (trusted: the file's theorem statement is what the kernel proves).

``export(doc)`` turns a supported certificate into one ``.v`` file: the instance as data (every
number as a Coq rational ``(p # q)``, read from the certificate by the checker's strict
parser), a theorem a reader can audit, and its proof by the reflective checker of the Coq
library (``vm_compute``, re-done by the kernel at ``Qed``). ``unsupported(doc)`` names why a
certificate has no kernel route. The module reads JSON and writes text; it decides nothing.
"""
from __future__ import annotations

import hashlib
import json
import re

from flint import fmpq

from symcert.checker import problem as P
from symcert.checker.descent import higher_terms

THM1_KINDS = {"gradient_zero": (0, 1), "interior_cell": (1, 1), "affine_reduction": (0, 1), "affine_optimality": (0, 1),
              "smt_cell_minimum": (0, 1), "strictly_lower": (1, 1)}  # kind -> (min, max) count
DESCENT_KINDS = {"descent_curve": (1, 1), "strictly_lower": (1, 1)}
SADDLE_KINDS = {"gradient_zero": (0, 1), "descent_curve": (1, 1), "ascent_curve": (1, 1)}
GLOBAL_KINDS = {"gradient_zero": (0, 1), "linear_global_minimum": (0, 1), "convex_global_minimum": (0, 1)}
COVER_KINDS = {"cell_cover": (1, 1)}
VALLEY_KINDS = {"valley_path": (1, 1)}
CONTINUUM_KINDS = {"valley_path": (1, 1), "strictly_lower": (1, 1)}
CELL_KINDS = {"cell_global_minima": (1, 1)}
E2E = ("linear_global_minimum", "convex_global_minimum")  # exactly one of them (global_minimum)
ROUTES = {"spurious_local_minimum": THM1_KINDS, "not_local_minimum": DESCENT_KINDS, "saddle_point": SADDLE_KINDS,
          "global_minimum": GLOBAL_KINDS, "local_minimum": COVER_KINDS,
          "valley_of_local_minima": VALLEY_KINDS, "continuum_of_spurious_local_minima": CONTINUUM_KINDS,
          "global_minima_of_cell": CELL_KINDS}
FITS = ("affine_reduction", "affine_optimality")  # exactly one of them (spurious_local_minimum)
MAX_NUMBERS = 2_000_000
MORE: dict = {}  # obligation kind -> reader(n_ob, prob, c), filled by export_more


class Unsupported(Exception):
    """The certificate is of a kind the Coq library does not check (the message says why)."""


def q(v) -> str:
    """A rational as a Coq term of type Q."""
    return f"({int(v.p)} # {int(v.q)})"


def loss_term(prob) -> str:
    return f"(Huber {q(prob.loss_delta)})" if prob.loss == "huber" else prob.loss.capitalize()


def qlist(vals) -> str:
    return "[" + "; ".join(q(v) for v in vals) + "]"


def flat_point(pt: dict, prob) -> list:
    """The parameters in the order of the certificate: W1 row by row, b1, W2, b2, ..."""
    out = []
    for name in prob.param_names():
        out.extend(pt[name].entries())
    return out


def _obligations(doc, kinds: dict, conclusion: str, loss: str) -> dict:
    obs = P.get(doc, "obligations", "", list)
    by_kind: dict = {}
    for n, ob in enumerate(obs):
        kind = P.get(ob, "kind", f"obligations[{n}]", str)
        by_kind.setdefault(kind, []).append((n, ob))
    for kind, items in by_kind.items():
        lo_hi = kinds.get(kind)
        if lo_hi is None:
            raise Unsupported(f"obligation kind {kind} is not kernel-checkable for {conclusion} (the Coq library checks {', '.join(kinds)})")
        if len(items) > lo_hi[1]:
            raise Unsupported(f"more than one {kind} obligation")
    for kind, (lo, _) in kinds.items():
        if lo and kind not in by_kind:
            raise Unsupported(f"no {kind} obligation")
    if kinds is THM1_KINDS and sum(k in by_kind for k in FITS) != 1:
        raise Unsupported("the kernel route needs exactly one affine_reduction or affine_optimality obligation")
    if kinds is GLOBAL_KINDS and sum(k in by_kind for k in E2E) != 1:
        raise Unsupported("the kernel route needs exactly one linear_global_minimum or convex_global_minimum obligation")
    if kinds is THM1_KINDS and loss != "squared" and "affine_optimality" not in by_kind:
        raise Unsupported(f"the {loss} loss needs an affine_optimality obligation (subgradient multipliers)")
    return by_kind


def _digest_ok(doc) -> bool:
    text = json.dumps(doc["problem"], sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    return hashlib.sha256(text.encode("ascii")).hexdigest() == doc.get("problem_sha256")


def read(doc) -> dict:
    """Validate and read a certificate of a supported kind (raises Unsupported or FormatError)."""
    if P.get(doc, "format", "", str) != "symcert-certificate" or P.get(doc, "version", "", int) not in (1, 2, 3):
        raise P.FormatError("format", doc.get("format"), "not a symcert certificate of version 1, 2 or 3")
    if doc["version"] == 2:
        raise Unsupported("version-2 certificates (loss enclosures of population and box problems) rest on arb ball arithmetic")
    conclusion = P.get(P.get(doc, "claim", "", dict), "conclusion", "claim", str)
    if conclusion not in ROUTES:
        raise Unsupported(f"conclusion {conclusion} is not kernel-checkable yet (supported: {', '.join(ROUTES)})")
    spec = P.get(doc, "problem", "", dict)
    if P.get(P.get(spec, "network", "problem", dict), "activation", "problem.network", dict).get("kind") != "piecewise_linear":
        raise Unsupported("smooth activations rest on arb ball arithmetic (transcendental values), which the Coq library does not cover")
    P.require_packed_version(doc, doc["version"])  # as the checker
    prob = P.problem(spec)  # data as rows of numbers or packed (version 3): the same values, the same export
    if prob.m * (prob.widths[0] + 1) > MAX_NUMBERS:
        raise P.FormatError("problem.data", prob.m, f"more than {MAX_NUMBERS} numbers")
    obs = _obligations(doc, ROUTES[conclusion], conclusion, prob.loss)
    if "problem_sha256" in doc and not _digest_ok(doc):
        raise P.FormatError("problem_sha256", doc["problem_sha256"], "does not match the problem statement")
    c = {"conclusion": conclusion, "prob": prob, "point": flat_point(P.point(P.get(doc, "point", ""), prob, "point"), prob),
         "loss": P.rational(P.get(doc, "loss", ""), "loss")}
    if "strictly_lower" in obs:
        c["better"] = flat_point(P.point(P.get(doc, "better_point", ""), prob, "better_point"), prob)
        c["better_loss"] = P.rational(P.get(doc, "better_loss", ""), "better_loss")
    for kind in ("descent_curve", "ascent_curve"):
        if kind in obs:
            c[kind] = curve_terms(obs[kind][0][1], prob, f"obligations[{obs[kind][0][0]}]")
    if conclusion == "spurious_local_minimum":
        c.update(_read_fit(obs, prob) if _shallow(prob) else _read_deep_fit(obs, prob))
    if conclusion == "local_minimum":
        c.update(_read_cover(obs["cell_cover"][0], prob, c["point"]))
    if "valley_path" in obs:
        c.update(_read_valley(obs["valley_path"][0], prob))
    if "cell_global_minima" in obs:
        c.update(_read_cell(obs["cell_global_minima"][0], prob))
    for kind in MORE.keys() & obs.keys():
        c.update(MORE[kind](obs[kind][0], prob, c))
    for n, ob in obs.get("linear_global_minimum", []) + obs.get("convex_global_minimum", []):
        e2e, path = P.get(ob, "end_to_end", f"obligations[{n}]", dict), f"obligations[{n}].end_to_end"
        dx, dy = prob.widths[0], prob.widths[-1]
        W = P.matrix(P.get(e2e, "weights", path), dy, dx, f"{path}.weights")
        c["e2e"] = ([[W[i, k] for k in range(dx)] for i in range(dy)], P.vector(e2e.get("bias"), dy, f"{path}.bias"))
    return c


def curve_terms(ob: dict, prob, path: str) -> list:
    """Per parameter, its coefficients of t, t^2, ..., t^k along the obligation's curve."""
    terms = {1: P.point(P.get(ob, "direction", path), prob, f"{path}.direction")}
    if "second_order" in ob:
        terms[2] = P.point(ob["second_order"], prob, f"{path}.second_order")
    terms.update(higher_terms(ob, prob, path))
    top = max(terms)
    zero = [fmpq(0)] * len(flat_point(terms[1], prob))
    flat = [flat_point(terms[k], prob) if k in terms else zero for k in range(1, top + 1)]
    return [[flat[k][i] for k in range(top)] for i in range(len(zero))]


def _read_fit(obs: dict, prob) -> dict:
    fit_kind = next(k for k in FITS if k in obs)
    fit_n, fit_ob = obs[fit_kind][0]
    Wb = P.matrix(P.get(P.get(fit_ob, "affine_fit", f"obligations[{fit_n}]", dict), "weights", f"obligations[{fit_n}].affine_fit"),
                  1, prob.widths[0], f"obligations[{fit_n}].affine_fit.weights")
    bb = P.vector(fit_ob["affine_fit"].get("bias"), 1, f"obligations[{fit_n}].affine_fit.bias")
    mults = None
    if fit_kind == "affine_optimality":
        mults = P.matrix(P.get(fit_ob, "multipliers", f"obligations[{fit_n}]"), 1, prob.m, f"obligations[{fit_n}].multipliers").entries()
    radius = lambda kind: [P.rational(P.get(ob, "radius", f"obligations[{n}]"), f"obligations[{n}].radius") for n, ob in obs.get(kind, [])]
    return {"radius": radius("interior_cell")[0], "radii": radius(fit_kind) + radius("smt_cell_minimum"),
            "mults": mults, "fit_w": list(Wb.entries()), "fit_b": bb[0]}


def _shallow(prob) -> bool:
    """One hidden layer and a scalar output: check_thm1 / check_opt1; otherwise check_deep."""
    return len(prob.widths) == 3 and prob.widths[2] == 1


def _read_deep_fit(obs: dict, prob) -> dict:
    """The fit of a network with several hidden layers or outputs: the dy x dx weights, the dy
    biases, and for affine_optimality the dy x m multipliers, written per sample (column j)."""
    kind = next(k for k in FITS if k in obs)
    n, ob = obs[kind][0]
    path, dx, dy = f"obligations[{n}]", prob.widths[0], prob.widths[-1]
    fit = P.get(ob, "affine_fit", path, dict)
    W = P.matrix(P.get(fit, "weights", f"{path}.affine_fit"), dy, dx, f"{path}.affine_fit.weights")
    G = P.matrix(P.get(ob, "multipliers", path), dy, prob.m, f"{path}.multipliers") if kind == "affine_optimality" else None
    radius = lambda kind: [P.rational(P.get(o, "radius", f"obligations[{k}]"), f"obligations[{k}].radius") for k, o in obs.get(kind, [])]
    return {"route": "spurious_deep", "radius": radius("interior_cell")[0], "radii": radius(kind) + radius("smt_cell_minimum"),
            "fit_W": [[W[i, k] for k in range(dx)] for i in range(dy)], "fit_bv": list(P.vector(fit.get("bias"), dy, f"{path}.affine_fit.bias")),
            "mults_by_sample": None if G is None else [[G[i, j] for i in range(dy)] for j in range(prob.m)]}


def _read_cover(n_ob, prob, point: list) -> dict:
    """A cell_cover obligation the Coq library checks (Cover.v): one hidden layer, scalar output,
    squared loss, every cell by affine_exceptions, and no kinked hidden pre-activation on a sample
    where the affine fit's residual is nonzero."""
    n, ob = n_ob
    path = f"obligations[{n}]"
    proofs = {P.get(ent, "proof", f"{path}.cells[{k}]", str) for k, ent in enumerate(P.get(ob, "cells", path, list))}
    if proofs - {"affine_exceptions"}:
        raise Unsupported(f"cells settled by {', '.join(sorted(proofs - {'affine_exceptions'}))}: z3's nonlinear 'unsat' has no proof object")
    if len(prob.widths) != 3 or prob.widths[2] != 1 or prob.loss != "squared":
        raise Unsupported(f"the Coq library checks cell covers of one hidden layer, scalar output, squared loss (here widths {list(prob.widths)}, {prob.loss} loss)")
    fit = P.get(ob, "affine_fit", path, dict)
    dx, h = prob.widths[0], prob.widths[1]
    W = P.matrix(P.get(fit, "weights", f"{path}.affine_fit"), 1, dx, f"{path}.affine_fit.weights")
    b = P.vector(fit.get("bias"), 1, f"{path}.affine_fit.bias")[0]
    for j in range(prob.m):
        x = [prob.X[k, j] for k in range(dx)]
        if sum((W[0, k] * x[k] for k in range(dx)), b) == prob.Y[0, j]:
            continue
        for i in range(h):
            z = sum((point[i * dx + k] * x[k] for k in range(dx)), point[h * dx + i])
            if z in prob.act.breakpoints:
                raise Unsupported(f"hidden neuron {i + 1} is on a breakpoint at sample {j + 1}, where the fit's residual is nonzero: "
                                  "the cell cover's pattern argument is not modelled in Coq (only kinks on samples of residual 0)")
    return {"radius": P.rational(P.get(ob, "radius", path), f"{path}.radius"), "fit_w": list(W.entries()), "fit_b": b}


def _read_valley(n_ob, prob) -> dict:
    """A valley_path obligation (Valley.v): one hidden layer, scalar output; the path as one
    coefficient list per parameter, in the order of the point."""
    n, ob = n_ob
    path = f"obligations[{n}]"
    if len(prob.widths) != 3 or prob.widths[2] != 1:
        raise Unsupported(f"the Coq library checks valleys of one hidden layer, scalar output (here widths {list(prob.widths)})")
    spec, flat = P.get(ob, "path", path, dict), []
    for name in prob.param_names():
        r, cols = prob.param_shape(name)
        given = P.get(spec, name, f"{path}.path", list)
        rows = [[v] for v in given] if name[0] == "b" else given
        if len(rows) != r or any(not isinstance(row, list) or len(row) != cols for row in rows):
            raise P.FormatError(f"{path}.path.{name}", given, f"expected {r} x {cols} coefficient lists")
        for i, row in enumerate(rows):
            for j, coeffs in enumerate(row):
                where = f"{path}.path.{name}[{i}][{j}]"
                if not isinstance(coeffs, list) or not 1 <= len(coeffs) <= 17:
                    raise P.FormatError(where, coeffs, "expected a list of 1..17 coefficients")
                flat.append([P.rational(v, f"{where}[{k}]") for k, v in enumerate(coeffs)])
    ends = P.get(ob, "interval", path, list)
    if len(ends) != 2:
        raise P.FormatError(f"{path}.interval", ends, "expected [lo, hi] (null for an infinite end)")
    lo, hi = (None if e is None else P.rational(e, f"{path}.interval[{k}]") for k, e in enumerate(ends))
    at = P.rational(P.get(ob, "at", path), f"{path}.at")
    mults = P.matrix(P.get(ob, "multipliers", path), 1, prob.m, f"{path}.multipliers").entries()
    return {"path": flat, "lo": lo, "hi": hi, "at": at, "other": _other_member(flat, lo, hi, at), "mults": list(mults)}


def _read_cell(n_ob, prob) -> dict:
    """A cell_global_minima (or lifted_normal_equations) obligation (Cell.v): one hidden layer, one output."""
    n, ob = n_ob
    if len(prob.widths) != 3 or prob.widths[2] != 1:
        raise Unsupported(f"the Coq library checks cells of one hidden layer, one output (here widths {list(prob.widths)})")
    mults = None
    if "multipliers" in ob:
        mults = list(P.matrix(ob["multipliers"], 1, prob.m, f"obligations[{n}].multipliers").entries())
    return {"cell_mults": mults}


def _other_member(flat: list, lo, hi, at):
    """A parameter value of the interval whose member differs from the point's (a witness the
    kernel re-checks: the path is not constant); ``at`` itself if none of the tried values is."""
    val = lambda cs, t: sum((c * t ** k for k, c in enumerate(cs)), fmpq(0))
    for k in range(24):
        for t in (at + fmpq(1, 2 ** k), at - fmpq(1, 2 ** k)):
            if (lo is None or lo < t) and (hi is None or t < hi) and any(val(cs, t) != val(cs, at) for cs in flat):
                return t
    return at


def unsupported(doc) -> str | None:
    """None when the certificate has a kernel route, else the reason it has none."""
    try:
        read(doc)
    except Unsupported as exc:
        return str(exc)
    except P.FormatError:
        return None  # readable as supported as far as it goes; export() reports the bad field
    return None


def theorems(vtext: str) -> list[str]:
    """The names of the theorems an exported file states (each is probed with Print Assumptions)."""
    return re.findall(r"^Theorem (\w+) :", vtext, flags=re.M)


def export(doc, source: str = "") -> str:
    """The .v file of a supported certificate."""
    c = read(doc)
    prob = c["prob"]
    act = prob.act
    dy = prob.widths[-1]
    X, Y = prob.X, prob.Y
    samples = ";\n  ".join(f"({qlist(X[i, j] for i in range(prob.widths[0]))}, {qlist(Y[i, j] for i in range(dy))})" for j in range(prob.m))
    pieces = "; ".join(f"({q(s)}, {q(b)})" for s, b in zip(act.slopes, act.intercepts))
    name = re.sub(r"[^A-Za-z0-9_./-]", "_", source)[:200]  # no comment delimiters in the comment
    head = f"""(* symcert kernel export of {name} *)
From Coq Require Import List QArith Reals.
From Symcert Require Import Defs Thm1 Curves Subgrad Linear Convex1 Deep Cover Paths Valley CellDefs Cell CellSound FloatDefs Near.
Import ListNotations.
Local Open Scope Q_scope.

Definition net : network := {{|
  widths := [{"; ".join(str(w) for w in prob.widths)}]%nat;
  activ := {{| breakpoints := {qlist(act.breakpoints)}; pieces := [{pieces}] |}};
  lossk := {loss_term(prob)} |}}.

Definition data : list sample := [
  {samples}].

Definition point : list Q := {qlist(c["point"])}.
Definition claimed_loss : Q := {q(c["loss"])}.
"""
    return head + BODIES[c.get("route", c["conclusion"])](c)


def _curve(name: str, terms: list) -> str:
    return f"Definition {name} : list poly := [\n  " + ";\n  ".join(qlist(t) for t in terms) + "].\n"


def _lower(c) -> str:
    return f"""Definition better_point : list Q := {qlist(c["better"])}.
Definition claimed_better_loss : Q := {q(c["better_loss"])}.
"""


def _body_thm1(c) -> str:
    # squared loss: normal equations (Thm1.v); other convex losses: subgradient multipliers (Convex1.v)
    chk, pre = ("check_thm1", "thm1") if c["prob"].loss == "squared" else ("check_opt1", "opt1")
    return _lower(c) + f"""
Definition evidence : thm1_cert := {{|
  t1_point := point; t1_better := better_point;
  t1_loss := claimed_loss; t1_better_loss := claimed_better_loss;
  t1_radius := {q(c["radius"])}; t1_radii := {qlist(c["radii"])};
  t1_fit_w := {qlist(c["fit_w"])}; t1_fit_b := {q(c["fit_b"])};
  t1_mults := {"None" if c["mults"] is None else "Some " + qlist(c["mults"])} |}}.

Lemma checked : {chk} net data evidence = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem spurious : spurious_local_min (risk net data) (params point).
Proof. exact ({pre}_spurious net data evidence checked). Qed.

Theorem claimed_risks :
  risk net data (params point) = Q2R claimed_loss /\\
  risk net data (params better_point) = Q2R claimed_better_loss.
Proof. exact ({pre}_values net data evidence checked). Qed.
"""


# the better point's risk is strictly lower (Curves.v's check_lower); after _lower's definitions
RISKS = """
Lemma checked_risks : check_lower net data point claimed_loss better_point claimed_better_loss = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem claimed_risks :
  risk net data (params point) = Q2R claimed_loss /\\
  risk net data (params better_point) = Q2R claimed_better_loss /\\
  (risk net data (params better_point) < risk net data (params point))%R.
Proof. exact (lower_sound net data point claimed_loss better_point claimed_better_loss checked_risks). Qed.
"""


def _body_descent(c) -> str:
    return _lower(c) + _curve("descent", c["descent_curve"]) + """
Lemma checked : check_curve net data point descent Lt = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem not_minimum : not_local_min (risk net data) (params point).
Proof. exact (curve_down_sound net data point descent checked). Qed.
""" + RISKS


def _body_saddle(c) -> str:
    return _curve("descent", c["descent_curve"]) + _curve("ascent", c["ascent_curve"]) + """
Lemma checked_descent : check_curve net data point descent Lt = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Lemma checked_ascent : check_curve net data point ascent Gt = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Lemma checked_risk : check_value net data point claimed_loss = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem saddle_point : saddle (risk net data) (params point).
Proof. exact (saddle_sound net data point descent ascent checked_descent checked_ascent). Qed.

Theorem claimed_risk : risk net data (params point) = Q2R claimed_loss.
Proof. exact (value_sound net data point claimed_loss checked_risk). Qed.
"""


def _body_global(c) -> str:
    W, b = c["e2e"]
    return f"""Definition end_to_end_weights : list (list Q) := [{"; ".join(qlist(r) for r in W)}].
Definition end_to_end_bias : list Q := {qlist(b)}.

Lemma checked : check_linear net data point end_to_end_weights end_to_end_bias = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Lemma checked_risk : check_value net data point claimed_loss = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem global_minimum : global_min (risk net data) (params point).
Proof. exact (linear_sound net data point end_to_end_weights end_to_end_bias checked). Qed.

Theorem claimed_risk : risk net data (params point) = Q2R claimed_loss.
Proof. exact (value_sound net data point claimed_loss checked_risk). Qed.
"""


def _body_deep(c) -> str:
    G = c["mults_by_sample"]  # None: affine_reduction (squared loss), the residuals
    mults = "None" if G is None else "Some [\n    " + ";\n    ".join(qlist(g) for g in G) + "]"
    return _lower(c) + f"""
Definition evidence : deep_cert := {{|
  d_point := point; d_better := better_point;
  d_loss := claimed_loss; d_better_loss := claimed_better_loss;
  d_radius := {q(c["radius"])}; d_radii := {qlist(c["radii"])};
  d_fit_w := [{"; ".join(qlist(r) for r in c["fit_W"])}]; d_fit_b := {qlist(c["fit_bv"])};
  d_mults := {mults} |}}.

Lemma checked : check_deep net data evidence = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem spurious : spurious_local_min (risk net data) (params point).
Proof. exact (deep_spurious net data evidence checked). Qed.

Theorem claimed_risks :
  risk net data (params point) = Q2R claimed_loss /\\
  risk net data (params better_point) = Q2R claimed_better_loss.
Proof. exact (deep_values net data evidence checked). Qed.
"""


def _body_cover(c) -> str:
    return f"""
Definition evidence : cover_cert := {{|
  cv_point := point; cv_loss := claimed_loss; cv_radius := {q(c["radius"])};
  cv_fit_w := {qlist(c["fit_w"])}; cv_fit_b := {q(c["fit_b"])} |}}.

Lemma checked : check_cover net data evidence = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem local_minimum : local_min (risk net data) (params point).
Proof. exact (cover_local_min net data evidence checked). Qed.

Theorem claimed_risk : risk net data (params point) = Q2R claimed_loss.
Proof. exact (cover_value net data evidence checked). Qed.
"""


def _opt(v) -> str:  # an option Q
    return "None" if v is None else f"(Some {q(v)})"


def _body_valley(c) -> str:
    lower = _lower(c) if "better" in c else ""
    rows = ";\n  ".join(qlist(cs) for cs in c["path"])
    text = lower + f"""Definition path : list poly := [
  {rows}].
Definition eta_lo : option Q := {_opt(c["lo"])}.
Definition eta_hi : option Q := {_opt(c["hi"])}.
Definition eta_at : Q := {q(c["at"])}.

Definition evidence : valley_cert := {{|
  vl_path := path; vl_lo := eta_lo; vl_hi := eta_hi; vl_at := eta_at; vl_other := {q(c["other"])};
  vl_point := point; vl_mults := {qlist(c["mults"])}; vl_loss := claimed_loss |}}.

Lemma checked : check_valley net data evidence = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem valley_of_minima : valley (risk net data) path eta_lo eta_hi (Q2R claimed_loss).
Proof. exact (valley_minima net data evidence checked). Qed.

Theorem point_on_path : member path (Q2R eta_at) = params point /\\ in_interval eta_lo eta_hi (Q2R eta_at).
Proof. exact (valley_through_point net data evidence checked). Qed.
"""
    return text + (RISKS if lower else "")


def _body_cell(c) -> str:
    mults = "None" if c["cell_mults"] is None else "(Some " + qlist(c["cell_mults"]) + ")"
    return f"""
Definition evidence : cell_cert := {{| cl_point := point; cl_mults := {mults}; cl_loss := claimed_loss |}}.

Lemma checked : check_cell net data evidence = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem minima_of_cell : cell_minima net data (params point).
Proof. exact (cell_minima_sound net data evidence checked). Qed.

Theorem claimed_risk : risk net data (params point) = Q2R claimed_loss.
Proof. exact (cell_value net data evidence checked). Qed.
"""


BODIES = {"spurious_deep": _body_deep, "spurious_local_minimum": _body_thm1, "not_local_minimum": _body_descent,
          "saddle_point": _body_saddle, "global_minimum": _body_global, "local_minimum": _body_cover,
          "valley_of_local_minima": _body_valley, "continuum_of_spurious_local_minima": _body_valley,
          "global_minima_of_cell": _body_cell}

from symcert.kernel_coq import export_more  # noqa: E402,F401  (registers the near-float routes)
