"""The risk of a certificate's problem at rational sample points, exactly or rigorously.

Used by ``symcert report`` for its plots: every plotted value comes with its exact rational
(piecewise-linear activations, computed by the checker's exact kernel) or a rigorous arb
enclosure of the exact value (smooth activations: the exact sympy risk enclosed by arb balls).
Sample points are rational combinations ``point + sum_k c_k D_k`` of parameter-shaped directions.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from flint import fmpq

PREC = 128


@dataclass
class Value:
    exact: str  # exact rational text, or an arb enclosure "[mid +/- rad]"
    approx: float  # for plotting only
    rigorous: bool  # True for arb enclosures of an irrational value


class Landscape:
    """The risk of a certificate's problem as a function of flat rational parameter vectors."""

    def __init__(self, doc: dict):
        from symcert.checker.api import parse_problem
        self.prob = parse_problem(doc["problem"])
        self.smooth = self.prob.__class__.__name__ == "SmoothProblem"
        self.names = list(self.prob.param_names())
        self.shapes = [self.prob.param_shape(n) for n in self.names]

    def flat(self, params_json: dict, path: str = "point") -> list:
        """Exact flat vector of a point-shaped JSON object: fmpq entries, or exact sympy numbers
        for smooth problems (whose points may be exact reals such as log(2))."""
        from symcert.checker.api import parse_rational, smooth
        read = smooth.real if self.smooth else parse_rational
        out = []
        for name, (r, c) in zip(self.names, self.shapes):
            v = params_json[name]
            rows = [[x] for x in v] if name[0] == "b" else v
            out += [read(rows[i][j], f"{path}.{name}") for i in range(r) for j in range(c)]
        return out

    def combine(self, base: list, dirs: list, coeffs: list) -> list:
        """base + sum_k coeffs[k] dirs[k], exactly (coefficients are fmpq)."""
        out = list(base)
        for d, c in zip(dirs, coeffs):
            if c != 0:
                c = _sympy(c) if self.smooth else c
                out = [x + c * y for x, y in zip(out, d)]
        return out

    def rational_direction(self, d: list) -> list:
        """A direction with rational entries (fmpq) near d; exact when d is rational."""
        if not self.smooth:
            return list(d)
        out = []
        for x in d:
            x = x if getattr(x, "is_Rational", False) else _nearby_rational(x)
            out.append(fmpq(int(x.p), int(x.q)))
        return out

    def _params(self, vec: list):
        out, k = {}, 0
        for name, (r, c) in zip(self.names, self.shapes):
            out[name] = [[vec[k + i * c + j] for j in range(c)] for i in range(r)]
            k += r * c
        return out

    def risk(self, vec: list) -> Value:
        params = self._params(vec)
        if not self.smooth:
            from flint import fmpq_mat

            from symcert.checker.api import kernel
            q = kernel.risk(self.prob, {n: fmpq_mat(v) for n, v in params.items()})
            return Value(str(q), float(int(q.p)) / float(int(q.q)) if abs(q.p) < 10 ** 300 else float(q.p / q.q), False)
        import sympy

        from symcert.checker.api import Evaluator, smooth
        arb_at = smooth.arb_at
        sp = {n: [[_sympy(x) for x in row] for row in v] for n, v in params.items()}
        expr = Evaluator(self.prob).risk(sp)
        if expr.is_Rational:
            q = fmpq(int(expr.p), int(expr.q))
            return Value(str(q), float(expr), False)
        try:
            ball = arb_at(expr, PREC)
        except (ValueError, TypeError, ZeroDivisionError):  # a form the arb translation does not cover
            approx = expr.evalf(30)
            return Value(f"~{approx} (sympy evalf, not an enclosure)", float(approx), False)
        return Value(ball.str(10, radius=True), float(ball.mid()), True)


def _sympy(x):
    import sympy
    return sympy.Rational(int(x.p), int(x.q)) if isinstance(x, fmpq) else x


