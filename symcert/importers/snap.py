"""Exact snap of a float point of a one-hidden-layer piecewise-linear network (untrusted).

Inside the activation cell of the float point the outputs are linear in the lifted variables
U_i = W2[:, i] (W1_i, b1_i), V_i = W2[:, i] (only where a piece with a non-zero intercept is used)
and b2 (symcert/checker/lifted.py). The snap solves the lifted problem exactly (squared loss: the
normal equations over Q, the solution nearest the float point's lifted variables when they are
rank-deficient; other convex losses: symcert.provers.convex_fit with exact multipliers), then
factors it back: W2[:, i] is kept (or set to V_i where V_i is a variable) and
(W1_i, b1_i) = U_i / W2[:, i]. For dy >= 2 U_i must be rank one to factor. Neurons with
W2[:, i] = 0 ("parked") stay out of the lifted problem; their incoming weights are projected onto
the exact criticality equations. The result is checked to lie in the float point's cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from symcert.checker.api import kernel, scaled, stream
from symcert.exact.rationals import format_rational as fr
from symcert.provers.affine import pivot_columns

KINK_TOL = fmpq(1, 1 << 20)  # pre-activations within this distance of a breakpoint are reported


@dataclass
class Snap:
    status: str  # "cell" (snapped inside the cell) | "kink" (send to the kink test) | "unknown"
    point: dict | None = None
    reason: str = ""
    near: list = field(default_factory=list)  # (neuron, sample, pre-activation, breakpoint)
    multipliers: fmpq_mat | None = None
    stats: dict = field(default_factory=dict)
    radius: fmpq | None = None  # status "cell": a box radius the checker's interior test accepts
    risk: fmpq | None = None  # status "cell": the exact risk at the point


def float_cell(prob, fpoint: dict, tol=KINK_TOL) -> tuple[list, list, float | None]:
    """(piece index of every pre-activation, one bytes object per neuron; (neuron, sample,
    value, breakpoint) of every pre-activation within tol of a breakpoint; an estimate of the
    slack, min_ij dist(z_ij, ends of its piece) / (|x_j|_1 + 1)), one neuron at a time over
    integer numerators (z = n / d: |z - p / q| <= tol iff |q n - p d| tol.q <= tol.p q d)."""
    xs, slack, scale = scaled.of(prob.X), None, _scale(prob)
    pieces, near = [], []
    bps = [(t, t.p, t.q) for t in prob.act.breakpoints]
    for i in range(fpoint["W1"].nrows()):
        Z = stream.row(fpoint["W1"], fpoint["b1"], i, xs)
        pcs = stream.pieces(prob.act, Z)
        pieces.append(bytes(k for k, _ in pcs))
        slack = _min(slack, _row_slack(prob, Z, pcs, scale))
        for j, n in enumerate(Z.N.entries()):
            for t, p, q in bps:
                if abs(q * n - p * Z.d) * tol.q <= tol.p * q * Z.d:
                    near.append((i, j, Z.entry(0, j), t))
    return pieces, near, slack


def _common_den(values) -> fmpz:
    d = fmpz(1)
    for v in values:
        q = fmpq(v).q
        if d % q:
            d = d * q // d.gcd(q)
    return d


def design(prob, pieces: list, neurons: list):
    """The lifted design as an integer matrix Fn (rows = features, columns = samples), its
    denominator D (F = Fn / D) and a description of each row: ("U", i, k), ("V", i) or ("b",).
    ``pieces[i][j]`` is the piece of neuron i on sample j (float_cell)."""
    m, dx = prob.m, prob.widths[0]
    Dx = _common_den(prob.X.entries())
    Da = _common_den(list(prob.act.slopes) + list(prob.act.intercepts))
    Xn = [[int(prob.X[k, j] * Dx) for j in range(m)] for k in range(dx)] + [[int(Dx)] * m]
    A = {k: int(prob.act.slopes[k] * Da) for k in range(len(prob.act.slopes))}
    C = {k: int(prob.act.intercepts[k] * Da) for k in range(len(prob.act.intercepts))}
    rows, desc = [], []
    for i in neurons:
        a = [A[k] for k in pieces[i]]
        for k in range(dx + 1):
            rows.append([s * x for s, x in zip(a, Xn[k])])
            desc.append(("U", i, k))
        c = [C[k] for k in pieces[i]]
        if any(c):
            rows.append([v * int(Dx) for v in c])
            desc.append(("V", i))
    rows.append([int(Da * Dx)] * m)
    desc.append(("b",))
    Fn = fmpz_mat(len(rows), m, [v for row in rows for v in row])
    return Fn, fmpq(int(Da * Dx)), desc


def lifted_float(point: dict, desc: list, dy: int) -> fmpq_mat:
    """The float point's lifted variables, n x dy (one column per output)."""
    W1, b1, W2, b2 = point["W1"], point["b1"], point["W2"], point["b2"]
    dx = W1.ncols()
    vals = []
    for d in desc:
        for r in range(dy):
            if d[0] == "U":
                i, k = d[1], d[2]
                vals.append(W2[r, i] * (W1[i, k] if k < dx else b1[i, 0]))
            elif d[0] == "V":
                vals.append(W2[r, d[1]])
            else:
                vals.append(b2[r, 0])
    return fmpq_mat(len(desc), dy, vals)


