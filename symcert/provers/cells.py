"""Finding an explicit box radius inside the activation cell of a point (untrusted)."""
from __future__ import annotations

from flint import fmpq

from symcert.checker import kernel
from symcert.checker.problem import Problem


def interior_radius(prob: Problem, params: dict, max_halvings: int = 200) -> fmpq | None:
    """Largest r = 2^-k (k >= 0) whose box stays strictly inside the point's open cell, or None
    if some hidden pre-activation sits on a breakpoint (or no such r was found)."""
    pre, _, _ = kernel.forward(prob, params)
    if kernel.kinks(prob, pre):
        return None
    r = fmpq(1)
    for _ in range(max_halvings):
        radii = kernel.box_radii(prob, params, r)
        if all(_inside(prob, Z, R) for Z, R in zip(pre, radii)):
            return r
        r /= 2
    return None


def _inside(prob: Problem, Z, R) -> bool:
    for z, rad in zip(Z.entries(), R.entries()):
        lo, hi = prob.act.piece_bounds(prob.act.piece(z)[0])
        if (lo is not None and not z - rad > lo) or (hi is not None and not z + rad < hi):
            return False
    return True
