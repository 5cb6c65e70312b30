"""Minima under the logistic, cross-entropy and pseudo-Huber losses (trusted): one layer's variables in a box.

These losses are irrational at rational points (pseudo-Huber is algebraic, the other two
transcendental): the minimiser of a cell's risk is, in general, irrational, so no
rational point is exactly a minimum. A certificate names a rational point theta (``point``), one
layer l, a list of its variables v (entries of [W_l | b_l]; column d_{l-1} is b_l), a radius r and
a precision P, and an enclosure [lo, hi] (``loss``) of the risk at the point theta* of the
statement. Everything below is re-derived exactly (rationals) or over arb balls at P bits.

``layer_minimum_box``. What is proved, step by step:

1. The region N. Piecewise-linear activation: every hidden pre-activation at theta is strictly
   inside an open piece, and every hidden neuron uses the same piece on every sample (exact). N is
   the open set of parameters keeping every pre-activation in its open piece. If l is the output
   layer, every parameter that differs from theta only in layer-l variables is in N (the
   pre-activations do not depend on them); for a lower layer an earlier ``interior_cell`` must have
   put the whole sup-norm box of radius R >= r around theta inside N (fact ``("cell_box", R)``).
   Activation with one piece: N is every parameter, any l. On N every hidden layer is one affine
   map of its input, so every theta' in N computes an affine map: the outputs O(theta') (dy x m)
   have rows in the row space of X~ = [X; 1].
2. Effect matrices. On the box of radius r around theta (inside N) the outputs are affine in the
   layer-l parameters (the layers above are fixed affine maps there, the layers below too), so with
   E_k = (O(theta + r e_k) - O(theta)) / r (exact), O(theta with v) = N0 + sum_k v_k E_k for every v
   in the variables' box, where N0 = O(theta) - sum_k v0_k E_k.
3. Spanning (exact ranks). F = {e_i X~[k, :]}: the outputs of the affine maps. Logistic and pseudo-Huber:
   rank [E; F] = rank E = number of variables. Cross-entropy, which is unchanged when one number is
   added to every output of a sample: with C = {1 X~[k, :]}, rank [E; C; F] = rank [E; C] =
   number of variables + rank C. Then every affine map's outputs equal N0 + sum_k v_k E_k (+ an
   element of C, which does not change the loss) for some v: inf over affine maps of the loss l0
   equals inf over v of g(v) = sum_j ell(N0_j + sum_k v_k E_kj).
4. Krawczyk. g is convex (ell is convex, composed with an affine map). With H(B) the Hessian of g
   over the box B = v0 +- r (arb), K(B) = v0 - Y grad g(v0) + (I - Y H(B))(B - v0) strictly inside
   B implies exactly one zero v* of grad g in B (Krawczyk 1969, Rump 1983). A zero of the gradient
   of a convex function is a global minimiser: g(v*) = min over every affine map of l0.
5. theta* = theta with v := v*. It differs from theta only in layer-l variables, by at most r, so
   it lies in N and R(theta*) = g(v*). For every theta' in N, R(theta') = l0(A(theta')) >= g(v*) = R(theta*):
   theta* is a local minimum (N is open), fact ``("layer_min", r, rho)``, rho = the sup-norm
   distance bound from theta; with one activation piece N is everything: a global minimum, fact
   ``("layer_global_min", r, rho)`` as well. R(theta*) = g(v*) lies in
   g(v0) + (grad g(v0) + H(B) u) . u, u = B - v0 (mean value theorem twice), which must lie in [lo, hi].
   Theorem 4 of Yun et al. names this case: with one activation piece, step 3 holds exactly when
   the layers below l compute a map of full column rank and those above one of full row rank.

``arb_strictly_lower``. The risk at ``better_point`` (exact outputs, the loss over arb balls) lies
below lo <= R(theta*): fact ``lower_point`` (with ``layer_min``: a spurious local minimum).
"""
from __future__ import annotations

