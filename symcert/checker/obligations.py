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

from dataclasses import dataclass, field

from flint import fmpq, fmpq_mat

from symcert.checker import kernel
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

    def forward(self, params: dict):
        """``kernel.forward(self.prob, params)``, computed once per parameter set (the
        parameters are kept alongside, so their id cannot be reused while cached)."""
        key = id(params)
        if key not in self._forward:
            self._forward[key] = (params, kernel.forward(self.prob, params))
        return self._forward[key][1]

    @property
    def risk(self) -> fmpq:
        if self._risk is None:
            self._risk = kernel.loss_value(self.prob, self.forward(self.point)[2])
        return self._risk

    def box_radius(self) -> fmpq | None:
        radii = [f[1] for f in self.facts if isinstance(f, tuple) and f[0] == "cell_box"]
        return max(radii) if radii else None


@dataclass
class Outcome:
    status: str  # "holds" | "fails" | "unknown"
    detail: str
    rests_on: list
    facts: tuple = ()


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
    grad = kernel.gradient(ctx.prob, ctx.point, fwd)
    for name in ctx.prob.param_names():
        G = grad[name]
        for i in range(G.nrows()):
            for j in range(G.ncols()):
                if G[i, j] != 0:
                    return Outcome("fails", f"d risk / d {name}[{i + 1},{j + 1}] = {G[i, j]} != 0", [RATIONAL])
    n = sum(g.nrows() * g.ncols() for g in grad.values())
    return Outcome("holds", f"all {n} partial derivatives are exactly 0", [RATIONAL], ("critical",))


def check_interior_cell(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "interior_cell")):
        return Outcome("fails", why, [])
    r = _radius(ob, path)
    prob = ctx.prob
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
    pre = ctx.forward(ctx.point)[0]
    for l, Z in enumerate(pre, start=1):
        for i in range(Z.nrows()):
            pieces = {prob.act.piece(Z[i, j])[0] for j in range(Z.ncols())}
            if len(pieces) > 1:
                return Outcome("fails", f"layer {l} neuron {i + 1} uses {len(pieces)} pieces across samples: the cell is not affine in x", [RATIONAL])
    resid = kernel.affine(Wb, prob.X, bb) - prob.Y  # dy x m
    if any(v != 0 for v in kernel.normal_equations(resid, prob.X).entries()):
        return Outcome("fails", "the affine fit does not satisfy the normal equations (residual not orthogonal to the rows of X~)", [RATIONAL])
    l0 = kernel.sq_norm(resid) / 2
    if ctx.risk != l0:
        return Outcome("fails", f"risk at the point {ctx.risk} differs from the affine optimum {l0}", [RATIONAL])
    lemma = AFFINE_LEMMA
    return Outcome("holds", f"in the box the network is affine in x; least-squares optimum l0 = {l0} equals the risk at the point",
                   [RATIONAL, lemma], (("local_min", r),))


def check_strictly_lower(ctx: Context, ob: dict, path: str) -> Outcome:
    if (why := not_for(ctx.prob, "strictly_lower")):
        return Outcome("fails", why, [])
    if ctx.better is None:
        return Outcome("fails", "no better_point in the certificate", [])
    lb = kernel.loss_value(ctx.prob, ctx.forward(ctx.better)[2])
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
