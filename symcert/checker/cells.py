"""Local optimality at points on activation-cell boundaries (trusted).

Obligation ``cell_cover``: no point of the sup-norm box of radius r around the point has lower
risk, even though some hidden pre-activations sit exactly on a breakpoint (where the risk is
not differentiable and several activation cells meet). The checker

1. propagates the box through the network (exact midpoint-radius arithmetic, using for a kinked
   pre-activation the larger |slope| of its two adjacent pieces) and requires every pre-activation
   that is off its breakpoint to stay strictly inside its piece, and every kinked one to stay
   strictly between its neighbouring breakpoints: over the box each kinked pre-activation is on
   its left piece (z <= bp) or its right piece (z >= bp), every other one keeps its piece;
2. lists the kinked pre-activations itself, in the canonical order (layer, neuron, sample); a
   *pattern* is one character per kinked pre-activation, '-' (left piece) or '+' (right piece);
3. prunes layer-1 patterns only with the certificate's Gordan/Farkas certificates: a layer-1
   pre-activation is affine in the parameters, z = bp + (dw, db) . (x_j, 1) at displacement
   (dw, db) of its neuron, so the open set {s_j (dw, db) . (x_j, 1) > 0 for j in a prefix} is
   empty iff some y >= 0, y != 0 has sum_j y_j s_j (x_j, 1) = 0 (checked exactly). The checker
   walks every neuron's sign vectors over its kinked samples (in increasing sample order) and
   cuts a branch only at a prefix whose certificate it has verified; deeper-layer kinked
   pre-activations are polynomial in the parameters and are never pruned (both sides are cells);
4. counts the candidate cells arithmetically (at most MAX_CELLS, else UNKNOWN), then generates
   them as a stream (the product of the neurons' live sign vectors and both sides of every deeper
   kink; no list of cells is built), requires the certificate's cells to be exactly those (none
   missing, none extra, no duplicate), and proves on each cell that no point of the box with that
   pattern has lower risk, by
   * ``affine_exceptions`` (solver-free, squared loss): with an exact least-squares affine fit
     (normal equations checked exactly, l0 equal to the risk at the point), if all samples with a
     nonzero residual share one pattern column (the pieces of all hidden neurons on that sample),
     then the output on those samples is A(theta) x~ for an affine A(theta), the other samples
     have residual 0, and risk = l0 + r.((A - W)X~) + r.E + 1/2 ||(A - W)X~ + E||^2 >= l0 where
     r.((A - W)X~) = 0 (normal equations) and r.E = 0 (disjoint supports). The pattern
     columns are computed once with every kinked entry on its left piece; a cell changes only its
     kinked entries, so whether the nonzero-residual samples share one column depends only on the
     cell's characters at kinks of those samples, and the answer is cached on that string;
   * ``z3`` (any loss of losses.py): the query "a parameter in the box with these pieces and
     risk < risk(point)" is rebuilt here and must be unsat (nonlinear real arithmetic; z3's
     'unsat' has no proof object). The risk is exact: the outputs are named variables, and the
     absolute, Huber and hinge losses are z3 ``If`` terms on them with rational constants. Their
     kinks (|r| at r = 0, Huber at |r| = delta, hinge at the margin) split each activation cell
     into sub-cells; the If-encoding covers all of them in one query per activation cell.

Why this covers the box: every layer-1 kinked pre-activation is a nonconstant affine function of
the parameters (its bias has coefficient 1), so off finitely many hyperplanes (a dense set) each
point of the box lies in an open layer-1 cell that is nonempty, hence never pruned, and its deeper
kinked pre-activations take some closed side; the risk is >= risk(point) on a dense subset of the
box and, being continuous, on all of it.
"""
from __future__ import annotations

import itertools

from flint import fmpq, fmpq_mat

from symcert.checker import kernel
from symcert.checker.obligations import RATIONAL, Context, Outcome, affine_fit, box_radius_needed
from symcert.checker.problem import FormatError, get, not_for, rational, vector

