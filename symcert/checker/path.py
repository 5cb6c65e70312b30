"""Escape paths (trusted): a non-increasing path from a point to a point of strictly lower risk.

Obligation ``escape_path`` (Petzka & Sminchisescu 2021, "non-attracting" regions). ``segments``
is a list, walked from the certificate's point:

* ``{"kind": "split_line", "layer": l, "neuron": r, "to": lambda1}``: move along the split line
  established by a ``neuron_split`` obligation (fact ``("split_line", l, r)``) from the point
  to lambda1 (only from the certificate's point, along one line, before any other segment:
  the identity was proved for the line through the point). The outgoing weights of r and its copy (the last neuron of layer l) change from
  ((1 - lambda0) v, lambda0 v) to ((1 - lambda1) v, lambda1 v), with v their sum; the neuron_split
  identity (the function is unchanged for every lambda) makes the risk constant on it.
* ``{"kind": "log_affine", "t_end": T, "W1": [[[a, b], ...], ...], "b1": [c, ...]}``: one hidden
  layer, sigmoid or tanh, integer inputs: W1[j][k](t) = ln(a + b t), b1[j] = ln(c) (c > 0
  rational), W2 and b2 fixed (rational). Then e^{z_j} = c_j prod_k (a_jk + b_jk t)^{x_k} is a
  rational function of t, so is the risk L(t) = N(t)/D(t); with P = N' D - N D', L' = P / D^2.
  The checker verifies a + b t > 0 on [0, T], that the segment starts where the previous one
  ended (exact equality; ln c against the point's b1 by sympy), writes P = t^k P1 with
  P1(0) != 0 and proves by exact real-root isolation (Descartes' rule of signs after a Moebius
  map of [0, T] onto (0, inf), with bisection; exact fmpq_poly arithmetic) that P1 has no root in
  [0, T] and P1(T) < 0: L is strictly decreasing on [0, T].

* ``{"kind": "line", "direction": {...}, "t_end": T, "pieces": N}``: a straight segment
  cur + t d (exact-real direction), any smooth activation without breakpoints. The exact
  derivative L'(t) (sympy) is enclosed by arb balls on N equal subintervals of [0, T]; every
  enclosure must be certainly negative. (A segment starting at a critical point has L'(0) = 0
  and cannot be certified this way; it follows a log_affine segment.)

The path ends at a risk strictly below the risk at the point. Fact ``escape``: every neighbourhood of the
point holds the start of a non-increasing path to strictly lower risk (the path starts at the
point itself).
"""
from __future__ import annotations

from flint import fmpq, fmpq_poly

from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, get, rational
from symcert.checker.ledger import ISOLATION

MAX_DEPTH = 40


def _variations(p: fmpq_poly) -> int:
    signs = [1 if c > 0 else -1 for c in p.coeffs() if c != 0]
    return sum(1 for u, v in zip(signs, signs[1:]) if u != v)


def _moebius(p: fmpq_poly, a: fmpq, b: fmpq) -> fmpq_poly:
    """(1 + s)^n p((a + b s) / (1 + s)): its positive roots are the roots of p in (a, b)."""
    n = p.degree()
    num, den = fmpq_poly([a, b]), fmpq_poly([1, 1])
    out, pw = fmpq_poly([]), fmpq_poly([1])
    dens = [fmpq_poly([1])]
    for _ in range(n):
        dens.append(dens[-1] * den)
    for i, c in enumerate(p.coeffs()):
        if c != 0:
            out += pw * dens[n - i] * c
        pw = pw * num
    return out


def root_free(p: fmpq_poly, a: fmpq, b: fmpq, depth: int = 0) -> bool | None:
    """True if p has no root in [a, b] (exact), False if it has one, None if undecided."""
    if p(a) == 0 or p(b) == 0:
        return False
    v = _variations(_moebius(p, a, b))
    if v == 0:
        return True
    if v == 1:
        return False  # Descartes: exactly one root in (a, b)
    if depth >= MAX_DEPTH:
        return None
    mid = (a + b) / 2
    left = root_free(p, a, mid, depth + 1)
    if left is not True:
        return left
    return root_free(p, mid, b, depth + 1)


def _frac_add(p, q):
    return (p[0] * q[1] + q[0] * p[1], p[1] * q[1])


def _frac_mul(p, q):
    return (p[0] * q[0], p[1] * q[1])


def _reduce(f):
    g = f[0].gcd(f[1]) if f[0] != 0 else f[1]
    return (f[0] / g, f[1] / g) if g.degree() > 0 else f


