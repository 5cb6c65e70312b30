"""Boxes around critical points of smooth networks (trusted): Krawczyk operator, interval LDL^T.

A box certificate (version 2) names a centre c (the ``point``, exact rationals) and, in each
obligation, a radius r and a precision P: the box B = {theta : |theta_i - c_i| <= r for all i}.
Everything is re-derived over arb balls at P bits from the problem, c and r (module balls):

``krawczyk_box``  With H(B) an enclosure of the Hessian over B, g(c) of the gradient at c, and
    Y = mid(inverse of mid H(B)) (any point matrix will do), the Krawczyk operator
    K(B) = c - Y g(c) + (I - Y H(B)) (B - c). If K(B) lies strictly inside B, the gradient has
    exactly one zero in B (Krawczyk 1969; Moore 1977; Rump 1983: K(B) in int(B) implies that Y
    and every matrix in H(B) are non-singular and that the Newton-like map
    x -> x - Y grad(x) is a contraction of B into itself), and that zero lies in K(B) too, so
    within rho = max |K(B) - c| of c. The risk at that zero x* lies in
    R(c) + (g(c) + H(B)(B - c)) . (B - c) (mean value theorem twice), which must lie inside the
    certificate's ``loss`` enclosure [lo, hi]. Fact ``("critical_box", r, rho)``; the obligations
    below need a box of radius >= rho (it then holds x*), which may be smaller than r.
``hessian_definite_box``  The interval LDL^T of H(B) (below) has every pivot > 0: the Hessian is
    positive definite at every point of B, so the risk is strictly convex on B and x* is a strict
    local minimum (the only minimiser of the risk on B). Fact ``("strict_min_box", r)``.
``negative_curvature_box``  v^T H(B) v < 0 for the certificate's direction v, and the diagonal
    entry of H(B) for the last output bias is > 0: at x* the Hessian is indefinite, so x* is a
    saddle (not a local minimum, not a local maximum). Fact ``("saddle_box", r)``.
``box_strictly_lower``  The risk at ``better_point`` (a ball) lies below the certificate's lo,
    which bounds the risk at x* from below once krawczyk_box holds. Fact ``lower_point``.
"""
from __future__ import annotations

from flint import arb, arb_mat, fmpq

from symcert.checker import balls as B
from symcert.checker import gauge as G
from symcert.checker.krawczyk_core import first_outside, reach, risk_at_zero
from symcert.checker.krawczyk_core import krawczyk as _krawczyk, positive_definite, precision, upper_bound  # noqa: F401 (re-exported)
from symcert.checker.ledger import CURVATURE, GAUGE, KRAWCZYK, LDL
from symcert.checker.obligations import Context, Outcome
from symcert.checker.problem import FormatError, enclosure, get, param_values, rational
from symcert.checker.smooth import SmoothProblem



def flat_point(spec, prob, path: str) -> list:
    """A point's parameters as a flat list of exact rationals in coordinate order."""
    out = []
    for name, r, c, value in param_values(spec, prob, path):
        rows = [value] if name[0] == "b" else value
        if not isinstance(rows, list) or len(rows) != (1 if name[0] == "b" else r):
            raise FormatError(f"{path}.{name}", value, f"expected {r} rows of {c} numbers")
        for i, row in enumerate(rows):
            n = r if name[0] == "b" else c
            if not isinstance(row, list) or len(row) != n:
                raise FormatError(f"{path}.{name}[{i}]", row, f"expected a list of {n} numbers")
            where = f"{path}.{name}" + ("" if name[0] == "b" else f"[{i}]")
            out += [rational(v, f"{where}[{j}]") for j, v in enumerate(row)]
    return out