from symcert.exact.limits import MAX_CELLS
from symcert.checker.ledger import DENSITY, EXCEPTIONS, GORDAN, LOSS_IF, Z3_CELLS, Z3_NRA


def _adjacent(act, z):
    """(left piece, right piece) at a breakpoint z, and the open interval the box must stay in."""
    k, _ = act.piece(z)
    lo = act.breakpoints[k - 1] if k > 0 else None
    hi = act.breakpoints[k + 1] if k + 1 < len(act.breakpoints) else None
    return (k, k + 1), lo, hi


def cover_radii(prob, params, r: fmpq, pre):
    """Radii of the hidden pre-activations over the box; None if a pre-activation may leave the
    pieces it is allowed (its own piece, or the two adjacent ones for a kinked one)."""
    act, m = prob.act, prob.m
    ones = kernel.ones_row(m)
    _, acts, _ = kernel.forward(prob, params)
    A_rad = fmpq_mat(prob.widths[0], m)
    radii = []
    for l in range(1, prob.depth):
        W, A = params[f"W{l}"], acts[l - 1]
        n_out, n_in = W.nrows(), W.ncols()
        col_abs = fmpq_mat(1, n_in, [1] * n_in) * (kernel.abs_mat(A) + A_rad)
        R = kernel.abs_mat(W) * A_rad + fmpq_mat(n_out, 1, [r] * n_out) * (col_abs + ones)
        Z = pre[l - 1]
        slopes = []
        for i in range(n_out):
            for j in range(m):
                z, rad = Z[i, j], R[i, j]
                k, kink = act.piece(z)
                if kink:
                    (a, b), lo, hi = _adjacent(act, z)
                    s = max(abs(act.slopes[a]), abs(act.slopes[b]))
                else:
                    lo, hi = act.piece_bounds(k)
                    s = abs(act.slopes[k])
                if (lo is not None and not z - rad > lo) or (hi is not None and not z + rad < hi):
                    return None, (l, i, j, z, rad, lo, hi)
                slopes.append(s * rad)
        radii.append(R)
        A_rad = fmpq_mat(n_out, m, slopes)
    return radii, None


def kinked_entries(prob, pre) -> list:
    return sorted(kernel.kinks(prob, pre))  # (layer, neuron, sample), 1-based layer, 0-based neuron/sample


def _farkas(prob, neuron_samples, ent, path):
    """Verify one emptiness certificate; return (neuron, sign prefix) it prunes."""
    i = get(ent, "neuron", path, int) - 1
    if get(ent, "layer", path, int) != 1:
        raise FormatError(f"{path}.layer", ent["layer"], "only layer-1 patterns are pruned by Farkas certificates")
    if i not in neuron_samples:
        raise FormatError(f"{path}.neuron", ent["neuron"], "this neuron has no kinked pre-activation")
    signs = get(ent, "signs", path, str)
    samples = neuron_samples[i]
    if not 1 <= len(signs) <= len(samples) or set(signs) - {"+", "-"}:
        raise FormatError(f"{path}.signs", signs, f"expected 1..{len(samples)} characters '+'/'-'")
    y = vector(get(ent, "multipliers", path), len(signs), f"{path}.multipliers")
    if any(v < 0 for v in y) or all(v == 0 for v in y):
        return None, f"{path}: multipliers must be >= 0 and not all 0"
    dx = prob.widths[0]
    total = [fmpq(0)] * (dx + 1)
    for c, yj, j in zip(signs, y, samples):
        s = 1 if c == "+" else -1
        for k in range(dx):
            total[k] += s * yj * prob.X[k, j]
        total[dx] += s * yj
    if any(v != 0 for v in total):
        return None, f"{path}: sum_j y_j s_j (x_j, 1) = ({', '.join(str(v) for v in total)}) != 0"
    return (i, signs), None


