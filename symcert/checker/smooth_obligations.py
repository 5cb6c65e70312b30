"""Obligations on smooth networks (trusted). Each re-derives its fact from the problem.

Facts (shared with :mod:`symcert.checker.obligations`):

* ``critical``              the exact gradient at the point is zero
* ``("local_min", why)``    a neighbourhood of the point holds no point of lower risk
* ``lower_point``           the better point has strictly lower risk (exactly or rigorously)
* ``descent``               every neighbourhood of the point holds a point of lower risk

Kinds: ``smooth_gradient_zero``, ``convexity_bound`` (Yun et al. 2019 Thm 2 route),
``affine_pieces`` (every neuron on an affine piece: the least-squares bound),
``morse_bott`` (critical manifold + Hessian PSD with kernel = tangent space; in
:mod:`symcert.checker.smooth_hessian`),
``smooth_strictly_lower``, ``smooth_descent`` (negative curvature at a critical point),
``hessian_pd`` (strict minimum: positive definite Hessian, exact or rigorous inertia; in
:mod:`symcert.checker.smooth_hessian`),
``paper_conditions`` (Yun et al. 2019 Thm 2, C2.3-C2.7, resting on the theorem).
"""
from __future__ import annotations

import flint
import sympy
from flint import arb, fmpq, fmpq_mat

from symcert.checker import kernel, sizes
from symcert.checker import smooth as S
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, get, rational
from symcert.exact.limits import clip, show
from symcert.checker.smooth_hessian import check_hessian_pd, check_morse_bott
from symcert.checker.smooth_hessian import require_smooth as _smooth
from symcert.checker.ledger import AFFINE_LEMMA, SECOND_ORDER_DESCENT, YUN_THEOREM
from symcert.checker.ledger import CONVEX_OUTPUT_LEMMA as CONVEX_LEMMA

MAX_BISECT = 12  # an interval is split into at most 2^MAX_BISECT pieces when bounding h', h''


class SmoothContext(Context):
    """Context of a smooth problem: the risk is an exact sympy number (an fmpq when rational)."""

    @property
    def ev(self) -> S.Evaluator:
        if not hasattr(self, "_ev"):
            self._ev = S.Evaluator(self.prob)
        return self._ev

    @property
    def exact_risk(self) -> sympy.Expr:
        if not hasattr(self, "_exact_risk"):
            try:
                self._exact_risk = self.ev.risk(self.point)
            except S.NotDifferentiable as exc:
                raise FormatError("point", None, f"cannot evaluate the risk: {exc}") from None
        return self._exact_risk

    @property
    def risk(self):
        v = self.exact_risk
        return S.as_fmpq(v) if v.is_Rational else v


def _show(v) -> str:
    """Short text of an exact value: itself if short, else its arb enclosure."""
    text = show(v)
    if not text.startswith("<") and not text.endswith(" characters)"):
        return text
    try:
        return f"<expression in {S.arb_at(v, S.PREC)}>"
    except (ValueError, RecursionError):
        return text


def _radius(ob, path) -> fmpq:
    r = rational(get(ob, "radius", path), f"{path}.radius")
    if not r > 0:
        raise FormatError(f"{path}.radius", ob["radius"], "radius must be positive")
    return r


def _nonzero_outcome(values, what, ledger):
    """Decide every value is exactly 0; return None if so, else a failing/unknown Outcome."""
    for label, v in values:
        s, how = S.sign(v)
        if how not in ledger:
            ledger.append(how)
        if s is None:
            return Outcome("unknown", f"{what}{label} = {_show(v)}: {how}", ledger)
        if s != 0:
            return Outcome("fails", f"{what}{label} = {_show(v)} is {'positive' if s > 0 else 'negative'} ({how}), not 0", ledger)
    return None


# ---- gradient ------------------------------------------------------------------------------