def nearest_solution(G: fmpq_mat, B: fmpq_mat, z0: fmpq_mat) -> fmpq_mat | None:
    """The solution of G z = B (G symmetric positive semidefinite) nearest z0 (Euclidean, per
    column), or None if the system is inconsistent."""
    try:
        return G.solve(B)
    except ZeroDivisionError:
        pass
    c = B - G * z0
    rref, rank = G.rref()
    P = pivot_columns(rref, rank)
    n = G.nrows()
    GP = fmpq_mat(n, len(P), [G[i, p] for i in range(n) for p in P])
    rows = fmpq_mat(len(P), n, [G[p, j] for p in P for j in range(n)])
    w = (rows * GP).solve(fmpq_mat(len(P), c.ncols(), [c[p, j] for p in P for j in range(c.ncols())]))
    z = z0 + GP * w
    return z if G * z == B else None


def solve_squared(prob, Fn: fmpz_mat, D: fmpq, z0: fmpq_mat) -> fmpq_mat | None:
    """Lifted least squares: (F F^T) z = F Y^T with F = Fn / D; nearest z0 if singular."""
    Yn, Dy = prob.Y.numer_denom()
    G = fmpq_mat(Fn * Fn.transpose())
    B = fmpq_mat(Fn * fmpz_mat(Yn).transpose()) * (D / fmpq(Dy))
    keep = [i for i in range(G.nrows()) if G[i, i] != 0]  # zero features (e.g. a neuron off on every sample)
    if len(keep) < G.nrows():
        sub = lambda M, cols: fmpq_mat(len(keep), cols, [M[i, j] for i in keep for j in range(cols)])  # noqa: E731
        Gs = fmpq_mat(len(keep), len(keep), [G[i, j] for i in keep for j in keep])
        zs = nearest_solution(Gs, sub(B, B.ncols()), sub(z0, z0.ncols()))
        if zs is None:
            return None
        z = fmpq_mat(z0)
        for a, i in enumerate(keep):
            for j in range(z.ncols()):
                z[i, j] = zs[a, j]
        return z
    return nearest_solution(G, B, z0)


def _huber_quadratic(prob, Fn: fmpz_mat, D: fmpq, z0: fmpq_mat):
    """The squared-loss solution nearest z0, if every residual there lies in the Huber loss's
    quadratic zone (then it is optimal for the Huber loss too, with the residual as multipliers)."""
    z = solve_squared(prob, Fn, D, z0)
    if z is None:
        return None, None
    R = fmpq_mat(z.transpose() * fmpq_mat(Fn)) / D - prob.Y
    if any(abs(v) > prob.loss_delta for v in R.entries()):
        return None, None
    return z, R


def solve_convex(prob, Fn: fmpz_mat, D: fmpq):
    """(lifted solution n x dy, multipliers dy x m) for a non-squared convex loss."""
    from symcert.provers.convex_fit import best_affine
    n = Fn.nrows() - 1
    F = fmpq_mat(n, Fn.ncols(), [fmpq(v) for v in list(Fn.entries())[: n * Fn.ncols()]]) / D
    fit = best_affine(prob.loss, F, prob.Y, prob.loss_delta)
    dy = prob.widths[-1]
    z = fmpq_mat(n + 1, dy, [fit.weights[r, k] if k < n else fit.bias[r, 0] for k in range(n + 1) for r in range(dy)])
    return z, fit.multipliers


