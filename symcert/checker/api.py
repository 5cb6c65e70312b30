"""The checker's public surface: everything the generator side may import from the trusted checker.

Generator modules (symcert/claims, provers, transform, inputs, certificate, spec, explain, cli)
import checker things only from here (tests/checker/test_independence.py enforces it), so the
checker's internals can change without the generator noticing, and what the generator leans on
is listed in one place:

* check entry points and the verdict table: ``check_document``, ``check_file``, ``Verdict``;
* readers of problems, points and numbers: ``parse_problem``, ``parse_point``, ``parse_rational``;
* the exact kernel (``kernel``, ``losses``, and ``scaled`` / ``stream``: integer numerators, one
  hidden layer one neuron at a time) and the smooth evaluator (``smooth``, ``Evaluator``);
* the population class (``population``: problem reader and arb evaluator; ``population_obligations``:
  Krawczyk image, LDL^T, Weyl shift), which the generator uses to choose radius, shift and
  enclosure exactly as the checker will re-derive them;
* the same exact procedures the generator needs to build what the checker re-derives (cell
  enumeration at kinks, descent polynomials, neuron-split lines, real-root isolation);
* the logistic / cross-entropy box route (``layer_minimum``, ``risk_balls``, ``arb_precision``), which
  the generator runs to choose the radius and the loss enclosure the checker will re-derive;
* the stated-hypothesis predicates (``hypotheses``), which the generator runs before it builds;
* the ledger vocabulary (what an obligation rests on), and ``outcomes`` / ``check_obligation``,
  which re-derive obligations so the generator can write down what each one rests on or decide
  whether to include it. The verdict is always ``check_document``'s.
"""
from __future__ import annotations

import importlib

from symcert.checker import hypotheses, kernel, losses, population, population_obligations, scaled, stream
from symcert.checker import problem as _problem
from symcert.checker import reading as _reading
from symcert.checker.cells import MAX_CELLS, column_test, count_cells, cover_radii, enumerate_cells, kinked_entries, ledger_for, z3_cell
from symcert.checker.cells import _piece_fn as piece_fn
from symcert.checker.check import FORMAT, VERSION, Report, check_document, check_file
from symcert.checker.cellmin import design as lifted_design
from symcert.checker.convex import LEMMA as CONVEX_LEMMA
from symcert.checker.ledger import CELL_MINIMA_LEMMA
from symcert.checker.descent import POLY_T, risk_along
from symcert.checker.linear import LEMMA as LINEAR_LEMMA
from symcert.checker.linear import end_to_end
from symcert.checker.multilinear import POLY as MULTILINEAR_POLY
from symcert.checker.ledger import AFFINE_LEMMA, CONVEX_LINEAR_LEMMA, LAURENT_LEMMA, LAURENT_POLY, LIFTED_LEMMA, RATIONAL, Z3_NRA
from symcert.checker.obligations import Context, Outcome
from symcert.checker.path import _risk_fraction as risk_fraction
from symcert.checker.path import root_free
from symcert.checker.problem import FormatError, Problem, matrix, read_matrix
from symcert.checker.layer_box import layer_minimum, risk_balls
from symcert.checker.krawczyk_core import precision as arb_precision
from symcert.checker.registry import CHECKS
from symcert.checker.split import POLY_LAMBDA
from symcert.checker.split import line as split_line
from symcert.checker.valley import POLY as VALLEY_POLY
from symcert.checker.verdict import EXIT_CODE_TABLE, Verdict, combine

parse_problem = _reading.problem
parse_point = _reading.point
parse_rational = _problem.rational

MAX_OBLIGATIONS = 10_000


def _context(prob, point, better=None, better_loss=None, smt_timeout_ms: int = 60000) -> Context:
    from symcert.checker.check import _context as context_class
    return context_class(prob)(prob, point, better, better_loss, smt_timeout_ms)


