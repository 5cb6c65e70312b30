"""Per-entry training losses, exact in the rationals (trusted).

The risk is the sum, over samples j and output coordinates i, of ``ell(yhat_ij, y_ij)``:

* ``squared``            ell = 1/2 (yhat - y)^2
* ``absolute``           ell = |yhat - y|
* ``huber`` (delta > 0)  ell = 1/2 r^2 if |r| <= delta, else delta (|r| - delta/2), r = yhat - y
* ``hinge`` (y = +-1)    ell = max(0, 1 - y yhat)

No 1/m factor. All four are convex in yhat. Squared and Huber are continuously differentiable;
absolute has a kink at r = 0 and hinge at the margin y yhat = 1. ``subdifferential`` returns
the exact interval [lo, hi] of slopes of ell at yhat (a single point where ell is
differentiable). See docs/losses.md.
"""
from __future__ import annotations

from flint import fmpq

KINDS = ("squared", "absolute", "huber", "hinge")


def value(kind: str, delta, yhat: fmpq, y: fmpq) -> fmpq:
    r = yhat - y
    if kind == "squared":
        return r * r / 2
    if kind == "absolute":
        return abs(r)
    if kind == "huber":
        return r * r / 2 if abs(r) <= delta else delta * (abs(r) - delta / 2)
    if kind == "hinge":
        margin = 1 - y * yhat
        return margin if margin > 0 else fmpq(0)
    raise AssertionError(f"unknown loss {kind}")


def subdifferential(kind: str, delta, yhat: fmpq, y: fmpq) -> tuple[fmpq, fmpq]:
    """The subdifferential of the convex function yhat -> ell(yhat, y) at yhat, as [lo, hi]."""
    r = yhat - y
    if kind == "squared":
        return r, r
    if kind == "absolute":
        if r == 0:
            return fmpq(-1), fmpq(1)
        s = fmpq(1) if r > 0 else fmpq(-1)
        return s, s
    if kind == "huber":
        if abs(r) <= delta:
            return r, r
        s = delta if r > 0 else -delta
        return s, s
    if kind == "hinge":
        margin = 1 - y * yhat
        if margin > 0:
            return -y, -y
        if margin < 0:
            return fmpq(0), fmpq(0)
        return (-y, fmpq(0)) if y > 0 else (fmpq(0), -y)
    raise AssertionError(f"unknown loss {kind}")


def differentiable(kind: str, delta, yhat: fmpq, y: fmpq) -> bool:
    lo, hi = subdifferential(kind, delta, yhat, y)
    return lo == hi


def describe(kind: str, delta) -> str:
    return {"squared": "1/2 (yhat - y)^2", "absolute": "|yhat - y|",
            "huber": f"Huber with delta = {delta}", "hinge": "max(0, 1 - y yhat)"}[kind]
