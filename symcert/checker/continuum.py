"""Scaling families of local minima (trusted): one obligation proves a whole continuum at once.

Kind ``scaling_family`` (one hidden layer, piecewise-linear activation, squared loss). The
obligation writes every parameter as a monomial c * alpha^k in a symbol alpha (``[c, k]``: c an
exact rational, k an integer with |k| <= MAX_POWER) and a box radius r(alpha) = r0 * alpha^k the
same way. The checker proves, for every alpha > 0 at once, with exact Laurent-polynomial
arithmetic in alpha (python-flint fmpq coefficients):

1. the family at alpha = 1 is the certificate's point;
2. each hidden neuron is on one open piece of the activation for every sample, with margin:
   for each pre-activation z(alpha) and each finite end t of its piece, z - t - r(alpha)(1 + |x|_1)
   (or t - z - ...) has coefficients all >= 0 and not all 0, hence is > 0 for every alpha > 0;
   so in the box of radius r(alpha) around the member no neuron leaves its piece (a parameter
   change of sup-size r moves z by at most r(1 + |x|_1));
3. the member's output at every sample is identically (in alpha) the stated affine fit, and the
   fit satisfies the normal equations, so the member's risk is the least-squares optimum l0 for
   every alpha, and l0 is the certificate's risk.

In the box the network is affine in x (every neuron on one piece), so its risk is >= l0: every
member is a local minimum at the point's risk (facts ``valley`` and ``("local_min", r(1))``).
"""
from __future__ import annotations

from flint import fmpq, fmpq_mat

from symcert.checker import kernel
from symcert.checker.obligations import AFFINE_LEMMA, RATIONAL, Outcome, affine_fit
from symcert.checker.problem import FormatError, get, rational
from symcert.checker.ledger import LAURENT_LEMMA as LEMMA
from symcert.checker.ledger import LAURENT_POLY as LEDGER

MAX_POWER = 8


def _mono(v, path: str) -> dict:
    """[c, k] -> {k: c} (c rational text, k an integer with |k| <= MAX_POWER)."""
    if not (isinstance(v, list) and len(v) == 2 and isinstance(v[1], int) and not isinstance(v[1], bool)):
        raise FormatError(path, v, "expected [coefficient, power of alpha]")
    if abs(v[1]) > MAX_POWER:
        raise FormatError(path, v[1], f"power of alpha must be at most {MAX_POWER} in size")
    c = rational(v[0], f"{path}[0]")
    return {v[1]: c} if c != 0 else {}


def _add(p: dict, q: dict, s=1) -> dict:
    out = dict(p)
    for k, c in q.items():
        out[k] = out.get(k, fmpq(0)) + s * c
        if out[k] == 0:
            del out[k]
    return out


def _scale(p: dict, c) -> dict:
    return {k: v * c for k, v in p.items()} if c != 0 else {}


def _mul(p: dict, q: dict) -> dict:
    out = {}
    for a, c in p.items():
        out = _add(out, {a + b: c * d for b, d in q.items()})
    return out


def _positive(p: dict) -> bool:
    return bool(p) and all(c >= 0 for c in p.values())


def _family(ob: dict, prob, path: str) -> dict:
    fam = get(ob, "family", path, dict)
    out = {}
    for name in prob.param_names():
        r, c = prob.param_shape(name)
        rows = get(fam, name, f"{path}.family")
        p = f"{path}.family.{name}"
        if name[0] == "b":
            if not isinstance(rows, list) or len(rows) != r:
                raise FormatError(p, rows, f"expected {r} monomials")
            out[name] = [[_mono(v, f"{p}[{i}]")] for i, v in enumerate(rows)]
        else:
            if not isinstance(rows, list) or len(rows) != r or not all(isinstance(x, list) and len(x) == c for x in rows):
                raise FormatError(p, rows, f"expected {r} rows of {c} monomials")
            out[name] = [[_mono(v, f"{p}[{i}][{j}]") for j, v in enumerate(row)] for i, row in enumerate(rows)]
    extra = sorted(set(fam) - set(prob.param_names()))
    if extra:
        raise FormatError(f"{path}.family.{extra[0]}", fam[extra[0]], "not a parameter of the network")
    return out


def _at_one(fam: dict, point: dict) -> str | None:
    for name, rows in fam.items():
        for i, row in enumerate(rows):
            for j, p in enumerate(row):
                if sum(p.values(), fmpq(0)) != point[name][i, j]:
                    return f"{name}[{i + 1},{j + 1}]"
    return None


