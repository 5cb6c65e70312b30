"""Saddles on a line of split critical points, from a box around the merged network's critical
point (trusted; no sympy). Petzka & Sminchisescu (2021), Thm 9: the D^{r,s} != 0 contrast.

The certificate's network has one neuron more in hidden layer l than the merged network; its
point is s_lambda0(c): neuron r (``neuron``, 1-based) of layer l of the merged point c is
duplicated as the LAST neuron of layer l (same incoming weights and bias), its outgoing weights v
become (1 - lambda0) v on r and lambda0 v on the copy (as in checker/split.py). The checker
recovers c from the point (outgoing weights of r: the sum of the two columns) and checks that
s_lambda0(c) is the point, exactly.

Lemma (split map). For every real lambda and every parameter p of the merged network,
s_lambda(p) computes the same function (the copy's activation equals r's, and
(1 - lambda) v h + lambda v h = v h), so the risk is the same, and the gradient of the split risk
at s_lambda(p) is: the merged gradient on every shared coordinate (same pre-activations and
back-propagated errors), (1 - lambda) and lambda times the merged gradient of r's incoming
weights on those of r and of the copy (their error is scaled by the outgoing weight), and r's
merged outgoing gradient on both outgoing columns (same activation). So a critical point p* of
the merged risk gives a critical point s_lambda(p*) of the split risk, for every lambda.

``merged_krawczyk_box``  The Krawczyk test (checker/krawczyk_core.py) on the merged risk over
    the box B of radius r around c: exactly one critical point p* in B, within rho of c, its
    risk (= the split risk at s_lambda(p*)) inside the certificate's loss enclosure. Fact
    ``("merged_critical_box", layer, neuron, r, rho)``.
``merged_definite_box``  The interval LDL^T of the merged Hessian over a box of radius >= rho:
    p* is a strict local minimum of the merged risk. Fact ``merged_min_box``.
``split_negative_curvature_box``  For every lambda in [lo, hi] (cut into ``pieces`` equal
    pieces, each an arb ball Lambda): the balls s_Lambda(B') (B' the box of radius >= rho around
    c) hold s_lambda(p*), and d_lambda is the direction that moves the two copies apart: lambda e
    on r's incoming weights and bias, -(1 - lambda) e on the copy's, +n and -n on r's and the
    copy's outgoing weights (e = ``incoming``, n = ``outgoing``). If d^T H(s_Lambda(B')) d < 0
    over the balls and the Hessian's diagonal entry of the last output bias is > 0, the critical
    point s_lambda(p*) has an indefinite Hessian: a saddle, for every lambda in [lo, hi]. (The
    first-order change of the next layer's pre-activations along d_lambda is 0, so the value is
    lambda (1 - lambda) e^T B^r e + 2 n^T D^{r} e with Thm 9's B^r and D^{r,s}: D != 0 makes it
    negative for a suitable n; the checker evaluates the full Hessian and relies on none of this.)
    Fact ``("split_saddle_box", lo, hi)``.
``split_morse_bott_box``  At the obligation's lambda: the Hessian over s_lambda(B') without the one
    coordinate of the line's tangent named in check_split_morse_bott_box is positive definite (the
    interval LDL^T): s_lambda(p*) is a local minimum, not strict (Morse-Bott). Fact
    ``("split_min_box", lambda)``.
"""
from __future__ import annotations

from flint import arb, arb_mat, fmpq

from symcert.checker import balls as B
from symcert.checker.krawczyk import BoxContext, _precision
from symcert.checker.krawczyk_core import first_outside, krawczyk, positive_definite, precision, reach, risk_at_zero
from symcert.checker.ledger import CURVATURE, KRAWCZYK, LDL, MB_LEMMA, SPLIT_DEGREE, SPLIT_MAP
from symcert.checker.obligations import RATIONAL, Outcome
from symcert.checker.problem import FormatError, get, rational
from symcert.exact.limits import MAX_LAMBDA_PIECES

ONE, LAM, REST = "1", "lambda", "1-lambda"  # the factor of a split coordinate over its merged one