class BoxContext(Context):
    """Context of a box certificate: centre, claimed enclosures, cached Hessians per (r, P)."""

    @classmethod
    def read(cls, doc: dict, prob, smt_timeout_ms: int) -> "BoxContext":
        act = doc["problem"]["network"]["activation"]
        if isinstance(prob, SmoothProblem) == ("gauge" in doc):
            raise FormatError("gauge" if "gauge" in doc else "problem.network.activation", doc.get("gauge", act),
                              "box conclusions need a smooth activation, or a piecewise-linear one with a gauge")
        h = B.activation(act, "problem.network.activation") if "gauge" not in doc else ("piecewise_linear", B.piecewise_linear(prob.act))
        net = B.Net(prob.widths, *h, prob.X, prob.Y)
        small = net.offsets()[-1] <= B.MAX_PARAMS  # larger points are not read: every obligation is UNKNOWN
        ctx = cls(prob, flat_point(get(doc, "point", ""), prob, "point") if small else [], None, None, smt_timeout_ms)
        ctx.net = net
        ctx.fixed = G.read(doc["gauge"], prob, ctx.point) if "gauge" in doc else frozenset()
        ctx.free = [i for i in range(net.offsets()[-1]) if i not in ctx.fixed]
        ctx.enclosure = enclosure(doc["loss"], "loss")
        if "better_point" in doc and small:
            ctx.better = flat_point(doc["better_point"], prob, "better_point")
        if "better_loss" in doc:
            ctx.claimed_better_loss = enclosure(doc["better_loss"], "better_loss")
        ctx.cache = {}
        return ctx

    loss_is_enclosure = True  # the driver's exact-loss comparison does not apply: obligations check it

    @property
    def risk(self) -> str:
        return f"in [{self.enclosure[0]}, {self.enclosure[1]}]"

    def names(self) -> list:
        return G.coordinate_names(self.prob)

    def box(self, r: fmpq) -> list:
        """The centre +- r in every free coordinate; the gauge coordinates (if any) exactly."""
        unit = arb(0, 1)
        return [arb(c) + (0 if i in self.fixed else arb(r) * unit) for i, c in enumerate(self.point)]

    def reduced(self, H, g):
        """H(B) and g(c) on the free coordinates (all of them without a gauge), and their names."""
        names = self.names()
        return (*G.restrict(H, g, self.free), [names[i] for i in self.free]) if self.fixed else (H, g, names)

    def evaluate(self, r: fmpq, prec: int):
        """(H(B), g(c), R(c)) at the current precision, computed once per (r, prec)."""
        if (r, prec) not in self.cache:
            centre = [arb(c) for c in self.point]
            self.cache[(r, prec)] = (B.hessian(self.net, self.box(r)), B.gradient(self.net, centre), B.risk(self.net, centre))
        return self.cache[(r, prec)]


def _precision(ctx, ob: dict, path: str):
    """(prec, None) or (prec, Outcome) when the request is outside the limits or the loss."""
    if not isinstance(ctx, BoxContext):
        raise FormatError(path, ob.get("kind"), "this obligation needs a box certificate (version 2, loss [lo, hi])")
    prec = get(ob, "precision", path, int)
    if prec < 32:
        raise FormatError(f"{path}.precision", prec, "at least 32 bits")
    if ctx.prob.loss != "squared":
        return prec, Outcome("fails", f"the box obligations are defined for the squared loss only, not {ctx.prob.loss}", [])
    limit = B.limits(ctx.net, prec)
    return prec, (Outcome("unknown", f"limit reached: {limit}", []) if limit else None)


def _box_fields(ctx, ob: dict, path: str):
    """(r, prec, None) or (r, prec, Outcome) as for _precision."""
    prec, stop = _precision(ctx, ob, path)
    r = rational(get(ob, "radius", path), f"{path}.radius")
    if not r > 0:
        raise FormatError(f"{path}.radius", ob["radius"], "radius must be positive")
    return r, prec, stop


def _needs_critical(ctx, r) -> Outcome | None:
    """None when a krawczyk_box has put the critical point within distance r of the centre (its
    enclosure radius rho <= r: the critical point lies in this obligation's box)."""
    rhos = [f[2] for f in ctx.facts if isinstance(f, tuple) and f[0] == "critical_box"]
    if not any(rho <= r for rho in rhos) and getattr(ctx, "undecided", False):
        return Outcome("unknown", "depends on a krawczyk_box obligation that was left undecided", [])
    if not any(rho <= r for rho in rhos):
        return Outcome("fails", f"needs a krawczyk_box obligation that puts the critical point within {r} of the centre first", [])
    return None


def _evaluate(ctx, r, prec):
    """(values, None) or (None, failing Outcome) when a pre-activation meets a breakpoint."""
    try:
        return ctx.evaluate(r, prec), None
    except B.Crossing as exc:
        return None, Outcome("fails", f"over the box of radius {r}: {exc} (the risk is not C^2 there)", [B.ARB(prec)])


def check_krawczyk_box(ctx, ob: dict, path: str) -> Outcome:
    r, prec, stop = _box_fields(ctx, ob, path)
    if stop:
        ctx.undecided = stop.status == "unknown"
        return stop
    with precision(prec):
        vals, bad = _evaluate(ctx, r, prec)
        if bad:
            return bad
        H, g, Rc = vals
        H, g, names = ctx.reduced(H, g)
        K, u = _krawczyk(H, g, r)
        ledger = [B.ARB(prec), KRAWCZYK] + ([GAUGE] if ctx.fixed else [])
        if K is None:
            return Outcome("fails", f"box of radius {r}: {u}", ledger)
        i = first_outside(K, r)
        if i is not None:
            return Outcome("fails", f"K(B) is not strictly inside the box of radius {r}: at {names[i]}, "
                                    f"K - c = {K[i].str(5, radius=True)}", ledger)
        rho = reach(K, r)
        enc = risk_at_zero(Rc, g, H, u)
        lo, hi = ctx.enclosure
        if not (enc >= arb(lo) and enc <= arb(hi)):
            return Outcome("fails", f"the loss enclosure [{lo}, {hi}] does not contain the risk of the critical point, "
                                    f"which lies in {enc.str(10, radius=True)}", ledger)
    return Outcome("holds", f"K(B) strictly inside the box of radius {r}: exactly one critical point in it, within "
                            f"{float(rho):.3g} of the centre; its risk lies in {enc.str(10, radius=True)}", ledger,
                   (("critical_box", r, rho),))