def _factor(point: dict, z: fmpq_mat, desc: list, i: int):
    """(W2 column, theta row) for neuron i from the lifted solution, or a reason it does not factor."""
    dy, dx = z.ncols(), point["W1"].ncols()
    U = [[None] * (dx + 1) for _ in range(dy)]
    V = None
    for n, d in enumerate(desc):
        if d[0] == "U" and d[1] == i:
            for r in range(dy):
                U[r][d[2]] = z[n, r]
        elif d[0] == "V" and d[1] == i:
            V = [z[n, r] for r in range(dy)]
    w0 = [point["W2"][r, i] for r in range(dy)]
    if V is not None:
        w = V
    elif dy == 1:
        w = w0
    else:  # rank one: U = c rho^T; w = the multiple of c nearest w0
        c = max(([U[r][k] for r in range(dy)] for k in range(dx + 1)), key=lambda col: sum(v * v for v in col))
        cc = sum(v * v for v in c)
        if cc == 0:
            return None, f"neuron {i + 1}: the lifted solution is zero (the neuron would be switched off)"
        lam = sum(a * b for a, b in zip(c, w0)) / cc
        w = [lam * v for v in c]
    r0 = max(range(dy), key=lambda r: abs(w[r]))
    if w[r0] == 0:
        return None, f"neuron {i + 1}: its output weight would be 0 (W2_{i + 1} = 0)"
    theta = [U[r0][k] / w[r0] for k in range(dx + 1)]
    for r in range(dy):
        if any(U[r][k] != w[r] * theta[k] for k in range(dx + 1)):
            return None, (f"dy = {dy}: the lifted solution for neuron {i + 1} (a {dy} x {dx + 1} matrix) is not "
                          f"W2_{i + 1} times a row: it does not factor into network parameters")
    return (w, theta), ""


def assemble(point: dict, z: fmpq_mat, desc: list, neurons: list):
    """The exact point from a lifted solution (neurons outside ``neurons`` are kept), or a reason."""
    W1, b1, W2 = fmpq_mat(point["W1"]), fmpq_mat(point["b1"]), fmpq_mat(point["W2"])
    dy, dx = W2.nrows(), W1.ncols()
    for i in neurons:
        res, why = _factor(point, z, desc, i)
        if res is None:
            return None, why
        w, theta = res
        for r in range(dy):
            W2[r, i] = w[r]
        for k in range(dx):
            W1[i, k] = theta[k]
        b1[i, 0] = theta[dx]
    b2 = fmpq_mat(dy, 1, [z[len(desc) - 1, r] for r in range(dy)])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, ""


def project_parked(prob, point: dict, parked: list) -> str:
    """Move each parked neuron's (W1_i, b1_i) to the nearest solution of its exact criticality
    equations sum_j G_rj h'(z_ij)-weighted rows = 0 (squared loss, G the residual); in place.
    Returns a reason if they cannot be met."""
    pre, _, out = kernel.forward(prob, point)
    G = out - prob.Y
    m, dx = prob.m, prob.widths[0]
    Xt = fmpq_mat(dx + 1, m, list(prob.X.entries()) + [1] * m)
    for i in parked:
        ks = [prob.act.piece(pre[0][i, j])[0] for j in range(m)]
        a = fmpq_mat(m, 1, [prob.act.slopes[k] for k in ks])
        c = fmpq_mat(m, 1, [prob.act.intercepts[k] for k in ks])
        Ga = fmpq_mat(G.nrows(), m, [g * a[j % m, 0] for j, g in enumerate(G.entries())])
        A = Ga * Xt.transpose()  # dy x (dx+1): A theta = -G c
        beta = -(G * c)
        theta0 = fmpq_mat(dx + 1, 1, [point["W1"][i, k] for k in range(dx)] + [point["b1"][i, 0]])
        th = nearest_solution(A.transpose() * A, A.transpose() * beta, theta0) if any(A.entries()) else theta0
        if th is None or A * th != beta:
            return f"neuron {i + 1} (W2 = 0): its criticality equations have no solution in this cell"
        for k in range(dx):
            point["W1"][i, k] = th[k, 0]
        point["b1"][i, 0] = th[dx, 0]
    return ""


