"""Deciding local optimality at points on activation-cell boundaries (untrusted generator).

``decide(prob, point)`` returns a :class:`Decision`: a ``cell_cover`` obligation (local
minimum), a ``descent_curve`` obligation (not a local minimum: a curve along which the risk
drops, found per cell by an exact second-order line search posed to z3), or the limit that was
hit. Everything it writes is re-derived by the checker (symcert.checker.cells / descent); this
module only searches. Every loss of checker/losses.py: the line search expands the loss to second
order in t (at a loss kink the branch follows the signs of the output's Taylor coefficients), the
solver-free witness is tried for the squared loss only, and the other cells go to z3 (whose query
If-encodes the loss).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import z3
from flint import fmpq, fmpq_mat

from symcert.checker import api
from symcert.checker.api import kernel
from symcert.checker.api import risk_along
from symcert.exact.rationals import format_rational as fr
from symcert.provers.affine import least_squares
from symcert.provers.lp import Phase1

MAX_HALVINGS = 60


@dataclass
class Decision:
    status: str  # "local_min" | "descent" | "unknown"
    obligations: list = field(default_factory=list)
    reason: str = ""
    radius: fmpq | None = None
    stats: dict = field(default_factory=dict)
    lower_point: dict | None = None


def cover_radius(prob, point, cap=fmpq(1)) -> fmpq | None:
    """Largest cap / 2^k whose box passes the checker's propagation test."""
    pre, _, _ = kernel.forward(prob, point)
    r = fmpq(cap)
    for _ in range(MAX_HALVINGS):
        if api.cover_radii(prob, point, r, pre)[1] is None:
            return r
        r /= 2
    return None


def _q(v) -> fmpq:
    """Exact rational of a z3 numeral (None if it is irrational)."""
    if z3.is_rational_value(v):
        return fmpq(v.numerator_as_long(), v.denominator_as_long())
    return None


def _z3_val(v: fmpq):
    return z3.RealVal(f"{v.p}/{v.q}")


def _signed_column(prob, j: int, sign: str) -> list:
    """Column of sample j in the Gordan system: s_j (x_j, 1), then 1 (the row sum y = 1)."""
    s = 1 if sign == "+" else -1
    return [s * prob.X[k, j] for k in range(prob.widths[0])] + [fmpq(s), fmpq(1)]


def gordan(prob, samples: list, signs: str):
    """Multipliers y >= 0, sum 1, with sum_j y_j s_j (x_j, 1) = 0, or None if there are none, i.e. if
    the open sign cone {d : s_j (x_j, 1).d > 0} is nonempty (Gordan); an exact simplex feasibility LP."""
    lp = Phase1([fmpq(0)] * (prob.widths[0] + 1) + [fmpq(1)])
    y = None
    for c, j in zip(signs, samples):
        y = lp.add_column(_signed_column(prob, j, c))
    return y


def dead_prefixes(prob, kinks) -> tuple[list, dict]:
    """Farkas certificates for every minimal empty sign prefix of each layer-1 neuron: depth-first over
    the prefixes, each extension warm-starting phase 1 from its parent's optimal basis (one new column)."""
    neuron_samples = {}
    for l, i, j in kinks:
        if l == 1:
            neuron_samples.setdefault(i, []).append(j)
    empty, dead = [], {}
    for i, samples in sorted(neuron_samples.items()):
        root = Phase1([fmpq(0)] * (prob.widths[0] + 1) + [fmpq(1)])
        stack = [("+", root), ("-", root)]
        while stack:
            p, parent = stack.pop()
            lp = parent.copy()
            y = lp.add_column(_signed_column(prob, samples[len(p) - 1], p[-1]))
            if y is not None:
                empty.append({"layer": 1, "neuron": i + 1, "signs": p, "multipliers": [fr(v) for v in y]})
                dead.setdefault(i, set()).add(p)
            elif len(p) < len(samples):
                stack.extend(((p + "+", lp), (p + "-", lp)))
    empty.sort(key=lambda e: (e["neuron"], len(e["signs"]), e["signs"]))
    return empty, dead


def _fit(prob):
    fit = least_squares(prob.X, prob.Y)
    return fit


def _param_list(prob):
    return [(name, i, j) for name in prob.param_names() for i in range(prob.param_shape(name)[0]) for j in range(prob.param_shape(name)[1])]


def _zero_like(prob, point):
    return {k: fmpq_mat(v.nrows(), v.ncols()) for k, v in point.items()}


def descends(prob, point, d1, d2=None) -> bool:
    R = risk_along(prob, point, d1, d2)
    drop = R - kernel.risk(prob, point)
    for c in drop.coeffs():
        if c != 0:
            return c < 0
    return False