def check_smooth_gradient_zero(ctx, ob: dict, path: str) -> Outcome:
    _smooth(ctx, path)
    try:
        grad = ctx.ev.gradient(ctx.point)
    except S.NotDifferentiable as exc:
        return Outcome("fails", f"risk not differentiable: {exc}", [S.SYMPY])
    ledger = [S.SYMPY]
    vals = [(f"d risk / d {n}[{i + 1},{j + 1}]", v) for n in ctx.prob.param_names() for i, row in enumerate(grad[n]) for j, v in enumerate(row)]
    bad = _nonzero_outcome(vals, "", ledger)
    if bad:
        return bad
    return Outcome("holds", f"all {len(vals)} partial derivatives are exactly 0", ledger, ("critical",))


# ---- rigorous interval bounds on an activation ----------------------------------------------

def _pieces(ball: arb, n: int) -> list:
    lo, hi = ball.lower(), ball.upper()
    return [arb.union(lo + (hi - lo) * k / n, lo + (hi - lo) * (k + 1) / n) for k in range(n)]


def _sign_on(expr: sympy.Expr, ball: arb) -> int | None:
    """+1 if expr(t) >= 0 for every t in the ball, -1 if <= 0, None if arb cannot tell
    (after bisecting into up to 2^MAX_BISECT pieces). Assumes the current flint.ctx.prec."""
    if expr == 0:
        return 1
    for depth in range(MAX_BISECT + 1):
        signs = set()
        for piece in _pieces(ball, 2**depth):
            try:
                v = S.to_arb(expr, {S.T: piece})
            except ValueError:
                signs.add(None)
                break
            signs.add(1 if v >= 0 else -1 if v <= 0 else None)
            if None in signs or len(signs) > 1:
                break
        if None not in signs and len(signs) == 1:
            return signs.pop()
        if len(signs) > 1 and None not in signs:
            return None
    return None


def _piece_of_ball(act: S.SmoothActivation, ball: arb) -> int | None:
    k = 0
    for bp in act.breakpoints:
        b = arb(fmpq(int(bp.p), int(bp.q)))
        if ball < b:
            return k
        if not ball > b:
            return None
        k += 1
    return k


_FLIP = {"affine": "affine", "convex": "concave", "concave": "convex", None: None}


def _add_shape(a, b):
    if a == "affine":
        return b
    if b == "affine" or a == b:
        return a
    return None


def _activation_shape(act, z_shape, ball):
    """(shape of h(z(x)), enclosure of its values, reason if unknown)."""
    k = _piece_of_ball(act, ball)
    if k is None:
        return None, None, f"pre-activation range {ball} meets a breakpoint"
    h0, h1, h2 = (act.derivative(k, o) for o in range(3))
    try:
        values = S.to_arb(h0, {S.T: ball})
    except ValueError as exc:  # e.g. a ball so wide that arb cannot bound h on it
        return None, None, f"cannot enclose h on the pre-activation range {ball}: {exc}"
    if z_shape is None:
        return None, values, "pre-activation of unknown curvature"
    s2 = _sign_on(h2, ball)
    if z_shape == "affine":
        if h2 == 0:
            return "affine", values, ""
        shape = {1: "convex", -1: "concave"}.get(s2)
        return shape, values, "" if shape else f"sign of h'' undecided on {ball}"
    s1 = _sign_on(h1, ball)
    if s1 is None or s2 is None:
        return None, values, f"signs of h', h'' undecided on {ball}"
    if h2 == 0:  # affine piece: h o z has the shape of z times the slope's sign
        return (z_shape if s1 > 0 else _FLIP[z_shape]), values, ""
    want = {("convex", 1, 1): "convex", ("concave", -1, 1): "convex", ("concave", 1, -1): "concave", ("convex", -1, -1): "concave"}
    shape = want.get((z_shape, s1, s2))
    return shape, values, "" if shape else "curvature and monotonicity do not compose"


