"""Obligations on population problems (trusted): Krawczyk box, interval LDL^T, saddle, global minimum.

A population certificate (version 2, problem class ``population``, :mod:`symcert.checker.population`)
names a centre c (the ``point``, exact rationals) and a rigorous enclosure ``loss: [lo, hi]`` of
the risk at the critical point the certificate is about. Each box obligation names a radius r
(0 < r <= 1/4) and a precision P (32..1024 bits): B = {x : |x_i - c_i| <= r}. Everything is
re-derived over arb balls at P bits from the problem, c and r.

``population_krawczyk``  K(B) = c - Y g(c) + (I - Y H(B))(B - c) strictly inside B: exactly one
    critical point x* in B, and x* in K(B). By Taylor at x* (gradient 0 there),
    F(x*) = F(c) - 1/2 (c - x*)^T H(xi) (c - x*) with xi in B, which is enclosed using u = K(B) - c;
    the enclosure must lie inside [lo, hi]. Fact ``("critical_box", r)``.
``population_hessian_pd``  with M the midpoint matrix of H(B) and rho >= the Frobenius norm of its
    radii, the LDL^T of M - (shift + rho) I (shift >= 0, default 0) has every pivot > 0: by Weyl,
    every Hessian eigenvalue on B exceeds shift, and x* is a strict local minimum.
    Fact ``("strict_min_box", r)``.
``population_negative_curvature``  v^T H(B) v < 0 and some diagonal entry of H(B) > 0: x* is a
    saddle. Fact ``("saddle_box", r)``.
``population_above_global``  lo > 0, and the global minimum 0 is attained at the teacher (m <= k):
    x* is not a global minimum. Fact ``lower_point``.
``population_teacher``  the point is exactly the teacher (rows permuted, zero rows beyond m), the
    enclosure contains 0: a global minimum. Fact ``global_min``.

The Krawczyk step and the interval LDL^T are written here (arguments next to them) so that this
class depends on nothing but the closed form of :mod:`symcert.checker.population`.
"""
from __future__ import annotations

from flint import arb, arb_mat, fmpq

from symcert.checker.ledger import ARB, CURVATURE_POP as CURVATURE, GLOBAL_POP as GLOBAL, KRAWCZYK_POP as KRAWCZYK
from symcert.checker.ledger import RATIONAL as RATIONAL_Q, SYLVESTER_POP as SYLVESTER, TAYLOR_POP as TAYLOR, WEYL_POP as WEYL
from symcert.checker.krawczyk_core import first_outside, positive_definite as _pd, precision
from symcert.checker.obligations import Context, Outcome
from symcert.checker.population import MAX_PREC, Degenerate, Evaluator, PopulationProblem, point  # noqa: F401
from symcert.checker.problem import FormatError, get, rational


class PopulationContext(Context):
    """Context of a population certificate: the centre (flat fmpq list), the claimed enclosure,
    Hessians over boxes cached per (radius, precision)."""

    @classmethod
    def make(cls, prob, centre: list, enclosure: tuple, smt_timeout_ms: int) -> "PopulationContext":
        ctx = cls(prob, centre, None, None, smt_timeout_ms)
        ctx.enclosure, ctx.cache, ctx.ev = enclosure, {}, Evaluator(prob)
        ctx.loss_is_enclosure = True  # checked by population_krawczyk / population_teacher
        return ctx

    @property
    def risk(self) -> str:
        return f"in [{self.enclosure[0]}, {self.enclosure[1]}]"


MAX_RADIUS = fmpq(1, 4)
LEAF = 24


def _fields(ctx, ob: dict, path: str, radius: bool = True):
    """(r, prec) read and bounded."""
    if not isinstance(ctx.prob, PopulationProblem):
        raise FormatError(path, ob.get("kind"), "this obligation needs a population problem")
    prec = get(ob, "precision", path, int)
    if not 32 <= prec <= MAX_PREC:
        raise FormatError(f"{path}.precision", prec, f"expected 32 to {MAX_PREC} bits")
    if not radius:
        return None, prec
    r = rational(get(ob, "radius", path), f"{path}.radius")
    if not 0 < r <= MAX_RADIUS:
        raise FormatError(f"{path}.radius", ob["radius"], f"expected 0 < radius <= {MAX_RADIUS}")
    return r, prec


def _box(ctx, r: fmpq) -> list:
    return [arb(c) + arb(r) * arb(0, 1) for c in ctx.point]


def _hessian_box(ctx, r: fmpq, prec: int):
    """H(B) over the box of radius r (cached), or a Degenerate naming the pair."""
    key = (r, prec)
    if key not in ctx.cache:
        ctx.cache[key] = ctx.ev.hessian(_box(ctx, r))
    return ctx.cache[key]