def _loss_taylor(prob, o0: fmpq, y: fmpq, o1, o2):
    """(c1, c2): the t and t^2 coefficients of ell(o0 + o1 t + o2 t^2 + ...) - ell(o0) for small t > 0, as
    z3 terms in the output's Taylor coefficients o1, o2; at a loss kink the branch follows their signs."""
    v = _z3_val
    r0 = o0 - y
    if prob.loss == "squared":
        return v(r0) * o1, v(r0) * o2 + o1 * o1 / 2
    if prob.loss == "absolute":
        if r0 != 0:
            s = 1 if r0 > 0 else -1
            return s * o1, s * o2
        up = z3.Or(o1 > 0, z3.And(o1 == 0, o2 >= 0))
        return z3.If(up, o1, -o1), z3.If(up, o2, -o2)
    if prob.loss == "huber":
        d = prob.loss_delta
        quad = (v(r0) * o1, v(r0) * o2 + o1 * o1 / 2)
        if abs(r0) < d:
            return quad
        s = 1 if r0 > 0 else -1
        lin = (v(s * d) * o1, v(s * d) * o2)
        if abs(r0) > d:
            return lin
        out = z3.Or(s * o1 > 0, z3.And(o1 == 0, s * o2 > 0))  # leaving the quadratic zone
        return z3.If(out, lin[0], quad[0]), z3.If(out, lin[1], quad[1])
    if prob.loss == "hinge":
        m0, g1, g2 = 1 - y * o0, -v(y) * o1, -v(y) * o2  # margin and its Taylor coefficients
        if m0 > 0:
            return g1, g2
        if m0 < 0:
            return v(fmpq(0)), v(fmpq(0))
        pos = z3.Or(g1 > 0, z3.And(g1 == 0, g2 > 0))
        return z3.If(pos, g1, 0), z3.If(pos, g2, 0)
    raise AssertionError(f"unknown loss {prob.loss}")


def line_search(prob, point, pre, kinks, pattern, timeout_ms: int):
    """A direction D with R(theta + t D) < R(theta) for small t > 0 inside the cell ``pattern``,
    by an exact z3 query on the first two Taylor coefficients of the risk along the line.
    ``pattern=None``: any cell (each kinked piece If-encoded by the sign of its Taylor coefficients)."""
    choice = dict(zip(kinks, pattern)) if pattern is not None else {}
    params = _param_list(prob)
    D = {p: z3.Real(f"D_{p[0]}_{p[1]}_{p[2]}") for p in params}
    s = z3.Solver()
    s.set("timeout", int(timeout_ms))
    for v in D.values():
        s.add(v >= -1, v <= 1)

    def mul(a, b):  # truncated products of [c0, c1, c2]
        return [a[0] * b[0], a[0] * b[1] + a[1] * b[0], a[0] * b[2] + a[1] * b[1] + a[2] * b[0]]

    c1 = c2 = 0
    out0 = kernel.forward(prob, point)[2]
    for j in range(prob.m):
        a = [[_z3_val(prob.X[k, j]), 0, 0] for k in range(prob.widths[0])]
        for l in range(1, prob.depth + 1):
            W, b = point[f"W{l}"], point[f"b{l}"]
            z = []
            for i in range(prob.widths[l]):
                acc = [_z3_val(b[i, 0]), D[f"b{l}", i, 0], 0]
                for k in range(len(a)):
                    t = mul([_z3_val(W[i, k]), D[f"W{l}", i, k], 0], a[k])
                    acc = [acc[n] + t[n] for n in range(3)]
                z.append(acc)
            if l == prob.depth:
                for i, zi in enumerate(z):
                    e1, e2 = _loss_taylor(prob, out0[i, j], prob.Y[i, j], zi[1], zi[2])
                    c1, c2 = c1 + e1, c2 + e2
                break
            a = []
            for i, zi in enumerate(z):
                k, kink = prob.act.piece(pre[l - 1][i, j])
                if kink and pattern is None:  # pattern-free: the piece follows the sign along the line
                    right = zi[1] >= 0 if l == 1 else z3.Or(zi[1] > 0, z3.And(zi[1] == 0, zi[2] >= 0))
                    sr = _z3_val(prob.act.slopes[k + 1])  # at the kink both pieces give sl * bp + cl
                    sl, cl = _z3_val(prob.act.slopes[k]), _z3_val(prob.act.intercepts[k])
                    a.append([sl * zi[0] + cl] + [z3.If(right, sr * zi[n], sl * zi[n]) for n in (1, 2)])
                    continue
                if kink:
                    sign = 1 if choice[(l, i, j)] == "+" else -1
                    k = k + 1 if sign > 0 else k
                    if l == 1:
                        s.add(sign * zi[1] >= 0)
                    else:
                        s.add(z3.Or(sign * zi[1] > 0, z3.And(zi[1] == 0, sign * zi[2] >= 0)))
                sl, ic = _z3_val(prob.act.slopes[k]), _z3_val(prob.act.intercepts[k])
                a.append([sl * zi[0] + ic, sl * zi[1], sl * zi[2]])
    s.add(z3.Or(c1 < 0, z3.And(c1 == 0, c2 < 0)))
    if s.check() != z3.sat:
        return None
    mdl = s.model()
    d1 = _zero_like(prob, point)
    for (name, i, j), v in D.items():
        q = _q(mdl.eval(v, model_completion=True))
        if q is None:
            return None
        d1[name][i, j] = q
    return d1 if any(v != 0 for M in d1.values() for v in M.entries()) and descends(prob, point, d1) else None


