"""Neuron splitting (trusted): a critical point of a narrower network maps to a LINE of critical
points of the network with one more neuron (Petzka & Sminchisescu 2021, gamma^r_lambda).

Obligation ``neuron_split``: ``layer`` l (a hidden layer of the certificate's network),
``neuron`` r (1-based, a neuron of the narrower network), ``lambda`` (rational) and ``source``
(the point of the narrower network: the certificate's widths with one neuron fewer in layer l;
same activation, loss and data). The checker itself builds the line theta(lambda): neuron r of
layer l is duplicated as the LAST neuron of layer l (same incoming weights and bias), the
outgoing weights v of r become (1 - lambda) v on r and lambda v on the copy. It checks that the
certificate's point is theta(lambda0), then proves, for every real lambda:

1. the network function on every sample is unchanged (identity in lambda);
2. the gradient of the risk at theta(lambda) is zero (identity in lambda).

Piecewise-linear activations: the forward and backward passes are carried out exactly with
polynomials in lambda, every sample at once (a matrix polynomial is the list of its coefficient
matrices, python-flint ``fmpq_mat``); every hidden pre-activation must be a constant polynomial
(then the activation pieces do not move with lambda), the outputs must equal the narrow
network's outputs as polynomials, every partial derivative must be the zero polynomial (both
compared entry by entry as python-flint ``fmpq_poly``).

Smooth activations (exact reals): structurally, the copy has the same incoming weights as r,
so its pre-activation equals r's on every input; the lambda-coefficient of the next layer's
pre-activations is v (h_copy - h_r) = 0 identically, so the function is unchanged, every
pre-activation is independent of lambda, and back-propagation makes each partial derivative
affine in lambda (lambda enters only through W_{l+1}, linearly). An affine function zero at
lambda = 0 and lambda = 1 is zero: the checker evaluates the exact gradient at both values.
"""
from __future__ import annotations

import bisect
import dataclasses

from flint import fmpq, fmpq_mat, fmpq_poly, fmpz_mat

from symcert.checker import kernel
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, PiecewiseLinear, Problem, get, rational
from symcert.checker.reading import point as parse_point
from symcert.checker.ledger import POLY_LAMBDA, SPLIT_LEMMA



def _entries(M) -> list:
    """A parameter matrix as a list of rows (fmpq_mat or list of lists)."""
    if isinstance(M, fmpq_mat):
        E, n = M.entries(), M.ncols()
        return [E[i * n:(i + 1) * n] for i in range(M.nrows())]
    return [list(row) for row in M]


def line(params: dict, depth: int, layer: int, neuron: int, lam) -> dict:
    """theta(lambda): duplicate neuron ``neuron`` (0-based) of hidden layer ``layer`` as the last
    neuron; outgoing weights (1 - lambda) v and lambda v. Entries as lists of rows."""
    out = {n: _entries(M) for n, M in params.items()}
    W, b, V = out[f"W{layer}"], out[f"b{layer}"], out[f"W{layer + 1}"]
    W.append(list(W[neuron]))
    b.append(list(b[neuron]))
    for row in V:
        v = row[neuron]
        row[neuron] = (1 - lam) * v
        row.append(lam * v)
    return out


def _line_moves(src: dict, layer: int, neuron: int, pl: bool):
    """True when some outgoing weight v of the split neuron is non-zero (then theta(lambda) moves
    with lambda: theta(1) - theta(0) has entries -v and v), False when all are exactly 0, None if
    undecided."""
    col = [row[neuron - 1] for row in _entries(src[f"W{layer + 1}"])]
    if pl:
        return any(v != 0 for v in col)
    from symcert.checker import smooth as S
    signs = [S.sign(v)[0] for v in col]
    return True if any(s in (1, -1) for s in signs) else (False if all(s == 0 for s in signs) else None)


def _same(a, b) -> tuple[bool, str]:
    if isinstance(a, fmpq) and isinstance(b, fmpq):
        return a == b, RATIONAL
    from symcert.checker import smooth as S
    s, how = S.sign(a - b)
    return s == 0, how


def _mat(rows: list) -> fmpq_mat:
    return fmpq_mat(len(rows), len(rows[0]), [v for row in rows for v in row])