def check_hessian_definite_box(ctx, ob: dict, path: str) -> Outcome:
    r, prec, stop = _box_fields(ctx, ob, path)
    if stop or _needs_critical(ctx, r):
        return stop or _needs_critical(ctx, r)
    with precision(prec):
        vals, bad = _evaluate(ctx, r, prec)
        if bad:
            return bad
        H, _, names = ctx.reduced(vals[0], vals[1])
        k = positive_definite(H)
    ledger = [B.ARB(prec), LDL] + ([GAUGE] if ctx.fixed else [])
    if k is not None:
        return Outcome("fails", f"interval LDL^T of H(B), radius {r}: pivot {k + 1} (block from {names[k]}) is not "
                                f"certainly positive", ledger)
    if ctx.fixed:
        return Outcome("holds", f"every pivot of the interval LDL^T of H(B) on the {len(ctx.free)} free coordinates is positive: "
                                f"the critical point is a strict minimum on the gauge slice of radius {r}, hence a local minimum "
                                f"(its rescalings have the same risk)", ledger, (("gauged_min_box", r),))
    return Outcome("holds", f"every pivot of the interval LDL^T of H(B) is positive: the Hessian is positive definite on the box "
                            f"of radius {r}, the critical point is a strict local minimum", ledger, (("strict_min_box", r),))


def check_negative_curvature_box(ctx, ob: dict, path: str) -> Outcome:
    r, prec, stop = _box_fields(ctx, ob, path)
    if stop or _needs_critical(ctx, r):
        return stop or _needs_critical(ctx, r)
    v = flat_point(get(ob, "direction", path), ctx.prob, f"{path}.direction")
    with precision(prec):
        vals, bad = _evaluate(ctx, r, prec)
        if bad:
            return bad
        H, n = vals[0], len(v)
        V = arb_mat(n, 1, [arb(x) for x in v])
        q = (V.transpose() * (H * V))[0, 0]
        e = H[n - 1, n - 1]  # the last output bias
    ledger = [B.ARB(prec), CURVATURE]
    if not q < 0:
        return Outcome("fails", f"v^T H(B) v = {q.str(5, radius=True)} is not certainly negative on the box of radius {r}", ledger)
    if not e > 0:
        return Outcome("fails", f"d^2 R / d {ctx.names()[-1]}^2 = {e.str(5, radius=True)} is not certainly positive", ledger)
    return Outcome("holds", f"v^T H v in {q.str(5, radius=True)} < 0 and d^2 R / d {ctx.names()[-1]}^2 > 0 on the box of "
                            f"radius {r}: the critical point is a saddle", ledger, (("saddle_box", r),))


def check_box_strictly_lower(ctx, ob: dict, path: str) -> Outcome:
    prec, stop = _precision(ctx, ob, path)
    if stop:
        return stop
    if ctx.better is None:
        return Outcome("fails", "no better_point in the certificate", [])
    with precision(prec):
        try:
            rb = B.risk(ctx.net, [arb(x) for x in ctx.better])
        except B.Crossing as exc:
            return Outcome("fails", f"at better_point: {exc}", [B.ARB(prec)])
        lo = ctx.enclosure[0]
        claimed = ctx.claimed_better_loss
        if claimed is not None and not (rb >= arb(claimed[0]) and rb <= arb(claimed[1])):
            return Outcome("fails", f"better_loss [{claimed[0]}, {claimed[1]}] does not contain the risk at better_point, "
                                    f"{rb.str(10, radius=True)}", [B.ARB(prec)])
        if not rb < arb(lo):
            return Outcome("fails", f"the risk at better_point, {rb.str(10, radius=True)}, is not certainly below lo = {lo}",
                           [B.ARB(prec)])
    return Outcome("holds", f"risk at better_point {rb.str(10, radius=True)} < {lo} <= risk at the critical point",
                   [B.ARB(prec)], ("lower_point",))


CHECKS = {
    "krawczyk_box": check_krawczyk_box,
    "hessian_definite_box": check_hessian_definite_box,
    "negative_curvature_box": check_negative_curvature_box,
    "box_strictly_lower": check_box_strictly_lower,
}