def _split_fields(ctx, ob: dict, path: str):
    """(layer, j (0-based), lambda0, merged Net, merged centre c) after checking that the
    certificate's point is s_lambda0(c); a failing Outcome when it is not (an undecided one when
    the network exceeds the size limits of checker/balls.py)."""
    if not isinstance(ctx, BoxContext):
        raise FormatError(path, ob.get("kind"), "this obligation needs a box certificate (version 2, loss [lo, hi])")
    net, layer = ctx.net, get(ob, "layer", path, int)
    if not 1 <= layer < net.depth or net.widths[layer] < 2:
        raise FormatError(f"{path}.layer", layer, f"a hidden layer with at least 2 neurons (1..{net.depth - 1})")
    j = get(ob, "neuron", path, int) - 1
    if not 0 <= j < net.widths[layer] - 1:
        raise FormatError(f"{path}.neuron", j + 1, f"a neuron of the merged layer (1..{net.widths[layer] - 1})")
    lam = rational(get(ob, "lambda", path), f"{path}.lambda")
    limit = B.limits(net, 32)
    if limit:  # the point of a network this large is not read (BoxContext.read)
        return Outcome("unknown", f"limit reached: {limit}", [])
    widths = list(net.widths)
    widths[layer] -= 1
    merged = B.Net(tuple(widths), net.name, net.h, net.X, net.Y)
    table = coordinate_map(merged, layer, j)
    c = [None] * merged.offsets()[-1]
    for (i, f), x in zip(table, ctx.point):
        c[i] = x if f == ONE else (c[i] or 0) + x  # r's outgoing weight: the sum of the two columns
    if [apply(c[i], f, lam) for i, f in table] != ctx.point:
        return Outcome("fails", f"the point is not s_lambda(c) for a merged point c (layer {layer}, neuron {j + 1}, lambda {lam}): "
                                "the last neuron of the layer must copy the neuron's incoming weights and bias, and their outgoing "
                                "weights must be (1 - lambda) v and lambda v", [RATIONAL])
    return layer, j, lam, merged, c


def coordinate_map(merged, layer: int, j: int) -> list:
    """For each coordinate of the split network, in order: (index in the merged network, factor)."""
    off, out = merged.offsets(), []
    for k in range(1, merged.depth + 1):
        d0, d1 = merged.widths[k - 1], merged.widths[k]
        rows = list(range(d1)) + ([j] if k == layer else [])
        cols = list(range(d0)) + ([j] if k == layer + 1 else [])
        for i in rows:
            for q, col in enumerate(cols):
                f = ONE if k != layer + 1 or col != j else (REST if q == j else LAM)
                out.append((off[k] + i * d0 + col, f))
        out += [(off[k] + d1 * d0 + i, ONE) for i in rows]
    return out


def apply(x, f: str, lam):
    """A split coordinate's value from its merged value x: x, lambda x or (1 - lambda) x."""
    return x if f == ONE else lam * x if f == LAM else (1 - lam) * x


def _box(c: list, r: fmpq) -> list:
    return [arb(x) + arb(r) * arb(0, 1) for x in c]


def _needs(ctx, layer: int, j: int, r: fmpq) -> Outcome | None:
    """None when a merged_krawczyk_box of this split put p* within r of c."""
    rhos = [f[4] for f in ctx.facts if isinstance(f, tuple) and f[0] == "merged_critical_box" and f[1:3] == (layer, j + 1)]
    if any(rho <= r for rho in rhos):
        return None
    if getattr(ctx, "undecided", False):
        return Outcome("unknown", "depends on a merged_krawczyk_box obligation that was left undecided", [])
    return Outcome("fails", f"needs a merged_krawczyk_box obligation (layer {layer}, neuron {j + 1}) that puts the merged "
                            f"critical point within {r} of the merged centre first", [])


def _radius(ob, path) -> fmpq:
    r = rational(get(ob, "radius", path), f"{path}.radius")
    if not r > 0:
        raise FormatError(f"{path}.radius", ob["radius"], "radius must be positive")
    return r


