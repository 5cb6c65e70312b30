"""Finding an explicit box radius inside the activation cell of a point (untrusted)."""
from __future__ import annotations

from flint import fmpq

from symcert.checker.api import kernel, scaled
from symcert.checker.api import Problem


def interior_radius_one_layer(prob: Problem, params: dict, fwd, max_halvings: int = 200) -> fmpq | None:
    """:func:`interior_radius` for one hidden layer from ``fwd = scaled.forward(prob, params)``
    (integer numerators), with the same result: the box of radius r fits iff r < t, where t is the
    least (slack to the piece's end) / (radius at r = 1) over the pre-activations (see
    scaled.interior_one_layer). With z = n / d, an end p / q and radius (S_j + dX) / dX at r = 1,
    the ratio is (dX / d) (q n - p d) / (q (S_j + dX)) (or (p d - q n) for an upper end); the least
    is found by cross-multiplying integers, and the chosen r is confirmed by the checker's test."""
    if scaled.first_kink(fwd[1], prob.m):
        return None
    (Z,), (pcs,), X = fwd[0], fwd[1], fwd[2][0]
    den = [s + X.d for s in scaled.abs_col_sums(X)]
    d, m, best = Z.d, Z.N.ncols(), None  # best = (a, b): the least ratio so far is a / b, b > 0
    ends = [prob.act.piece_bounds(k) for k in range(len(prob.act.slopes))]
    sides = [[(q, p * d, s) for e, s in ((lo, 1), (hi, -1)) if e is not None for p, q in ((e.p, e.q),)] for lo, hi in ends]
    for t, (n, (k, _)) in enumerate(zip(Z.N.entries(), pcs)):
        for q, pd, s in sides[k]:
            a, b = s * (q * n - pd), q * den[t % m]  # s = 1: q n - p d (lower end); s = -1: p d - q n (upper)
            if best is None or a * best[1] < best[0] * b:
                best = (a, b)
    tb = None if best is None else fmpq(best[0] * X.d, best[1] * d)
    r = fmpq(1)
    for _ in range(max_halvings):
        if tb is None or r < tb:
            return r if scaled.interior_one_layer(prob, params, fwd, r) is None else None
        r /= 2
    return None


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