def _shapes(ctx, r: fmpq):
    """Shape ('affine'|'convex'|'concave'|None) of the network output as a function of x on the
    convex hull of the inputs, valid for every parameter within sup-distance r of the point,
    and a message when unknown. Rigorous: arb balls enclose every pre-activation."""
    prob, ev = ctx.prob, ctx.ev
    fw = ev.forward(ctx.point)
    rb = arb(fmpq(0), r)  # [-r, r]
    xnorm = max(sum((abs(prob.X[k, s]) for k in range(prob.widths[0])), fmpq(0)) for s in range(prob.m))
    shapes, ranges = None, None
    for l in range(1, prob.depth + 1):
        W, b = ctx.point[f"W{l}"], ctx.point[f"b{l}"]
        new_shapes, new_ranges = [], []
        for i in range(len(W)):
            if l == 1:
                vals = []
                for s in range(prob.m):
                    z = fw[s][0][0][i] if prob.depth > 1 else fw[s][2][i]
                    vals.append(S.to_arb(z))
                ball = vals[0]
                for v in vals[1:]:
                    ball = arb.union(ball, v)
                ball = ball + arb(fmpq(0), r * (1 + xnorm))
                shape = "affine"
            else:
                shape = "affine"
                ball = S.to_arb(b[i][0]) + rb
                for k, w in enumerate(W[i]):
                    wb = S.to_arb(w) + rb
                    ball += wb * ranges[k]
                    if shapes[k] == "affine":
                        continue
                    if wb > 0:
                        term = shapes[k]
                    elif wb < 0:
                        term = _FLIP[shapes[k]]
                    else:
                        return None, f"layer {l} neuron {i + 1}: weight {k + 1} = {w} +- {r} has no fixed sign"
                    shape = _add_shape(shape, term)
            if l == prob.depth:
                new_shapes.append(shape)
                continue
            hs, hv, why = _activation_shape(prob.act, shape, ball)
            if hs is None:
                return None, f"layer {l} neuron {i + 1}: {why}"
            new_shapes.append(hs)
            new_ranges.append(hv)
        shapes, ranges = new_shapes, new_ranges
    return shapes[0], ""


def _outputs_rational(ctx, path):
    fw = ctx.ev.forward(ctx.point)
    out = [f[2][0] for f in fw]
    if not all(v.is_Rational for v in out):
        return None
    return [S.as_fmpq(v) for v in out]


def check_convexity_bound(ctx, ob: dict, path: str) -> Outcome:
    _smooth(ctx, path)
    prob = ctx.prob
    if prob.loss != "squared" or prob.widths[-1] != 1:
        return Outcome("fails", "convexity_bound is stated for the squared loss and scalar output", [])
    r = _radius(ob, path)
    combos = get(ob, "combinations", path, list)
    if not combos:
        raise FormatError(f"{path}.combinations", combos, "at least one convex combination is needed")
    m, dx = prob.m, prob.widths[0]
    f = _outputs_rational(ctx, path)
    if f is None:
        return Outcome("fails", "the network's outputs at the point are not exactly rational (needed by this bound)", [S.SYMPY])
    resid = [f[s] - prob.Y[0, s] for s in range(m)]
    total = list(resid)
    for t, c in enumerate(combos):
        cp = f"{path}.combinations[{t}]"
        k = get(c, "sample", cp, int)
        if not 1 <= k <= m:
            raise FormatError(f"{cp}.sample", k, f"expected a sample number 1..{m}")
        mu = rational(get(c, "multiplier", cp), f"{cp}.multiplier")
        terms = get(c, "of", cp, list)
        lam = {}
        for q, term in enumerate(terms):
            if not isinstance(term, list) or len(term) != 2 or not isinstance(term[0], int) or not 1 <= term[0] <= m or term[0] == k:
                raise FormatError(f"{cp}.of[{q}]", term, f"expected [sample 1..{m} other than {k}, weight]")
            lam[term[0]] = lam.get(term[0], fmpq(0)) + rational(term[1], f"{cp}.of[{q}][1]")
        if mu < 0 or any(v < 0 for v in lam.values()) or sum(lam.values(), fmpq(0)) != 1:
            return Outcome("fails", f"{cp}: weights must be >= 0 and sum to 1, multiplier >= 0", [RATIONAL])
        for d in range(dx):
            if sum((v * prob.X[d, i - 1] for i, v in lam.items()), fmpq(0)) != prob.X[d, k - 1]:
                return Outcome("fails", f"{cp}: sample {k} is not the stated convex combination (coordinate {d + 1})", [RATIONAL])
        slack = sum((v * f[i - 1] for i, v in lam.items()), fmpq(0)) - f[k - 1]
        if mu != 0 and slack != 0:
            return Outcome("fails", f"{cp}: complementary slackness fails (multiplier {mu}, slack {slack})", [RATIONAL])
        total[k - 1] += mu
        for i, v in lam.items():
            total[i - 1] -= mu * v
    if any(v != 0 for v in total):
        return Outcome("fails", f"KKT stationarity fails: f - y + sum mu a = ({', '.join(map(str, total))}) != 0", [RATIONAL])
    prec = S.PREC
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        shape, why = _shapes(ctx, r)
    except ValueError as exc:  # arb cannot enclose a value over so large a box
        shape, why = None, str(exc)
    finally:
        flint.ctx.prec = saved
    ledger = [RATIONAL, S.SYMPY, S.ARB(prec), CONVEX_LEMMA]
    if shape not in ("convex", "affine"):
        return Outcome("unknown" if shape is None else "fails", f"cannot show the output convex in x over the box of radius {clip(str(r))}: {why or shape}", ledger)
    return Outcome("holds", f"output convex in x on the inputs' hull for every parameter within {r}; "
                   f"loss >= {_show(ctx.risk)} by {len(combos)} KKT multiplier(s)", ledger, (("local_min", r),))