def _mp_mul(P: list, Q: list) -> list:
    """Product of two matrix polynomials in lambda, each the list of its coefficient matrices
    (constant term first): sum over i, j of lambda^(i+j) P_i Q_j, exactly (fmpq_mat)."""
    out = [None] * (len(P) + len(Q) - 1)
    for i, Pi in enumerate(P):
        for j, Qj in enumerate(Q):
            t = Pi * Qj
            out[i + j] = t if out[i + j] is None else out[i + j] + t
    return out


def _hadamard(M: fmpq_mat, S: fmpq_mat) -> fmpq_mat:
    """Entrywise product, over the integers: (Mn / dM) o (Sn / dS) = (Mn o Sn) / (dM dS)."""
    (Mn, dM), (Sn, dS) = M.numer_denom(), S.numer_denom()
    return fmpq_mat(fmpz_mat(M.nrows(), M.ncols(), [a * b for a, b in zip(Mn.entries(), Sn.entries())])) / (dM * dS)


def _trim(C: list) -> list:
    """A matrix polynomial without its zero coefficients of highest degree (the constant kept)."""
    zero = fmpq_mat(C[0].nrows(), C[0].ncols())
    while len(C) > 1 and C[-1] == zero:
        C = C[:-1]
    return C


def _polys(C: list) -> list:
    """The entries of a matrix polynomial as fmpq_poly (rows of polynomials in lambda)."""
    flat = [fmpq_poly(list(cs)) for cs in zip(*(M.entries() for M in C))]
    n = C[0].ncols()
    return [flat[i * n:(i + 1) * n] for i in range(C[0].nrows())]


def _activate(prob, Z: fmpq_mat, l: int):
    """(slopes, activations) of the constant pre-activations Z of hidden layer l, or an error text
    naming the first one on a breakpoint (one piece lookup per entry)."""
    act, bps, E = prob.act, list(prob.act.breakpoints), Z.entries()
    ks = [bisect.bisect_left(bps, c) for c in E]  # the piece: the number of breakpoints below c (sorted), as act.piece
    for q, (k, c) in enumerate(zip(ks, E)):
        if k < len(bps) and bps[k] == c:
            i, s = divmod(q, Z.ncols())
            return None, f"layer {l} neuron {i + 1} sample {s + 1}: pre-activation {c} is on a breakpoint"
    r, n, sl, ic = Z.nrows(), Z.ncols(), act.slopes, act.intercepts
    return (fmpq_mat(r, n, [sl[k] for k in ks]), fmpq_mat(r, n, [sl[k] * c + ic[k] for k, c in zip(ks, E)])), None


def _poly_pass(prob: Problem, A: dict, A1: dict):
    """Outputs (per sample, polys) and gradient (name -> rows of polys) along A + lambda (A1 - A),
    or an error text if a pre-activation moves with lambda or sits on a breakpoint.

    Every sample at once: a matrix polynomial in lambda is the list of its coefficient matrices
    (fmpq_mat, one column per sample), so the passes are a few exact matrix products per layer.
    Layer by layer, every hidden pre-activation must be constant in lambda (its lambda-coefficient
    the zero matrix); the activations, slopes and pieces are then those of the constant term. The
    outputs and the partial derivatives are returned as fmpq_poly, entry by entry."""
    names, m = prob.param_names(), prob.m
    W = {n: _trim([_mat(A[n]), _mat(A1[n]) - _mat(A[n])]) for n in names}
    a, acts, slopes = prob.X, [prob.X], []
    for l in range(1, prob.depth + 1):
        Wl, bl = W[f"W{l}"], W[f"b{l}"]
        z = [kernel.affine(Wl[0], a, bl[0]), fmpq_mat(len(A[f"W{l}"]), m)]
        if len(Wl) > 1 or len(bl) > 1:  # the lambda-coefficient (a is constant in lambda)
            z[1] = kernel.affine(Wl[1] if len(Wl) > 1 else 0 * Wl[0], a, bl[1] if len(bl) > 1 else 0 * bl[0])
        if l == prob.depth:
            break
        for q, c in enumerate(z[1].entries()):
            if c != 0:
                i, s = divmod(q, m)
                return None, None, f"layer {l} neuron {i + 1} sample {s + 1}: pre-activation {fmpq_poly([z[0][i, s], c])} depends on lambda"
        sa, err = _activate(prob, z[0], l)
        if err:
            return None, None, err
        slopes.append(sa[0])
        a = sa[1]
        acts.append(a)
    outs = [[fmpq_poly([z[0][i, s], z[1][i, s]]) for i in range(z[0].nrows())] for s in range(m)]
    G, ones = _trim([z[0] - prob.Y, z[1]]), fmpq_mat(m, 1, [1] * m)
    grad = {}
    for l in range(prob.depth, 0, -1):
        grad[f"W{l}"] = _polys([Gk * acts[l - 1].transpose() for Gk in G])
        grad[f"b{l}"] = _polys([Gk * ones for Gk in G])
        if l > 1:
            back = _trim(_mp_mul([Wk.transpose() for Wk in W[f"W{l}"]], G))
            G = [_hadamard(Bk, slopes[l - 2]) for Bk in back]
    return outs, grad, None


