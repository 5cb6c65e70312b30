"""Second-order obligations on smooth networks (trusted): Morse-Bott minima and positive definite
Hessians. Part of the smooth obligations (:mod:`symcert.checker.smooth_obligations` registers
them); kinds ``morse_bott`` (critical manifold + Hessian PSD with kernel = tangent space) and
``hessian_pd`` (strict minimum: positive definite Hessian, exact or rigorous inertia).
"""
from __future__ import annotations

import sympy
from flint import fmpq_mat

from symcert.checker import manifold
from symcert.checker import smooth as S
from symcert.checker.obligations import RATIONAL, Outcome
from symcert.checker.problem import FormatError, get
from symcert.exact.limits import MAX_POLY_VARIABLES, MAX_SMOOTH_EVALUATIONS, LimitReached, show
from symcert.checker.ledger import MB_LEMMA, NEURON_BLOCKS, PD_LEMMA

CROSS_CHECK = 400  # morse_bott re-checks H T = 0 explicitly up to this many parameters


def require_smooth(ctx, path):
    if not isinstance(ctx.prob, S.SmoothProblem):
        raise FormatError(path, None, "this obligation applies to smooth problems only")


def _sub(M: fmpq_mat, rows, cols) -> fmpq_mat:
    return fmpq_mat(len(rows), len(cols), [M[i, j] for i in rows for j in cols])


def positive_definite(M: fmpq_mat) -> bool:
    """Exact test: M (symmetric, rational) is positive definite. Block LDL^T: M = [[A, B], [B^T, C]]
    is PD iff A is PD and the Schur complement C - B^T A^-1 B is PD (recursively; rational
    arithmetic in flint, so nothing is rounded)."""
    n = M.nrows()
    if n == 0:
        return True
    if n <= 24:
        A = [[M[i, j] for j in range(n)] for i in range(n)]
        for k in range(n):
            d = A[k][k]
            if not d > 0:
                return False
            for i in range(k + 1, n):
                if A[i][k] != 0:
                    f = A[i][k] / d
                    for j in range(k + 1, n):
                        A[i][j] -= f * A[k][j]
        return True
    h = n // 2
    top, bot = list(range(h)), list(range(h, n))
    A, B, C = _sub(M, top, top), _sub(M, top, bot), _sub(M, bot, bot)
    if not positive_definite(A):
        return False
    return positive_definite(C - B.transpose() * A.solve(B))


def _free_coordinates(ob: dict, path: str, coords: list, out_bias: tuple) -> list:
    free, known, seen = [], set(coords), set()
    for q, c in enumerate(get(ob, "free", path, list)):
        if not (isinstance(c, list) and len(c) == 3 and isinstance(c[0], str) and all(isinstance(v, int) and not isinstance(v, bool) for v in c[1:])):
            raise FormatError(f"{path}.free[{q}]", c, "expected [parameter name, row, column] (1-based)")
        t = (c[0], c[1] - 1, c[2] - 1)
        if t not in known or t == out_bias or t in seen:
            raise FormatError(f"{path}.free[{q}]", c, "not a parameter coordinate, repeated, or the output bias")
        free.append(t)
        seen.add(t)
    return free


def _gradient_on_manifold(ctx, free: list):
    """(1) The gradient vanishes identically on the manifold, symbolically in the free
    coordinates: first for an arbitrary activation (checker/manifold.py), else, without
    breakpoints, for the problem's own. Returns the ledger, or an Outcome if that is not shown."""
    prob = ctx.prob
    if len(free) > MAX_POLY_VARIABLES:  # one symbol per free coordinate; the symbolic work grows with their number
        raise LimitReached(f"a symbolic manifold identity in {len(free)} free coordinates exceeds the limit of "
                           f"{MAX_POLY_VARIABLES} (MAX_POLY_VARIABLES)")
    try:
        fw0 = S.Evaluator(prob).forward(ctx.point)
    except S.NotDifferentiable as exc:
        return Outcome("fails", str(exc), [S.SYMPY])
    if manifold.generic_identity(prob, ctx.point, free, fw0[0][2][0]):
        return [manifold.LEDGER]
    if prob.act.breakpoints:
        return Outcome("fails", "with breakpoints the manifold identity must hold for an arbitrary activation, and it does not",
                       [manifold.LEDGER])
    failed, ledger = manifold.concrete_identity(ctx, free, fw0)
    return failed if failed is not None else ledger