def check_affine_pieces(ctx, ob: dict, path: str) -> Outcome:
    """Every neuron stays on an affine piece over the box: the network is affine in x there, and
    the normal equations of the given affine fit bound the loss by its least-squares value."""
    _smooth(ctx, path)
    prob = ctx.prob
    if prob.loss != "squared" or prob.widths[-1] != 1:
        return Outcome("fails", "affine_pieces is stated for the squared loss and scalar output", [])
    r = _radius(ob, path)
    fit = get(ob, "affine_fit", path, dict)
    wx = [rational(v, f"{path}.affine_fit.weights[{d}]") for d, v in enumerate(get(fit, "weights", f"{path}.affine_fit", list))]
    if len(wx) != prob.widths[0]:
        raise FormatError(f"{path}.affine_fit.weights", fit["weights"], f"expected {prob.widths[0]} weights")
    wb = rational(get(fit, "bias", f"{path}.affine_fit"), f"{path}.affine_fit.bias")
    m, dx = prob.m, prob.widths[0]
    resid = [sum((wx[d] * prob.X[d, s] for d in range(dx)), wb) - prob.Y[0, s] for s in range(m)]
    if any(v != 0 for v in kernel.normal_equations(fmpq_mat(1, m, resid), prob.X).entries()):
        return Outcome("fails", "the affine fit does not satisfy the normal equations", [RATIONAL])
    l0 = sum((v * v for v in resid), fmpq(0)) / 2
    if ctx.risk != l0:
        return Outcome("fails", f"risk at the point {ctx.risk} differs from the affine optimum {l0}", [RATIONAL])
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = S.PREC
        shape, why = _shapes(ctx, r)
    except ValueError as exc:  # arb cannot enclose a value over so large a box
        shape, why = None, str(exc)
    finally:
        flint.ctx.prec = saved
    ledger = [RATIONAL, S.SYMPY, S.ARB(S.PREC), AFFINE_LEMMA]
    if shape != "affine":
        return Outcome("fails" if shape else "unknown", f"cannot show the network affine in x over the box of radius {clip(str(r))}: {why or shape}", ledger)
    return Outcome("holds", f"every neuron stays on an affine piece over the box of radius {r}; least-squares optimum {l0} equals the risk",
                   ledger, (("local_min", r),))


# ---- Hessian inertia -------------------------------------------------------------------------

# ---- better point and descent ----------------------------------------------------------------