def _risk_fraction(prob, W1, b1c, W2, b2):
    """Risk along the log-affine segment as (numerator, denominator) polynomials in t."""
    name = prob.act.name
    total = (fmpq_poly([0]), fmpq_poly([1]))
    for s in range(prob.m):
        xs = [prob.X[k, s] for k in range(prob.widths[0])]
        out = (fmpq_poly([b2]), fmpq_poly([1]))
        for j in range(prob.widths[1]):
            E = (fmpq_poly([b1c[j]]), fmpq_poly([1]))
            for k, x in enumerate(xs):
                q = W1[j][k]
                e = int(x)
                E = _frac_mul(E, (q ** e, fmpq_poly([1])) if e >= 0 else (fmpq_poly([1]), q ** (-e)))
            if name == "sigmoid":
                h = (E[0], E[0] + E[1])
            else:  # tanh(z) = (e^{2z} - 1) / (e^{2z} + 1)
                h = (E[0] * E[0] - E[1] * E[1], E[0] * E[0] + E[1] * E[1])
            out = _reduce(_frac_add(out, (h[0] * W2[j], h[1])))
        r = (out[0] - out[1] * prob.Y[0, s], out[1])
        total = _reduce(_frac_add(total, (r[0] * r[0], r[1] * r[1])))
    return total[0] / 2, total[1]


def _split_line_segment(ctx: Context, cur: dict, seg: dict, p: str, n: int, on_line, ledger: list):
    """Move ``cur`` along the split line to lambda1; returns an Outcome (failure) or the detail."""
    from symcert.checker import smooth as S
    l, r = get(seg, "layer", p, int), get(seg, "neuron", p, int)
    if ("split_line", l, r) not in ctx.facts:
        return Outcome("fails", f"segment {n + 1} needs a neuron_split obligation for layer {l}, neuron {r}", ledger)
    # the neuron_split obligation proved the line through the certificate's point only: a
    # split_line segment may only continue along that same line, before any other segment
    if on_line not in (None, (l, r)):
        return Outcome("fails", f"segment {n + 1}: a split_line segment must follow the certificate's point along one "
                                "split line, before any other segment", ledger)
    lam1 = rational(get(seg, "to", p), f"{p}.to")
    W = cur[f"W{l + 1}"]
    copy = ctx.prob.widths[l] - 1
    for row in W:
        v = row[r - 1] + row[copy]
        row[r - 1] = v * S.sympy.Rational(int((1 - lam1).p), int((1 - lam1).q))
        row[copy] = v * S.sympy.Rational(int(lam1.p), int(lam1.q))
    return f"split line to lambda = {lam1} (constant risk: neuron_split identity)"


def _log_affine_weights(seg: dict, p: str, T: fmpq, d0: int, d1: int, ledger: list):
    """W1[j][k](t) = a + b t (positive on [0, T]) and b1 = ln c: (W1, c) or an Outcome."""
    spec = get(seg, "W1", p, list)
    if len(spec) != d1 or any(not isinstance(row, list) or len(row) != d0 for row in spec):
        raise FormatError(f"{p}.W1", spec, f"expected {d1} rows of {d0} [a, b] pairs")
    W1 = []
    for j, row in enumerate(spec):
        W1.append([])
        for k, ab in enumerate(row):
            if not isinstance(ab, list) or len(ab) != 2:
                raise FormatError(f"{p}.W1[{j}][{k}]", ab, "expected [a, b] for ln(a + b t)")
            a, b = (rational(v, f"{p}.W1[{j}][{k}]") for v in ab)
            if not (a > 0 and a + b * T > 0):
                return Outcome("fails", f"W1[{j + 1},{k + 1}]: a + b t is not positive on [0, {T}]", ledger)
            W1[j].append(fmpq_poly([a, b]))
    cs = get(seg, "b1", p, list)
    if len(cs) != d1:
        raise FormatError(f"{p}.b1", cs, f"expected {d1} positive rationals c (b1 = ln c)")
    b1c = [rational(c, f"{p}.b1[{j}]") for j, c in enumerate(cs)]
    if any(not c > 0 for c in b1c):
        raise FormatError(f"{p}.b1", cs, "each c must be positive")
    return W1, b1c


