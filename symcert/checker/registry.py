"""Registry of obligation kinds and conclusions the checker understands (trusted).

To add an obligation kind: write ``check_<kind>(ctx, ob, path) -> Outcome`` in a checker module
of its own and add it to ``CHECKS`` below. To add a conclusion: add the facts it needs to
``CONCLUSIONS`` (a tuple fact such as ``("local_min", r)`` matches on its first item).
"""
from __future__ import annotations

from symcert.checker import cells, convex, descent, obligations, smooth_obligations
from symcert.checker import multilinear, valley
from symcert.checker import ascent, linear, path, split
from symcert.checker import krawczyk

CHECKS = dict(obligations.CHECKS)
CHECKS["descent_curve"] = descent.check_descent_curve
CHECKS.update(cells.CHECKS)
CHECKS.update(smooth_obligations.CHECKS)
CHECKS.update(convex.CHECKS)
CHECKS.update(multilinear.CHECKS)
CHECKS.update(valley.CHECKS)

CHECKS.update(linear.CHECKS)
CHECKS.update(ascent.CHECKS)
CHECKS.update(split.CHECKS)
CHECKS.update(path.CHECKS)
CHECKS.update(krawczyk.CHECKS)

CONCLUSIONS = {
    "local_minimum": ("local_min",),
    "spurious_local_minimum": ("local_min", "lower_point"),
    "not_local_minimum": ("descent",),
    "global_minimum": ("global_min",),
    "saddle_point": ("critical", "descent", "ascent"),
    "critical_line": ("split_line",),
    "non_attracting_minimum": ("local_min", "escape"),
}
CONCLUSIONS.update(multilinear.CONCLUSIONS)
CONCLUSIONS.update(valley.CONCLUSIONS)
CONCLUSIONS.update(krawczyk.CONCLUSIONS)
