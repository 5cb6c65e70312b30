"""One function per obligation kind (trusted). Each re-derives its fact from the problem.

A check receives the :class:`Context` (problem, point, facts established so far) and the
obligation's JSON object, and returns an :class:`Outcome`. Facts are what later obligations
and the final conclusion rely on:

* ``critical``            the exact gradient at the point is zero
* ``("cell_box", r)``     the sup-norm box of radius r around the point lies inside the open
                          activation cell of the point
* ``("local_min", r)``    no point of that box has lower risk
* ``lower_point``         the better point has strictly lower risk, exactly
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from flint import fmpq, fmpq_mat

from symcert.checker import kernel, scaled, stream
from symcert.checker.problem import FormatError, Problem, get, matrix, not_for, rational, vector
from symcert.checker.ledger import AFFINE_LEMMA, RATIONAL



@dataclass
class Context:
    prob: Problem
    point: dict
    better: dict | None
    claimed_better_loss: fmpq | None
    smt_timeout_ms: int = 60000
    facts: set = field(default_factory=set)
    _risk: fmpq | None = None
    _forward: dict = field(default_factory=dict)  # id(params) -> (params, kernel.forward(prob, params))
    _scaled: dict = field(default_factory=dict)  # id(params) -> (params, scaled.forward(prob, params))
    _layer: dict = field(default_factory=dict)  # id(params) -> (params, stream.Layer)
    _xs: scaled.Scaled | None = None

    def forward(self, params: dict):
        """``kernel.forward(self.prob, params)``, computed once per parameter set (the
        parameters are kept alongside, so their id cannot be reused while cached)."""
        key = id(params)
        if key not in self._forward:
            self._forward[key] = (params, kernel.forward(self.prob, params))
        return self._forward[key][1]

    def scaled(self, params: dict):
        """``scaled.forward(self.prob, params)`` (integer numerators), computed once per parameter set."""
        key = id(params)
        if key not in self._scaled:
            self._scaled[key] = (params, scaled.forward(self.prob, params, self.xs()))
        return self._scaled[key][1]

    def drop_passes(self) -> None:
        """Forget the cached forward passes (the obligations are done; a later use recomputes them)."""
        self._forward.clear()
        self._scaled.clear()
        self._layer.clear()

    def xs(self) -> scaled.Scaled:
        """X over its denominator, computed once."""
        if self._xs is None:
            self._xs = scaled.inputs(self.prob)
        return self._xs

    def streams(self, params: dict) -> bool:
        """One hidden layer, no full forward pass cached, and one would be large (stream.wanted)."""
        return self.prob.depth == 2 and id(params) not in self._scaled and stream.wanted(self.prob, params)

    def layer(self, params: dict) -> stream.Layer:
        """Output, pieces and first kink of a one-hidden-layer network, computed once per
        parameter set: row by row when ``streams``, else from the full forward pass."""
        key = id(params)
        if key not in self._layer:
            lay = stream.layer(self.prob, params, self.xs()) if self.streams(params) else stream.of_forward(self.scaled(params))
            self._layer[key] = (params, lay)
        return self._layer[key][1]

    def risk_of(self, params: dict) -> fmpq:
        """The exact risk at ``params``; the squared loss over integer numerators (scaled.half_sq_norm)."""
        if self.prob.loss == "squared":
            out = self.layer(params).out if id(params) in self._layer or self.streams(params) else self.scaled(params)[3]
            return scaled.half_sq_norm(out.minus(scaled.of(self.prob.Y)))
        return kernel.loss_value(self.prob, self.forward(params)[2])

    @property
    def risk(self) -> fmpq:
        if self._risk is None:
            self._risk = self.risk_of(self.point)
        return self._risk

    def box_radius(self) -> fmpq | None:
        radii = [f[1] for f in self.facts if isinstance(f, tuple) and f[0] == "cell_box"]
        return max(radii) if radii else None


class Status(str, enum.Enum):
    """The status of one obligation in a report."""

    HOLDS = "holds"
    FAILS = "fails"
    UNKNOWN = "unknown"


@dataclass
class Outcome:
    """What one check found. ``status`` is a :class:`Status` (its value may be written as the
    plain string, e.g. ``"holds"``); a fact is a name or a tuple whose first item is the name."""

    status: Status
    detail: str
    rests_on: list
    facts: tuple = ()

    def __post_init__(self):
        self.status = Status(self.status)  # a typo in a check is an error, never a new status
        for f in self.facts:
            if not (isinstance(f, str) or isinstance(f, tuple) and f and isinstance(f[0], str)):
                raise TypeError(f"a fact is a name or a (name, ...) tuple, not {f!r}")


def _radius(ob, path) -> fmpq:
    r = rational(get(ob, "radius", path), f"{path}.radius")
    if not r > 0:
        raise FormatError(f"{path}.radius", ob["radius"], "radius must be positive")
    return r


def box_radius_needed(ctx: Context, ob: dict, path: str):
    """(r, None) when an interior_cell box of radius >= the obligation's r is established,
    else (r, failing Outcome)."""
    r = _radius(ob, path)
    box = ctx.box_radius()
    if box is None or r > box:
        return r, Outcome("fails", f"needs an interior_cell obligation of radius >= {r} first", [])
    return r, None


def affine_fit(ob: dict, prob: Problem, path: str):
    """The obligation's ``affine_fit`` as (weights dy x dx, bias dy x 1)."""
    fit = get(ob, "affine_fit", path, dict)
    dx, dy = prob.widths[0], prob.widths[-1]
    Wb = matrix(get(fit, "weights", f"{path}.affine_fit"), dy, dx, f"{path}.affine_fit.weights")
    bb = fmpq_mat(dy, 1, vector(get(fit, "bias", f"{path}.affine_fit"), dy, f"{path}.affine_fit.bias"))
    return Wb, bb