from flint import arb, arb_mat, fmpq, fmpq_mat

from symcert.checker import kernel, losses
from symcert.checker.krawczyk_core import first_outside, krawczyk, precision, reach, risk_at_zero
from symcert.checker.ledger import ARB, KRAWCZYK, LAYER_BOX_LEMMA, RATIONAL
from symcert.checker.obligations import Context, Outcome
from symcert.checker.problem import FormatError, Problem, enclosure, get, point, rational

MAX_VARIABLES = 200  # variables of one obligation
MAX_PREC = 4096  # bits
MAX_WORK = 5 * 10**6  # variables x outputs x samples (the exact ranks and the Hessian sums)


class LayerBoxContext(Context):
    """Context of a certificate with a logistic, cross-entropy or pseudo-Huber loss: the point, the enclosure
    [lo, hi] of R(theta*), and the better point (exact) with its optional enclosure."""

    loss_is_enclosure = True

    @classmethod
    def read(cls, doc: dict, prob, smt_timeout_ms: int) -> "LayerBoxContext":
        if not isinstance(prob, Problem):
            raise FormatError("problem.loss.kind", prob.loss, "the logistic, cross_entropy and pseudo_huber losses apply to "
                                                              "piecewise-linear and linear networks only")
        better = point(doc["better_point"], prob, "better_point") if "better_point" in doc else None
        ctx = cls(prob, point(get(doc, "point", ""), prob, "point"), better, None, smt_timeout_ms)
        ctx.enclosure = enclosure(doc["loss"], "loss")
        ctx.claimed_better = enclosure(doc["better_loss"], "better_loss") if "better_loss" in doc else None
        return ctx

    @property
    def risk(self) -> str:
        return f"in [{self.enclosure[0]}, {self.enclosure[1]}]"


def _fields(ctx, ob: dict, path: str):
    """(precision, None), or (precision, UNKNOWN Outcome naming the limit reached)."""
    prec = get(ob, "precision", path, int)
    if prec < 32:
        raise FormatError(f"{path}.precision", prec, "at least 32 bits")
    n = len(ob.get("variables", [])) if isinstance(ob.get("variables"), list) else 0
    work = n * ctx.prob.widths[-1] * ctx.prob.m
    if prec > MAX_PREC or n > MAX_VARIABLES or work > MAX_WORK:
        return prec, Outcome("unknown", f"limit reached: precision {prec} (MAX_PREC {MAX_PREC}), {n} variables (MAX_VARIABLES "
                                        f"{MAX_VARIABLES}), work {work} (MAX_WORK {MAX_WORK})", [])
    return prec, None


def risk_balls(prob, out: fmpq_mat, cols=None) -> arb:
    """The risk at exact outputs (dy x m), or at ball outputs given as columns of balls."""
    cols = cols or [[arb(out[i, j]) for i in range(out.nrows())] for j in range(out.ncols())]
    return sum((losses.arb_sample(prob.loss, c, [prob.Y[i, j] for i in range(prob.Y.nrows())], prob.loss_delta)[0]
                for j, c in enumerate(cols)), arb(0))


def _region(prob, pt: dict, layer: int, r: fmpq, cell) -> str | None:
    """None if step 1 holds for variables of ``layer`` (``cell``: the largest cell_box radius or None)."""
    if not prob.act.breakpoints:
        return None
    if layer != prob.depth and (cell is None or cell < r):
        return (f"with a piecewise-linear activation the variables must be in the output layer {prob.depth}, or an "
                f"interior_cell box of radius >= {r} must hold first (layer {layer})")
    for l, Z in enumerate(kernel.forward(prob, pt)[0], start=1):
        for i in range(Z.nrows()):
            pieces = {prob.act.piece(Z[i, j]) for j in range(Z.ncols())}
            if any(k[1] for k in pieces) or len(pieces) != 1:
                return f"hidden neuron {i + 1} of layer {l} is on a breakpoint or uses more than one piece on the data"
    return None