def krawczyk_image(H: arb_mat, g: list, r: fmpq):
    """K(B) - c as balls, or None when mid H(B) is singular. Y = mid(mid(H)^-1) is a point
    matrix; any Y is allowed by the lemma, only the containment test decides."""
    d = H.nrows()
    try:
        Y = H.mid().inv().mid()
    except (ZeroDivisionError, ValueError):
        return None
    u = arb_mat(d, 1, [arb(r) * arb(0, 1) for _ in range(d)])
    I = arb_mat(d, d)
    for i in range(d):
        I[i, i] = 1
    K = -(Y * arb_mat(d, 1, g)) + (I - Y * H) * u
    return [K[i, 0] for i in range(d)]


def check_population_krawczyk(ctx, ob: dict, path: str):
    """Exactly one critical point x* in the box of radius r around the point, and F(x*) inside
    the certificate's loss enclosure: F(x*) in F(c) - 1/2 sum H(B)_rs u_r u_s with u = K(B) - c."""
    r, prec = _fields(ctx, ob, path)
    ledger = [ARB(prec), KRAWCZYK, TAYLOR]
    with precision(prec):
        try:
            H = _hessian_box(ctx, r, prec)
            c = [arb(x) for x in ctx.point]
            g, Fc = ctx.ev.gradient(c), ctx.ev.risk(c)
        except Degenerate as exc:
            return Outcome("fails", f"the box of radius {r} meets the set where the closed form is not analytic ({exc})", ledger[:1])
        K = krawczyk_image(H, g, r)
        if K is None:
            return Outcome("fails", f"box of radius {r}: the midpoint of H(B) is singular", ledger)
        i = first_outside(K, r)
        if i is not None:
            return Outcome("fails", f"K(B) is not strictly inside the box of radius {r}: at {ctx.prob.names()[i]}, "
                                    f"K - c = {K[i].str(5, radius=True)}", ledger)
        d = len(K)
        Hu = H * arb_mat(d, 1, K)
        enc = Fc - sum((K[i] * Hu[i, 0] for i in range(d)), arb(0)) / 2
        lo, hi = ctx.enclosure
        if not (enc >= arb(lo) and enc <= arb(hi)):
            return Outcome("fails", f"the loss enclosure [{lo}, {hi}] does not contain the risk at the critical point, "
                                    f"which lies in {enc.str(12, radius=True)}", ledger)
        width = max(abs(v).upper() for v in K)
    return Outcome("holds", f"K(B) strictly inside the box of radius {r} (|x* - c| <= {width.str(3)}): exactly one critical "
                            f"point; its risk lies in {enc.str(20, radius=True)}", ledger, (("critical_box", r),))


def _needs_critical(ctx, r):
    radii = [f[1] for f in ctx.facts if isinstance(f, tuple) and f[0] == "critical_box"]
    if not radii or min(radii) > r:
        return Outcome("fails", f"needs a population_krawczyk obligation of radius <= {r} first", [])
    return None


def positive_definite(H: arb_mat, start: int = 0):
    """krawczyk_core.positive_definite (interval LDL^T by blocks, its argument written there) with
    entry-by-entry blocks of at most LEAF rows."""
    return _pd(H, start, LEAF)


def weyl_shifted(H: arb_mat, shift: fmpq) -> arb_mat:
    """The point matrix M - (shift + rho) I, with M the midpoints of the lower triangle of H
    (mirrored) and rho >= the Frobenius norm of the radii. Every symmetric H' in the balls is
    M + E with |E_ij| <= rad_ij, so ||E||_2 <= ||E||_F <= rho and, by Weyl's inequality,
    lambda_min(H') >= lambda_min(M) - rho: M - (shift + rho) I positive definite gives every
    eigenvalue of every such H' > shift. (A point matrix avoids the wrapping of an interval
    LDL^T of wide balls.)"""
    n = H.nrows()
    M = arb_mat(n, n)
    sq = arb(0)
    for i in range(n):
        for j in range(i + 1):
            e = H[i, j]
            M[i, j] = M[j, i] = e.mid()
            sq += (1 if i == j else 2) * arb(e.rad()) ** 2
    rho = arb(sq.sqrt().upper())
    for i in range(n):
        M[i, i] -= arb(shift) + rho
    return M


def _critical_hessian(ctx, r, prec):
    """H(B) on the box of radius r, once the Krawczyk obligation has placed the critical point in
    that box; otherwise the Outcome that stops the check."""
    stop = _needs_critical(ctx, r)
    if stop:
        return stop
    with precision(prec):
        try:
            return _hessian_box(ctx, r, prec)
        except Degenerate as exc:
            return Outcome("fails", f"the box of radius {r} meets the set where the closed form is not analytic ({exc})", [ARB(prec)])


