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

import importlib
from dataclasses import dataclass

PL, LIN, SMOOTH, POP = "piecewise_linear", "linear", "smooth", "population"
ALL_LOSSES = frozenset(("squared", "absolute", "huber", "hinge"))
SQUARED = frozenset(("squared",))
ARB_LOSSES = frozenset(("logistic", "cross_entropy", "pseudo_huber"))  # irrational: over arb balls only (checker/layer_box.py)
LOGISTIC = frozenset(("logistic",))  # exact Taylor series at outputs 0 (checker/taylor.py)

CLASSES = {  # problem class -> losses its risk is evaluated with
    PL: ALL_LOSSES | ARB_LOSSES,     # checker/losses.py, exactly (arb balls for ARB_LOSSES)
    LIN: ALL_LOSSES | ARB_LOSSES,    # a piecewise-linear activation with one piece
    SMOOTH: SQUARED,    # checker/smooth.py evaluates 1/2 sum of squared residuals only
    POP: SQUARED,       # checker/population.py: 1/2 E_x[(student - teacher)^2], x ~ N(0, I_n)
}


@dataclass(frozen=True)
class Kind:
    module: str  # the checker module whose CHECKS holds the check function (imported on first use)
    classes: frozenset
    losses: frozenset
    facts: frozenset  # names of the facts a holding check may establish


def _k(module, classes, losses, *facts) -> Kind:
    return Kind(module, frozenset(classes), frozenset(losses), frozenset(facts))


KINDS = {
    "gradient_zero": _k("obligations", (PL, LIN), ALL_LOSSES, "critical"),
    "interior_cell": _k("obligations", (PL, LIN), ALL_LOSSES | ARB_LOSSES, "cell_box"),  # loss-free
    "affine_reduction": _k("obligations", (PL, LIN), SQUARED, "local_min"),
    "smt_cell_minimum": _k("cells", (PL, LIN), ALL_LOSSES, "local_min"),
    "strictly_lower": _k("obligations", (PL, LIN), ALL_LOSSES, "lower_point"),
    "descent_curve": _k("descent", (PL, LIN), ALL_LOSSES, "descent"),
    "ascent_curve": _k("ascent", (PL, LIN), ALL_LOSSES, "ascent"),
    "cell_cover": _k("cells", (PL,), ALL_LOSSES, "local_min"),
    "affine_optimality": _k("convex", (PL, LIN), ALL_LOSSES, "local_min"),
    "cell_multilinear": _k("multilinear", (PL, LIN), ALL_LOSSES, "multilinear"),
    "valley_path": _k("valley", (PL,), ALL_LOSSES, "valley", "valley_end"),
    "linear_global_minimum": _k("linear", (LIN,), SQUARED, "global_min"),
    "neuron_split": _k("split", (PL, LIN, SMOOTH), SQUARED, "split_line", "critical"),
    "split_local_minimum": _k("split", (SMOOTH,), SQUARED, "local_min"),
    "escape_path": _k("path", (SMOOTH,), SQUARED, "escape"),
    "smooth_gradient_zero": _k("smooth_obligations", (SMOOTH,), SQUARED, "critical"),
    "convexity_bound": _k("smooth_obligations", (SMOOTH,), SQUARED, "local_min"),
    "affine_pieces": _k("smooth_obligations", (SMOOTH,), SQUARED, "local_min"),
    "morse_bott": _k("smooth_obligations", (SMOOTH,), SQUARED, "local_min", "critical"),
    "smooth_strictly_lower": _k("smooth_obligations", (SMOOTH,), SQUARED, "lower_point"),
    "smooth_descent": _k("smooth_obligations", (SMOOTH,), SQUARED, "descent"),
    "paper_conditions": _k("smooth_obligations", (SMOOTH,), SQUARED, "local_min"),
    "lifted_normal_equations": _k("lifted", (PL, LIN), ALL_LOSSES, "local_min"),
    "cell_global_minima": _k("cellmin", (PL, LIN), ALL_LOSSES, "cell_minima"),
    "float_distance": _k("lifted", (PL, LIN), ALL_LOSSES, "near_float"),
    "hessian_pd": _k("smooth_obligations", (SMOOTH,), SQUARED, "local_min"),
    "scaling_family": _k("continuum", (PL, LIN), SQUARED, "valley", "local_min"),
    "convex_global_minimum": _k("convex_linear", (LIN,), ALL_LOSSES - SQUARED, "global_min"),
    "population_krawczyk": _k("population_obligations", (POP,), SQUARED, "critical_box"),
    "population_hessian_pd": _k("population_obligations", (POP,), SQUARED, "strict_min_box"),
    "population_negative_curvature": _k("population_obligations", (POP,), SQUARED, "saddle_box"),
    "population_above_global": _k("population_obligations", (POP,), SQUARED, "lower_point"),
    "population_teacher": _k("population_obligations", (POP,), SQUARED, "global_min"),
    "krawczyk_box": _k("krawczyk", (SMOOTH, PL), SQUARED, "critical_box"),  # PL: with a gauge (checker/gauge.py)
    "hessian_definite_box": _k("krawczyk", (SMOOTH, PL), SQUARED, "strict_min_box", "gauged_min_box"),
    "negative_curvature_box": _k("krawczyk", (SMOOTH, PL), SQUARED, "saddle_box"),
    "box_strictly_lower": _k("krawczyk", (SMOOTH, PL), SQUARED, "lower_point"),
    "layer_minimum_box": _k("layer_box", (PL, LIN), ARB_LOSSES, "layer_min", "layer_global_min"),
    "arb_strictly_lower": _k("layer_box", (PL, LIN), ARB_LOSSES, "lower_point"),
    "merged_krawczyk_box": _k("split_box", (SMOOTH,), SQUARED, "merged_critical_box"),
    "merged_definite_box": _k("split_box", (SMOOTH,), SQUARED, "merged_min_box"),
    "split_negative_curvature_box": _k("split_box", (SMOOTH,), SQUARED, "split_saddle_box"),
    "split_morse_bott_box": _k("split_box", (SMOOTH,), SQUARED, "split_min_box"),
    "taylor_critical": _k("taylor", (PL, LIN), LOGISTIC, "critical"),
    "taylor_descent": _k("taylor", (PL, LIN), LOGISTIC, "descent"),
    "taylor_ascent": _k("taylor", (PL, LIN), LOGISTIC, "ascent"),
}



