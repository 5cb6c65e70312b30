"""Obligation ``valley_path`` (trusted): a path of constant risk through local minima, checked
as an identity in the path parameter (He, Wang, Tao 2020, Theorems 3-4).

The certificate gives every parameter entry as a polynomial in one parameter eta
(``path``: like the point, weight matrices and bias vectors, but each entry a coefficient list
[c0, c1, ...] meaning c0 + c1 eta + ...), an open
interval (lo, hi) of eta (``null`` for an infinite end), the value ``at`` whose member is the
certificate's point, and multipliers (as in ``affine_optimality``). The checker verifies,
exactly (python-flint ``fmpq_poly``):

1. path(at) is the certificate's point, lo < at < hi, and the path is not constant (a
   one-point "valley" would be vacuous);
2. every hidden pre-activation, as a polynomial in eta with the pieces of the point fixed, has
   degree <= 1 and equals no breakpoint anywhere in the open interval, so (by continuity) it
   stays strictly inside the same piece for every eta in the interval: every member is in the
   interior of one open cell, and each neuron uses one piece on all samples;
3. every output is a constant polynomial in eta: the network computes the same values along
   the whole path, so the risk is constant (for any loss);
4. the multipliers certify that these outputs are an optimal affine fit (subgradient
   inequality, as in ``affine_optimality``).

Conclusion: for every eta in the interval, a neighbourhood of the member lies in its open cell,
where the network is affine in x and the risk is >= the affine optimum = the member's risk:
every member is a local minimum, all at the same risk (a valley). The same argument holds on
the whole open cell (every neuron keeps its piece on every sample there, so the network is
affine in x): each member is a global minimum of the risk restricted to its cell, as Theorems
3-4 say. ``ends_at`` (optional)
lists finite ends of the interval at which some hidden pre-activation is exactly on a
breakpoint: the valley ends on the cell boundary there (nothing is claimed about that point).
"""
from __future__ import annotations

from flint import fmpq, fmpq_mat, fmpq_poly

from symcert.checker import kernel
from symcert.checker.convex import LEMMA, multipliers_certify
from symcert.checker.obligations import RATIONAL, Context, Outcome
from symcert.checker.problem import FormatError, get, matrix, rational
from symcert.checker.ledger import POLY_ETA as POLY

MAX_DEGREE = 16


def _poly(value, path: str) -> fmpq_poly:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_DEGREE + 1:
        raise FormatError(path, value, f"expected a list of 1..{MAX_DEGREE + 1} coefficients [c0, c1, ...]")
    return fmpq_poly([rational(c, f"{path}[{k}]") for k, c in enumerate(value)])


def _end(value, path: str):
    return None if value is None else rational(value, path)


def _avoids(p: fmpq_poly, t: fmpq, lo, hi) -> bool:
    """p(eta) != t for every eta in the open interval (lo, hi); p has degree <= 1."""
    q = p - t
    if q.degree() <= 0:
        return q != 0
    root = -q[0] / q[1]
    return not ((lo is None or root > lo) and (hi is None or root < hi))


def _read_path(ctx: Context, ob: dict, path: str) -> dict:
    """The obligation's ``path``: name -> rows of fmpq_poly (a bias as a column)."""
    prob = ctx.prob
    spec = get(ob, "path", path, dict)
    params = {}
    for name in prob.param_names():
        r, c = prob.param_shape(name)
        rows = get(spec, name, f"{path}.path")
        if name[0] == "b":  # a bias is a vector of coefficient lists, as in the point
            if not isinstance(rows, list) or len(rows) != r:
                raise FormatError(f"{path}.path.{name}", rows, f"expected {r} coefficient lists")
            params[name] = [[_poly(rows[i], f"{path}.path.{name}[{i}]")] for i in range(r)]
        else:
            if not isinstance(rows, list) or len(rows) != r or any(not isinstance(row, list) or len(row) != c for row in rows):
                raise FormatError(f"{path}.path.{name}", rows, f"expected {r} rows of {c} coefficient lists")
            params[name] = [[_poly(rows[i][j], f"{path}.path.{name}[{i}][{j}]") for j in range(c)] for i in range(r)]
    return params


def _through_point(ctx: Context, params: dict, at: fmpq) -> str | None:
    """Why path(at) is not the point, or why the path is constant (a one-point valley), or None."""
    moving = False
    for name, rows in params.items():
        for i, row in enumerate(rows):
            for j, p in enumerate(row):
                if p(at) != ctx.point[name][i, j]:
                    return f"path({at}) differs from the point at {name}[{i + 1},{j + 1}]"
                moving = moving or p.degree() > 0
    return None if moving else "the path is constant: it passes through the point only, so it shows no valley"