def check_gradient_zero(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "gradient_zero")):
        return Outcome("fails", why, [])
    if ctx.prob.loss == "squared":  # over integer numerators (symcert.checker.scaled); the squared loss has no kink
        streamed, lay, fwd = ctx.streams(ctx.point), None, None
        if streamed:  # one neuron at a time (stream.gradient): the full forward pass is never formed
            lay = ctx.layer(ctx.point)
            k = None if lay.kink is None else (1, lay.kink[0], lay.kink[1])
        else:
            fwd = ctx.scaled(ctx.point)
            k = scaled.first_kink(fwd[1], ctx.prob.m)
        if k:
            l, i, j = k
            return Outcome("fails", f"risk not differentiable: layer {l} neuron {i + 1} sample {j + 1} is on a breakpoint", [RATIONAL])
        grad = stream.gradient(ctx.prob, ctx.point, ctx.xs(), lay) if streamed else scaled.gradient_squared(ctx.prob, ctx.point, fwd)
        return _gradient_outcome(ctx, grad, lambda G: (G.N.entries(), G.N.ncols(), G.entry))
    fwd = ctx.forward(ctx.point)
    pre = fwd[0]
    k = kernel.kinks(ctx.prob, pre)
    if k:
        l, i, j = k[0]
        return Outcome("fails", f"risk not differentiable: layer {l} neuron {i + 1} sample {j + 1} is on a breakpoint", [RATIONAL])
    lk = kernel.loss_kinks(ctx.prob, fwd[2])
    if lk:
        i, j = lk[0]
        return Outcome("fails", f"risk not differentiable: the {ctx.prob.loss} loss has a kink at output {i + 1} sample {j + 1} "
                                f"(output {fwd[2][i, j]}, target {ctx.prob.Y[i, j]}), so the risk has one there along b{ctx.prob.depth}", [RATIONAL])
    return _gradient_outcome(ctx, kernel.gradient(ctx.prob, ctx.point, fwd), lambda G: (G.entries(), G.ncols(), lambda i, j: G[i, j]))


