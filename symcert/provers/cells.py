"""Finding an explicit box radius inside the activation cell of a point (untrusted)."""
from __future__ import annotations

from operator import sub

from flint import fmpq, fmpz, fmpz_mat

from symcert.checker.api import kernel, scaled, stream
from symcert.checker.api import Problem


def interior_radius_one_layer(prob: Problem, params: dict, fwd, max_halvings: int = 200) -> fmpq | None:
    """:func:`interior_radius` for one hidden layer from ``fwd = scaled.forward(prob, params)``
    (integer numerators), with the same result: the box of radius r fits iff r < t, where t is the
    least (slack to the piece's end) / (radius at r = 1) over the pre-activations (see
    scaled.interior_one_layer), so the answer is r = 2^-K with K the least k >= 0 with 2^-k < t;
    that r is confirmed by the checker's test.

    With z = n / d, Q the lcm of the breakpoints' denominators and the radius (S_j + dX) / dX at
    r = 1, the distance of z to breakpoint p / q times Q d is |G| with G = Q n - (Q p / q) d, so
    2^-k < distance / radius iff A 2^k > B_j with A = dX |G| and B_j = Q d (S_j + dX). Per distance
    the least such k is max(0, e) or e + 1, e = bitlen(B_j) - bitlen(A)
    (A 2^(e - 1) < 2^(bitlen B - 1) <= B < 2^(bitlen B) <= A 2^(e + 1)), and K is the largest of
    these over every entry and every breakpoint: the nearest breakpoint to z is an end of z's piece
    (the breakpoints increase), and a farther one has the larger distance, so the smaller k. With e*
    the largest e, K = e* + 1 if some distance of e = e* has A 2^e* <= B_j, else e* (K = 0 when e* < 0)."""
    if scaled.first_kink(fwd[1], prob.m):
        return None
    (Z,), X = fwd[0], fwd[2][0]
    K = max(_halvings(prob, fmpz_mat(1, Z.N.ncols(), [Z.N[i, j] for j in range(Z.N.ncols())]), Z.d, X)
            for i in range(Z.N.nrows())) if Z.N.nrows() > 1 else _halvings(prob, Z.N, Z.d, X)
    if K >= max_halvings:
        return None
    r = fmpq(1, 2 ** K)
    return r if scaled.interior_one_layer(prob, params, fwd, r) is None else None


def interior_radius_rows(prob: Problem, params: dict, xs, max_halvings: int = 200) -> fmpq | None:
    """:func:`interior_radius_one_layer` holding one neuron's pre-activations at a time (the
    checker's stream.row, the same values), for a first layer too large to form at once; the
    radius is confirmed by the checker's streamed test (stream.interior)."""
    K = 0
    for i in range(params["W1"].nrows()):
        Z = stream.row(params["W1"], params["b1"], i, xs)
        if any(on for _, on in stream.pieces(prob.act, Z)):
            return None
        K = max(K, _halvings(prob, Z.N, Z.d, xs))
    if K >= max_halvings:
        return None
    r = fmpq(1, 2 ** K)
    return r if stream.interior(prob, params, xs, r) is None else None


def _halvings(prob: Problem, N, d, X) -> int:
    """The least K of the docstring above for the pre-activations N / d of one neuron (1 x m)."""
    bps, m = prob.act.breakpoints, N.ncols()
    Q = fmpz(1)
    for bp in bps:
        Q = Q.lcm(bp.q)
    B = (fmpz_mat(1, m, [s + X.d for s in scaled.abs_col_sums(X)]) * (Q * d)).entries()
    bits = list(map(fmpz.bit_length, B))
    K = 0
    for bp in bps:
        A = ((N * Q if bp.p == 0 else N * Q - scaled.ones(1, m) * (bp.p * (Q // bp.q) * d)) * X.d).entries()
        e = list(map(sub, bits, map(fmpz.bit_length, A)))
        top = max(e)
        if top >= 0:
            K = max(K, top + any(abs(a) << top <= b for v, a, b in zip(e, A, B) if v == top))
    return K


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
