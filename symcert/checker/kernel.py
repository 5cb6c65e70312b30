"""Exact evaluation kernel (trusted): forward pass, risk, gradient, and box propagation.

All arithmetic is over the rationals (python-flint ``fmpq_mat``); nothing is rounded. The
network is Y^ = W_L h(... h(W_1 X + b_1 1^T) ...) + b_L 1^T with one column per sample, and
the squared loss is 1/2 ||Y^ - Y||_F^2 (no 1/m); the other losses (absolute, Huber, hinge) are
sums of the per-entry formulas of :mod:`symcert.checker.losses`.
"""
from __future__ import annotations

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from symcert.checker import losses
from symcert.checker.problem import Problem


def ones_row(m: int) -> fmpq_mat:
    return fmpq_mat(1, m, [1] * m)


def lifted(X: fmpq_mat) -> fmpq_mat:
    """X~ = [X; 1^T]: the inputs with a row of ones, so that an affine map is A X~."""
    m = X.ncols()
    return fmpq_mat(X.nrows() + 1, m, [*X.entries(), *([1] * m)])


def normal_equations(R: fmpq_mat, X: fmpq_mat) -> fmpq_mat:
    """R X~^T (dy x (dx + 1)) for residuals or multipliers R (dy x m): zero exactly when the
    normal equations R X^T = 0, R 1 = 0 hold (the one helper every affine-optimality check uses).
    Computed as the blocks [R X^T, R 1], without forming X~."""
    RX, R1 = R * X.transpose(), R * ones_row(X.ncols()).transpose()
    dx = X.nrows()
    return fmpq_mat(R.nrows(), dx + 1, [v for i in range(R.nrows()) for v in (*(RX[i, j] for j in range(dx)), R1[i, 0])])


def equal_columns(M: fmpq_mat, N: fmpz_mat | None = None) -> tuple[int, int] | None:
    """The first (s, t), s < t, with column t of M equal to an earlier column s; None if all differ.

    With M = N / d over one common denominator, columns are equal iff their integer columns of N
    are. Equal columns have equal sums c N for any fixed integer row c, so if the m numbers c N are
    pairwise distinct, so are the columns (None). Else each column gets the key sum_k N[k] B^k with
    B = 2 isqrt(sum of squares of N) + 3 > 2 max|N[k]| + 1: balanced base-B digits are unique, so
    equal keys are equal columns and conversely. ``N``, if given, is such an integer matrix of M
    (M = N / d for some d > 0; e.g. scaled.inputs), used instead of computing one."""
    N = M.numer_denom()[0] if N is None else N
    c = fmpz_mat(1, N.nrows(), [pow(7, k + 1, 2 ** 61 - 1) for k in range(N.nrows())])
    if len(set((c * N).entries())) == N.ncols():
        return None
    S = N * N.transpose()
    B = 2 * sum((S[i, i] for i in range(S.nrows())), fmpz(0)).isqrt() + 3
    keys = (fmpz_mat(1, N.nrows(), [B ** k for k in range(N.nrows())]) * N).entries()
    seen = {}
    for t, key in enumerate(keys):
        if key in seen:
            return seen[key], t
        seen[key] = t
    return None


def row_gram(blocks: list):
    """A A^T for A the rows of the matrices ``blocks`` (each with m columns, all fmpq_mat or all
    fmpz_mat) stacked, computed block by block (A itself is never formed): the (a, b) block of
    A A^T is A_a A_b^T, and the (b, a) block its transpose."""
    ts = [B.transpose() for B in blocks]
    P = {(a, b): blocks[a] * ts[b] for a in range(len(blocks)) for b in range(a, len(blocks))}
    spans = [(a, i) for a, B in enumerate(blocks) for i in range(B.nrows())]
    n = len(spans)
    return type(blocks[0])(n, n, [P[a, b][i, j] if a <= b else P[b, a][j, i] for a, i in spans for b, j in spans])


def elementwise(M: fmpq_mat, f) -> fmpq_mat:
    return fmpq_mat(M.nrows(), M.ncols(), [f(v) for v in M.entries()])