def _approx(num, den) -> float:
    """num / den as a float (den > 0), from the leading bits of two big integers."""
    sh = max(0, den.bit_length() - 64)
    a = int(num) >> sh if num >= 0 else -((-int(num)) >> sh)
    if sh and abs(a) < (1 << 24):  # too few leading bits left: exactly
        return float(fmpq(num, den))
    return a / (int(den) >> sh)


def _min(a, b):
    return b if a is None or (b is not None and b < a) else a


def _scale(prob) -> list:
    """|x_j|_1 + 1 for every sample, as floats."""
    return [float(sum(abs(prob.X[k, j]) for k in range(prob.X.nrows())) + 1) for j in range(prob.m)]


def _row_slack(prob, Z, pcs, scale: list) -> float | None:
    """min_j dist(z_j, ends of its piece) / scale[j] for one row, in floating point."""
    ends, slack = [prob.act.piece_bounds(k) for k in range(len(prob.act.slopes))], None
    for j, (n, (k, _)) in enumerate(zip(Z.N.entries(), pcs)):
        for t in ends[k]:
            if t is not None:
                slack = _min(slack, abs(_approx(t.q * n - t.p * Z.d, t.q * Z.d)) / scale[j])
    return slack


def radius_below(slack: float | None, max_halvings: int = 400) -> fmpq | None:
    """The largest 2^-k a hair below the slack estimate (k <= max_halvings), or None."""
    r = fmpq(1)
    for _ in range(max_halvings):
        if slack is None or float(r) < slack * (1 - 1e-9):
            return r
        r /= 2
    return None


def box_radius(prob, point: dict, max_halvings: int = 400, start: fmpq | None = None) -> fmpq | None:
    """The largest 2^-k with r (|x_j|_1 + 1) < the distance from every pre-activation z_ij to the
    ends of its piece (the checker's first-layer rule for interior_cell), one neuron at a time:
    the distances are estimated in floating point from the exact integer numerators (or ``start``
    is given), the radius is taken a hair below the estimate and then confirmed by the checker's
    own exact test (stream.interior), halving while it fails."""
    xs, r = scaled.of(prob.X), start
    if r is None:
        slack, scale = None, _scale(prob)
        for i in range(point["W1"].nrows()):
            Z = stream.row(point["W1"], point["b1"], i, xs)
            slack = _min(slack, _row_slack(prob, Z, stream.pieces(prob.act, Z), scale))
        r = radius_below(slack, max_halvings)
    for _ in range(max_halvings if r is not None else 0):
        if stream.interior(prob, point, xs, r) is None:
            return r
        r /= 2
    return None


def settle(prob, pieces_f: list, fpoint: dict, point: dict, r: fmpq | None):
    """One pass over the snapped point's neurons, one row of pre-activations at a time:
    (where, why, box, out). (where, why) is ("", "") if the point's pre-activations use the
    float point's pieces (``pieces_f``) and none is on a breakpoint; ("kink", why) if some land
    exactly on a breakpoint of their piece and none changes piece; else ("leaves", why). ``box``
    says whether the box of radius r passes the checker's interior test (scaled.interior_one_layer
    on every row); ``out`` is the network's output (stream.add of W2[:, i] h(z_i), and b2)."""
    xs, W2, b2 = scaled.of(prob.X), point["W2"], scaled.of(point["b2"])
    out, on, box = scaled.Scaled(b2.N * scaled.ones(1, prob.m), b2.d), None, r is not None
    for i in range(point["W1"].nrows()):
        Z = stream.row(point["W1"], point["b1"], i, xs)
        pcs = stream.pieces(prob.act, Z)
        for j, (k, kink) in enumerate(pcs):
            k_f = pieces_f[i][j]
            # on breakpoint k (between pieces k and k + 1) the float point's piece must be one of the two
            adjacent = k_f in (k, k + 1) if kink else k_f == k
            if adjacent and not (kink and on is None):
                continue
            z_f = stream.row(fpoint["W1"], fpoint["b1"], i, xs).entry(0, j)
            moved = f"(pre-activation {float(z_f):.6g} -> {float(Z.entry(0, j)):.6g})"
            if not adjacent:
                return "leaves", f"the snapped point leaves the cell: neuron {i + 1} on sample {j + 1} changes piece {moved}", False, None
            on = f"the snapped point has neuron {i + 1} on sample {j + 1} exactly on a breakpoint {moved}"
        box = box and on is None and scaled.interior_one_layer(prob, point, ([Z], [pcs], [xs]), r) is None
        col = fmpq_mat(W2.nrows(), 1, [W2[t, i] for t in range(W2.nrows())])
        out = stream.add(out, stream.times_column(col, scaled.activate(prob.act, Z, pcs)))
    return ("kink", on, False, out) if on else ("", "", box, out)