def _nearby_rational(x):
    import sympy
    from symcert.checker.api import smooth
    mid = smooth.arb_at(x, PREC).mid()
    return sympy.Rational(int((fmpq(mid.man_exp()[0]) * fmpq(2) ** int(mid.man_exp()[1]) * 4096).floor()), 4096)


def sup_norm(v: list) -> fmpq:
    return max((abs(x) for x in v), default=fmpq(0))


def second_direction(d1: list, seed: int = 0) -> list:
    """A fixed (seeded) rational direction, exactly orthogonal to d1 and of the same sup norm."""
    rng = random.Random(seed)
    d = [fmpq(rng.randint(-4, 4), 4) for _ in d1]
    n11 = sum(x * x for x in d1)
    if n11 != 0:
        c = sum(x * y for x, y in zip(d, d1)) / n11
        d = [x - c * y for x, y in zip(d, d1)]
    s = sup_norm(d)
    if s == 0:
        d, s = [fmpq(1)] + [fmpq(0)] * (len(d1) - 1), fmpq(1)
    scale = (sup_norm(d1) or fmpq(1)) / s
    return [_round(x * scale) for x in d]


def _round(q: fmpq, den: int = 1 << 12) -> fmpq:
    """A short rational near q (the direction need not be exactly orthogonal after this)."""
    return fmpq(int((q * den).floor()), den) if q.q > den else q


def grid(n: int, lo: fmpq, hi: fmpq) -> list:
    """n equally spaced rationals from lo to hi."""
    return [lo + (hi - lo) * fmpq(k, n - 1) for k in range(n)]


def path_vector(path: dict, names: list, shapes: list, eta: fmpq) -> list:
    """A valley path (entries are coefficient lists in eta, lowest first) at eta."""
    from symcert.exact.rationals import parse_rational
    out = []
    for name, (r, c) in zip(names, shapes):
        v = path[name]
        for i in range(r):
            for j in range(c):
                coeffs = v[i][j] if name[0] == "W" else v[i]
                out.append(sum((parse_rational(a) * eta ** k for k, a in enumerate(coeffs)), fmpq(0)))
    return out


def hessian_spectrum(doc: dict):
    """Eigenvalues of the exact Hessian of the risk at the point (smooth activations, one hidden
    layer, scalar output): [(approximate eigenvalue, rigorous radius)]. Each eigenvalue is found in
    floating point; its radius is an arb upper bound on ||H v - lambda v|| / ||v|| for the
    computed eigenvector v, so an eigenvalue of the exact Hessian lies within it (H symmetric)."""
    import numpy as np
    from flint import arb, arb_mat

    from symcert.checker.api import Evaluator, parse_problem, smooth
    arb_at, point = smooth.arb_at, smooth.point
    prob = parse_problem(doc["problem"])
    coords = prob.coordinates()
    H = Evaluator(prob).hessian(point(doc["point"], prob, "point"), coords)
    n = len(coords)
    if hasattr(H, "nrows"):
        A = arb_mat([[arb(H[i, j]) for j in range(n)] for i in range(n)])
    else:
        A = arb_mat([[arb_at(H[i][j], PREC) for j in range(n)] for i in range(n)])
    mid = np.array([[float(A[i, j].mid()) for j in range(n)] for i in range(n)])
    values, vectors = np.linalg.eigh((mid + mid.T) / 2)
    out = []
    for k in range(n):
        v = [arb(fmpq(*float(x).as_integer_ratio())) for x in vectors[:, k]]
        lam = arb(fmpq(*float(values[k]).as_integer_ratio()))
        Av = A * arb_mat([[x] for x in v])
        res = sum(((Av[i, 0] - lam * v[i]) ** 2 for i in range(n)), arb(0))
        norm = sum((x * x for x in v), arb(0))
        bound = (res / norm).upper()  # an exact upper bound of the squared relative residual
        radius = (bound if bound > 0 else arb(0)).sqrt().upper()
        out.append((float(values[k]), float(radius)))
    return out
