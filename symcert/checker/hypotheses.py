"""Stated hypotheses of a claim, re-derived from the problem (trusted).

A certificate's ``claim.hypotheses`` lists the paper's hypotheses: ``{"id", "statement",
"evidence", "check"}``. ``statement`` and ``evidence`` are text for the reader. ``check``
(optional; one object or a list of them, all of which must hold) names a generic predicate of
this table, with its parameters; the checker
evaluates it on the problem (or on the report's obligations) and a false one REJECTS the
certificate. A hypothesis without ``check`` is reported as "stated, not checked": the verdict
does not rest on it, and the report says so.

The predicates are generic (no paper-specific code):

=================================  ============================================================
kind (parameters)                  holds when
=================================  ============================================================
scalar_output                      dy = 1
no_affine_fit                      no affine map x -> A x + c fits the data exactly:
                                   rank [X; 1; Y] > rank [X; 1] (exact, over Q)
distinct_inputs                    the m inputs are pairwise distinct
relu_like                          piecewise linear, one breakpoint at 0, both intercepts 0,
                                   slopes s- (t < 0), s+ (t > 0) with s+ > 0, s- >= 0, s+ != s-
piecewise_linear_not_affine        piecewise linear and its pieces are not all one line
affine_segment_not_affine          some open piece is affine with non-zero slope, and the
                                   activation is not affine (piecewise linear or smooth)
identity_activation                one piece, h(t) = t
hidden_widths_at_least (min)       every hidden width >= min
hidden_widths_exceed_output        every hidden width >= dy + 1
hidden_widths_at_least_min_io      every hidden width >= min(dx, dy)
last_hidden_width_at_least (min)   the last hidden width >= min
loss_is (loss)                     the problem's loss is ``loss``
loss_convex                        the loss is convex in the output (every loss of
                                   checker/losses.py is: squared, absolute, Huber, hinge,
                                   logistic, cross-entropy, pseudo-Huber)
obligation_holds (obligation)      the certificate's obligation with that id holds
=================================  ============================================================
"""
from __future__ import annotations

from flint import fmpq_mat, fmpz_mat, nmod_mat

from symcert.checker import kernel
from symcert.checker.problem import FormatError, get

MAX_HYPOTHESES = 64
CONVEX_LOSSES = ("squared", "absolute", "huber", "hinge", "logistic", "cross_entropy", "pseudo_huber")
MAX_NUMBER = 10**6


def _pl(prob):
    return hasattr(prob.act, "slopes")


def _hidden(prob):
    return prob.widths[1:-1]


def _no_affine_fit(prob, ctx, obs, p):
    # A = [X; 1; Y] has rows = dx + 1 + dy rows. First the first k columns alone, as integers
    # N = (common denominator) x (those columns): rank N mod P <= rank N (a minor that is not 0 mod
    # the prime P = 2^61 - 1 is not 0) <= rank A <= rows, so if rank N mod P = rows, A has full row
    # rank, and so has [X; 1] (rows of A): rank A = rows > rank [X; 1] = dx + 1. Else:
    # rank A = rank A A^T for a real matrix A, so both ranks are read off the Gram matrix G of the
    # rows of [X; 1; Y] (G = A A^T, of size dx + 1 + dy) and its leading block of size dx + 1.
    # X = NX / dX and Y = NY / dY (dX, dY > 0): rows scaled by positive numbers keep both ranks,
    # so G is taken over the integer rows of [NX; 1; NY]
    n = prob.widths[0] + 1
    rows = n + prob.widths[-1]
    k = min(prob.m, 2 * rows)
    first = [M[i, j] for M in (prob.X, fmpq_mat(1, k, [1] * k), prob.Y) for i in range(M.nrows()) for j in range(k)]
    if nmod_mat(fmpq_mat(rows, k, first).numer_denom()[0], 2 ** 61 - 1).rank() == rows:
        return True, f"rank [X; 1; Y] = {rows} > rank [X; 1] = {n}"
    NX, NY = prob.X.numer_denom()[0], prob.Y.numer_denom()[0]
    G = kernel.row_gram([NX, fmpz_mat(1, prob.m, [1] * prob.m), NY])
    rx = fmpz_mat(n, n, [G[i, j] for i in range(n) for j in range(n)]).rank()
    rxy = G.rank()
    return rxy > rx, f"rank [X; 1; Y] = {rxy} {'>' if rxy > rx else '='} rank [X; 1] = {rx}"


