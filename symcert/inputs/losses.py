"""Training losses as certificate JSON, and their command-line syntax (``--loss``).

* ``squared``        1/2 (yhat - y)^2
* ``absolute``       |yhat - y|
* ``huber:DELTA``    1/2 r^2 for |r| <= DELTA, DELTA (|r| - DELTA/2) beyond (DELTA > 0 rational)
* ``hinge``          max(0, 1 - y yhat), targets must be +1 or -1
* ``logistic``       log(1 + exp(-y yhat)), targets must be +1 or -1
* ``cross_entropy``  softmax cross-entropy, one-hot targets (dy >= 2 columns y1..yk)
* ``pseudo_huber:D``  D^2 (sqrt(1 + (r/D)^2) - 1), r = yhat - y (D > 0 rational)

Summed over samples and outputs, no 1/m. The exact formulas the checker uses are in
:mod:`symcert.checker.losses`; see docs/losses.md.
"""
from __future__ import annotations

from flint import fmpq

from symcert.errors import InputError
from symcert.exact.rationals import RationalSyntaxError, format_rational, parse_rational


def loss_spec(kind: str, delta=None) -> dict:
    """The certificate's ``problem.loss`` object."""
    if kind in ("huber", "pseudo_huber"):
        return {"kind": kind, "delta": format_rational(fmpq(delta))}
    return {"kind": kind}


def parse_loss(text: str, source: str = "--loss") -> dict:
    """Parse the command-line loss syntax (see the module docstring)."""
    name, _, arg = text.strip().partition(":")
    if name in ("squared", "absolute", "hinge", "logistic", "cross_entropy") and not arg:
        return loss_spec(name)
    if name in ("huber", "pseudo_huber") and arg:
        what = "Huber" if name == "huber" else "pseudo-Huber"
        try:
            d = parse_rational(arg)
        except RationalSyntaxError as exc:
            raise InputError(source, "loss", text, f"bad {what} parameter {arg!r}: {exc}") from None
        if not d > 0:
            raise InputError(source, "loss", text, f"the {what} parameter must be positive")
        return loss_spec(name, d)
    raise InputError(source, "loss", text, "unknown loss (known: squared, absolute, huber:DELTA, hinge, logistic, cross_entropy, "
                     "pseudo_huber:DELTA)")


ARB_LOSSES = ("logistic", "cross_entropy", "pseudo_huber")  # irrational: certified only by the layer-box route


def require_exact(spec: dict, source: str, what: str) -> dict:
    """``spec`` unless its loss is logistic, cross-entropy or pseudo-Huber, which ``what`` does not take (one line)."""
    if spec.get("kind") in ARB_LOSSES:
        raise InputError(source, "loss", spec["kind"], f"{what} takes the squared, absolute, huber:DELTA and hinge losses; "
                         "the logistic, cross_entropy and pseudo_huber losses are certified by the layer-box route only "
                         "(he2020.thm1, christof2023.thm, yun2019.thm4)")
    return spec
