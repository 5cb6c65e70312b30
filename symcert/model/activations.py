"""Activation functions as exact objects, and their command-line syntax.

Piecewise-linear activations are described by sorted rational breakpoints and one affine
piece ``slope * t + intercept`` per interval; this single description covers ReLU, leaky ReLU
and every ReLU-like h(t) = s+ t (t >= 0), s- t (t < 0).

Command-line syntax (``--activation``):

* ``relu``                     h(t) = max(t, 0)
* ``leaky_relu:S``             slope 1 for t >= 0, S for t < 0 (S rational, e.g. 1/2 or 0.01)
* ``relu_like:SPLUS,SMINUS``   slope SPLUS for t >= 0, SMINUS for t < 0
"""
from __future__ import annotations

from flint import fmpq

from symcert.errors import InputError
from symcert.exact.rationals import RationalSyntaxError, format_rational, parse_rational


def piecewise_linear(name: str, breakpoints, pieces) -> dict:
    """JSON description of a continuous piecewise-linear activation."""
    return {
        "kind": "piecewise_linear",
        "name": name,
        "breakpoints": [format_rational(b) for b in breakpoints],
        "pieces": [[format_rational(a), format_rational(c)] for a, c in pieces],
    }


def relu_like(s_plus, s_minus) -> dict:
    s_plus, s_minus = fmpq(s_plus), fmpq(s_minus)
    if s_minus == 0 and s_plus == 1:
        name = "relu"
    elif s_plus == 1:
        name = f"leaky_relu:{format_rational(s_minus)}"
    else:
        name = f"relu_like:{format_rational(s_plus)},{format_rational(s_minus)}"
    return piecewise_linear(name, [0], [(s_minus, 0), (s_plus, 0)])


def relu() -> dict:
    return relu_like(1, 0)


def leaky_relu(s) -> dict:
    return relu_like(1, s)


def _num(text: str, spec: str, source: str | None) -> fmpq:
    try:
        return parse_rational(text)
    except RationalSyntaxError as exc:
        raise InputError(source, "activation", spec, f"bad number {text!r}: {exc}") from None


def parse_activation(spec: str, source: str | None = "--activation") -> dict:
    """Parse the command-line activation syntax (see the module docstring)."""
    name, _, arg = spec.partition(":")
    name = name.strip().lower()
    if name == "relu" and not arg:
        return relu()
    if name == "leaky_relu" and arg:
        return leaky_relu(_num(arg, spec, source))
    if name == "relu_like" and arg.count(",") == 1:
        sp, sm = (_num(a, spec, source) for a in arg.split(","))
        return relu_like(sp, sm)
    raise InputError(source, "activation", spec, "unknown activation (known: relu, leaky_relu:S, relu_like:SPLUS,SMINUS)")


def relu_like_slopes(act: dict) -> tuple[fmpq, fmpq] | None:
    """(s+, s-) if ``act`` is ReLU-like (one breakpoint at 0, both pieces through 0), else None."""
    if act.get("kind") != "piecewise_linear" or act["breakpoints"] != ["0"]:
        return None
    (sm, cm), (sp, cp) = ([parse_rational(v) for v in p] for p in act["pieces"])
    if cm != 0 or cp != 0:
        return None
    return sp, sm