def _neuron_patterns(n: int, dead: set, counts: dict) -> list:
    """Every sign vector of length n with no prefix in ``dead`` (depth-first, '-' before '+')."""
    out, stack = [], [""]
    while stack:
        p = stack.pop()
        if p and p in dead:
            counts["pruned"] += 1 << (n - len(p))
            continue
        if len(p) == n:
            out.append(p)
            continue
        stack.extend((p + "+", p + "-"))
    return out


def _count_patterns(n: int, dead: set) -> int:
    """Sign vectors of length n with no prefix in ``dead``, counted without listing them: 2^n minus
    2^(n - |p|) for every dead prefix p that does not extend another dead prefix."""
    minimal = [p for p in dead if len(p) <= n and not any(p[:k] in dead for k in range(1, len(p)))]
    return (1 << n) - sum(1 << (n - len(p)) for p in minimal)


def count_cells(kinks, dead_by_neuron: dict) -> int:
    """Number of candidate cells (what :func:`enumerate_cells` would list), by arithmetic alone."""
    neuron_samples: dict = {}
    for l, i, j in kinks:
        if l == 1:
            neuron_samples.setdefault(i, []).append(j)
    factors = [_count_patterns(len(samples), dead_by_neuron.get(i, set())) for i, samples in neuron_samples.items()]
    if 0 in factors:
        return 0
    deep = sum(1 for l, _, _ in kinks if l > 1)
    if deep > MAX_CELLS.bit_length():
        return 1 << MAX_CELLS.bit_length()
    total = 1 << deep
    for f in factors:  # stops as soon as the bound is passed (every factor is >= 1)
        total *= f
        if total > MAX_CELLS:
            return total
    return total


def enumerate_cells(prob, kinks, dead_by_neuron: dict, counts: dict):
    """Patterns (strings over ``kinks``) of every candidate cell, in canonical order, streamed: an
    iterator over the product of the neurons' live sign vectors (held as lists, each at most
    MAX_CELLS long) and both sides of every deeper kink, so no list of cells is ever built. None
    when there are more than MAX_CELLS (counted before anything is listed)."""
    if count_cells(kinks, dead_by_neuron) > MAX_CELLS:
        return None
    neuron_samples = {}
    for l, i, j in kinks:
        if l == 1:
            neuron_samples.setdefault(i, []).append(j)
    parts = [sorted(_neuron_patterns(len(neuron_samples[i]), dead_by_neuron.get(i, set()), counts)) for i in sorted(neuron_samples)]
    parts += [("-", "+")] * sum(1 for l, _, _ in kinks if l > 1)
    return map("".join, itertools.product(*parts))  # first part most significant: canonical order


def column_test(prob, pre, kinks, nonzero: list):
    """``test(pattern)``: do the samples in ``nonzero`` share one pattern column in that cell? The
    pattern column of sample j is the piece index of every hidden neuron on j: the piece of its
    pre-activation, and at a kink the left piece k or, for '+', the right piece k + 1. Those base
    columns are computed once; a cell changes only the entries of its kinks, and only the kinks on
    samples in ``nonzero`` matter, so the answer is computed once per distinct string of those
    characters (at most one per cell) and looked up after that."""
    rows = [(l, i) for l, Z in enumerate(pre, start=1) for i in range(Z.nrows())]
    base = {j: [prob.act.piece(pre[l - 1][i, j])[0] for l, i in rows] for j in nonzero}
    index = {key: n for n, key in enumerate(rows)}
    where = [(pos, j, index[l, i]) for pos, (l, i, j) in enumerate(kinks) if j in base]
    seen: dict = {}

    def test(pattern: str) -> bool:
        key = "".join(pattern[pos] for pos, _, _ in where)
        if key not in seen:
            cols = {j: list(c) for j, c in base.items()}
            for (_, j, n), c in zip(where, key):
                cols[j][n] += c == "+"
            seen[key] = len({tuple(c) for c in cols.values()}) <= 1
        return seen[key]
    return test