def _log_affine_start(cur: dict, W1: list, b1c: list, n: int, ledger: list):
    """The segment starts where the path is: ln(a) = W1 and ln(c) = b1 there (sympy signs)."""
    from symcert.checker import smooth as S
    checks = [(f"W1[{j + 1},{k + 1}]", cur["W1"][j][k], S.sympy.log(S.sympy.Rational(int(W1[j][k](0).p), int(W1[j][k](0).q))))
              for j in range(len(W1)) for k in range(len(W1[0]))]
    checks += [(f"b1[{j + 1}]", cur["b1"][j][0], S.sympy.log(S.sympy.Rational(int(c.p), int(c.q)))) for j, c in enumerate(b1c)]
    for label, have, want in checks:
        s, how = S.sign(have - want)
        if how not in ledger:
            ledger.append(how)
        if s != 0:
            return Outcome("fails", f"segment {n + 1} does not start where the path is: {label} = {have}, not {want}", ledger)
    return None


def _strictly_decreasing(N, D, T: fmpq, n: int, ledger: list):
    """L = N / D strictly decreasing on [0, T] by root isolation: (k, P1) or an Outcome."""
    P = N.derivative() * D - N * D.derivative()
    if P == 0:
        return Outcome("fails", f"segment {n + 1}: the risk is constant (no decrease)", ledger)
    k = next(i for i, c in enumerate(P.coeffs()) if c != 0)
    P1 = fmpq_poly(P.coeffs()[k:])
    if ISOLATION not in ledger:
        ledger.append(ISOLATION)
    dfree = root_free(D, fmpq(0), T)
    if dfree is not True:
        return Outcome("fails" if dfree is False else "unknown", f"segment {n + 1}: cannot exclude a zero of the risk's "
                       f"denominator on [0, {T}]", ledger)
    pfree = root_free(P1, fmpq(0), T)
    if pfree is None:
        return Outcome("unknown", f"segment {n + 1}: root isolation undecided after {MAX_DEPTH} bisections", ledger)
    if pfree is False or not P1(T) < 0:
        return Outcome("fails", f"segment {n + 1}: the risk is not strictly decreasing on (0, {T}] "
                                f"(L' vanishes inside or is positive)", ledger)
    return k, P1


def _log_affine_segment(ctx: Context, cur: dict, seg: dict, p: str, n: int, cur_risk, ledger: list):
    """A log-affine segment from ``cur`` (updated to its end): (detail, end risk) or an Outcome."""
    from symcert.checker import smooth as S
    prob = ctx.prob
    if prob.depth != 2 or prob.widths[-1] != 1 or prob.act.name not in ("sigmoid", "tanh") or prob.loss != "squared":
        return Outcome("fails", "log_affine segments: one hidden layer, scalar output, sigmoid or tanh, squared loss", ledger)
    if any(v.q != 1 for v in prob.X.entries()):
        return Outcome("fails", "log_affine segments need integer inputs", ledger)
    T = rational(get(seg, "t_end", p), f"{p}.t_end")
    if not T > 0:
        raise FormatError(f"{p}.t_end", seg["t_end"], "must be positive")
    d1, d0 = prob.widths[1], prob.widths[0]
    res = _log_affine_weights(seg, p, T, d0, d1, ledger)
    if isinstance(res, Outcome):
        return res
    W1, b1c = res
    bad = _log_affine_start(cur, W1, b1c, n, ledger)
    if bad is not None:
        return bad
    W2 = [cur["W2"][0][j] for j in range(d1)]
    if not all(v.is_Rational for v in W2 + [cur["b2"][0][0]]):
        return Outcome("fails", "log_affine segments need rational W2 and b2", ledger)
    to_q = lambda v: fmpq(int(v.p), int(v.q))  # noqa: E731
    N, D = _risk_fraction(prob, W1, b1c, [to_q(v) for v in W2], to_q(cur["b2"][0][0]))
    start = N(fmpq(0)) / D(fmpq(0))
    if cur_risk is None or start != cur_risk:
        return Outcome("fails", f"segment {n + 1} starts at risk {start}, not the path's risk {cur_risk if cur_risk is not None else ctx.risk}", ledger)
    res = _strictly_decreasing(N, D, T, n, ledger)
    if isinstance(res, Outcome):
        return res
    k, P1 = res
    end = N(T) / D(T)
    for j in range(d1):
        for kk in range(d0):
            cur["W1"][j][kk] = S.sympy.log(S.sympy.Rational(int(W1[j][kk](T).p), int(W1[j][kk](T).q)))
    return (f"log-affine segment t in [0, {T}]: L' = t^{k} P1(t) / D(t)^2 with P1 (degree {P1.degree()}) "
            f"root-free and negative on [0, {T}]: risk {start} -> {end}"), end