def _risk_of(prob, out) -> fmpq:
    if prob.loss == "squared":
        return scaled.half_sq_norm(out.minus(scaled.of(prob.Y)))
    return kernel.loss_value(prob, out.rational())


def risk(prob, point: dict) -> fmpq:
    """The exact risk of a one-hidden-layer network, one neuron at a time (stream.layer)."""
    return _risk_of(prob, stream.layer(prob, point, scaled.of(prob.X)).out)


def snap(prob, fpoint: dict) -> Snap:
    """Snap the float point (exact dyadic entries) of a one-hidden-layer PL network."""
    pieces, near, slack = float_cell(prob, fpoint)
    on = [(i, j) for i, j, z, t in near if z == t]
    if on:
        return Snap("kink", {k: fmpq_mat(v) for k, v in fpoint.items()}, "pre-activation exactly on a breakpoint "
                    f"(neuron {on[0][0] + 1}, sample {on[0][1] + 1})", near)
    W2 = fpoint["W2"]
    parked = [i for i in range(W2.ncols()) if all(W2[r, i] == 0 for r in range(W2.nrows()))]
    neurons = [i for i in range(W2.ncols()) if i not in parked]
    Fn, D, desc = design(prob, pieces, neurons)
    z0 = lifted_float(fpoint, desc, prob.widths[-1])
    G = None
    if prob.loss == "squared":
        z = solve_squared(prob, Fn, D, z0)
        if z is None:
            return Snap("unknown", reason="the lifted normal equations have no exact solution", near=near)
    else:
        z, G = _huber_quadratic(prob, Fn, D, z0) if prob.loss == "huber" else (None, None)
        if z is None:
            z, G = solve_convex(prob, Fn, D)
    pt, why = assemble(fpoint, z, desc, neurons)
    if pt is None:
        return Snap("unknown", reason=why, near=near)
    if parked:
        why = project_parked(prob, pt, parked) if prob.loss == "squared" else ""
        if why:
            return Snap("unknown", reason=why, near=near)
    r = radius_below(slack)  # from the float point; the snapped point is within ~1e-15 of it, and settle() tests it exactly
    where, why, box, out = settle(prob, pieces, fpoint, pt, r)
    if where == "leaves":
        return Snap("unknown", reason=why, near=near)
    stats = {"lifted_variables": len(desc), "parked": len(parked)}
    if where == "kink":
        return Snap("kink", pt, why, near, stats=stats)
    if parked:
        return Snap("kink", pt, f"{len(parked)} neuron(s) with W2 = 0 (first: neuron {parked[0] + 1})", near, stats=stats)
    if not box:
        r = box_radius(prob, pt, start=None if r is None else r / 2)
    return Snap("cell", pt, "", near, G, stats, r, _risk_of(prob, out))


_LAST_DISTANCE: list = []  # [(a, b, distance)]: the last pair asked for (the certificate asks three times)


def sup_distance(a: dict, b: dict) -> fmpq:
    if _LAST_DISTANCE and _LAST_DISTANCE[0][0] is a and _LAST_DISTANCE[0][1] is b:
        return _LAST_DISTANCE[0][2]
    d = max(abs(v) for k in a for v in (a[k] - b[k]).entries())
    _LAST_DISTANCE[:] = [(a, b, d)]
    return d


def describe_near(near: list, limit: int = 5) -> str:
    if not near:
        return f"no pre-activation within {fr(KINK_TOL)} of a breakpoint"
    items = ", ".join(f"neuron {i + 1} sample {j + 1} ({float(z):.3g} vs {fr(t)})" for i, j, z, t in near[:limit])
    more = f" and {len(near) - limit} more" if len(near) > limit else ""
    return f"{len(near)} pre-activation(s) within {fr(KINK_TOL)} of a breakpoint: {items}{more}"