def check_merged_krawczyk_box(ctx, ob: dict, path: str) -> Outcome:
    fields = _split_fields(ctx, ob, path)
    if isinstance(fields, Outcome):
        return fields
    layer, j, _, merged, c = fields
    prec, stop = _precision(ctx, ob, path)
    r = _radius(ob, path)
    if stop:
        ctx.undecided = stop.status == "unknown"
        return stop
    ledger = [B.ARB(prec), KRAWCZYK, SPLIT_MAP]
    with precision(prec):
        try:
            H, g = B.hessian(merged, _box(c, r)), B.gradient(merged, [arb(x) for x in c])
            Rc = B.risk(merged, [arb(x) for x in c])
        except B.Crossing as exc:
            return Outcome("fails", f"over the merged box of radius {r}: {exc}", ledger)
        K, u = krawczyk(H, g, r)
        if K is None:
            return Outcome("fails", f"merged box of radius {r}: {u}", ledger)
        i = first_outside(K, r)
        if i is not None:
            return Outcome("fails", f"K(B) is not strictly inside the merged box of radius {r} (coordinate {i + 1}): the box does "
                                    f"not certify one critical point of the merged network", ledger)
        rho = reach(K, r)
        enc = risk_at_zero(Rc, g, H, u)
        lo, hi = ctx.enclosure
        if not (enc >= arb(lo) and enc <= arb(hi)):
            return Outcome("fails", f"the loss enclosure [{lo}, {hi}] does not contain the risk of the merged critical point, "
                                    f"which lies in {enc.str(10, radius=True)}", ledger)
    return Outcome("holds", f"merged network {list(merged.widths)}: exactly one critical point p* within {float(rho):.3g} of the "
                            f"merged centre (box of radius {r}); risk in {enc.str(10, radius=True)}; s_lambda(p*) is a critical "
                            f"point of the split network for every lambda", ledger, (("merged_critical_box", layer, j + 1, r, rho),))


def _boxed_fields(ctx, ob: dict, path: str):
    """(layer, j, lambda, merged Net, c, precision, radius) for an obligation that needs the merged
    critical point within its radius (a merged_krawczyk_box before it); else the Outcome that stops it."""
    fields = _split_fields(ctx, ob, path)
    if isinstance(fields, Outcome):
        return fields
    prec, stop = _precision(ctx, ob, path)
    r = _radius(ob, path)
    return stop or _needs(ctx, *fields[:2], r) or (*fields, prec, r)


def check_merged_definite_box(ctx, ob: dict, path: str) -> Outcome:
    got = _boxed_fields(ctx, ob, path)
    if isinstance(got, Outcome):
        return got
    layer, j, _, merged, c, prec, r = got
    ledger = [B.ARB(prec), LDL]
    with precision(prec):
        try:
            k = positive_definite(B.hessian(merged, _box(c, r)))
        except B.Crossing as exc:
            return Outcome("fails", f"over the merged box of radius {r}: {exc}", ledger)
    if k is not None:
        return Outcome("fails", f"interval LDL^T of the merged Hessian over the box of radius {r}: pivot {k + 1} is not "
                                f"certainly positive", ledger)
    return Outcome("holds", f"the merged Hessian is positive definite on the box of radius {r}: p* is a strict local minimum "
                            f"of the merged network", ledger, ("merged_min_box",))


def _direction(ob: dict, path: str, merged, layer: int) -> tuple:
    e = get(ob, "incoming", path, list)
    n = get(ob, "outgoing", path, list)
    if len(e) != merged.widths[layer - 1] + 1:
        raise FormatError(f"{path}.incoming", e, f"expected {merged.widths[layer - 1] + 1} numbers (weights, then the bias)")
    if len(n) != merged.widths[layer + 1]:
        raise FormatError(f"{path}.outgoing", n, f"expected {merged.widths[layer + 1]} numbers")
    return ([rational(v, f"{path}.incoming[{i}]") for i, v in enumerate(e)],
            [rational(v, f"{path}.outgoing[{i}]") for i, v in enumerate(n)])


def _lambda_range(ob: dict, path: str, lam0: fmpq) -> tuple:
    rng = ob.get("lambda_range", [ob["lambda"], ob["lambda"]])
    if not (isinstance(rng, list) and len(rng) == 2):
        raise FormatError(f"{path}.lambda_range", rng, "expected [lo, hi]")
    lo, hi = (rational(v, f"{path}.lambda_range[{i}]") for i, v in enumerate(rng))
    if not lo <= lam0 <= hi:
        raise FormatError(f"{path}.lambda_range", rng, f"must contain the point's lambda {lam0}")
    pieces = ob.get("pieces", 1)
    if not isinstance(pieces, int) or isinstance(pieces, bool) or pieces < 1:
        raise FormatError(f"{path}.pieces", pieces, "a positive integer")
    return lo, hi, pieces


