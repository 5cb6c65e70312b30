"""Float refinement of a trained network's point towards a critical point (untrusted generator).

A point where gradient descent stopped is often far from converged (largest partial derivative
1e-3 ... 1e-8, a badly conditioned Hessian), and Newton's method started there can jump away or
diverge. ``levenberg_marquardt`` walks downhill first: steps d = -(H + mu I)^{-1} g with the exact
Hessian H and gradient g of the risk (arb balls at ``LM_PREC`` bits, module checker.balls), a step
kept only when it lowers the risk, mu divided by 3 after a kept step and multiplied by 4 after a
rejected one (Levenberg 1944; Marquardt 1963). It stops once the step is below 2^-40 of the
parameters' scale, where Newton's method at high precision takes over (provers/krawczyk.refine).

Everything runs on python-flint (arb balls, ``arb_mat.solve`` with the approximate algorithm), no
BLAS, so the path taken from a stored float point does not depend on the machine's numpy build.
"""
from __future__ import annotations

import math

from flint import arb, arb_mat, fmpq

from symcert import progress
from symcert.checker.api import balls as B
from symcert.checker.api import krawczyk as K
from symcert.checker.api import gauge as G

LM_PREC = 64  # bits of the float stage: enough to reach 2^-40, cheaper than the Newton stage
LM_STEPS = 300  # Hessians evaluated at most
LM_TRIALS = 60  # rejected steps in a row before giving up
BITS = 60  # the iterates are rounded to multiples of 2^-BITS


class Reduced:
    """A network with some coordinates held at exact values (a gauge, checker/gauge.py): points,
    gradients and Hessians live on the free coordinates only."""

    def __init__(self, net, point: list, fixed: frozenset):
        self.net, self.point, self.fixed = net, list(point), fixed
        self.free = [i for i in range(len(point)) if i not in fixed]

    def full(self, th: list) -> list:
        out = [arb(x) for x in self.point]
        for i, x in zip(self.free, th):
            out[i] = x
        return out

    def expand(self, v: list) -> list:
        """A vector on the free coordinates, with zeros on the fixed ones (exact rationals)."""
        out = [fmpq(0)] * len(self.point)
        for i, x in zip(self.free, v):
            out[i] = x
        return out


def hessian(net, th):
    if isinstance(net, Reduced):
        return G.restrict(B.hessian(net.net, net.full(th)), [], net.free)[0]
    return B.hessian(net, th)


def gradient(net, th):
    if isinstance(net, Reduced):
        g = B.gradient(net.net, net.full(th))
        return [g[i] for i in net.free]
    return B.gradient(net, th)


def risk(net, th):
    return B.risk(net.net, net.full(th)) if isinstance(net, Reduced) else B.risk(net, th)


def _dyadic(x: arb) -> fmpq:
    man, exp = x.mid().man_exp()
    q = fmpq(int(man)) * fmpq(2) ** int(exp) if exp >= 0 else fmpq(int(man), 2 ** int(-exp))
    return fmpq((q * 2 ** BITS + fmpq(1, 2)).floor(), 2 ** BITS)


def _risk(net, c):
    try:
        return float(risk(net, [arb(x) for x in c]).mid())
    except B.Crossing:
        return math.inf


def levenberg_marquardt(net, c: list, tol: float = 2.0 ** -40) -> tuple:
    """(point, Hessians evaluated, last kept step size in sup norm or None, reason or None): a
    downhill walk from ``c`` (exact rationals) until the step is below ``tol`` times the
    parameters' scale. The reason says why it stopped early (no descent step found, a breakpoint
    of ELU/SELU met, the step budget)."""
    n, top0 = len(c), _top(c)
    with K.precision(LM_PREC):
        risk = _risk(net, c)
        if not math.isfinite(risk):
            return c, 0, None, "the risk is not finite at the given point"
        bar = progress.counter("Levenberg-Marquardt", "step", LM_STEPS)
        try:
            return _walk(net, c, n, top0, risk, tol, bar)
        finally:
            bar.close()