class _Checks(dict):
    """kind -> check function, importing the kind's module on first use (a piecewise-linear
    check never imports sympy, which only the smooth modules need)."""

    def __missing__(self, kind: str):
        if kind not in KINDS:
            raise KeyError(kind)
        fn = importlib.import_module(f"symcert.checker.{KINDS[kind].module}").CHECKS[kind]
        self[kind] = fn
        return fn

    def __contains__(self, kind) -> bool:
        return kind in KINDS

    def __iter__(self):  # every kind of the table, loaded or not
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)


CHECKS = _Checks()

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
    # one hidden layer, one output: the point minimises the risk over its cell, every local minimum in its
    # signed cell is a global minimum of the cell, and these minima form one connected set (checker/cellmin.py)
    "global_minima_of_cell": ("cell_minima",),
    # every member of the valley is a local minimum at the point's risk, and a strictly lower
    # point exists: a continuum of spurious local minima
    "continuum_of_spurious_local_minima": ("valley", "lower_point"),
    # a trained network's float point, snapped to an exact point at a stated distance (checker/lifted.py)
    "local_minimum_near_float": ("local_min", "near_float"),
    "spurious_local_minimum_near_float": ("local_min", "lower_point", "near_float"),
    "not_local_minimum_near_float": ("descent", "near_float"),
    "saddle_point_near_float": ("critical", "descent", "ascent", "near_float"),
    # about the one critical point x* in an explicit box around the certificate's point
    "strict_local_minimum_in_box": ("critical_box", "strict_min_box"),
    "spurious_local_minimum_in_box": ("critical_box", "strict_min_box", "lower_point"),
    "saddle_in_box": ("critical_box", "saddle_box"),
    # about a point theta* that differs from the certificate's point only in the variables of one layer, in an
    # explicit box, for the transcendental losses (checker/layer_box.py); the loss is an enclosure of R(theta*)
    "local_minimum_in_layer_box": ("layer_min",),
    "spurious_local_minimum_in_layer_box": ("layer_min", "lower_point"),
    "global_minimum_in_layer_box": ("layer_global_min",),
    # a piecewise-linear network with a gauge for its rescaling symmetry: a strict minimum on the
    # gauge slice, hence a local minimum (not strict) of the risk (checker/gauge.py)
    "local_minimum_in_box": ("critical_box", "gauged_min_box"),
    "spurious_local_minimum_in_box_gauged": ("critical_box", "gauged_min_box", "lower_point"),
    # a point on the line of splits s_lambda(p*) of the one critical point p* of the merged network (one neuron
    # fewer) in an explicit box: a saddle for every lambda in a stated range (checker/split_box.py); with
    # merged_min_box, p* is a strict local minimum of the merged network whose split is a saddle (Thm 9, D != 0)
    "split_saddle_in_box": ("merged_critical_box", "split_saddle_box"),
    "split_saddle_of_minimum_in_box": ("merged_critical_box", "merged_min_box", "split_saddle_box"),
    # ... and a local minimum (not strict) on that line, by the Morse-Bott lemma (Thms 5 / 7 of Petzka & Sminchisescu)
    "local_minimum_on_split_line_in_box": ("merged_critical_box", "split_min_box"),
}


def problem_class(prob) -> str:
    """The class of a problem read by :mod:`symcert.checker.problem`."""
    if getattr(prob, "problem_class", None) == POP:
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


# conclusions about the one critical point in an explicit box around a float point, whose loss is
# a rigorous enclosure [lo, hi] (version 2): population problems and smooth networks
BOX_CONCLUSIONS = ("strict_local_minimum_in_box", "spurious_local_minimum_in_box", "saddle_in_box", "local_minimum_in_box",
                   "spurious_local_minimum_in_box_gauged", "split_saddle_in_box", "split_saddle_of_minimum_in_box",
                   "local_minimum_on_split_line_in_box")