def check_smooth_strictly_lower(ctx, ob: dict, path: str) -> Outcome:
    _smooth(ctx, path)
    if ctx.better is None:
        return Outcome("fails", "no better_point in the certificate", [])
    try:
        lb = S.Evaluator(ctx.prob).risk(ctx.better)
    except S.NotDifferentiable as exc:  # only raised when a piece cannot be decided
        return Outcome("unknown", str(exc), [S.SYMPY])
    ledger = [S.SYMPY]
    if ctx.claimed_better_loss is not None:
        s, how = S.sign(lb - sympy.Rational(int(ctx.claimed_better_loss.p), int(ctx.claimed_better_loss.q)))
        ledger.append(how)
        if s != 0:
            return Outcome("fails", f"claimed better_loss {ctx.claimed_better_loss} but the risk at better_point is {_show(lb)}", ledger)
    s, how = S.sign(lb - ctx.exact_risk)
    if how not in ledger:
        ledger.append(how)
    if s is None:
        return Outcome("unknown", f"cannot decide risk at better_point {_show(lb)} < {_show(ctx.exact_risk)}: {how}", ledger)
    if s >= 0:
        return Outcome("fails", f"risk at better_point {_show(lb)} is not below the risk at the point {_show(ctx.exact_risk)}", ledger)
    shown = _show(lb) if lb.is_Rational else f"in {S.arb_at(lb, S.PREC)}"
    return Outcome("holds", f"risk at better_point {shown} < {_show(ctx.exact_risk)}", ledger, ("lower_point",))


def check_smooth_descent(ctx, ob: dict, path: str) -> Outcome:
    """Needs the fact ``critical``; the direction d (rational, same shapes as the point) has
    d^T H d < 0, so risk(point + t d) < risk(point) for all small t != 0 (Taylor). The optional
    ``witness_t`` (rational) gives one such point, whose lower risk is decided exactly or
    rigorously."""
    _smooth(ctx, path)
    if "critical" not in ctx.facts:
        return Outcome("fails", "needs a smooth_gradient_zero obligation first (the point must be critical)", [])
    prob = ctx.prob
    coords = prob.coordinates()
    dspec = get(ob, "direction", path, dict)
    d = S.point(dspec, prob, f"{path}.direction")
    dv = S.flat(d, coords)
    if all(v == 0 for v in dv):
        raise FormatError(f"{path}.direction", dspec, "the direction must be nonzero")
    try:
        H = ctx.ev.hessian(ctx.point, coords)
    except (S.NotDifferentiable, ValueError) as exc:
        return Outcome("fails", f"no Hessian here: {exc}", [S.SYMPY])
    if isinstance(H, fmpq_mat):
        if not all(v.is_Rational for v in dv):
            raise FormatError(f"{path}.direction", dspec, "expected rational entries")
        D = fmpq_mat(len(dv), 1, [S.as_fmpq(v) for v in dv])
        q = (D.transpose() * H * D)[0, 0]
        quad, ledger = sympy.Rational(int(q.p), int(q.q)), [S.SYMPY, RATIONAL]
    else:
        quad = sympy.Add(*[dv[p] * H[p][q] * dv[q] for p in range(len(dv)) for q in range(len(dv)) if dv[p] != 0 and dv[q] != 0])
        ledger = [S.SYMPY]
    s, how = S.sign(quad)
    if how not in ledger:
        ledger.append(how)
    if s is None or s >= 0:
        return Outcome("fails" if s is not None else "unknown", f"d^T H d = {_show(quad)} is not negative ({how})", ledger)
    detail = f"gradient 0 and d^T H d = {_show(quad)} < 0: second-order descent"
    if "witness_t" in ob:
        t = rational(ob["witness_t"], f"{path}.witness_t")
        st = sympy.Rational(int(t.p), int(t.q))
        moved = {n: [[v + st * dd for v, dd in zip(row, drow)] for row, drow in zip(ctx.point[n], d[n])] for n in prob.param_names()}
        lw = S.Evaluator(prob).risk(moved)
        sw, how = S.sign(lw - ctx.exact_risk)
        if how not in ledger:
            ledger.append(how)
        if sw is None or sw >= 0:
            return Outcome("fails", f"the witness point at t = {t} has risk {_show(lw)}, not below {_show(ctx.exact_risk)} ({how})", ledger)
        detail += f"; at t = {t} the risk is {_show(lw) if lw.is_Rational else 'in ' + str(S.arb_at(lw, S.PREC))} < {_show(ctx.exact_risk)}"
    return Outcome("holds", detail, [*ledger, SECOND_ORDER_DESCENT], ("descent",))


YUN_DATA = ([[1, 0], [0, 1], [fmpq(1, 2), fmpq(1, 2)]], [0, 0, 1])
ANALYTIC = "table activations are real-analytic on each open piece (C2.4, C2.5 by Cauchy's estimates)"