def check_obligation(prob, point: dict, ob: dict, path: str = "obligation", facts=(), risk=None,
                     smt_timeout_ms: int = 60000) -> Outcome:
    """Re-derive one obligation at a point, given facts established before it; ``risk``, when
    given, is the exact risk at the point already known to the caller."""
    if ob.get("kind") not in CHECKS:
        raise FormatError(f"{path}.kind", ob.get("kind"), f"unknown obligation kind (known: {', '.join(CHECKS)})")
    ctx = _context(prob, point, smt_timeout_ms=smt_timeout_ms)
    ctx.facts.update(facts)
    if risk is not None:
        ctx._risk = risk
    return CHECKS[ob["kind"]](ctx, ob, path)


def outcomes(doc: dict, smt_timeout_ms: int = 60000) -> list[Outcome]:
    """Re-derive the obligations of a certificate document (plain JSON) in order, each with the
    facts of those before it, stopping after the first one that does not hold."""
    obs = doc["obligations"]
    if len(obs) > MAX_OBLIGATIONS:
        raise FormatError("obligations", len(obs), f"at most {MAX_OBLIGATIONS} obligations")
    prob = parse_problem(doc["problem"])
    point = parse_point(doc["point"], prob, "point")
    better = parse_point(doc["better_point"], prob, "better_point") if "better_point" in doc else None
    better_loss = parse_rational(doc["better_loss"], "better_loss") if "better_loss" in doc else None
    ctx = _context(prob, point, better, better_loss, smt_timeout_ms)
    out = []
    for n, ob in enumerate(obs):
        kind = ob.get("kind")
        if kind not in CHECKS:
            raise FormatError(f"obligations[{n}].kind", kind, f"unknown obligation kind (known: {', '.join(CHECKS)})")
        res = CHECKS[kind](ctx, ob, f"obligations[{n}]")
        out.append(res)
        if res.status != "holds":
            break
        ctx.facts.update(res.facts)
    return out


# the smooth machinery needs sympy: imported on first use, so that piecewise-linear work never
# loads it (start-up time of every command)
_LAZY = {"smooth": ("symcert.checker.smooth", None), "balls": ("symcert.checker.balls", None),
         "krawczyk": ("symcert.checker.krawczyk", None), "gauge": ("symcert.checker.gauge", None),
         "split_box": ("symcert.checker.split_box", None), "Evaluator": ("symcert.checker.smooth", "Evaluator"),
         "SmoothProblem": ("symcert.checker.smooth", "SmoothProblem"),
         "SmoothContext": ("symcert.checker.smooth_obligations", "SmoothContext"),
         "positive_definite": ("symcert.checker.smooth_hessian", "positive_definite")}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _LAZY[name]
    mod = importlib.import_module(module)
    return mod if attr is None else getattr(mod, attr)


__all__ = [
    "AFFINE_LEMMA", "CELL_MINIMA_LEMMA", "lifted_design", "CONVEX_LINEAR_LEMMA", "LAURENT_LEMMA", "LAURENT_POLY", "LIFTED_LEMMA", "matrix", "read_matrix", "CONVEX_LEMMA", "EXIT_CODE_TABLE", "Evaluator", "FORMAT", "FormatError", "LINEAR_LEMMA",
    "MAX_CELLS", "MULTILINEAR_POLY", "Outcome", "POLY_LAMBDA", "POLY_T", "Problem", "RATIONAL", "Report", "SmoothProblem", "hypotheses",
    "VALLEY_POLY", "VERSION", "Verdict", "Z3_NRA", "check_document", "check_file", "check_obligation", "column_test", "count_cells",
    "cover_radii", "end_to_end", "enumerate_cells", "kernel", "scaled", "stream", "kinked_entries", "ledger_for", "losses", "outcomes",
    "parse_point", "parse_problem", "parse_rational", "piece_fn", "balls", "gauge", "krawczyk", "population", "population_obligations", "positive_definite", "split_box", "risk_along", "risk_fraction",
    "combine", "root_free", "layer_minimum", "risk_balls", "arb_precision", "smooth", "split_line", "z3_cell",
]