def direction_balls(merged, layer: int, j: int, e: list, n: list, lam: arb) -> list:
    """d_lambda in the split coordinates (see the module doc), lambda a ball."""
    d0, d1, d2 = merged.widths[layer - 1], merged.widths[layer], merged.widths[layer + 1]
    split = list(merged.widths)
    split[layer] += 1
    off = B.Net(tuple(split), merged.name, merged.h, merged.X, merged.Y).offsets()
    d = [arb(0)] * off[-1]
    for k in range(d0):
        d[off[layer] + j * d0 + k], d[off[layer] + d1 * d0 + k] = lam * e[k], -(1 - lam) * e[k]
    d[off[layer] + (d1 + 1) * d0 + j], d[off[layer] + (d1 + 1) * d0 + d1] = lam * e[d0], -(1 - lam) * e[d0]
    for s in range(d2):
        d[off[layer + 1] + s * (d1 + 1) + j], d[off[layer + 1] + s * (d1 + 1) + d1] = arb(n[s]), -arb(n[s])
    return d


def _piece(lo: fmpq, hi: fmpq, pieces: int, k: int) -> arb:
    """The k-th of ``pieces`` equal pieces of [lo, hi] as a ball that contains it."""
    a, b = lo + (hi - lo) * k / pieces, lo + (hi - lo) * (k + 1) / pieces
    return arb((a + b) / 2) + arb((b - a) / 2) * arb(0, 1)


def _interpolate(nodes: list, values: list, lam: arb) -> arb:
    """sum_k values[k] L_k(lam), L_k the Lagrange basis of the exact nodes: for every polynomial of
    degree < len(nodes) whose value at node k lies in values[k], its value at every point of lam."""
    out = arb(0)
    for k, (x, v) in enumerate(zip(nodes, values)):
        basis = arb(1)
        for i, y in enumerate(nodes):
            if i != k:
                basis *= (lam - arb(y)) / arb(x - y)
        out += v * basis
    return out


def _node_values(ctx, merged, layer, j, box, nodes, e, n) -> list:
    """(d^T H d, H[last, last]) over the balls s_lambda(box) at each exact node lambda."""
    table, out = coordinate_map(merged, layer, j), []
    for lam in nodes:
        H = B.hessian(ctx.net, [apply(x, f, lam) for x, f in ((box[i], f) for i, f in table)])
        d = direction_balls(merged, layer, j, e, n, arb(lam))
        out.append(((arb_mat(1, len(d), d) * (H * arb_mat(len(d), 1, d)))[0, 0], H[len(d) - 1, len(d) - 1]))
    return out


def check_split_negative_curvature_box(ctx, ob: dict, path: str) -> Outcome:
    """At one lambda (lo = hi): the values at lambda itself. On a range: for a fixed p, every entry of
    the split Hessian at s_lambda(p) is a polynomial of degree <= 2 in lambda (SPLIT_DEGREE) and
    d_lambda is affine, so q(lambda) = d^T H d has degree <= 4: its values at 5 exact nodes over the
    box determine it (Lagrange), and each piece of the range is bounded by interpolating the node
    enclosures over the piece's ball."""
    fields = _split_fields(ctx, ob, path)
    if isinstance(fields, Outcome):
        return fields
    layer, j, lam0, merged, c = fields
    prec, stop = _precision(ctx, ob, path)
    r = _radius(ob, path)
    lo, hi, pieces = _lambda_range(ob, path, lam0)
    e, n = _direction(ob, path, merged, layer)
    if stop or _needs(ctx, layer, j, r):
        return stop or _needs(ctx, layer, j, r)
    if pieces > MAX_LAMBDA_PIECES:
        return Outcome("unknown", f"limit reached: {pieces} pieces of the lambda range exceed the limit of {MAX_LAMBDA_PIECES} "
                                  f"(MAX_LAMBDA_PIECES)", [])
    nodes = [lo] if lo == hi else [lo + (hi - lo) * k / 4 for k in range(5)]
    ledger = [B.ARB(prec), SPLIT_MAP, CURVATURE] + ([SPLIT_DEGREE] if lo != hi else [])
    worst = None
    with precision(prec):
        try:
            vals = _node_values(ctx, merged, layer, j, _box(c, r), nodes, e, n)
        except B.Crossing as exc:
            return Outcome("fails", f"over the split box: {exc}", ledger)
        for k in range(pieces if lo != hi else 1):
            lam = _piece(lo, hi, pieces, k)
            q = _interpolate(nodes, [v[0] for v in vals], lam) if lo != hi else vals[0][0]
            bias = _interpolate(nodes, [v[1] for v in vals], lam) if lo != hi else vals[0][1]
            if not q < 0:
                return Outcome("fails", f"d^T H d = {q.str(5, radius=True)} is not certainly negative for lambda in piece {k + 1} "
                                        f"of {pieces} of [{lo}, {hi}]", ledger)
            if not bias > 0:
                return Outcome("fails", "the Hessian's diagonal entry of the last output bias is not certainly positive", ledger)
            worst = q if worst is None or q.upper() > worst.upper() else worst
    return Outcome("holds", f"for every lambda in [{lo}, {hi}] ({pieces} pieces): d^T H d <= {float(worst.upper()):.4g} < 0 and "
                            f"the last output bias's curvature > 0 at s_lambda(p*): a saddle of the split network",
                   ledger, (("split_saddle_box", lo, hi),))