def z3_loss(prob, out, y: fmpq, q):
    """The per-entry loss of losses.py at the z3 term ``out`` (a named variable), exactly; the
    kinked losses as If terms, so their kinks need no cells of their own."""
    import z3

    r = out - q(y)
    if prob.loss == "squared":
        return r * r / 2
    if prob.loss == "absolute":
        return z3.If(r >= 0, r, -r)
    if prob.loss == "huber":
        d = q(prob.loss_delta)
        return z3.If(r > d, d * (r - d / 2), z3.If(r < -d, d * (-r - d / 2), r * r / 2))
    if prob.loss == "hinge":
        margin = 1 - q(y) * out
        return z3.If(margin > 0, margin, q(fmpq(0)))
    raise AssertionError(f"unknown loss {prob.loss}")


def z3_cell(prob, params, r: fmpq, risk: fmpq, piece_of, timeout_ms: int, want_model: bool = False):
    """Rebuild and run the per-cell query; return (z3 result, reason, model-or-None).

    ``piece_of(l, i, j)`` is the piece of hidden pre-activation (l, i, j) in the cell; the query
    asks for parameters in the box, each pre-activation in its piece (closed), and risk < ``risk``,
    the risk being the exact loss of ``z3_loss`` (If terms for the kinked losses: one query covers
    every loss sub-cell of the activation cell).
    """
    import z3

    s = z3.Solver()
    s.set("timeout", int(timeout_ms))
    q = lambda v: z3.RealVal(f"{v.p}/{v.q}")  # noqa: E731
    var = {}
    for name in prob.param_names():
        M = params[name]
        for i in range(M.nrows()):
            for j in range(M.ncols()):
                v = z3.Real(f"{name}_{i + 1}_{j + 1}")
                s.add(v >= q(M[i, j] - r), v <= q(M[i, j] + r))
                var[name, i, j] = v
    loss = 0
    for j in range(prob.m):
        a = [q(prob.X[k, j]) for k in range(prob.widths[0])]
        for l in range(1, prob.depth + 1):
            z = []
            for i in range(prob.widths[l]):
                aux = z3.Real(f"z{l}_{i + 1}_{j + 1}")  # named pre-activations keep z3's NRA fast
                s.add(aux == sum((var[f"W{l}", i, k] * a[k] for k in range(len(a))), var[f"b{l}", i, 0]))
                z.append(aux)
            if l == prob.depth:
                loss = loss + sum(z3_loss(prob, zi, prob.Y[i, j], q) for i, zi in enumerate(z))
                break
            a = []
            for i, zi in enumerate(z):
                k = piece_of(l, i, j)
                lo, hi = prob.act.piece_bounds(k)
                if lo is not None:
                    s.add(zi >= q(lo))
                if hi is not None:
                    s.add(zi <= q(hi))
                a.append(q(prob.act.slopes[k]) * zi + q(prob.act.intercepts[k]))
    s.add(loss < q(risk))
    res = s.check()
    model = s.model() if want_model and res == z3.sat else None
    return res, (s.reason_unknown() if res == z3.unknown else ""), (model, var)


def _piece_fn(prob, pre, kinks, pattern):
    choice = {k: c for k, c in zip(kinks, pattern)}

    def piece_of(l, i, j):
        k, kink = prob.act.piece(pre[l - 1][i, j])
        return k + 1 if kink and choice[(l, i, j)] == "+" else k
    return piece_of


def _affine_fit(ctx: Context, ob: dict, path: str):
    prob = ctx.prob
    dy, m = prob.widths[-1], prob.m
    Wb, bb = affine_fit(ob, prob, path)
    resid = Wb * prob.X + bb * kernel.ones_row(m) - prob.Y
    if any(v != 0 for v in kernel.normal_equations(resid, prob.X).entries()):
        return None, "the affine fit does not satisfy the normal equations"
    l0 = sum((v * v for v in resid.entries()), fmpq(0)) / 2
    if l0 != ctx.risk:
        return None, f"the risk at the point {ctx.risk} differs from the affine optimum {l0}"
    return [j for j in range(m) if any(resid[i, j] != 0 for i in range(dy))], None


