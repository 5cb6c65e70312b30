"""Finding an explicit box radius inside the activation cell of a point (untrusted)."""
from __future__ import annotations

from flint import fmpq

from symcert.checker.api import kernel
from symcert.checker.api import Problem


def interior_radius(prob: Problem, params: dict, max_halvings: int = 200, fwd=None) -> fmpq | None:
    """Largest r = 2^-k (k >= 0) whose box stays strictly inside the point's open cell, or None
    if some hidden pre-activation sits on a breakpoint (or no such r was found).

    The forward pass (``fwd``, if already computed), the r-independent parts of the box radii
    and the piece bounds of every pre-activation are computed once; each halving only
    recomputes the radii and compares.
    """
    fwd = kernel.forward(prob, params) if fwd is None else fwd
    pre = fwd[0]
    if kernel.kinks(prob, pre):
        return None
    radii_at = kernel.box_radii_fn(prob, params, fwd)
    bounds = [[(z, *prob.act.piece_bounds(prob.act.piece(z)[0])) for z in Z.entries()] for Z in pre]
    r = fmpq(1)
    if prob.depth == 2:  # one hidden layer: the radii are r times their value at r = 1, so the box of
        # radius r fits iff r < t = min(slack to the piece's ends / radius at 1): halve against t alone
        t = _ratio_bound(bounds[0], radii_at(fmpq(1))[0])
        for _ in range(max_halvings):
            if t is None or r < t:
                return r if _inside(bounds[0], radii_at(r)[0]) else None
            r /= 2
        return None
    for _ in range(max_halvings):
        if all(_inside(B, R) for B, R in zip(bounds, radii_at(r))):
            return r
        r /= 2
    return None


def _ratio_bound(bounds: list, R1):
    """min over entries of (z - lo) / rad and (hi - z) / rad (rad > 0 the radius at r = 1); None if unbounded."""
    t = None
    for (z, lo, hi), rad in zip(bounds, R1.entries()):
        for slack in ((z - lo) if lo is not None else None, (hi - z) if hi is not None else None):
            if slack is not None:
                q = slack / rad
                t = q if t is None or q < t else t
    return t


def _inside(bounds: list, R) -> bool:
    for (z, lo, hi), rad in zip(bounds, R.entries()):
        if (lo is not None and not z - rad > lo) or (hi is not None and not z + rad < hi):
            return False
    return True