def _gradient_outcome(ctx: Context, grad: dict, view) -> Outcome:
    """HOLDS if every partial derivative is 0, else FAILS naming the first that is not; ``view(G)`` is
    (entries of G row by row, its number of columns, (i, j) -> the entry as a rational)."""
    n = 0
    for name in ctx.prob.param_names():
        entries, cols, value = view(grad[name])
        nz = next((t for t, v in enumerate(entries) if v != 0), None)
        if nz is not None:
            i, j = divmod(nz, cols)
            return Outcome("fails", f"d risk / d {name}[{i + 1},{j + 1}] = {value(i, j)} != 0", [RATIONAL])
        n += len(entries)
    return Outcome("holds", f"all {n} partial derivatives are exactly 0", [RATIONAL], ("critical",))


def check_interior_cell(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "interior_cell")):
        return Outcome("fails", why, [])
    r = _radius(ob, path)
    prob = ctx.prob
    if prob.depth == 2:  # one hidden layer: over integer numerators (symcert.checker.scaled)
        return _interior_one_layer(ctx, r)
    fwd = ctx.forward(ctx.point)
    pre = fwd[0]
    k = kernel.kinks(prob, pre)
    if k:
        l, i, j = k[0]
        return Outcome("fails", f"layer {l} neuron {i + 1} sample {j + 1}: pre-activation {pre[l - 1][i, j]} is on a breakpoint", [RATIONAL])
    radii = kernel.box_radii(prob, ctx.point, r, fwd)
    for l, (Z, R) in enumerate(zip(pre, radii), start=1):
        for i in range(Z.nrows()):
            for j in range(Z.ncols()):
                z, rad = Z[i, j], R[i, j]
                lo, hi = prob.act.piece_bounds(prob.act.piece(z)[0])
                if (lo is not None and not z - rad > lo) or (hi is not None and not z + rad < hi):
                    return Outcome("fails", f"layer {l} neuron {i + 1} sample {j + 1}: pre-activation {z} +- {rad} leaves its piece ({lo}, {hi})", [RATIONAL])
    cnt = sum(Z.nrows() * Z.ncols() for Z in pre)
    return Outcome("holds", f"all {cnt} hidden pre-activations stay strictly inside their pieces over the box of radius {r}", [RATIONAL], (("cell_box", r),))


def _interior_one_layer(ctx: Context, r: fmpq) -> Outcome:
    """interior_cell for one hidden layer, from the integer numerators of the pre-activations
    (one neuron at a time when ``ctx.streams``: stream.interior, same order and messages)."""
    if ctx.streams(ctx.point):
        return _interior_streamed(ctx, r)
    fwd = ctx.scaled(ctx.point)
    k = scaled.first_kink(fwd[1], ctx.prob.m)
    if k:
        l, i, j = k
        return Outcome("fails", f"layer {l} neuron {i + 1} sample {j + 1}: pre-activation {fwd[0][0].entry(i, j)} is on a breakpoint", [RATIONAL])
    bad = scaled.interior_one_layer(ctx.prob, ctx.point, fwd, r)
    if bad:
        i, j, z, rad, lo, hi = bad
        return Outcome("fails", f"layer 1 neuron {i + 1} sample {j + 1}: pre-activation {z} +- {rad} leaves its piece ({lo}, {hi})", [RATIONAL])
    cnt = fwd[0][0].N.nrows() * fwd[0][0].N.ncols()
    return Outcome("holds", f"all {cnt} hidden pre-activations stay strictly inside their pieces over the box of radius {r}", [RATIONAL], (("cell_box", r),))


