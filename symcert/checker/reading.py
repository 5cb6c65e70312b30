"""Reading a problem and its points, whatever the problem's class (trusted).

:mod:`symcert.checker.problem` reads everything common to the classes and piecewise-linear
problems; a smooth problem's activation and its exact-real points are read by
:mod:`symcert.checker.smooth` (which needs sympy, so it is imported only for smooth problems).
This module dispatches between the two (and to :mod:`symcert.checker.population` for a problem
of class ``population``), so none imports another's reader.
"""
from __future__ import annotations

from symcert.checker import problem as P


def problem(spec, path: str = "problem", reads: tuple = ()):
    """The problem statement ``spec`` as a :class:`~symcert.checker.problem.Problem` or a
    :class:`~symcert.checker.smooth.SmoothProblem` (``reads``: see problem.read_matrix)."""
    if isinstance(spec, dict) and spec.get("class") == "population":
        from symcert.checker import population
        return population.problem(spec, path)
    out = P.problem(spec, path, reads)
    if isinstance(out, P.SmoothParts):
        from symcert.checker import smooth as S
        return S.problem(out.spec, out.path, out.widths, out.loss, out.X, out.Y)
    return out


def point(spec, prob, path: str) -> dict:
    """A point (parameter name -> matrix) of ``prob``: rationals, or exact reals for a smooth problem."""
    if isinstance(prob, P.Problem):
        return P.point(spec, prob, path)
    if getattr(prob, "problem_class", None) == "population":
        from symcert.checker import population
        return population.point(spec, prob, path)
    from symcert.checker import smooth as S
    return S.point(spec, prob, path)