def check_paper_conditions(ctx, ob: dict, path: str) -> Outcome:
    """The paper's own sufficient conditions for Yun et al. 2019 Thm 2 (part 2), checked exactly
    or rigorously, on the paper's problem and the paper's form of the point:
    W1 = [[v1, v1], [v2, v2]], b1 = 0, W2 = [u1, u2], b2 = 0.
    (C2.3) u1 h(v1) + u2 h(v2) = 1/3; (C2.4, C2.5) v_i strictly inside an analytic piece;
    (C2.6) A_i = (u_i h'(v_i))^2 + u_i h''(v_i)/3 > 0; (C2.7) (u1 h'(v1) u2 h'(v2))^2 < A1 A2."""
    _smooth(ctx, path)
    theorem = get(ob, "theorem", path, str)
    if theorem != "yun2019.thm2":
        raise FormatError(f"{path}.theorem", theorem, "unknown theorem (known: yun2019.thm2)")
    prob, pt = ctx.prob, ctx.point
    xs, ys = YUN_DATA
    if prob.widths != (2, 2, 1) or prob.loss != "squared" or prob.m != 3 or any(
            prob.X[k, i] != xs[i][k] or prob.Y[0, i] != ys[i] for i in range(3) for k in range(2)):
        return Outcome("fails", "the problem is not the paper's (widths 2-2-1, inputs (1,0), (0,1), (1/2,1/2), targets 0, 0, 1)", [])
    W1, b1, W2, b2 = pt["W1"], pt["b1"], pt["W2"], pt["b2"]
    if any(not sizes.simplifiable(W1[j][0] - W1[j][1]) for j in range(2)):
        return Outcome("unknown", "the point's entries are too large for sympy.simplify (limit MAX_SIMPLIFY_NODES)", [S.SYMPY])
    if any(sympy.simplify(W1[j][0] - W1[j][1]) != 0 for j in range(2)) or any(b[0] != 0 for b in b1) or b2[0][0] != 0:
        return Outcome("fails", "the point is not of the paper's form W1 = [[v1, v1], [v2, v2]], b1 = 0, b2 = 0", [S.SYMPY])
    v, u, ev = [W1[0][0], W1[1][0]], W2[0], ctx.ev
    ledger = [S.SYMPY]
    try:
        h = [[ev.h(v[i], o) for o in range(3)] for i in range(2)]
    except S.NotDifferentiable as exc:
        return Outcome("fails", f"C2.4: {exc}", ledger)
    ledger.append(ANALYTIC)
    quantities = [("C2.3", u[0] * h[0][0] + u[1] * h[1][0] - sympy.Rational(1, 3), 0)]
    A = [(u[i] * h[i][1]) ** 2 + u[i] * h[i][2] / 3 for i in range(2)]
    quantities += [(f"C2.6 (A_{i + 1})", A[i], 1) for i in range(2)]
    quantities.append(("C2.7", A[0] * A[1] - (u[0] * h[0][1] * u[1] * h[1][1]) ** 2, 1))
    for name, q, want in quantities:
        sg, how = S.sign(sizes.bounded_expand(q, name))
        if how not in ledger:
            ledger.append(how)
        if sg is None:
            return Outcome("unknown", f"{name} undecided: {how}", ledger)
        if sg != want:
            return Outcome("fails", f"{name} fails: the quantity is {_show(q)} (sign {sg})", ledger)
    ledger.append(YUN_THEOREM)
    return Outcome("holds", "C2.3 (exact), C2.4-C2.5 (analytic piece), C2.6 and C2.7 (rigorous) hold", ledger,
                   (("local_min", "Yun et al. 2019 Theorem 2"),))


CHECKS = {
    "smooth_gradient_zero": check_smooth_gradient_zero,
    "convexity_bound": check_convexity_bound,
    "affine_pieces": check_affine_pieces,
    "morse_bott": check_morse_bott,
    "smooth_strictly_lower": check_smooth_strictly_lower,
    "smooth_descent": check_smooth_descent,
    "paper_conditions": check_paper_conditions,
    "hessian_pd": check_hessian_pd,
}