def affine(W: fmpq_mat, A: fmpq_mat, b: fmpq_mat) -> fmpq_mat:
    """W A + b 1^T, exactly, as one integer matrix product: with W = Wn/dW, A = An/dA and
    b = bn/db (integer matrices over common denominators) and L = lcm(dW dA, db), W A + b 1^T
    equals (((L / (dW dA)) Wn) An + ((L / db) bn) 1^T) / L; the entries are reduced once, at the end."""
    Wn, dW = W.numer_denom()
    An, dA = A.numer_denom()
    bn, db = b.numer_denom()
    m = A.ncols()
    L = (dW * dA).lcm(db)
    return fmpq_mat((Wn * (L // (dW * dA))) * An + (bn * (L // db)) * fmpz_mat(1, m, [1] * m)) / L


def forward(prob: Problem, params: dict, X: fmpq_mat | None = None):
    """Return (pre-activations of each hidden layer, hidden activations, output), exactly."""
    X = prob.X if X is None else X
    pre, acts, A = [], [X], X
    for l in range(1, prob.depth + 1):
        Z = affine(params[f"W{l}"], A, params[f"b{l}"])
        if l == prob.depth:
            return pre, acts, Z
        pre.append(Z)
        A = elementwise(Z, prob.act.value)
        acts.append(A)
    raise AssertionError("unreachable")


def loss_value(prob: Problem, output: fmpq_mat) -> fmpq:
    if prob.loss != "squared":
        return sum((losses.value(prob.loss, prob.loss_delta, a, y) for a, y in zip(output.entries(), prob.Y.entries())), fmpq(0))
    R = output - prob.Y
    return sq_norm(R) / 2


def loss_kinks(prob: Problem, output: fmpq_mat) -> list[tuple[int, int]]:
    """(output coordinate, sample) of every entry where the loss is not differentiable."""
    n = output.ncols()
    return [(k // n, k % n) for k, (a, y) in enumerate(zip(output.entries(), prob.Y.entries()))
            if not losses.differentiable(prob.loss, prob.loss_delta, a, y)]


def loss_derivative(prob: Problem, output: fmpq_mat) -> fmpq_mat:
    """d loss / d output, entrywise. Precondition: no entry is a loss kink (see loss_kinks)."""
    if prob.loss == "squared":
        return output - prob.Y
    vals = []
    for a, y in zip(output.entries(), prob.Y.entries()):
        lo, hi = losses.subdifferential(prob.loss, prob.loss_delta, a, y)
        if lo != hi:
            raise ValueError("precondition: loss derivative requested at a kink of the loss")
        vals.append(lo)
    return fmpq_mat(output.nrows(), output.ncols(), vals)


def sq_norm(R: fmpq_mat) -> fmpq:
    """||R||_F^2 = trace(R R^T), computed as one exact matrix product."""
    P = R * R.transpose()
    return sum((P[i, i] for i in range(P.nrows())), fmpq(0))


def risk(prob: Problem, params: dict) -> fmpq:
    return loss_value(prob, forward(prob, params)[2])


def kinks(prob: Problem, pre: list) -> list[tuple[int, int, int]]:
    """(layer, neuron, sample) of every hidden pre-activation lying exactly on a breakpoint."""
    out = []
    for l, Z in enumerate(pre, start=1):
        for i in range(Z.nrows()):
            for j in range(Z.ncols()):
                if prob.act.piece(Z[i, j])[1]:
                    out.append((l, i, j))
    return out


def gradient(prob: Problem, params: dict, fwd=None) -> dict:
    """Exact gradient of the risk by back-propagation. Precondition: no hidden
    pre-activation lies on a breakpoint (there the risk is differentiable). ``fwd``, if
    given, is ``forward(prob, params)`` already computed."""
    pre, acts, out = forward(prob, params) if fwd is None else fwd
    if kinks(prob, pre):
        raise ValueError("precondition: gradient requested at a non-differentiable point")
    G = loss_derivative(prob, out)  # d loss / d output
    m = prob.m
    ones_col = fmpq_mat(m, 1, [1] * m)
    grad = {}
    for l in range(prob.depth, 0, -1):
        grad[f"W{l}"] = G * acts[l - 1].transpose()
        grad[f"b{l}"] = G * ones_col
        if l > 1:
            back = params[f"W{l}"].transpose() * G
            slopes = elementwise(pre[l - 2], prob.act.slope)
            G = fmpq_mat(back.nrows(), back.ncols(), [a * s for a, s in zip(back.entries(), slopes.entries())])
    return grad


def abs_mat(M: fmpq_mat) -> fmpq_mat:
    """|M| entrywise, as |N| / d for M = N / d over one common denominator d > 0."""
    N, d = M.numer_denom()
    return fmpq_mat(fmpz_mat(N.nrows(), N.ncols(), [abs(v) for v in N.entries()])) / d


def box_radii(prob: Problem, params: dict, r: fmpq, fwd=None) -> list[fmpq_mat]:
    """Rigorous radii of the hidden pre-activations over the parameter box of radius r.

    For every parameter set within sup-distance r of ``params`` whose hidden neurons stay on
    the pieces they occupy at ``params``, each hidden pre-activation lies within the returned
    radius of its value at ``params`` (exact rational midpoint-radius arithmetic). The caller
    checks that these intervals stay strictly inside the pieces, which makes the assumption
    self-consistent layer by layer (the proof is by induction over the layers).
    """
    return box_radii_fn(prob, params, fwd)(r)


def box_radii_fn(prob: Problem, params: dict, fwd=None):
    """``r -> box_radii(prob, params, r)``, with every part that does not depend on r (the
    forward pass, the column sums of |A| and the slopes) computed once, up front."""
    pre, acts, _ = forward(prob, params) if fwd is None else fwd
    m = prob.m
    ones = ones_row(m)
    # 1^T (|A| + A_rad) + 1^T = (1^T |A| + 1^T) + 1^T A_rad: the first term is fixed
    fixed = [fmpq_mat(1, A.nrows(), [1] * A.nrows()) * abs_mat(A) + ones for A in acts[:-1]]
    slope_abs = [elementwise(Z, lambda t: abs(prob.act.slope(t)) if not prob.act.piece(t)[1] else fmpq(0)) for Z in pre]

    def radii_at(r: fmpq) -> list[fmpq_mat]:
        radii = []
        A_rad = None  # radius of the layer's input; None for the data, which is exact (radius 0)
        for l in range(1, prob.depth):
            W = params[f"W{l}"]
            n_out, n_in = W.nrows(), W.ncols()
            col = fixed[l - 1] if A_rad is None else fixed[l - 1] + fmpq_mat(1, n_in, [1] * n_in) * A_rad  # 1 x m
            R = fmpq_mat(n_out, 1, [r] * n_out) * col
            if A_rad is not None:
                R = R + abs_mat(W) * A_rad
            radii.append(R)
            if l + 1 < prob.depth:  # the input radius of the next hidden layer
                A_rad = fmpq_mat(R.nrows(), m, [s * x for s, x in zip(slope_abs[l - 1].entries(), R.entries())])
        return radii

    return radii_at