def _chain(ob: dict, path: str, prob, small) -> list:
    """Optional ``chain``: earlier splits [layer, neuron, lambda], applied in order to the source
    (the origin network) before the final split; each step must fit the widths of its stage."""
    if "chain" not in ob:
        return []
    items = get(ob, "chain", path, list)
    steps = []
    for n, it in enumerate(items):
        p = f"{path}.chain[{n}]"
        if not (isinstance(it, list) and len(it) == 3 and all(isinstance(v, int) and not isinstance(v, bool) for v in it[:2])):
            raise FormatError(p, it, "expected [layer, neuron, lambda]")
        steps.append((it[0], it[1], rational(it[2], f"{p}[2]")))
    widths = list(small.widths)
    for cl, _, _ in steps:
        if not 1 <= cl <= prob.depth - 1:
            raise FormatError(f"{path}.chain", items, f"layer {cl} is not a hidden layer")
        widths[cl] -= 1
    if min(widths[1:-1]) < 1:
        raise FormatError(f"{path}.chain", items, "the chain removes every neuron of a layer")
    for n, (cl, cr, _) in enumerate(steps):
        if not 1 <= cr <= widths[cl]:
            raise FormatError(f"{path}.chain[{n}]", items[n], f"neuron {cr} is not in layer {cl} of width {widths[cl]} at that stage")
        widths[cl] += 1
    return steps


def _split_source(ob: dict, path: str, prob, small, L: int):
    """The narrow network's point: the certificate's ``source``, or the origin network's point
    carried through the ``chain`` of earlier splits. Returns (src, chain, the narrow network's
    outputs when the chain check computed them, else None) or an Outcome."""
    chain = _chain(ob, path, prob, small)
    if not chain:
        return parse_point(get(ob, "source", path), small, f"{path}.source"), chain, None
    # the source is the ORIGIN network; the checker applies the earlier splits itself
    widths = list(small.widths)
    for cl, _, _ in chain:
        widths[cl] -= 1
    origin = dataclasses.replace(prob, widths=tuple(widths))
    src0 = parse_point(get(ob, "source", path), origin, f"{path}.source")
    src = src0
    for cl, cr, clam in chain:
        if not isinstance(prob, Problem):
            import sympy
            clam = sympy.Rational(int(clam.p), int(clam.q))
        src = line(src, L, cl, cr - 1, clam)
    if isinstance(prob, Problem):
        src = {n: fmpq_mat(len(R), len(R[0]), [v for row in R for v in row]) for n, R in src.items()}
        out = kernel.forward(small, src)[2]
        if out != kernel.forward(origin, src0)[2]:
            return Outcome("fails", "the chain of splits changed the network function", [RATIONAL])
        return src, chain, out
    return src, chain, None


def _is_split_of(ctx: Context, at: dict, lam0, ledger: list):
    """The certificate's point equals the split point ``at``, entry by entry (None if so)."""
    if all(isinstance(ctx.point[n], fmpq_mat) and _mat(at[n]) == ctx.point[n] for n in ctx.prob.param_names()):
        return None  # rational: equal as exact matrices (RATIONAL is in the ledger already)
    for n in ctx.prob.param_names():
        mine = _entries(ctx.point[n])
        for i, row in enumerate(at[n]):
            for j, v in enumerate(row):
                ok, how = _same(v, mine[i][j])
                if how not in ledger:
                    ledger.append(how)
                if not ok:
                    return Outcome("fails", f"the point is not the split of the source at lambda = {lam0}: {n}[{i + 1},{j + 1}] "
                                            f"differs", ledger)
    return None