def _margins(prob, fam: dict, rad: dict) -> tuple[list, str | None]:
    """Pieces of the hidden neurons and a reason when a margin is not proved for all alpha > 0."""
    act, X = prob.act, prob.X
    W, b = fam["W1"], fam["b1"]
    pieces = []
    for j in range(len(W)):
        ks = set()
        for i in range(prob.m):
            z = b[j][0]
            for k in range(prob.widths[0]):
                z = _add(z, _scale(W[j][k], X[k, i]))
            piece, on_bp = act.piece(sum(z.values(), fmpq(0)))
            if on_bp:
                return pieces, f"neuron {j + 1} sample {i + 1} is on a breakpoint at alpha = 1"
            ks.add(piece)
            room = _scale(rad, 1 + sum((abs(X[k, i]) for k in range(prob.widths[0])), fmpq(0)))
            lo, hi = act.piece_bounds(piece)
            for end, sign in ((lo, 1), (hi, -1)):
                if end is not None and not _positive(_add(_add(_scale(z, sign), {0: -sign * end}), room, -1)):
                    return pieces, f"neuron {j + 1} sample {i + 1}: margin to the breakpoint {end} is not positive for every alpha > 0"
        if len(ks) > 1:
            return pieces, f"neuron {j + 1} uses {len(ks)} pieces across samples: the cell is not affine in x"
        pieces.append(ks.pop())
    return pieces, None


def _outputs(prob, fam: dict, pieces: list) -> list:
    """Output (dy x m) at the member, as Laurent polynomials in alpha."""
    act, X = prob.act, prob.X
    W1, b1, W2, b2 = fam["W1"], fam["b1"], fam["W2"], fam["b2"]
    out = []
    for i in range(prob.m):
        h = []
        for j, k in enumerate(pieces):
            z = b1[j][0]
            for d in range(prob.widths[0]):
                z = _add(z, _scale(W1[j][d], X[d, i]))
            h.append(_add(_scale(z, act.slopes[k]), {0: act.intercepts[k]} if act.intercepts[k] != 0 else {}))
        col = []
        for o in range(prob.widths[-1]):
            f = b2[o][0]
            for j in range(len(h)):
                f = _add(f, _mul(W2[o][j], h[j]))
            col.append(f)
        out.append(col)
    return out


def check_scaling_family(ctx, ob: dict, path: str) -> Outcome:
    prob = ctx.prob
    if prob.depth != 2 or prob.loss != "squared":
        return Outcome("fails", "scaling_family is stated for one hidden layer and the squared loss", [])
    if get(ob, "parameter", path, str) != "alpha":
        raise FormatError(f"{path}.parameter", ob["parameter"], "the family's symbol must be named alpha")
    fam = _family(ob, prob, path)
    rad = _mono(get(ob, "radius", path), f"{path}.radius")
    if not _positive(rad):
        raise FormatError(f"{path}.radius", ob["radius"], "the radius must be a positive monomial in alpha")
    bad = _at_one(fam, ctx.point)
    if bad:
        return Outcome("fails", f"the family at alpha = 1 is not the point ({bad} differs)", [RATIONAL])
    pieces, why = _margins(prob, fam, rad)
    if why:
        return Outcome("fails", why, [LEDGER])
    Wb, bb = affine_fit(ob, prob, path)
    resid = kernel.affine(Wb, prob.X, bb) - prob.Y
    if any(v != 0 for v in (resid * prob.X.transpose()).entries()) or any(v != 0 for v in (resid * fmpq_mat(prob.m, 1, [1] * prob.m)).entries()):
        return Outcome("fails", "the affine fit does not satisfy the normal equations", [RATIONAL])
    fit = kernel.affine(Wb, prob.X, bb)
    for i, col in enumerate(_outputs(prob, fam, pieces)):
        for o, f in enumerate(col):
            if f != ({0: fit[o, i]} if fit[o, i] != 0 else {}):
                return Outcome("fails", f"the member's output {o + 1} at sample {i + 1} is not the affine fit for every alpha", [LEDGER])
    l0 = kernel.sq_norm(resid) / 2
    if ctx.risk != l0:
        return Outcome("fails", f"risk at the point {ctx.risk} differs from the affine optimum {l0}", [RATIONAL])
    r0 = sum(rad.values(), fmpq(0))
    k = next(iter(rad))
    return Outcome("holds", f"for every alpha > 0 the member is a local minimum at risk l0 = {l0} (box radius {r0} alpha^{k})",
                   [LEDGER, RATIONAL, AFFINE_LEMMA, LEMMA], ("valley", ("local_min", r0)))


CHECKS = {"scaling_family": check_scaling_family}
