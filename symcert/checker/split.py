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
polynomials in lambda (python-flint ``fmpq_poly``); every hidden pre-activation must be a
constant polynomial (then the activation pieces do not move with lambda), the outputs must
equal the narrow network's outputs as polynomials, every partial derivative must be the zero
polynomial.

Smooth activations (exact reals): structurally, the copy has the same incoming weights as r,
so its pre-activation equals r's on every input; the lambda-coefficient of the next layer's
pre-activations is v (h_copy - h_r) = 0 identically, so the function is unchanged, every
pre-activation is independent of lambda, and back-propagation makes each partial derivative
affine in lambda (lambda enters only through W_{l+1}, linearly). An affine function zero at
lambda = 0 and lambda = 1 is zero: the checker evaluates the exact gradient at both values.
"""
from __future__ import annotations

import dataclasses

from flint import fmpq, fmpq_mat, fmpq_poly

from symcert.checker import kernel
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, PiecewiseLinear, Problem, get, rational
from symcert.checker.reading import point as parse_point
from symcert.checker.ledger import POLY_LAMBDA, SPLIT_LEMMA



def _entries(M) -> list:
    """A parameter matrix as a list of rows (fmpq_mat or list of lists)."""
    if isinstance(M, fmpq_mat):
        return [[M[i, j] for j in range(M.ncols())] for i in range(M.nrows())]
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


def _poly_pass(prob: Problem, A: dict, B: dict):
    """Outputs (per sample, polys) and gradient (name -> rows of polys) along A + lambda B, or
    an error text if a pre-activation moves with lambda or sits on a breakpoint."""
    names = prob.param_names()
    P = {n: [[fmpq_poly([A[n][i][j], B[n][i][j]]) for j in range(len(A[n][0]))] for i in range(len(A[n]))] for n in names}
    grad = {n: [[fmpq_poly([]) for _ in row] for row in P[n]] for n in names}
    outs = []
    for s in range(prob.m):
        a = [fmpq_poly([prob.X[k, s]]) for k in range(prob.widths[0])]
        acts, slopes = [a], []
        for l in range(1, prob.depth + 1):
            W, b = P[f"W{l}"], P[f"b{l}"]
            z = [sum((W[i][k] * a[k] for k in range(len(a))), b[i][0]) for i in range(len(W))]
            if l == prob.depth:
                break
            sl, a = [], []
            for i, zi in enumerate(z):
                if zi.degree() > 0:
                    return None, None, f"layer {l} neuron {i + 1} sample {s + 1}: pre-activation {zi} depends on lambda"
                c = zi.coeffs()[0] if zi.coeffs() else fmpq(0)
                if prob.act.piece(c)[1]:
                    return None, None, f"layer {l} neuron {i + 1} sample {s + 1}: pre-activation {c} is on a breakpoint"
                sl.append(prob.act.slope(c))
                a.append(fmpq_poly([prob.act.value(c)]))
            slopes.append(sl)
            acts.append(a)
        outs.append(z)
        G = [zi - prob.Y[i, s] for i, zi in enumerate(z)]
        for l in range(prob.depth, 0, -1):
            prev = acts[l - 1]
            for i, g in enumerate(G):
                for k, ak in enumerate(prev):
                    grad[f"W{l}"][i][k] += g * ak
                grad[f"b{l}"][i][0] += g
            if l > 1:
                W = P[f"W{l}"]
                G = [sum((W[i][k] * G[i] for i in range(len(G))), fmpq_poly([])) * slopes[l - 2][k] for k in range(len(prev))]
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
    carried through the ``chain`` of earlier splits. Returns (src, chain) or an Outcome."""
    chain = _chain(ob, path, prob, small)
    if not chain:
        return parse_point(get(ob, "source", path), small, f"{path}.source"), chain
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
        if kernel.forward(small, src)[2] != kernel.forward(origin, src0)[2]:
            return Outcome("fails", "the chain of splits changed the network function", [RATIONAL])
    return src, chain


def _is_split_of(ctx: Context, at: dict, lam0, ledger: list):
    """The certificate's point equals the split point ``at``, entry by entry (None if so)."""
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


def _pl_line_identity(prob, small, src, L: int, l: int, r: int, where: str, ledger: list) -> Outcome:
    """Piecewise-linear networks: output and gradient along the line as polynomials in lambda."""
    A = line(src, L, l, r - 1, fmpq(0))
    A1 = line(src, L, l, r - 1, fmpq(1))
    B = {n: [[A1[n][i][j] - A[n][i][j] for j in range(len(A[n][0]))] for i in range(len(A[n]))] for n in A}
    outs, grad, err = _poly_pass(prob, A, B)
    if err:
        return Outcome("fails", err, ledger + [POLY_LAMBDA])
    small_out = kernel.forward(small, src)[2]
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
                            f"points at risk {kernel.risk(small, src)}", ledger + [POLY_LAMBDA], (("split_line", l, r), "critical"))


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
    src, chain = res
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
        return _pl_line_identity(prob, small, src, L, l, r, where, ledger)
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