def _pl_line_identity(prob, small, src, L: int, l: int, r: int, where: str, ledger: list, small_out=None) -> Outcome:
    """Piecewise-linear networks: output and gradient along the line as polynomials in lambda."""
    A = line(src, L, l, r - 1, fmpq(0))
    A1 = line(src, L, l, r - 1, fmpq(1))
    outs, grad, err = _poly_pass(prob, A, A1)
    if err:
        return Outcome("fails", err, ledger + [POLY_LAMBDA])
    small_out = kernel.forward(small, src)[2] if small_out is None else small_out
    for s, z in enumerate(outs):
        for i, zi in enumerate(z):
            if zi != fmpq_poly([small_out[i, s]]):
                return Outcome("fails", f"sample {s + 1} output {i + 1}: {zi} is not identically {small_out[i, s]}", ledger + [POLY_LAMBDA])
    for n in prob.param_names():
        for i, row in enumerate(grad[n]):
            for j, g in enumerate(row):
                if g != 0:
                    return Outcome("fails", f"d risk / d {n}[{i + 1},{j + 1}] = {g} along the line: not identically 0",
                                   ledger + [POLY_LAMBDA])
    return Outcome("holds", f"split of {where}: on all {prob.m} samples the output is identically (in lambda) the narrow "
                            f"network's, and all partial derivatives are the zero polynomial in lambda: a line of critical "
                            f"points at risk {kernel.loss_value(small, small_out)}", ledger + [POLY_LAMBDA], (("split_line", l, r), "critical"))


def _smooth_line_identity(prob, src, L: int, l: int, r: int, where: str, ledger: list) -> Outcome:
    """Smooth networks: the exact gradient is 0 at lambda = 0 and 1, hence (affine) on the line."""
    import sympy

    from symcert.checker import smooth as S
    ev = S.Evaluator(prob)
    for lam in (0, 1):
        pt = line(src, L, l, r - 1, sympy.Integer(lam))
        try:
            grad = ev.gradient(pt)
        except S.NotDifferentiable as exc:
            return Outcome("fails", f"risk not differentiable at lambda = {lam}: {exc}", ledger)
        for n in prob.param_names():
            for i, row in enumerate(grad[n]):
                for j, g in enumerate(row):
                    s, how = S.sign(g)
                    if how not in ledger:
                        ledger.append(how)
                    if s != 0:
                        state = "undecided" if s is None else "nonzero"
                        return Outcome("fails" if s is not None else "unknown",
                                       f"d risk / d {n}[{i + 1},{j + 1}] at lambda = {lam} is {state}", ledger)
    return Outcome("holds", f"split of {where}: the copy's incoming weights equal r's, so the function is unchanged for every "
                            f"lambda; the exact gradient is 0 at lambda = 0 and 1, hence (affine in lambda) for every lambda",
                   ledger + [SPLIT_LEMMA], (("split_line", l, r), "critical"))