def _outputs(prob, params: dict, pre, lo, hi):
    """Per sample, the outputs as polynomials in eta with the pieces of the point fixed, or the
    text of the first failure (a kink at the point, degree > 1, or a breakpoint met in (lo, hi))."""
    act, outputs = prob.act, []
    for s in range(prob.m):
        a = [fmpq_poly([prob.X[t, s]]) for t in range(prob.widths[0])]
        for l in range(1, prob.depth + 1):
            W, b = params[f"W{l}"], params[f"b{l}"]
            z = [sum((W[i][t] * a[t] for t in range(len(a))), b[i][0]) for i in range(prob.widths[l])]
            if l == prob.depth:
                outputs.append(z)
                break
            a = []
            for i, zi in enumerate(z):
                piece, kink = act.piece(pre[l - 1][i, s])
                where = f"layer {l} neuron {i + 1} sample {s + 1}"
                if kink:
                    return f"{where}: the point itself is on a breakpoint"
                if zi.degree() > 1:
                    return f"{where}: pre-activation {zi} has degree {zi.degree()} in the path parameter (this check needs <= 1)"
                for t in act.breakpoints:
                    if not _avoids(zi, t, lo, hi):
                        return f"{where}: pre-activation {zi} meets breakpoint {t} inside ({lo}, {hi})"
                a.append(zi * act.slopes[piece] + act.intercepts[piece])
    return outputs


def _constant_outputs(prob, outputs, at):
    """The outputs (dy x m) when every one is constant in eta, else the text of the failure."""
    fitted = []
    for i in range(prob.widths[-1]):
        for s in range(prob.m):
            p = outputs[s][i]
            if p.degree() > 0:
                return f"output {i + 1} on sample {s + 1} is {p}, not constant in the path parameter"
            fitted.append(p(at))
    return fmpq_mat(prob.widths[-1], prob.m, fitted)


def check_valley_path(ctx: Context, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    interval = get(ob, "interval", path, list)
    if len(interval) != 2:
        raise FormatError(f"{path}.interval", interval, "expected [lo, hi] (null for an infinite end)")
    lo, hi = _end(interval[0], f"{path}.interval[0]"), _end(interval[1], f"{path}.interval[1]")
    at = rational(get(ob, "at", path), f"{path}.at")
    if (lo is not None and not lo < at) or (hi is not None and not at < hi):
        return Outcome("fails", f"at = {at} is not inside the open interval ({lo}, {hi})", [RATIONAL])
    params = _read_path(ctx, ob, path)
    why = _through_point(ctx, params, at)
    if why:
        return Outcome("fails", why, [RATIONAL, POLY])
    pre = kernel.forward(prob, ctx.point)[0]
    outputs = _outputs(prob, params, pre, lo, hi)
    if isinstance(outputs, str):
        return Outcome("fails", outputs, [RATIONAL, POLY])
    for l, Z in enumerate(pre, start=1):
        for i in range(Z.nrows()):
            if len({prob.act.piece(Z[i, s])[0] for s in range(prob.m)}) > 1:
                return Outcome("fails", f"layer {l} neuron {i + 1} uses several pieces across samples: the cell is not affine in x", [RATIONAL])
    F = _constant_outputs(prob, outputs, at)
    if isinstance(F, str):
        return Outcome("fails", F, [RATIONAL, POLY])
    why = multipliers_certify(prob, F, matrix(get(ob, "multipliers", path), prob.widths[-1], prob.m, f"{path}.multipliers"))
    if why:
        return Outcome("fails", why, [RATIONAL])
    detail = (f"for every eta in ({'-inf' if lo is None else lo}, {'+inf' if hi is None else hi}) the path stays in one open cell, "
              f"its outputs are constant (risk {ctx.risk} along the whole path) and optimal among affine maps: a valley of local minima, "
              f"each a global minimum of the risk restricted to its cell")
    ends = _ends(prob, params, ob.get("ends_at"), lo, hi, path)
    if isinstance(ends, str):
        return Outcome("fails", ends, [RATIONAL, POLY])
    facts = [("valley", lo, hi)] + [("valley_end", e) for e, _ in ends]
    detail += "".join(f"; at eta = {e} layer {h[0]} neuron {h[1]} sample {h[2]} is on a breakpoint (the valley ends on the cell boundary)"
                      for e, h in ends)
    return Outcome("holds", detail, [RATIONAL, POLY, LEMMA], tuple(facts))


def _ends(prob, params, ends, lo, hi, path: str):
    """[(end, kinked neuron)] of the stated ``ends_at``, or the text of the failure."""
    if ends is None:
        return []
    if not isinstance(ends, list) or len(ends) > 2:
        raise FormatError(f"{path}.ends_at", ends, "expected a list of at most 2 interval ends")
    out = []
    for n, e in enumerate(ends):
        e = rational(e, f"{path}.ends_at[{n}]")
        if e not in (lo, hi):
            return f"ends_at {e} is not an end of the interval ({lo}, {hi})"
        hit = _on_breakpoint(prob, params, e)
        if hit is None:
            return f"at eta = {e} no hidden pre-activation is on a breakpoint: the valley does not end on the cell boundary there"
        out.append((e, hit))
    return out


def _on_breakpoint(prob, params: dict, eta: fmpq):
    point = {name: fmpq_mat(len(rows), len(rows[0]), [p(eta) for row in rows for p in row]) for name, rows in params.items()}
    k = kernel.kinks(prob, kernel.forward(prob, point)[0])
    return (k[0][0], k[0][1] + 1, k[0][2] + 1) if k else None


CHECKS = {"valley_path": check_valley_path}