def check_escape_path(ctx: Context, ob: dict, path: str) -> Outcome:
    segs = get(ob, "segments", path, list)
    if not segs:
        raise FormatError(f"{path}.segments", segs, "expected at least one segment")
    cur = {n: [list(row) for row in M] for n, M in ctx.point.items()} if isinstance(ctx.point["W1"], list) else None
    if cur is None:
        return Outcome("fails", "escape_path is implemented for smooth (exact-real) problems", [])
    risk0 = ctx.risk
    cur_risk = risk0 if isinstance(risk0, fmpq) else None  # None: irrational (log_affine cannot start there)
    ledger, details, decreased = [RATIONAL], [], False
    on_line = None  # None: at the point; (l, r): on that split line; "left": moved off it
    for n, seg in enumerate(segs):
        p = f"{path}.segments[{n}]"
        kind = get(seg, "kind", p, str)
        if kind == "split_line":
            res = _split_line_segment(ctx, cur, seg, p, n, on_line, ledger)
            if isinstance(res, Outcome):
                return res
            on_line = (get(seg, "layer", p, int), get(seg, "neuron", p, int))
            details.append(res)
        elif kind == "log_affine":
            on_line = "left"
            res = _log_affine_segment(ctx, cur, seg, p, n, cur_risk, ledger)
            if isinstance(res, Outcome):
                return res
            details.append(res[0])
            cur_risk, decreased = res[1], True
        elif kind == "line":
            on_line = "left"
            res = _line_segment(ctx, cur, seg, p, n, ledger)
            if isinstance(res, Outcome):
                return res
            details.append(res)
            cur_risk, decreased = None, True
        else:
            raise FormatError(f"{p}.kind", kind, "unknown segment kind (known: split_line, log_affine, line)")
    if not decreased:
        return Outcome("fails", "no segment decreases the risk", ledger)
    final = f"final risk {cur_risk} < {risk0}" if cur_risk is not None else f"final risk < {risk0}"
    return Outcome("holds", "; ".join(details) + f"; {final}", ledger, ("escape",))


MAX_PIECES = 4096
INTERVAL = "rigorous interval subdivision: arb enclosures of L'(t) on every subinterval"


def _line_segment(ctx, cur: dict, seg: dict, p: str, n: int, ledger: list):
    """Straight segment cur + t d, t in [0, T], any smooth activation without breakpoints: the
    exact derivative L'(t) (sympy) is enclosed by arb balls on ``pieces`` equal subintervals;
    every enclosure must be < 0, so L is strictly decreasing on [0, T]. Updates ``cur``."""
    from symcert.checker import smooth as S
    prob = ctx.prob
    if prob.act.breakpoints or prob.loss != "squared":
        return Outcome("fails", "line segments: smooth activations without breakpoints, squared loss", ledger)
    d = S.point(get(seg, "direction", p), prob, f"{p}.direction")
    T = rational(get(seg, "t_end", p), f"{p}.t_end")
    if not T > 0:
        raise FormatError(f"{p}.t_end", seg["t_end"], "must be positive")
    pieces = get(seg, "pieces", p, int)
    if not 1 <= pieces <= MAX_PIECES:
        raise FormatError(f"{p}.pieces", pieces, f"expected 1..{MAX_PIECES}")
    t = S.sympy.Symbol("t_path", real=True)
    moved = {k: [[v + t * dv for v, dv in zip(row, drow)] for row, drow in zip(cur[k], d[k])] for k in cur}
    dL = S.sympy.diff(S.Evaluator(prob).risk(moved), t)
    import flint
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = S.PREC
        for k in range(pieces):
            lo, hi = T * k / pieces, T * (k + 1) / pieces
            ball = flint.arb.union(flint.arb(lo), flint.arb(hi))
            try:
                v = S.to_arb(dL, {t: ball})
            except ValueError as exc:
                return Outcome("unknown", f"segment {n + 1}: cannot enclose L' on [{lo}, {hi}]: {exc}", ledger)
            if not v < 0:
                return Outcome("unknown" if not v >= 0 else "fails",
                               f"segment {n + 1}: L' on [{lo}, {hi}] is enclosed by {v}, not certainly negative", ledger)
    finally:
        flint.ctx.prec = saved
    for item in (S.ARB(S.PREC), INTERVAL):
        if item not in ledger:
            ledger.append(item)
    for k in cur:
        cur[k] = [[v + S.sympy.Rational(int(T.p), int(T.q)) * dv for v, dv in zip(row, drow)] for row, drow in zip(cur[k], d[k])]
    return f"line segment t in [0, {T}]: L' < 0 on all {pieces} subintervals (arb)"


CHECKS = {"escape_path": check_escape_path}