def _patterns(n: int) -> str:
    return str(1 << n) if n <= 64 else f"2^{n}"


def ledger_for(pruned: bool, exceptions: bool, z3_used: bool, loss_if: bool = False) -> list:
    """What a holding cell_cover rests on (the generator declares the same list); ``loss_if``: z3
    cells under a kinked loss (absolute, Huber, hinge)."""
    return [RATIONAL, DENSITY] + [GORDAN] * pruned + [EXCEPTIONS] * exceptions + [Z3_CELLS] * z3_used + [LOSS_IF] * (z3_used and loss_if)


def _listed(ob: dict, path: str) -> tuple[list, dict]:
    """The certificate's cell list and its proofs by pattern (each proof a known name)."""
    listed = get(ob, "cells", path, list)
    proofs = {}
    for n, ent in enumerate(listed):
        pat = get(ent, "pattern", f"{path}.cells[{n}]", str)
        proofs[pat] = get(ent, "proof", f"{path}.cells[{n}]", str)
        if proofs[pat] not in ("affine_exceptions", "z3"):
            raise FormatError(f"{path}.cells[{n}].proof", proofs[pat], "unknown cell proof (known: affine_exceptions, z3)")
    return listed, proofs


def _same_cells(derive, listed: list, proofs: dict) -> str | None:
    """Why the listed cells differ from the derived ones (``derive()`` streams them), or None. One
    pass counts the derived cells and the ones the list lacks; the candidates that are not cells are
    looked for (a second stream) only when the counts disagree."""
    total, missing, first = 0, 0, None
    for pat in derive():
        total += 1
        if pat not in proofs:
            missing += 1
            first = pat if first is None else first
    if missing:
        return f"cell {first!r} is not covered by the certificate ({missing} cells missing)"
    if len(proofs) != total or len(listed) != total:
        extra = sorted(set(proofs).difference(derive()))
        return f"the certificate lists cells that are not candidates (e.g. {extra[0] if extra else 'a duplicate'!r})"
    return None


def _prove_cells(ctx: Context, ob: dict, path: str, r: fmpq, pre, kinks, cells, proofs: dict):
    """Prove every cell by its listed proof: (counts by proof, None) or (None, failing Outcome)."""
    import z3

    prob, used, test, ledger = ctx.prob, {"affine_exceptions": 0, "z3": 0}, None, [RATIONAL, DENSITY]
    for pat in cells:
        how = proofs[pat]
        if how == "affine_exceptions":
            if prob.loss != "squared":
                return None, Outcome("fails", f"cell {pat!r}: affine_exceptions is a squared-loss argument (this problem: {prob.loss}); "
                                     "prove the cell by z3", [RATIONAL])
            if test is None:
                nonzero, err = _affine_fit(ctx, ob, path)
                if err:
                    return None, Outcome("fails", err, [RATIONAL])
                test = column_test(prob, pre, kinks, nonzero)
            if not test(pat):
                return None, Outcome("fails", f"cell {pat!r}: samples with nonzero residual do not share one pattern column", ledger)
        else:
            res, why, _ = z3_cell(prob, ctx.point, r, ctx.risk, _piece_fn(prob, pre, kinks, pat), ctx.smt_timeout_ms)
            ledger = [RATIONAL, DENSITY, Z3_CELLS]
            if res == z3.sat:
                return None, Outcome("fails", f"cell {pat!r}: z3 found a point of the box in this cell with lower risk", ledger)
            if res != z3.unsat:
                return None, Outcome("unknown", f"cell {pat!r}: z3 returned unknown ({why}) within {ctx.smt_timeout_ms} ms", ledger)
        used[how] += 1
    return used, None