def _variables(ctx, ob: dict, path: str):
    """(layer, [(name, row, col)]) of the obligation, validated."""
    prob = ctx.prob
    layer = get(ob, "layer", path, int)
    if not 1 <= layer <= prob.depth:
        raise FormatError(f"{path}.layer", layer, f"expected a layer 1..{prob.depth}")
    rows, cols = prob.widths[layer], prob.widths[layer - 1]
    spec = get(ob, "variables", path, list)
    if not spec:
        raise FormatError(f"{path}.variables", spec, "expected at least one variable")
    out = []
    for n, v in enumerate(spec):
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(t, int) and not isinstance(t, bool) for t in v)
                and 0 <= v[0] < rows and 0 <= v[1] <= cols):
            raise FormatError(f"{path}.variables[{n}]", v, f"expected [row 0..{rows - 1}, column 0..{cols}] of [W{layer} | b{layer}]")
        out.append((f"b{layer}", v[0], 0) if v[1] == cols else (f"W{layer}", v[0], v[1]))
    if len(set(out)) != len(out):
        raise FormatError(f"{path}.variables", spec, "a variable is listed twice")
    return layer, out


def _effects(prob, pt: dict, var: list, r: fmpq):
    """(E_k as flat lists, v0, O(theta)) exactly (step 2)."""
    base = kernel.forward(prob, pt)[2]
    effects = []
    for name, i, j in var:
        moved = dict(pt)
        moved[name] = fmpq_mat(pt[name])
        moved[name][i, j] += r
        effects.append([(a - b) / r for a, b in zip(kernel.forward(prob, moved)[2].entries(), base.entries())])
    return effects, [pt[n][i, j] for n, i, j in var], base


def _spans(prob, effects: list) -> str | None:
    """None if step 3's ranks hold, else the ranks found."""
    dy, m = prob.widths[-1], prob.m
    Xt = kernel.lifted(prob.X)
    F = [[Xt[k, j] if i == r else fmpq(0) for r in range(dy) for j in range(m)] for i in range(dy) for k in range(Xt.nrows())]
    C = [[Xt[k, j] for _ in range(dy) for j in range(m)] for k in range(Xt.nrows())] if prob.loss == "cross_entropy" else []

    def rank(rows):
        return fmpq_mat(len(rows), dy * m, [x for r in rows for x in r]).rank() if rows else 0
    base, rc = rank(effects + C), rank(C)
    full, n = rank(effects + C + F), len(effects)
    if base == n + rc and full == base:
        return None
    return (f"rank [E; C] = {base} (variables {n} + rank C {rc}), rank [E; C; F] = {full}: the variables do not "
            "reach every affine map of the data exactly once" + (" (C: shifts of the softmax)" if rc else ""))


def _g(prob, effects: list, N0: list, v: list):
    """(g, grad g, Hessian of g) at the balls v (step 4)."""
    dy, m, n = prob.widths[-1], prob.m, len(v)
    O = [arb(N0[t]) + sum((v[k] * effects[k][t] for k in range(n) if effects[k][t] != 0), arb(0)) for t in range(dy * m)]
    val, grad, H = arb(0), arb_mat(n, 1), arb_mat(n, n)
    for j in range(m):
        col = [O[i * m + j] for i in range(dy)]
        f, d, h = losses.arb_sample(prob.loss, col, [prob.Y[i, j] for i in range(dy)], prob.loss_delta)
        Ej = arb_mat(dy, n, [arb(effects[k][i * m + j]) for i in range(dy) for k in range(n)])
        val += f
        grad += Ej.transpose() * arb_mat(dy, 1, d)
        H += Ej.transpose() * arb_mat(h) * Ej
    return val, grad, H


