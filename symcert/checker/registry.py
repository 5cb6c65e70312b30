"""The one table of what the checker understands (trusted): problem classes, obligation kinds
and conclusions.

* ``CLASSES``: each problem class and the losses its risk is evaluated with. A problem whose
  loss its class does not list is refused before any evaluation (a smooth problem is evaluated
  with the squared loss only, so a smooth problem stating another loss is refused, never
  checked as if it were squared).
* ``KINDS``: each obligation kind, the problem classes and losses it applies to, and the facts
  it may establish. The driver (:mod:`symcert.checker.check`) refuses any other combination
  before the check runs (REJECTED, naming the kind, the class and the loss), and refuses a
  holding check that reports a fact outside its row.
* ``CONCLUSIONS``: each conclusion and the facts it needs (a tuple fact such as
  ``("local_min", r)`` matches on its first item).

To add an obligation kind: write ``check_<kind>(ctx, ob, path) -> Outcome`` in a checker module,
list it in that module's ``CHECKS``, and add one row to ``KINDS``. To add a problem class or a
loss: add it to ``CLASSES`` and to the rows of the kinds that handle it.
"""
from __future__ import annotations

from dataclasses import dataclass

from symcert.checker import ascent, cells, convex, descent, linear, multilinear, obligations
from symcert.checker import path, population_obligations, smooth_obligations, split, valley
from symcert.checker.population import PopulationProblem

PL, LIN, SMOOTH, POP = "piecewise_linear", "linear", "smooth", "population"
ALL_LOSSES = frozenset(("squared", "absolute", "huber", "hinge"))
SQUARED = frozenset(("squared",))

CLASSES = {  # problem class -> losses its risk is evaluated with
    PL: ALL_LOSSES,     # checker/losses.py, exactly
    LIN: ALL_LOSSES,    # a piecewise-linear activation with one piece
    SMOOTH: SQUARED,    # checker/smooth.py evaluates 1/2 sum of squared residuals only
    POP: SQUARED,       # checker/population.py: 1/2 E_x[(student - teacher)^2], x ~ N(0, I_n)
}


@dataclass(frozen=True)
class Kind:
    classes: frozenset
    losses: frozenset
    facts: frozenset  # names of the facts a holding check may establish


def _k(classes, losses, *facts) -> Kind:
    return Kind(frozenset(classes), frozenset(losses), frozenset(facts))


KINDS = {
    "gradient_zero": _k((PL, LIN), ALL_LOSSES, "critical"),
    "interior_cell": _k((PL, LIN), ALL_LOSSES, "cell_box"),
    "affine_reduction": _k((PL, LIN), SQUARED, "local_min"),
    "smt_cell_minimum": _k((PL, LIN), ALL_LOSSES, "local_min"),
    "strictly_lower": _k((PL, LIN), ALL_LOSSES, "lower_point"),
    "descent_curve": _k((PL, LIN), ALL_LOSSES, "descent"),
    "ascent_curve": _k((PL, LIN), ALL_LOSSES, "ascent"),
    "cell_cover": _k((PL,), ALL_LOSSES, "local_min"),
    "affine_optimality": _k((PL, LIN), ALL_LOSSES, "local_min"),
    "cell_multilinear": _k((PL, LIN), ALL_LOSSES, "multilinear"),
    "valley_path": _k((PL,), ALL_LOSSES, "valley", "valley_end"),
    "linear_global_minimum": _k((LIN,), SQUARED, "global_min"),
    "neuron_split": _k((PL, LIN, SMOOTH), SQUARED, "split_line", "critical"),
    "split_local_minimum": _k((SMOOTH,), SQUARED, "local_min"),
    "escape_path": _k((SMOOTH,), SQUARED, "escape"),
    "smooth_gradient_zero": _k((SMOOTH,), SQUARED, "critical"),
    "convexity_bound": _k((SMOOTH,), SQUARED, "local_min"),
    "affine_pieces": _k((SMOOTH,), SQUARED, "local_min"),
    "morse_bott": _k((SMOOTH,), SQUARED, "local_min", "critical"),
    "smooth_strictly_lower": _k((SMOOTH,), SQUARED, "lower_point"),
    "smooth_descent": _k((SMOOTH,), SQUARED, "descent"),
    "paper_conditions": _k((SMOOTH,), SQUARED, "local_min"),
    "hessian_pd": _k((SMOOTH,), SQUARED, "local_min"),
    "population_krawczyk": _k((POP,), SQUARED, "critical_box"),
    "population_hessian_pd": _k((POP,), SQUARED, "strict_min_box"),
    "population_negative_curvature": _k((POP,), SQUARED, "saddle_box"),
    "population_above_global": _k((POP,), SQUARED, "lower_point"),
    "population_teacher": _k((POP,), SQUARED, "global_min"),
}

CHECKS = {}
for _module in (obligations, descent, ascent, cells, convex, multilinear, valley, linear, split, path, smooth_obligations,
                population_obligations):
    CHECKS.update(_module.CHECKS)
if set(CHECKS) != set(KINDS):  # one row per check function, and no row without one
    raise ImportError(f"registry out of step: {sorted(set(CHECKS) ^ set(KINDS))}")

CONCLUSIONS = {
    "local_minimum": ("local_min",),
    "spurious_local_minimum": ("local_min", "lower_point"),
    "not_local_minimum": ("descent",),
    "global_minimum": ("global_min",),
    "saddle_point": ("critical", "descent", "ascent"),
    "critical_line": ("split_line",),
    "non_attracting_minimum": ("local_min", "escape"),
    "cell_multilinear": ("multilinear",),
    "valley_of_local_minima": ("valley",),
    # every member of the valley is a local minimum at the point's risk, and a strictly lower
    # point exists: a continuum of spurious local minima
    "continuum_of_spurious_local_minima": ("valley", "lower_point"),
    # about the one critical point x* in an explicit box around the certificate's point
    "strict_local_minimum_in_box": ("critical_box", "strict_min_box"),
    "spurious_local_minimum_in_box": ("critical_box", "strict_min_box", "lower_point"),
    "saddle_in_box": ("critical_box", "saddle_box"),
}


def problem_class(prob) -> str:
    """The class of a problem read by :mod:`symcert.checker.problem`."""
    if isinstance(prob, PopulationProblem):
        return POP
    act = prob.act
    if not hasattr(act, "slopes"):
        return SMOOTH
    return LIN if not act.breakpoints else PL


def refusal(kind: str, cls: str, loss: str) -> str | None:
    """Why obligation ``kind`` does not apply to a problem of class ``cls`` with ``loss``, or None."""
    row = KINDS[kind]
    if cls not in row.classes:
        return f"obligation kind {kind} does not apply to problem class {cls} (it applies to {', '.join(sorted(row.classes))})"
    if loss not in row.losses:
        return f"obligation kind {kind} does not apply to the {loss} loss (it applies to {', '.join(sorted(row.losses))})"
    return None


def _fact_name(f) -> str:
    return f[0] if isinstance(f, tuple) else f


def undeclared_facts(kind: str, facts) -> list:
    """Facts a holding check reported that its row does not declare (must be empty)."""
    return [f for f in facts if _fact_name(f) not in KINDS[kind].facts]
