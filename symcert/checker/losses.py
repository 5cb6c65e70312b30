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

Three losses are irrational at rational points and are evaluated only over arb balls (``ARB_KINDS``):

* ``logistic`` (y = +-1)         ell = log(1 + exp(-y yhat)), per entry
* ``cross_entropy`` (one-hot y)  ell = log(sum_i exp(yhat_i)) - sum_i y_i yhat_i, per sample (softmax
  over the dy >= 2 outputs of the sample)
* ``pseudo_huber`` (delta > 0)   ell = delta^2 (sqrt(1 + (r/delta)^2) - 1), r = yhat - y, per entry

All three are convex and smooth in the outputs. ``arb_sample`` returns, for one sample's outputs (arb
balls) and targets, the value, the gradient and the Hessian in the outputs; every ball encloses
the exact value for every output vector in the input balls (arb is outward rounded, and each
formula is evaluated as one expression in the balls):

* logistic: d ell / d yhat = -y / (1 + exp(y yhat)); d^2 ell / d yhat^2 = 1 / ((1 + e^yhat)(1 + e^-yhat)),
  summed over the outputs of the sample (a diagonal Hessian);
* cross-entropy: with p = softmax(yhat) computed as p_i = 1 / sum_k exp(yhat_k - yhat_i), the gradient
  is p - y and the Hessian diag(p) - p p^T. The value is log(sum_k exp(yhat_k)) - y . yhat as
  written (arb exponents are unbounded, so nothing overflows);
* pseudo-Huber: with s = sqrt(1 + (r/delta)^2) >= 1, the value is delta^2 (s - 1), d ell / d yhat = r / s
  and d^2 ell / d yhat^2 = 1 / s^3 > 0 (a diagonal Hessian).
"""
from __future__ import annotations

from flint import fmpq

KINDS = ("squared", "absolute", "huber", "hinge")
ARB_KINDS = ("logistic", "cross_entropy", "pseudo_huber")


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
            "huber": f"Huber with delta = {delta}", "hinge": "max(0, 1 - y yhat)",
            "logistic": "log(1 + exp(-y yhat))", "cross_entropy": "softmax cross-entropy",
            "pseudo_huber": f"pseudo-Huber with delta = {delta}"}[kind]


def arb_sample(kind: str, z: list, y: list, delta=None):
    """(value, gradient, Hessian rows) of ell at one sample's outputs z (arb balls), targets y
    (``delta``: the pseudo-Huber parameter, an exact positive rational)."""
    from flint import arb
    n = len(z)
    if kind == "pseudo_huber":
        d = arb(delta.p) / arb(delta.q)
        val, grad, hess = arb(0), [], [[arb(0)] * n for _ in range(n)]
        for i, (zi, yi) in enumerate(zip(z, y)):
            r = zi - arb(yi)
            s = (1 + (r / d) ** 2).sqrt()
            val += d * d * (s - 1)
            grad.append(r / s)
            hess[i][i] = 1 / (s * s * s)
        return val, grad, hess
    if kind == "logistic":
        val, grad, hess = arb(0), [], [[arb(0)] * n for _ in range(n)]
        for i, (zi, yi) in enumerate(zip(z, y)):
            t = arb(yi) * zi
            val += (1 + (-t).exp()).log()
            grad.append(-arb(yi) / (1 + t.exp()))
            hess[i][i] = 1 / ((1 + zi.exp()) * (1 + (-zi).exp()))
        return val, grad, hess
    if kind == "cross_entropy":
        p = [1 / sum(((zk - zi).exp() for zk in z), arb(0)) for zi in z]
        val = sum((zk.exp() for zk in z), arb(0)).log() - sum((arb(yi) * zi for zi, yi in zip(z, y)), arb(0))
        grad = [pi - arb(yi) for pi, yi in zip(p, y)]
        hess = [[(p[i] if i == k else arb(0)) - p[i] * p[k] for k in range(n)] for i in range(n)]
        return val, grad, hess
    raise AssertionError(f"unknown loss {kind}")