def _distinct(prob, ctx, obs, p):
    same = kernel.equal_columns(prob.X, ctx.xs().N if hasattr(ctx, "xs") else None)
    if same:
        return False, f"inputs {same[0] + 1} and {same[1] + 1} are equal"
    return True, f"{prob.m} distinct inputs"


def _relu_like(prob, ctx, obs, p):
    if not _pl(prob):
        return False, "the activation is not piecewise linear"
    a = prob.act
    if a.breakpoints != (0,) or any(c != 0 for c in a.intercepts):
        return False, "needs exactly one breakpoint, at 0, and zero intercepts"
    sm, sp = a.slopes
    return (sp > 0 and sm >= 0 and sp != sm), f"s+ = {sp}, s- = {sm}"


def _lines(prob):
    return set(zip(prob.act.slopes, prob.act.intercepts))


def _pl_not_affine(prob, ctx, obs, p):
    if not _pl(prob):
        return False, "the activation is not piecewise linear"
    n = len(_lines(prob))
    return n > 1, f"{len(prob.act.breakpoints)} breakpoint(s), {n} distinct line(s)"


def _affine_segment(prob, ctx, obs, p):
    a = prob.act
    if _pl(prob):
        seg = [k for k, s in enumerate(a.slopes) if s != 0]
        return bool(seg) and len(_lines(prob)) > 1, f"pieces with non-zero slope: {len(seg)}; distinct lines: {len(_lines(prob))}"
    seg = [k for k in range(len(a.pieces)) if a.derivative(k, 2) == 0 and a.derivative(k, 1) != 0]
    curved = len(a.pieces) > 1 or a.derivative(0, 2) != 0
    return bool(seg) and curved, f"affine pieces with non-zero slope: {len(seg)} of {len(a.pieces)}"


def _identity(prob, ctx, obs, p):
    ok = _pl(prob) and prob.act.breakpoints == () and prob.act.slopes == (1,) and prob.act.intercepts == (0,)
    return ok, "h(t) = t" if ok else "the activation is not the identity"


def _widths(test, text):
    def f(prob, ctx, obs, p):
        bad = [w for w in _hidden(prob) if not test(w, prob, p)]
        return not bad and bool(_hidden(prob)), f"hidden widths {list(_hidden(prob))}, {text(prob, p)}"
    return f


def _obligation(prob, ctx, obs, p):
    hit = [o for o in obs if o[0] == p["obligation"]]
    if not hit:
        return False, f"no obligation with id {p['obligation']!r}"
    return hit[0][2] == "holds", f"obligation {p['obligation']} {hit[0][2]}"