def _segment(prob, point, model_var):
    model, var = model_var
    d1 = _zero_like(prob, point)
    for (name, i, j), v in var.items():
        q = _q(model.eval(v, model_completion=True))
        if q is None:
            return None
        d1[name][i, j] = q - point[name][i, j]
    return d1 if descends(prob, point, d1) else None


def lower_point_on(prob, point, d1, d2=None):
    """An exact point theta + t D (t = 2^-k) of strictly lower risk."""
    r0 = kernel.risk(prob, point)
    t = fmpq(1)
    for _ in range(MAX_HALVINGS * 2):
        pt = {k: point[k] + d1[k] * t + (d2[k] * t * t if d2 else 0 * point[k]) for k in point}
        if kernel.risk(prob, pt) < r0:
            return pt
        t /= 2
    return None


RADIUS_RETRIES = 3
FREE_SEARCH_KINKS = 6  # above this many kinked pre-activations, try a pattern-free line search first
LINE_SEARCH_MS = 10000  # per cell; a time-out only means "no line found here"


def decide(prob, point, radius_cap=fmpq(1), timeout_ms: int = 60000, max_cells: int = api.MAX_CELLS,
           solver_free: bool = True) -> Decision:
    """Decide local optimality; when z3 finds a lower point in the box but no descent curve is found,
    shrink the box (radius / 4, at most RADIUS_RETRIES times): a local minimum has no lower point in a
    small enough box."""
    dec = _decide(prob, point, radius_cap, timeout_ms, max_cells, solver_free)
    for _ in range(RADIUS_RETRIES):
        if dec.status != "unknown" or not dec.reason.startswith("z3 found a lower point"):
            break
        dec = _decide(prob, point, dec.radius / 4, timeout_ms, max_cells, solver_free)
    return dec


def _descent(prob, point, d1, r, stats) -> Decision:
    ob = {"id": "descent", "kind": "descent_curve", "direction": _point_json(d1)}
    return Decision("descent", [ob], radius=r, stats=stats, lower_point=lower_point_on(prob, point, d1))


def _affine_exceptions(prob, pre, kinks, cells, fit, risk) -> tuple[dict, list]:
    """Cells settled by the squared-loss witness (samples with a nonzero residual of the best
    affine fit share one pattern column): their proofs, and the cells left for the other tests."""
    nonzero = None
    if fit is not None and fit.loss == risk:
        res = fit.fitted - prob.Y
        nonzero = [j for j in range(prob.m) if any(res[i, j] != 0 for i in range(prob.Y.nrows()))]
    proof_of, rest = {}, []
    test = api.column_test(prob, pre, kinks, nonzero) if nonzero is not None else None
    for pat in cells:
        if test is not None and test(pat):
            proof_of[pat] = "affine_exceptions"
        else:
            rest.append(pat)
    return proof_of, rest


def _z3_cells(prob, point, pre, kinks, r, risk, rest, proof_of, timeout_ms) -> tuple[int, list, str | None]:
    """Per-cell minimum queries until one is sat or unknown: (queries run, sat cells, unknown reason)."""
    from symcert.progress import iterate
    n_z3, sat_cells, unknown = 0, [], None
    for pat in iterate(rest, "z3 per cell", "cell"):
        n_z3 += 1
        res, why, mv = api.z3_cell(prob, point, r, risk, api.piece_fn(prob, pre, kinks, pat), timeout_ms, want_model=True)
        if res == z3.unsat:
            proof_of[pat] = "z3"
        elif res == z3.sat:
            sat_cells.append((pat, mv))
            break
        else:
            unknown = f"z3 returned unknown ({why}) on cell {pat!r} within {timeout_ms} ms"
            break
    return n_z3, sat_cells, unknown