def layer_minimum(prob, pt: dict, layer: int, var: list, r: fmpq, prec: int, cell=None) -> tuple:
    """(None, rho, enclosure of R(theta*)) when steps 1-4 hold, else (why not, None, None)."""
    why = _region(prob, pt, layer, r, cell)
    effects, v0, base = _effects(prob, pt, var, r)
    why = why or _spans(prob, effects)
    if why:
        return why, None, None
    N0 = [o - sum((v0[k] * effects[k][t] for k in range(len(var))), fmpq(0)) for t, o in enumerate(base.entries())]
    with precision(prec):
        _, _, H = _g(prob, effects, N0, [arb(c) + arb(r) * arb(0, 1) for c in v0])
        gc, dc, _ = _g(prob, effects, N0, [arb(c) for c in v0])
        dg = [dc[k, 0] for k in range(len(var))]
        K, u = krawczyk(H, dg, r)
        if K is None:
            return f"box of radius {r}: {u}", None, None
        bad = first_outside(K, r)
        if bad is not None:
            n, i, j = var[bad]
            return (f"K(B) is not strictly inside the box of radius {r} at {n}[{i + 1},{j + 1}]: "
                    f"K - c = {K[bad].str(5, radius=True)}"), None, None
        rho = reach(K, r)
        return None, rho, risk_at_zero(gc, dg, H, u)


def check_layer_minimum_box(ctx, ob: dict, path: str) -> Outcome:
    prec, stop = _fields(ctx, ob, path)
    if stop:
        return stop
    r = rational(get(ob, "radius", path), f"{path}.radius")
    if not r > 0:
        raise FormatError(f"{path}.radius", ob["radius"], "radius must be positive")
    layer, var = _variables(ctx, ob, path)
    why, rho, enc = layer_minimum(ctx.prob, ctx.point, layer, var, r, prec, ctx.box_radius())
    ledger = [RATIONAL, ARB(prec), KRAWCZYK, LAYER_BOX_LEMMA]
    if why:
        return Outcome("fails", why, ledger)
    lo, hi = ctx.enclosure
    with precision(prec):
        if not (enc >= arb(lo) and enc <= arb(hi)):
            return Outcome("fails", f"the loss enclosure [{lo}, {hi}] does not contain R(theta*), which lies in "
                                    f"{enc.str(10, radius=True)}", ledger)
    facts = (("layer_min", r, rho),) + ((("layer_global_min", r, rho),) if not ctx.prob.act.breakpoints else ())
    what = "a global minimum" if len(facts) == 2 else "a local minimum"
    return Outcome("holds", f"{len(var)} variables of layer {layer} reach every affine map of the data; K(B) is strictly inside "
                            f"the box of radius {r}: theta* (within {float(rho):.3g} of the point in them) is {what} of the "
                            f"{ctx.prob.loss} risk, R(theta*) in {enc.str(10, radius=True)}", ledger, facts)


def check_arb_strictly_lower(ctx, ob: dict, path: str) -> Outcome:
    prec, stop = _fields(ctx, ob, path)
    if stop:
        return stop
    if ctx.better is None:
        return Outcome("fails", "no better_point in the certificate", [])
    with precision(prec):
        rb = risk_balls(ctx.prob, kernel.forward(ctx.prob, ctx.better)[2])
        lo, claimed = ctx.enclosure[0], ctx.claimed_better
        if claimed is not None and not (rb >= arb(claimed[0]) and rb <= arb(claimed[1])):
            return Outcome("fails", f"better_loss [{claimed[0]}, {claimed[1]}] does not contain the risk at better_point, "
                                    f"{rb.str(10, radius=True)}", [RATIONAL, ARB(prec)])
        if not rb < arb(lo):
            return Outcome("fails", f"the risk at better_point, {rb.str(10, radius=True)}, is not certainly below lo = {lo}",
                           [RATIONAL, ARB(prec)])
    return Outcome("holds", f"risk at better_point {rb.str(10, radius=True)} < {lo} <= R(theta*)", [RATIONAL, ARB(prec)],
                   ("lower_point",))


CHECKS = {"layer_minimum_box": check_layer_minimum_box, "arb_strictly_lower": check_arb_strictly_lower}