def _interior_streamed(ctx: Context, r: fmpq) -> Outcome:
    bad = stream.interior(ctx.prob, ctx.point, ctx.xs(), r)
    if bad and bad[0] == "kink":
        return Outcome("fails", f"layer 1 neuron {bad[1] + 1} sample {bad[2] + 1}: pre-activation {bad[3]} is on a breakpoint", [RATIONAL])
    if bad:
        _, i, j, z, rad, lo, hi = bad
        return Outcome("fails", f"layer 1 neuron {i + 1} sample {j + 1}: pre-activation {z} +- {rad} leaves its piece ({lo}, {hi})", [RATIONAL])
    cnt = ctx.point["W1"].nrows() * ctx.prob.m
    return Outcome("holds", f"all {cnt} hidden pre-activations stay strictly inside their pieces over the box of radius {r}", [RATIONAL], (("cell_box", r),))


def check_affine_reduction(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "affine_reduction")):
        return Outcome("fails", why, [])
    prob = ctx.prob
    if prob.loss != "squared":
        return Outcome("fails", "the affine reduction is stated for the squared loss only", [])
    r, missing = box_radius_needed(ctx, ob, path)
    if missing:
        return missing
    Wb, bb = affine_fit(ob, prob, path)
    xs = ctx.xs()
    for l, i, pieces in _pieces_used(ctx):
        if len(pieces) > 1:
            return Outcome("fails", f"layer {l} neuron {i + 1} uses {len(pieces)} pieces across samples: the cell is not affine in x", [RATIONAL])
    # residual W X + b 1^T - Y and the normal equations R X^T = (X R^T)^T = 0, R 1 = 0 over integer numerators (scaled)
    resid = scaled.affine(scaled.of(Wb), xs, scaled.of(bb)).minus(scaled.of(prob.Y))  # dy x m
    if any(v != 0 for v in (*(xs.N * resid.N.transpose()).entries(), *(resid.N * scaled.ones(prob.m, 1)).entries())):
        return Outcome("fails", "the affine fit does not satisfy the normal equations (residual not orthogonal to the rows of X~)", [RATIONAL])
    l0 = scaled.half_sq_norm(resid)
    if ctx.risk != l0:
        return Outcome("fails", f"risk at the point {ctx.risk} differs from the affine optimum {l0}", [RATIONAL])
    lemma = AFFINE_LEMMA
    return Outcome("holds", f"in the box the network is affine in x; least-squares optimum l0 = {l0} equals the risk at the point",
                   [RATIONAL, lemma], (("local_min", r),))


def _pieces_used(ctx: Context):
    """(layer, neuron, set of piece indices over the samples) at the point, neuron by neuron; from
    the streamed layer's pieces (stream.Layer, one bytes object per neuron) when ``ctx.streams``."""
    prob = ctx.prob
    if ctx.streams(ctx.point):
        for i, ks in enumerate(ctx.layer(ctx.point).pieces):
            yield 1, i, set(ks)
        return
    for l, pc in enumerate(ctx.scaled(ctx.point)[1], start=1):
        for i in range(prob.widths[l]):
            yield l, i, {k for k, _ in pc[i * prob.m:(i + 1) * prob.m]}


def check_strictly_lower(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "strictly_lower")):
        return Outcome("fails", why, [])
    if ctx.better is None:
        return Outcome("fails", "no better_point in the certificate", [])
    lb = ctx.risk_of(ctx.better)
    if ctx.claimed_better_loss is not None and lb != ctx.claimed_better_loss:
        return Outcome("fails", f"claimed better_loss {ctx.claimed_better_loss} but the risk at better_point is {lb}", [RATIONAL])
    if not lb < ctx.risk:
        return Outcome("fails", f"risk at better_point {lb} is not below the risk at the point {ctx.risk}", [RATIONAL])
    return Outcome("holds", f"risk at better_point {lb} < {ctx.risk}", [RATIONAL], ("lower_point",))


CHECKS = {
    "gradient_zero": check_gradient_zero,
    "interior_cell": check_interior_cell,
    "affine_reduction": check_affine_reduction,
    "strictly_lower": check_strictly_lower,
}
