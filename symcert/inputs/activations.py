"""Activation functions as exact objects, and their command-line syntax.

Piecewise-linear activations are described by sorted rational breakpoints and one affine
piece ``slope * t + intercept`` per interval; this single description covers ReLU, leaky ReLU
and every ReLU-like h(t) = s+ t (t >= 0), s- t (t < 0).

Command-line syntax (``--activation``):

* ``relu``                     h(t) = max(t, 0)
* ``leaky_relu:S``             slope 1 for t >= 0, S for t < 0 (S rational, e.g. 1/2 or 0.01)
* ``relu_like:SPLUS,SMINUS``   slope SPLUS for t >= 0, SMINUS for t < 0
* ``abs``                      h(t) = |t|
* ``hard_tanh``                h(t) = clip(t, -1, 1) = max(-1, min(t, 1))
* ``relu6``                    h(t) = min(max(t, 0), 6)
* ``hard_sigmoid``             h(t) = clip(t/6 + 1/2, 0, 1) = relu6(t + 3)/6 (the PyTorch
                               definition; breakpoints -3 and 3)
* ``sigmoid``, ``tanh``, ``arctan``, ``softplus``, ``selu``, ``silu`` (also ``swish``),
  ``gelu``, ``quadratic``, ``exponential``, ``elu`` or ``elu:A`` (alpha A > 0, default 1):
                               smooth activations of the checker's table
                               (symcert/checker/smooth.py), for the claims that take them
* ``pl:SL;T1=V1,...,Tk=Vk;SR`` any continuous piecewise-linear function, given by its knots:
                               h(Ti) = Vi at the strictly increasing breakpoints T1 < ... < Tk,
                               linear between consecutive knots, slope SL left of T1 and SR right
                               of Tk. Example: ``pl:0;-1=-1,1=1;0`` is hard tanh,
                               ``pl:0;0=0;1`` is ReLU. Continuity holds by construction.

The JSON description (what certificates store) lists the breakpoints and, for each of the
k + 1 open pieces, ``[slope, intercept]``; see docs/activations.md.
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


def absolute() -> dict:
    """h(t) = |t| (slopes -1 and 1, breakpoint 0)."""
    return piecewise_linear("abs", [0], [(-1, 0), (1, 0)])


def hard_tanh() -> dict:
    """h(t) = clip(t, -1, 1)."""
    return piecewise_linear("hard_tanh", [-1, 1], [(0, -1), (1, 0), (0, 1)])


def relu6() -> dict:
    """h(t) = min(max(t, 0), 6)."""
    return piecewise_linear("relu6", [0, 6], [(0, 0), (1, 0), (0, 6)])


def hard_sigmoid() -> dict:
    """h(t) = clip(t/6 + 1/2, 0, 1) (PyTorch's hardsigmoid)."""
    return piecewise_linear("hard_sigmoid", [-3, 3], [(0, 0), (fmpq(1, 6), fmpq(1, 2)), (0, 1)])


def from_knots(left_slope, knots, right_slope, name: str | None = None) -> dict:
    """The continuous piecewise-linear function through ``knots`` [(t1, v1), ...] (t strictly
    increasing), linear between knots, with the given end slopes."""
    left_slope, right_slope = fmpq(left_slope), fmpq(right_slope)
    knots = [(fmpq(t), fmpq(v)) for t, v in knots]
    if not knots:
        raise ValueError("at least one knot is needed")
    for (t0, _), (t1, _) in zip(knots, knots[1:]):
        if not t0 < t1:
            raise ValueError(f"breakpoints must increase strictly ({format_rational(t0)} then {format_rational(t1)})")
    pieces = [(left_slope, knots[0][1] - left_slope * knots[0][0])]
    for (t0, v0), (t1, v1) in zip(knots, knots[1:]):
        a = (v1 - v0) / (t1 - t0)
        pieces.append((a, v0 - a * t0))
    pieces.append((right_slope, knots[-1][1] - right_slope * knots[-1][0]))
    if name is None:
        name = "pl:" + ";".join([format_rational(left_slope),
                                 ",".join(f"{format_rational(t)}={format_rational(v)}" for t, v in knots),
                                 format_rational(right_slope)])
    return piecewise_linear(name, [t for t, _ in knots], pieces)


MAX_SPEC = 100_000  # characters of an activation given on the command line or in a spec file
NAMED = {"relu": relu, "abs": absolute, "hard_tanh": hard_tanh, "relu6": relu6, "hard_sigmoid": hard_sigmoid}
KNOWN = ("relu, leaky_relu:S, relu_like:SPLUS,SMINUS, abs, hard_tanh, relu6, hard_sigmoid, pl:SL;T1=V1,...;SR, "
         "sigmoid, tanh, arctan, softplus, elu[:A], selu, silu (swish), gelu, quadratic, exponential")
SMOOTH = {"sigmoid": "sigmoid", "tanh": "tanh", "arctan": "arctan", "softplus": "softplus", "selu": "selu",
          "silu": "silu", "swish": "silu", "gelu": "gelu", "quadratic": "quadratic", "exponential": "exponential"}


def _parse_pl(arg: str, spec: str, source: str | None) -> dict:
    parts = arg.split(";")
    if len(parts) != 3 or not parts[1].strip():
        raise InputError(source, "activation", spec, "pl: syntax is pl:SL;T1=V1,T2=V2,...;SR (left slope; knots t=h(t); right slope)")
    sl, sr = _num(parts[0], spec, source), _num(parts[2], spec, source)
    knots = []
    for item in parts[1].split(","):
        if item.count("=") != 1:
            raise InputError(source, "activation", spec, f"bad knot {item.strip()!r}: expected T=V, e.g. -1=-1")
        t, v = item.split("=")
        knots.append((_num(t, spec, source), _num(v, spec, source)))
    try:
        return from_knots(sl, knots, sr)
    except ValueError as exc:
        raise InputError(source, "activation", spec, str(exc)) from None


def _num(text: str, spec: str, source: str | None) -> fmpq:
    try:
        return parse_rational(text)
    except RationalSyntaxError as exc:
        raise InputError(source, "activation", spec, f"bad number {text!r}: {exc}") from None


def parse_activation(spec: str, source: str | None = "--activation") -> dict:
    """Parse the command-line activation syntax (see the module docstring); a constant activation
    (every slope 0) is refused: every network with it is constant, and no claim is about it."""
    act = _parse(spec, source)
    if act.get("kind") == "piecewise_linear" and all(parse_rational(a) == 0 for a, _ in act["pieces"]):
        raise InputError(source, "activation", spec, "a constant activation (every slope is 0): every network with it is "
                         "constant, so no claim applies")
    return act


def _parse(spec: str, source: str | None) -> dict:
    if not isinstance(spec, str) or len(spec) > MAX_SPEC:
        raise InputError(source, "activation", spec, f"expected an activation name of at most {MAX_SPEC} characters")
    name, _, arg = spec.partition(":")
    name = name.strip().lower()
    if name in NAMED and not arg:
        return NAMED[name]()
    if name == "pl":
        return _parse_pl(arg, spec, source)
    if name in SMOOTH and not arg:
        return {"kind": "smooth", "name": SMOOTH[name]}
    if name == "elu":
        alpha = _num(arg, spec, source) if arg else fmpq(1)
        if not alpha > 0:
            raise InputError(source, "activation", spec, "elu:A needs alpha A > 0")
        return {"kind": "smooth", "name": "elu", "alpha": format_rational(alpha)}
    if name == "leaky_relu" and arg:
        return leaky_relu(_num(arg, spec, source))
    if name == "relu_like" and arg.count(",") == 1:
        sp, sm = (_num(a, spec, source) for a in arg.split(","))
        return relu_like(sp, sm)
    raise InputError(source, "activation", spec, f"unknown activation (known: {KNOWN})")


def relu_like_slopes(act: dict) -> tuple[fmpq, fmpq] | None:
    """(s+, s-) if ``act`` is ReLU-like (one breakpoint at 0, both pieces through 0), else None."""
    if act.get("kind") != "piecewise_linear" or act["breakpoints"] != ["0"]:
        return None
    (sm, cm), (sp, cp) = ([parse_rational(v) for v in p] for p in act["pieces"])
    if cm != 0 or cp != 0:
        return None
    return sp, sm


def pieces(act: dict) -> list[tuple]:
    """The open pieces of a piecewise-linear activation as (lower, upper, slope, intercept);
    lower/upper are None for an infinite end."""
    bps = [parse_rational(b) for b in act["breakpoints"]]
    out = []
    for k, (a, c) in enumerate(act["pieces"]):
        lo = bps[k - 1] if k > 0 else None
        hi = bps[k] if k < len(bps) else None
        out.append((lo, hi, parse_rational(a), parse_rational(c)))
    return out