def _complementary_hessian(ctx, coords: list, free: list, out_bias: tuple, ledger: list):
    """(2) The Hessian at the point: H T = 0 follows from (1) by differentiating the identity along
    the manifold (re-checked explicitly when P <= CROSS_CHECK). Returns the Hessian restricted to
    the complementary coordinates (rational), or an Outcome."""
    P = len(coords)
    free_set = set(free)
    comp_coords = [c for c in coords if c not in free_set]
    try:
        H = ctx.ev.hessian(ctx.point, coords) if P <= CROSS_CHECK else None
        H = H if isinstance(H, fmpq_mat) else None  # irrational H: the cross-check is left to (1)
        Hc = ctx.ev.hessian(ctx.point, coords, comp_coords) if H is None else None
    except S.NotDifferentiable as exc:
        return Outcome("fails", str(exc), ledger)
    if H is None and not isinstance(Hc, fmpq_mat):
        return Hc  # irrational entries (a list of lists): decided by arb, see _morse_bott_arb
    if H is not None:
        idx = {c: n for n, c in enumerate(coords)}
        grad_f1 = _output_gradient(ctx, coords)
        Tm = fmpq_mat(P, len(free))
        for a, c in enumerate(free):
            Tm[idx[c], a] = 1
            Tm[idx[out_bias], a] = -grad_f1[idx[c]]
        if any(v != 0 for v in (H * Tm).entries()):
            return Outcome("fails", "the Hessian does not vanish on the manifold's tangent space", [*ledger, RATIONAL])
        comp = [idx[c] for c in comp_coords]
        Hc = _sub(H, comp, comp)
    return Hc


def check_morse_bott(ctx, ob: dict, path: str) -> Outcome:
    """The critical manifold is the graph, over the listed free coordinates, of the output bias
    b_L chosen so that the output at sample 1 is unchanged; all other coordinates are fixed.
    First the per-neuron route (manifold.neuron_identity, then _neuron_route): when the point is
    critical and every free coordinate belongs to a neuron with input weights exactly 0, both
    steps below follow neuron by neuron, in time linear in the width; when its hypotheses fail,
    or a neuron's block is not shown positive definite, the general route decides.
    The checker proves (1) the gradient vanishes identically on it (symbolic identity in the free
    coordinates, exact symbolic arithmetic: first for an arbitrary activation (checker/manifold.py),
    else, without breakpoints, for the problem's own), (2) the Hessian at the point is zero on its
    tangent space and positive definite on the complementary coordinates (exact LDL^T, or an arb
    LDL^T when that block is irrational), so H is PSD with kernel exactly the tangent space. With
    breakpoints, the Hessian's evaluation refuses a pre-activation on a breakpoint, so the point
    lies inside open pieces, where the activation is smooth."""
    require_smooth(ctx, path)
    prob = ctx.prob
    if prob.depth != 2 or prob.widths[-1] != 1 or prob.loss != "squared":
        return Outcome("fails", "morse_bott is implemented for one hidden layer, scalar output and the squared loss", [])
    coords = prob.coordinates()
    out_bias = ("b2", 0, 0)
    free = _free_coordinates(ob, path, coords, out_bias)
    ledger = manifold.neuron_identity(ctx, free)  # the per-neuron route first; None: its hypotheses fail
    if ledger is not None:
        fast = _neuron_route(ctx, coords, free, out_bias, ledger)
        if fast is not None:
            return fast
    else:
        ledger = _gradient_on_manifold(ctx, free)
    if isinstance(ledger, Outcome):
        return ledger
    # H is PSD with kernel exactly the tangent space iff its restriction to the complementary
    # coordinates is positive definite
    Hc = _complementary_hessian(ctx, coords, free, out_bias, ledger)
    if isinstance(Hc, Outcome):
        return Hc
    if not isinstance(Hc, fmpq_mat):
        return _morse_bott_arb(Hc, len(free), len(coords), ledger)
    P, rank = len(coords), len(coords) - len(free)
    ledger += [RATIONAL, "exact LDL^T over the rationals (python-flint fmpq_mat)", MB_LEMMA]
    if not positive_definite(Hc):
        return Outcome("fails", f"the Hessian restricted to the {rank} complementary coordinates is not positive definite: "
                       "the kernel is larger than the tangent space or H is not PSD", ledger)
    return Outcome("holds", f"gradient zero on a {len(free)}-dimensional critical manifold; Hessian ({P} x {P}) PSD with kernel "
                   f"exactly its tangent space (rank {rank})", ledger, (("local_min", "Morse-Bott neighbourhood"), "critical"))


