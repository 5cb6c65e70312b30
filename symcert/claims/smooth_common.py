"""Generator helpers for certificates of smooth networks (untrusted side).

Parameters are written as exact-real strings (see docs/exact-reals.md); this module builds
them from :class:`symcert.exact.reals.Real` nodes, rationals or ints, and assembles the
certificate document in the same canonical form as :mod:`symcert.certificate`.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
from flint import fmpq

from symcert import __version__, certificate
from symcert.exact.rationals import format_rational
from symcert.exact.reals import Real


def real_text(v) -> str:
    """Canonical exact-real text of an int, Fraction, fmpq, Real or grammar string."""
    if isinstance(v, Real):
        return v.to_string()
    if isinstance(v, str):
        return v
    if isinstance(v, Fraction):
        return format_rational(fmpq(v.numerator, v.denominator))
    return format_rational(fmpq(v))


def point_json(params: dict) -> dict:
    """params: name -> list of rows (weights) or list of values (biases)."""
    out = {}
    for name, value in params.items():
        if name[0] == "b":
            out[name] = [real_text(v) for v in value]
        else:
            out[name] = [[real_text(v) for v in row] for row in value]
    return out


def smooth_activation(name: str, **params) -> dict:
    spec = {"kind": "smooth", "name": name}
    spec.update({k: real_text(v) for k, v in params.items()})
    return spec


def problem_json(widths, act: dict, inputs, targets) -> dict:
    return {
        "network": {"widths": list(widths), "activation": act},
        "loss": {"kind": "squared"},
        "data": {"inputs": [[real_text(v) for v in row] for row in inputs],
                 "targets": [[real_text(v) for v in (row if isinstance(row, (list, tuple)) else [row])] for row in targets]},
    }


def document(claim: dict, problem: dict, point: dict, loss, obligations: list,
             better_point: dict | None = None, better_loss=None) -> dict:
    doc = {
        "format": certificate.FORMAT,
        "version": certificate.VERSION,
        "generator": f"symcert {__version__}",
        "claim": claim,
        "problem": problem,
        "problem_sha256": certificate.digest(problem),
        "point": point_json(point),
        "loss": real_text(loss),
        "obligations": obligations,
    }
    if better_point is not None:
        doc["better_point"] = point_json(better_point)
        if better_loss is not None:
            doc["better_loss"] = real_text(better_loss)
    return doc


def declare_ledgers(doc: dict) -> dict:
    """Write into the certificate what each obligation, and the whole, rests on, as the checker
    derives it (the checker verifies the declaration). Left undeclared if an obligation fails."""
    from symcert.checker import problem as P
    from symcert.checker.registry import CHECKS
    from symcert.checker.smooth_obligations import SmoothContext

    prob = P.problem(doc["problem"])
    point = P.point(doc["point"], prob, "point")
    better = P.point(doc["better_point"], prob, "better_point") if "better_point" in doc else None
    bl = P.rational(doc["better_loss"], "better_loss") if "better_loss" in doc else None
    ctx = SmoothContext(prob, point, better, bl)
    total, declared = [], []
    for n, ob in enumerate(doc["obligations"]):
        out = CHECKS[ob["kind"]](ctx, ob, f"obligations[{n}]")
        if out.status != "holds":
            return doc
        ctx.facts.update(out.facts)
        declared.append(list(out.rests_on))
        total += [item for item in out.rests_on if item not in total]
    for ob, items in zip(doc["obligations"], declared):
        ob["rests_on"] = items
    doc["rests_on"] = total
    return doc


def rationalize(x, digits: int = 30) -> Fraction:
    """A nearby rational of an mpmath number (untrusted: the checker decides what it gives)."""
    return Fraction(mpmath.nstr(x, digits, strip_zeros=False, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)).limit_denominator(10**digits)