def check_cell_cover(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "cell_cover")):
        return Outcome("fails", why, [])
    prob = ctx.prob
    r = rational(get(ob, "radius", path), f"{path}.radius")
    if not r > 0:
        raise FormatError(f"{path}.radius", ob["radius"], "radius must be positive")
    pre, _, _ = kernel.forward(prob, ctx.point)
    _, bad = cover_radii(prob, ctx.point, r, pre)
    if bad:
        l, i, j, z, rad, lo, hi = bad
        return Outcome("fails", f"layer {l} neuron {i + 1} sample {j + 1}: pre-activation {z} +- {rad} leaves ({lo}, {hi})", [RATIONAL])
    kinks = kinked_entries(prob, pre)
    neuron_samples = {}
    for l, i, j in kinks:
        if l == 1:
            neuron_samples.setdefault(i, []).append(j)
    dead = {}
    for n, ent in enumerate(get(ob, "empty", path, list)):
        key, err = _farkas(prob, neuron_samples, ent, f"{path}.empty[{n}]")
        if err:
            return Outcome("fails", err, [RATIONAL])
        dead.setdefault(key[0], set()).add(key[1])
    if count_cells(kinks, dead) > MAX_CELLS:
        return Outcome("unknown", f"more than {MAX_CELLS} candidate cells (limit MAX_CELLS, counted before listing)", [RATIONAL])
    counts = {"pruned": 0}
    listed, proofs = _listed(ob, path)
    if (err := _same_cells(lambda: enumerate_cells(prob, kinks, dead, {"pruned": 0}), listed, proofs)):
        return Outcome("fails", err, [RATIONAL])
    used, failed = _prove_cells(ctx, ob, path, r, pre, kinks, enumerate_cells(prob, kinks, dead, counts), proofs)
    if failed:
        return failed
    ledger = ledger_for(bool(dead), used["affine_exceptions"] > 0, used["z3"] > 0, prob.loss != "squared")
    deep = sum(1 for l, _, _ in kinks if l > 1)
    detail = (f"{len(kinks)} kinked pre-activations ({deep} beyond layer 1); {counts['pruned']} of {_patterns(len(kinks))} sign patterns "
              f"pruned by {sum(len(v) for v in dead.values())} Farkas certificates; {len(listed)} cells: "
              f"{used['affine_exceptions']} by affine_exceptions, {used['z3']} by z3; no lower point in the box of radius {r}")
    return Outcome("holds", detail, ledger, (("local_min", r),))


def check_smt_cell_minimum(ctx: Context, ob: dict, path: str) -> Outcome:
    import z3

    if (why := not_for(ctx.prob, "smt_cell_minimum")):
        return Outcome("fails", why, [])
    prob = ctx.prob
    r, missing = box_radius_needed(ctx, ob, path)
    if missing:
        return missing
    solver_name = get(ob, "solver", path, str)
    if solver_name != "z3":
        raise FormatError(f"{path}.solver", solver_name, "unknown solver (known: z3)")

    pre = ctx.forward(ctx.point)[0]
    res, why, _ = z3_cell(prob, ctx.point, r, ctx.risk, lambda l, i, j: prob.act.piece(pre[l - 1][i, j])[0], ctx.smt_timeout_ms)
    ledger = [RATIONAL, Z3_NRA]
    if res == z3.unsat:
        return Outcome("holds", f"z3: no parameter in the box of radius {r} within the cell has risk < {ctx.risk}", ledger, (("local_min", r),))
    if res == z3.sat:
        return Outcome("fails", "z3 found a point of the cell within the box with lower risk", ledger)
    return Outcome("unknown", f"z3 returned unknown ({why}) within {ctx.smt_timeout_ms} ms", ledger)  # (z3_cell above: the same query as cell_cover, one cell: the point's own)


CHECKS = {"cell_cover": check_cell_cover, "smt_cell_minimum": check_smt_cell_minimum}