def _neuron_route(ctx, coords: list, free: list, out_bias: tuple, ledger: list) -> Outcome | None:
    """(2) by the per-neuron lemma (NEURON_BLOCKS), after the per-neuron identity: the Hessian
    restricted to the complementary coordinates is J^T J plus the curvature sum_i r_i D2 f_i, which
    couples the coordinates of one neuron only and none with the output bias. When every neuron's
    block is positive definite, u^T Hc u = |J u|^2 + sum_j u_j^T C_j u_j = 0 forces every u_j = 0
    and then m u_c^2 = 0 (the output bias's column of J is all ones): Hc is positive definite.
    Never forms a P x P matrix; neurons with equal parameters share one block. None when a block
    is not shown positive definite (the caller then decides Hc as a whole)."""
    free_set, comp = set(free), {}
    for c in coords:
        if c not in free_set and c != out_bias:
            comp.setdefault(c[2] if c[0] == "W2" else c[1], []).append(c)
    try:
        fw = ctx.ev.forward(ctx.point)
        res = ctx.ev.residuals(ctx.point, fw)
        P, done, used = ctx.point, {}, []
        for j, cs in comp.items():
            key = (tuple((c[0], c[2] if c[0] == "W1" else 0) for c in cs), P["W2"][0][j], tuple(P["W1"][j]), P["b1"][j][0])
            if key not in done:
                if ctx.prob.m * len(cs) ** 2 > MAX_SMOOTH_EVALUATIONS:  # one symbolic product per sample and block entry
                    raise LimitReached(f"a neuron's curvature block of order {len(cs)} on {ctx.prob.m} samples exceeds the "
                                       f"limit of {MAX_SMOOTH_EVALUATIONS} symbolic values (MAX_SMOOTH_EVALUATIONS)")
                done[key] = _block_pd(_curvature_block(ctx, j, cs, fw, res))
            if done[key] is None:
                return None
            used += [h for h in done[key] if h not in used]
    except S.NotDifferentiable as exc:
        return Outcome("fails", str(exc), ledger)
    return Outcome("holds", f"gradient zero on a {len(free)}-dimensional critical manifold (per neuron); Hessian "
                   f"({len(coords)} x {len(coords)}) PSD with kernel exactly its tangent space: {len(comp)} neuron blocks "
                   f"positive definite ({len(done)} distinct)", [*ledger, *used, NEURON_BLOCKS, MB_LEMMA],
                   (("local_min", "Morse-Bott neighbourhood"), "critical"))


def _curvature_block(ctx, j: int, cs: list, fw, res) -> list:
    """Neuron j's block of sum_i r_i D2 f_i on its coordinates cs (exact sympy numbers): f_i is
    linear in v_j, d2 f_i / d v_j d p = h'(z_ij) x_p and d2 f_i / d p d q = v_j h''(z_ij) x_p x_q for
    p, q among W1[j] (x_p the input) and b1[j] (x_p = 1). h', h'' are evaluated on every sample, so
    a pre-activation on a breakpoint raises NotDifferentiable."""
    v, B = ctx.point["W2"][0][j], [[[] for _ in cs] for _ in cs]
    for s, (pres, acts, _) in enumerate(fw):
        r, z = res[s][0], pres[0][j]
        h1, h2 = ctx.ev.h(z, 1), ctx.ev.h(z, 2)
        xs = [acts[0][c[2]] if c[0] == "W1" else sympy.Integer(1) if c[0] == "b1" else None for c in cs]
        for a, xa in enumerate(xs):
            for b, xb in enumerate(xs):
                if xa is not None and xb is not None:
                    B[a][b].append(r * v * h2 * xa * xb)
                elif xa is not None or xb is not None:
                    B[a][b].append(r * h1 * (xa if xb is None else xb))
    return [[sympy.Add(*e) for e in row] for row in B]


def _block_pd(B: list) -> list | None:
    """Ledger of a proof that the symmetric block B is positive definite (exact LDL^T when
    rational, else arb LDL^T at 128 bits doubling up to 1024), or None."""
    if all(e.is_Rational for row in B for e in row):
        M = fmpq_mat(len(B), len(B), [S.as_fmpq(e) for row in B for e in row])
        return [RATIONAL, "exact LDL^T over the rationals (python-flint fmpq_mat)"] if positive_definite(M) else None
    prec = S.PREC
    while prec <= 1024:
        verdict = manifold.arb_inertia(B, prec)
        if verdict is not None:
            return [S.ARB(prec)] if verdict == "pd" else None
        prec *= 2
    return None