def check_population_hessian_pd(ctx, ob: dict, path: str):
    """Every Hessian eigenvalue on the box exceeds shift >= 0 (default 0): the critical point x*
    in B is a strict local minimum (zero gradient, positive definite Hessian)."""
    r, prec = _fields(ctx, ob, path)
    shift = rational(ob.get("shift", "0"), f"{path}.shift")
    if shift < 0:
        raise FormatError(f"{path}.shift", ob["shift"], "the shift must be >= 0")
    H = _critical_hessian(ctx, r, prec)
    if isinstance(H, Outcome):
        return H
    with precision(prec):
        k = positive_definite(weyl_shifted(H, shift))
    ledger = [ARB(prec), WEYL, SYLVESTER]
    if k is not None:
        return Outcome("fails", f"LDL^T of mid H(B) - ({shift} + rho) I on the box of radius {r}: pivot {k + 1} "
                                f"(near {ctx.prob.names()[k]}) is not certainly positive", ledger)
    return Outcome("holds", f"every Hessian eigenvalue on the box of radius {r} exceeds {shift}: the critical point is a "
                            f"strict local minimum", ledger, (("strict_min_box", r),))


def check_population_negative_curvature(ctx, ob: dict, path: str):
    """v^T H(B) v < 0 for the certificate's direction v and some diagonal entry of H(B) > 0: the
    critical point x* in B is a saddle (neither a local minimum nor a local maximum)."""
    r, prec = _fields(ctx, ob, path)
    v = point(get(ob, "direction", path), ctx.prob, f"{path}.direction")
    H = _critical_hessian(ctx, r, prec)
    if isinstance(H, Outcome):
        return H
    with precision(prec):
        V = arb_mat(len(v), 1, [arb(x) for x in v])
        q = (V.transpose() * (H * V))[0, 0]
        pos = next((i for i in range(H.nrows()) if H[i, i] > 0), None)
    ledger = [ARB(prec), CURVATURE]
    if not q < 0:
        return Outcome("fails", f"v^T H(B) v = {q.str(5, radius=True)} is not certainly negative on the box of radius {r}", ledger)
    if pos is None:
        return Outcome("fails", f"no diagonal entry of H(B) is certainly positive on the box of radius {r}", ledger)
    return Outcome("holds", f"v^T H v in {q.str(5, radius=True)} < 0 and d^2 F / d {ctx.prob.names()[pos]}^2 > 0 on the box "
                            f"of radius {r}: the critical point is a saddle", ledger, (("saddle_box", r),))


def check_population_above_global(ctx, ob: dict, path: str):
    """The risk at the critical point (>= lo, established by population_krawczyk) exceeds the
    global minimum 0, attained at the teacher (needs m <= k teacher neurons)."""
    if not any(isinstance(f, tuple) and f[0] == "critical_box" for f in ctx.facts):
        return Outcome("fails", "needs a population_krawczyk obligation first (it bounds the risk at the critical point)", [])
    m, k = len(ctx.prob.teacher), ctx.prob.k
    if m > k:
        return Outcome("fails", f"the teacher has {m} neurons, more than the student's {k}: its risk 0 is not attained", [])
    lo = ctx.enclosure[0]
    if not lo > 0:
        return Outcome("fails", f"the loss enclosure's lower end {lo} is not > 0, the global minimum", [GLOBAL])
    return Outcome("holds", f"risk at the critical point >= {lo} > 0 = risk at the teacher (the global minimum)", [RATIONAL_Q, GLOBAL],
                   ("lower_point",))


def check_population_teacher(ctx, ob: dict, path: str):
    """The point is exactly the teacher (rows in some order, zero rows beyond the teacher's m):
    F = 0 there, the global minimum; the loss enclosure must contain 0."""
    n, m, k = ctx.prob.n, len(ctx.prob.teacher), ctx.prob.k
    rows = [tuple(ctx.point[i * n:(i + 1) * n]) for i in range(k)]
    zero = tuple(fmpq(0) for _ in range(n))
    want = sorted(ctx.prob.teacher) + [zero] * (k - m)
    if m > k or sorted(rows) != sorted(want):
        return Outcome("fails", "the point's rows are not the teacher's vectors (and zero rows) in some order", [RATIONAL_Q])
    lo, hi = ctx.enclosure
    if not lo <= 0 <= hi:
        return Outcome("fails", f"the loss enclosure [{lo}, {hi}] does not contain the risk 0", [RATIONAL_Q])
    return Outcome("holds", "the point is the teacher up to the order of neurons: risk 0, the global minimum", [RATIONAL_Q, GLOBAL],
                   ("global_min",))


CHECKS = {
    "population_krawczyk": check_population_krawczyk,
    "population_hessian_pd": check_population_hessian_pd,
    "population_negative_curvature": check_population_negative_curvature,
    "population_above_global": check_population_above_global,
    "population_teacher": check_population_teacher,
}