def _cover(prob, r, empty, proofs, fit) -> dict:
    ob = {"id": "cell_cover", "kind": "cell_cover", "radius": fr(r), "empty": empty, "cells": proofs}
    if any(p["proof"] == "affine_exceptions" for p in proofs):
        ob["affine_fit"] = {"weights": [[fr(fit.weights[i, k]) for k in range(fit.weights.ncols())] for i in range(fit.weights.nrows())],
                            "bias": [fr(fit.bias[i, 0]) for i in range(fit.bias.nrows())]}
    ob["rests_on"] = api.ledger_for(bool(empty), any(p["proof"] == "affine_exceptions" for p in proofs),
                                  any(p["proof"] == "z3" for p in proofs), prob.loss != "squared")
    return ob


def _decide(prob, point, radius_cap, timeout_ms, max_cells, solver_free) -> Decision:
    from symcert.progress import iterate
    t_start = time.perf_counter()
    stats = {}
    pre, _, _ = kernel.forward(prob, point)
    kinks = api.kinked_entries(prob, pre)
    r = cover_radius(prob, point, radius_cap)
    if r is None:
        return Decision("unknown", reason="no box radius keeps the pre-activations within their pieces")
    if len(kinks) > FREE_SEARCH_KINKS:
        # many kinks: one pattern-free line search first, before enumerating the cells
        t0 = time.perf_counter()
        d1 = line_search(prob, point, pre, kinks, None, min(timeout_ms, LINE_SEARCH_MS))
        stats["seconds_free_search"] = time.perf_counter() - t0
        if d1 is not None:
            stats.update(kinks=len(kinks), patterns=1 << len(kinks), seconds_total=time.perf_counter() - t_start)
            return _descent(prob, point, d1, r, stats)
    t0 = time.perf_counter()
    empty, dead = dead_prefixes(prob, kinks)
    n_cells, counts = api.count_cells(kinks, dead), {"pruned": 0}
    if n_cells > min(max_cells, api.MAX_CELLS):
        stats.update(kinks=len(kinks), patterns=1 << len(kinks), farkas=len(empty), seconds_enumerate=time.perf_counter() - t0)
        return Decision("unknown", reason=f"too many cells (more than {min(max_cells, api.MAX_CELLS)})", radius=r, stats=stats)
    cells = lambda: api.enumerate_cells(prob, kinks, dead, counts)  # noqa: E731 (streamed, twice)
    stats.update(kinks=len(kinks), patterns=1 << len(kinks), farkas=len(empty), cells=n_cells)
    risk = kernel.risk(prob, point)
    fit = _fit(prob) if solver_free and prob.loss == "squared" else None  # the witness is a squared-loss argument
    t0 = time.perf_counter()
    proof_of, rest = _affine_exceptions(prob, pre, kinks, cells(), fit, risk)
    stats.update(pruned=counts["pruned"], seconds_enumerate=time.perf_counter() - t0)
    # cheap exact second-order line searches on every remaining cell first, then the per-cell minimum queries
    for pat in iterate(rest, "line search per cell", "cell"):
        d1 = line_search(prob, point, pre, kinks, pat, min(timeout_ms, LINE_SEARCH_MS))
        if d1 is not None:
            stats.update(z3_cells=0, seconds_cells=time.perf_counter() - t0, descent_cell=pat,
                         seconds_total=time.perf_counter() - t_start)
            return _descent(prob, point, d1, r, stats)
    n_z3, sat_cells, unknown = _z3_cells(prob, point, pre, kinks, r, risk, rest, proof_of, timeout_ms)
    proofs = [{"pattern": pat, "proof": proof_of[pat]} for pat in cells() if pat in proof_of]
    stats.update(z3_cells=n_z3, seconds_cells=time.perf_counter() - t0)
    if sat_cells:
        pat, mv = sat_cells[0]
        d1 = _segment(prob, point, mv)
        stats["seconds_total"] = time.perf_counter() - t_start
        if d1 is not None:
            return _descent(prob, point, d1, r, stats)
        return Decision("unknown", reason=f"z3 found a lower point in cell {pat!r} within radius {r}, "
                        "but no descent curve of order <= 2 was found (the point may still be a local minimum "
                        "within a smaller radius: try a smaller radius)", radius=r, stats=stats)
    stats["seconds_total"] = time.perf_counter() - t_start
    if unknown:
        return Decision("unknown", reason=unknown, radius=r, stats=stats)
    return Decision("local_min", [_cover(prob, r, empty, proofs, fit)], radius=r, stats=stats)


def _point_json(params: dict) -> dict:
    return {k: ([fr(v[i, 0]) for i in range(v.nrows())] if k[0] == "b" else
                [[fr(v[i, j]) for j in range(v.ncols())] for i in range(v.nrows())]) for k, v in params.items()}