TABLE = {  # kind -> (predicate(prob, ctx, obligations, params) -> (bool, detail), parameter names)
    "scalar_output": (lambda prob, c, o, p: (prob.widths[-1] == 1, f"dy = {prob.widths[-1]}"), ()),
    "no_affine_fit": (_no_affine_fit, ()),
    "distinct_inputs": (_distinct, ()),
    "relu_like": (_relu_like, ()),
    "piecewise_linear_not_affine": (_pl_not_affine, ()),
    "affine_segment_not_affine": (_affine_segment, ()),
    "identity_activation": (_identity, ()),
    "hidden_widths_at_least": (_widths(lambda w, prob, p: w >= p["min"], lambda prob, p: f"min {p['min']}"), ("min",)),
    "hidden_widths_exceed_output": (_widths(lambda w, prob, p: w >= prob.widths[-1] + 1, lambda prob, p: f"dy + 1 = {prob.widths[-1] + 1}"), ()),
    "hidden_widths_at_least_min_io": (_widths(lambda w, prob, p: w >= min(prob.widths[0], prob.widths[-1]),
                                              lambda prob, p: f"min(dx, dy) = {min(prob.widths[0], prob.widths[-1])}"), ()),
    "last_hidden_width_at_least": (lambda prob, c, o, p: (len(prob.widths) > 2 and prob.widths[-2] >= p["min"],
                                                          f"last hidden width {prob.widths[-2]}, min {p['min']}"), ("min",)),
    "loss_is": (lambda prob, c, o, p: (prob.loss == p["loss"], f"loss {prob.loss}"), ("loss",)),
    "loss_convex": (lambda prob, c, o, p: (prob.loss in CONVEX_LOSSES, f"{prob.loss} loss"), ()),
    "obligation_holds": (_obligation, ("obligation",)),
}


def _param(value, path: str, name: str):
    if name in ("min",):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_NUMBER:
            raise FormatError(path, value, f"expected an integer in [0, {MAX_NUMBER}]")
    elif not isinstance(value, str) or len(value) > 200:
        raise FormatError(path, value, "expected a string of at most 200 characters")
    return value


MAX_CHECKS = 8


def _read_check(chk, path: str):
    kind = get(chk, "kind", path, str)
    if kind not in TABLE:
        raise FormatError(f"{path}.kind", kind, f"unknown hypothesis check (known: {', '.join(TABLE)})")
    names = TABLE[kind][1]
    extra = sorted(set(chk) - {"kind", *names})
    if extra:
        raise FormatError(f"{path}.{extra[0]}", chk[extra[0]], f"unknown parameter of {kind}")
    return kind, {k: _param(get(chk, k, path), f"{path}.{k}", k) for k in names}


def read(spec, path: str) -> list:
    """[(id, [(kind, params), ...])] of the stated hypotheses (validated, nothing evaluated); an
    empty list of checks means "stated, not checked"."""
    if spec is None:
        return []
    if not isinstance(spec, list) or len(spec) > MAX_HYPOTHESES:
        raise FormatError(path, spec, f"expected a list of at most {MAX_HYPOTHESES} hypotheses")
    out = []
    for n, h in enumerate(spec):
        hid = get(h, "id", f"{path}[{n}]", str)
        chk = h.get("check", [])
        chk = [chk] if isinstance(chk, dict) else chk
        if not isinstance(chk, list) or len(chk) > MAX_CHECKS:
            raise FormatError(f"{path}[{n}].check", chk, f"expected a check object or a list of at most {MAX_CHECKS}")
        out.append((hid, [_read_check(c, f"{path}[{n}].check[{k}]") for k, c in enumerate(chk)]))
    return out


ANY_PROBLEM = ("loss_is", "loss_convex", "obligation_holds")  # the others read a network and its data


def _evaluate(kind, ctx, obligations, params):
    if getattr(ctx.prob, "problem_class", None) == "population" and kind not in ANY_PROBLEM:
        return False, "a population problem has no network or data for this predicate"
    return TABLE[kind][0](ctx.prob, ctx, obligations, params)


def check_all(hyps: list, ctx, obligations: list) -> list:
    """[(id, "holds" | "fails" | "stated, not checked", detail)] for every stated hypothesis; a
    hypothesis holds when every one of its checks holds."""
    out = []
    for hid, checks in hyps:
        if not checks:
            out.append((hid, "stated, not checked", "no re-derivable check is attached; the verdict does not rest on it"))
            continue
        results = [(kind, *_evaluate(kind, ctx, obligations, params)) for kind, params in checks]
        bad = next((r for r in results if not r[1]), None)
        detail = f"{bad[0]}: {bad[2]}" if bad else "; ".join(f"{k}: {d}" for k, _, d in results)
        out.append((hid, "fails" if bad else "holds", detail))
    return out