def check_neuron_split(ctx: Context, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    if prob.loss != "squared":
        return Outcome("fails", f"neuron_split is implemented for the squared loss (loss is {prob.loss})", [])
    L = prob.depth
    l = get(ob, "layer", path, int)
    if not 1 <= l <= L - 1:
        raise FormatError(f"{path}.layer", l, f"expected a hidden layer 1..{L - 1}")
    if prob.widths[l] < 2:
        raise FormatError(f"{path}.layer", l, "the split layer must have at least 2 neurons (the neuron and its copy)")
    r = get(ob, "neuron", path, int)
    if not 1 <= r <= prob.widths[l] - 1:
        raise FormatError(f"{path}.neuron", r, f"expected a neuron 1..{prob.widths[l] - 1} of the narrower network")
    lam0 = rational(get(ob, "lambda", path), f"{path}.lambda")
    small = dataclasses.replace(prob, widths=prob.widths[:l] + (prob.widths[l] - 1,) + prob.widths[l + 1:])
    res = _split_source(ob, path, prob, small, L)
    if isinstance(res, Outcome):
        return res
    src, chain, small_out = res
    ledger = [RATIONAL]
    pl = isinstance(prob, Problem) and isinstance(prob.act, PiecewiseLinear)
    if not pl:
        import sympy
        lam0 = sympy.Rational(int(lam0.p), int(lam0.q))
    bad = _is_split_of(ctx, line(src, L, l, r - 1, lam0), lam0, ledger)
    if bad is not None:
        return bad
    moves = _line_moves(src, l, r, pl)
    if moves is not True:
        return Outcome("fails" if moves is False else "unknown", f"the outgoing weights of neuron {r} of layer {l} are "
                       + ("all 0: every lambda gives the same point, so there is no line" if moves is False else
                          "not proved non-zero: the line may be a single point"), ledger)
    where = f"layer {l}, neuron {r} (copy = neuron {prob.widths[l]})" + (f", after a chain of {len(chain)} earlier splits" if chain else "")
    if pl:
        return _pl_line_identity(prob, small, src, L, l, r, where, ledger, small_out)
    return _smooth_line_identity(prob, src, L, l, r, where, ledger)


def check_split_local_minimum(ctx: Context, ob: dict, path: str) -> Outcome:
    """Morse-Bott route on a split line (smooth activations, one hidden layer, scalar output):
    the neuron_split obligation proved the gradient zero along the whole line; here the exact
    Hessian H at the point must satisfy H T = 0 for the line's tangent T (outgoing weights -v on
    r, +v on the copy) and be positive definite on the other coordinates (exact LDL^T). Then H
    is PSD with kernel exactly the tangent of a curve of critical points: a local minimum."""
    from symcert.checker import smooth as S
    from symcert.checker.smooth_hessian import MB_LEMMA, positive_definite
    prob = ctx.prob
    l, r = get(ob, "layer", path, int), get(ob, "neuron", path, int)
    if ("split_line", l, r) not in ctx.facts:
        return Outcome("fails", f"needs a neuron_split obligation for layer {l}, neuron {r} first", [])
    if not isinstance(prob, S.SmoothProblem) or prob.depth != 2 or prob.widths[-1] != 1 or prob.loss != "squared":
        return Outcome("fails", "split_local_minimum is implemented for smooth activations, one hidden layer, scalar output, "
                                "squared loss", [])
    coords = prob.coordinates()
    try:
        H = ctx.ev.hessian(ctx.point, coords)
    except S.NotDifferentiable as exc:
        return Outcome("fails", str(exc), [S.SYMPY])
    if not isinstance(H, fmpq_mat):
        return Outcome("unknown", "the Hessian has irrational entries; exact inertia is implemented for rational Hessians", [S.SYMPY])
    copy = prob.widths[1] - 1
    v = ctx.point["W2"][0][r - 1] + ctx.point["W2"][0][copy]
    if not v.is_Rational or v == 0:
        return Outcome("fails", f"the outgoing weight v = {v} of the split neuron must be a nonzero rational", [S.SYMPY])
    idx = {c: n for n, c in enumerate(coords)}
    Tm = fmpq_mat(len(coords), 1)
    Tm[idx[("W2", 0, r - 1)], 0] = -S.as_fmpq(v)
    Tm[idx[("W2", 0, copy)], 0] = S.as_fmpq(v)
    ledger = [S.SYMPY, RATIONAL]
    if any(x != 0 for x in (H * Tm).entries()):
        return Outcome("fails", "the Hessian does not vanish on the tangent of the split line", ledger)
    comp = [n for c, n in idx.items() if c != ("W2", 0, copy)]
    Hc = fmpq_mat(len(comp), len(comp), [H[i, j] for i in comp for j in comp])
    ledger += ["exact LDL^T over the rationals (python-flint fmpq_mat)", MB_LEMMA]
    if not positive_definite(Hc):
        return Outcome("fails", f"the Hessian on the {len(comp)} coordinates complementary to the line is not positive definite", ledger)
    return Outcome("holds", f"Hessian ({len(coords)} x {len(coords)}) zero on the split line's tangent and positive definite on the "
                            f"{len(comp)} complementary coordinates: PSD with kernel exactly the tangent of a line of critical points",
                   ledger, (("local_min", "Morse-Bott (split line)"),))


CHECKS = {"neuron_split": check_neuron_split, "split_local_minimum": check_split_local_minimum}