def _tangent_coordinate(merged, layer: int, j: int, c: list, r: fmpq):
    """(k, s): the copy's outgoing weight to neuron s of layer l + 1 with the largest |v_s| at c, its index k
    in the split coordinates; None when that v_s is not certainly non-zero over the box (no line)."""
    off, d1 = merged.offsets(), merged.widths[layer]
    s = max(range(merged.widths[layer + 1]), key=lambda i: abs(c[off[layer + 1] + i * d1 + j]))
    if not abs(c[off[layer + 1] + s * d1 + j]) > r:
        return None
    split_off = off[layer + 1] + (merged.widths[layer - 1] + 1)  # the copy's incoming weights and bias come first
    return split_off + s * (d1 + 1) + d1, s


def check_split_morse_bott_box(ctx, ob: dict, path: str) -> Outcome:
    """Local minimum on the line, at the obligation's lambda: the tangent t = d s_lambda(p*) / d lambda
    (-v, +v on the two outgoing columns) spans the kernel. H t = 0 (differentiate grad = 0 along the
    line, SPLIT_MAP); if the Hessian without the coordinate k of the copy's outgoing weight with the
    largest |v_s| (t_k = v_s != 0) is positive definite over the balls s_lambda(B), every x = alpha t + w
    (w_k = 0) has x^T H x = w^T H w > 0 unless w = 0: H is PSD with kernel exactly the line's tangent,
    and the Morse-Bott lemma gives a local minimum (not strict: the line has the same risk)."""
    got = _boxed_fields(ctx, ob, path)
    if isinstance(got, Outcome):
        return got
    layer, j, lam, merged, c, prec, r = got
    tangent, ledger = _tangent_coordinate(merged, layer, j, c, r), [B.ARB(prec), SPLIT_MAP, LDL, MB_LEMMA]
    if tangent is None:
        return Outcome("fails", "the split neuron's outgoing weights are not certainly non-zero over the box: no line", ledger)
    box, k = _box(c, r), tangent[0]
    with precision(prec):
        try:
            H = B.hessian(ctx.net, [apply(box[i], f, lam) for i, f in coordinate_map(merged, layer, j)])
        except B.Crossing as exc:
            return Outcome("fails", f"over the split box: {exc}", ledger)
        keep = [i for i in range(H.nrows()) if i != k]
        bad = positive_definite(arb_mat([[H[a, b] for b in keep] for a in keep]))
    if bad is not None:
        return Outcome("fails", f"the Hessian off the line's tangent at lambda = {lam} is not proved positive definite (LDL^T "
                                f"pivot {bad + 1})", ledger)
    return Outcome("holds", f"at lambda = {lam}: the Hessian at s_lambda(p*) is PSD with kernel the line's tangent: a local minimum "
                            "on the line of split critical points (not strict)", ledger, (("split_min_box", lam),))


CHECKS = {
    "merged_krawczyk_box": check_merged_krawczyk_box,
    "split_morse_bott_box": check_split_morse_bott_box,
    "merged_definite_box": check_merged_definite_box,
    "split_negative_curvature_box": check_split_negative_curvature_box,
}