def _walk(net, c, n, top0, risk, tol, bar):
    """The steps of ``levenberg_marquardt`` (same answer), at the caller's precision."""
    mu, size = None, None
    for step in range(1, LM_STEPS + 1):
        th = [arb(x) for x in c]
        try:
            H = hessian(net, th).mid()
            g = arb_mat(n, 1, gradient(net, th)).mid()
        except B.Crossing as exc:
            return c, step, size, f"a pre-activation meets a breakpoint ({exc})"
        scale = max(abs(float(H[i, i].mid())) for i in range(n)) or 1.0
        mu = 1e-6 * scale if mu is None else mu
        for _ in range(LM_TRIALS):
            A = H + arb_mat([[mu if i == j else 0 for j in range(n)] for i in range(n)])
            try:
                d = A.solve(g, algorithm="approx")
            except (ZeroDivisionError, ValueError):
                mu *= 4
                continue
            new = [_dyadic(arb(x) - d[i, 0]) for i, x in enumerate(c)]
            r2 = _risk(net, new)
            if r2 <= risk:
                break
            mu *= 4
        else:
            return c, step, size, "no step lowers the risk (Levenberg-Marquardt stalled)"
        size = max(abs(float(d[i, 0].mid())) for i in range(n))
        c, risk, mu = new, r2, max(mu / 3, 1e-15 * scale)
        bar.update()
        bar.set_postfix_str(f"risk {risk:.10g}, step {size:.2g}")
        if step % 10 == 0:
            progress.detail(f"  Levenberg-Marquardt step {step}: risk {risk:.12g}, step {size:.3g}, mu {mu:.3g}")
        if step % 50 == 0 and _top(c) > 8 * max(top0, 1.0):  # the weights keep growing: stop early
            return c, step, size, _away(c, top0, step, size)
        if size <= tol * max(1.0, _top(c)) and mu <= 1e-9 * scale:  # a Newton step, not one shortened by mu
            return c, step, size, None
    return c, LM_STEPS, size, _away(c, top0, LM_STEPS, size)


def _away(c, top0, steps, size) -> str:
    grew = f"; the largest parameter grew from {top0:.3g} to {_top(c):.3g}" if _top(c) > 1.5 * top0 else ""
    return (f"no critical point reached in {steps} Levenberg-Marquardt steps (last step {size:.3g}, the risk "
            f"still decreasing{grew}: the descent from the given point may lead to infinity, e.g. a "
            f"saturating neuron)")


def _top(c) -> float:
    return max((abs(float(x)) for x in c), default=0.0)


def diagnose(net, c: list, prec: int = 128) -> str:
    """Why the Krawczyk test may fail at ``c`` (a message, untrusted): "singular Hessian" when the
    smallest eigenvalue of the Hessian at c is below 2^-60 of the largest in absolute
    value (the critical point is not isolated or nearly so: a continuum of critical points, a
    neuron with zero outgoing weight, two neurons computing the same function, saturated neurons),
    else an ill-conditioned one with its condition number. Eigenvalues by Jacobi rotations over arb
    midpoints (mpmath.eigsy on the rounded midpoints), no BLAS."""
    import mpmath
    with K.precision(prec):
        try:
            H = hessian(net, [arb(x) for x in c])
        except B.Crossing as exc:
            return str(exc)
    n = H.nrows()
    with mpmath.workprec(prec):
        M = mpmath.matrix([[mpmath.mpf(H[i, j].mid().str(40, radius=False)) for j in range(n)] for i in range(n)])
        w = sorted(abs(x) for x in mpmath.eigsy(M, eigvals_only=True))
    small, large = float(w[0]), float(w[-1]) or 1.0
    if small <= large * 2.0 ** -60:
        return f"singular Hessian: smallest |eigenvalue| {small:.3g}, largest {large:.3g}"
    return f"ill-conditioned Hessian: smallest |eigenvalue| {small:.3g}, largest {large:.3g}"