def _morse_bott_arb(Hc: list, nfree: int, P: int, ledger: list) -> Outcome:
    """The complementary Hessian has irrational entries: positive definite by an arb LDL^T with
    certainly positive pivots, refuted by a certainly negative one (128 bits, doubling up to 1024)."""
    prec = S.PREC
    while prec <= 1024:
        verdict = manifold.arb_inertia(Hc, prec)
        if verdict == "pd":
            return Outcome("holds", f"gradient zero on a {nfree}-dimensional critical manifold; Hessian ({P} x {P}) PSD with kernel "
                           f"exactly its tangent space (rank {len(Hc)}; arb LDL^T at {prec} bits)",
                           [*ledger, S.ARB(prec), MB_LEMMA], (("local_min", "Morse-Bott neighbourhood"), "critical"))
        if verdict == "not_pd":
            return Outcome("fails", f"the Hessian restricted to the {len(Hc)} complementary coordinates is not positive definite "
                           f"(a certainly negative LDL^T pivot at {prec} bits)", [*ledger, S.ARB(prec)])
        prec *= 2
    return Outcome("unknown", f"no arb LDL^T up to 1024 bits decides whether the {len(Hc)} x {len(Hc)} complementary Hessian "
                   "is positive definite", [*ledger, S.ARB(1024)])


def _output_gradient(ctx, coords) -> list:
    """Exact gradient of the output at sample 1 with respect to every coordinate (rational)."""
    ev, prob, point = ctx.ev, ctx.prob, ctx.point
    pres, acts, _ = ev.forward(point)[0]
    g = {("b2", 0, 0): sympy.Integer(1)}
    for j, z in enumerate(pres[0]):
        g[("W2", 0, j)] = ev.h(z)
        d1 = point["W2"][0][j] * ev.h(z, 1)
        for k in range(prob.widths[0]):
            g[("W1", j, k)] = d1 * acts[0][k]
        g[("b1", j, 0)] = d1
    out = []
    for c in coords:
        v = g.get(c, sympy.Integer(0))
        if not v.is_Rational:
            raise FormatError("morse_bott", show(v), "tangent vectors must be rational")
        out.append(S.as_fmpq(v))
    return out


def check_hessian_pd(ctx, ob: dict, path: str) -> Outcome:
    """Strict local minimum: needs ``critical``; the Hessian (one hidden layer) is positive
    definite, by exact LDL^T when it is rational, else by an arb LDL^T with certainly positive
    pivots (128 bits, doubling up to 1024)."""
    require_smooth(ctx, path)
    if "critical" not in ctx.facts:
        return Outcome("fails", "needs a smooth_gradient_zero obligation first (the point must be critical)", [])
    try:
        H = ctx.ev.hessian(ctx.point, ctx.prob.coordinates())
    except (S.NotDifferentiable, ValueError) as exc:
        return Outcome("fails", f"no Hessian here: {exc}", [S.SYMPY])
    lemma = PD_LEMMA
    if isinstance(H, fmpq_mat):
        ledger = [S.SYMPY, RATIONAL, "exact LDL^T over the rationals (python-flint fmpq_mat)"]
        if not positive_definite(H):
            return Outcome("fails", f"the exact Hessian ({H.nrows()} x {H.nrows()}) is not positive definite", ledger)
        return Outcome("holds", f"the exact Hessian ({H.nrows()} x {H.nrows()}) is positive definite", [*ledger, lemma],
                       (("local_min", "strict"),))
    prec = S.PREC
    while prec <= 1024:
        if manifold.arb_inertia(H, prec) == "pd":
            return Outcome("holds", f"the Hessian ({len(H)} x {len(H)}) is positive definite (arb LDL^T, {prec} bits)",
                           [S.SYMPY, S.ARB(prec), lemma], (("local_min", "strict"),))
        prec *= 2
    return Outcome("unknown", "no arb LDL^T up to 1024 bits shows every pivot positive (singular or indefinite Hessian?)", [S.SYMPY, S.ARB(1024)])


CHECKS = {"morse_bott": check_morse_bott, "hessian_pd": check_hessian_pd}
