"""Population risk of a two-layer ReLU teacher-student network (trusted).

Problem class ``population``: input x ~ N(0, I_n), student sum_{i<=k} relu(w_i . x) with output
weights fixed at 1, teacher sum_{j<=m} relu(v_j . x), no data. The risk is

    F(w_1..w_k) = 1/2 E_x[(sum_i relu(w_i . x) - sum_j relu(v_j . x))^2]
                = 1/2 sum_{i,l} f(w_i, w_l) - sum_{i,j} f(w_i, v_j) + 1/2 sum_{j,l} f(v_j, v_l),

with the arc-cosine kernel of degree 1 (Cho & Saul 2009; Safran & Shamir 2018, eq. (2)):
for a, b != 0 with angle t in [0, pi],

    f(a, b) = E[relu(a.x) relu(b.x)] = |a||b| (sin t + (pi - t) cos t) / (2 pi)
            = (S + (pi - t) a.b) / (2 pi),     S = |a||b| sin t = sqrt(|a|^2 |b|^2 - (a.b)^2),

and f(a, a) = |a|^2 / 2. We evaluate t = atan2(S, a.b), which equals arccos(a.b / (|a||b|)) for
S > 0 and, unlike arccos of a ball, never leaves its domain when the ball of the cosine pokes out
of [-1, 1]. Derivatives, derived by hand (and cross-checked in tests/checker/test_population.py
against 100-digit finite differences with mpmath):

    p = |a|^2 b - (a.b) a,  q = |b|^2 a - (a.b) b   (p is orthogonal to a, |p| = |a| S),
    dS/da = q / S,  dS/db = p / S,  dt/da = -p / (|a|^2 S),  dt/db = -q / (|b|^2 S),
    g(a, b) = d f / d a = (S a / |a|^2 + (pi - t) b) / (2 pi),
    A(a, b) = d g / d a = [ (S / |a|^2) (I - a a^T / |a|^2) + p p^T / (|a|^4 S) ] / (2 pi),
    B(a, b) = d g / d b = [ (pi - t) I + (a b^T + b a^T - (a.b)(a a^T / |a|^2 + b b^T / |b|^2)) / S ] / (2 pi),

so that grad_{w_i} F = w_i / 2 + sum_{l != i} g(w_i, w_l) - sum_j g(w_i, v_j), and the Hessian
has diagonal blocks I / 2 + sum_{l != i} A(w_i, w_l) - sum_j A(w_i, v_j) and off-diagonal blocks
B(w_i, w_l) (B is symmetric and B(a, b) = B(b, a)).

Every formula is evaluated over arb balls (outward rounded), so a value computed from balls that
contain a point encloses the exact value at that point, and a value computed over a box encloses
the values at every point of the box. The closed form is real-analytic only where no w_i is 0
and no two vectors involved (student-student, student-teacher) are parallel; a box on which
|a|^2 > 0 or S^2 > 0 is not certain for some pair is refused (:class:`Degenerate`).
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import arb, arb_mat, fmpq

from symcert.checker.problem import FormatError, get, rational

MAX_K = 40  # student neurons
MAX_N = 40  # input dimension
MAX_M = 40  # teacher neurons
MAX_PREC = 1024
MAX_PARAMS = 400  # k n: the paper's largest case, k = n = 20 (the Hessian is (k n)^2 balls)


class Degenerate(ValueError):
    """A box meets the set where the closed form is not analytic (named pair)."""


@dataclass(frozen=True)
class PopulationProblem:
    k: int
    n: int
    teacher: tuple  # m rows of n fmpq
    loss: str = "squared"
    problem_class = "population"  # registry.POP

    def names(self) -> list:
        return [f"w{i + 1}[{j + 1}]" for i in range(self.k) for j in range(self.n)]


def _dim(spec, key, path, limit, low):
    v = get(spec, key, path, int)
    if not low <= v <= limit:
        raise FormatError(f"{path}.{key}", v, f"expected an integer from {low} to {limit}")
    return v


def _teacher(value, k, n, path):
    if value == "orthonormal":
        if k > n:
            raise FormatError(path, value, f"the orthonormal teacher e_1..e_k needs k <= n (k = {k}, n = {n})")
        return tuple(tuple(fmpq(int(i == j)) for j in range(n)) for i in range(k))
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_M:
        raise FormatError(path, value, f"expected \"orthonormal\" or a list of 1..{MAX_M} teacher vectors")
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != n:
            raise FormatError(f"{path}[{i}]", row, f"expected a list of {n} numbers")
        vec = tuple(rational(x, f"{path}[{i}][{j}]") for j, x in enumerate(row))
        if all(x == 0 for x in vec):
            raise FormatError(f"{path}[{i}]", row, "a teacher vector must be non-zero")
        for l, other in enumerate(rows):
            ab = sum((x * y for x, y in zip(vec, other)), fmpq(0))
            if ab * ab == sum((x * x for x in vec), fmpq(0)) * sum((y * y for y in other), fmpq(0)):
                raise FormatError(f"{path}[{i}]", row, f"parallel to teacher vector {l + 1} (the closed form needs distinct directions)")
        rows.append(vec)
    return tuple(rows)


def problem(spec, path: str = "problem") -> PopulationProblem:
    """``{"class": "population", "k", "n", "teacher": "orthonormal" | [[...]], "input":
    "standard_gaussian", "loss": {"kind": "squared"}}``."""
    k = _dim(spec, "k", path, MAX_K, 1)
    n = _dim(spec, "n", path, MAX_N, 1)
    if get(spec, "input", path, str) != "standard_gaussian":
        raise FormatError(f"{path}.input", spec["input"], "expected \"standard_gaussian\"")
    loss = get(get(spec, "loss", path, dict), "kind", f"{path}.loss", str)
    if k * n > MAX_PARAMS:
        raise FormatError(f"{path}.n", n, f"k n = {k * n} parameters; at most {MAX_PARAMS}")
    extra = sorted(set(spec) - {"class", "k", "n", "teacher", "input", "loss"})
    if extra:
        raise FormatError(f"{path}.{extra[0]}", spec[extra[0]], "unknown field of a population problem")
    return PopulationProblem(k, n, _teacher(get(spec, "teacher", path), k, n, f"{path}.teacher"), loss)


def point(spec, prob: PopulationProblem, path: str) -> list:
    """``{"W": [[n numbers] x k]}`` as a flat list of fmpq, neuron by neuron."""
    if not isinstance(spec, dict) or set(spec) != {"W"}:
        raise FormatError(path, spec, "expected {\"W\": k rows of n numbers}")
    rows = spec["W"]
    if not isinstance(rows, list) or len(rows) != prob.k:
        raise FormatError(f"{path}.W", rows, f"expected {prob.k} rows of {prob.n} numbers")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != prob.n:
            raise FormatError(f"{path}.W[{i}]", row, f"expected a list of {prob.n} numbers")
        out += [rational(x, f"{path}.W[{i}][{j}]") for j, x in enumerate(row)]
    return out


# ---- arb evaluation -----------------------------------------------------------------------------

def _dot(a: list, b: list) -> arb:
    return sum((x * y for x, y in zip(a, b)), arb(0))


class Pair:
    """Shared quantities of a pair (a, b) over balls; refuses a pair that may be degenerate."""

    def __init__(self, a: list, b: list, what: str):
        self.a, self.b = a, b
        self.aa, self.bb, self.ab = _dot(a, a), _dot(b, b), _dot(a, b)
        if not (self.aa > 0 and self.bb > 0):
            raise Degenerate(f"{what}: a vector may be 0")
        s2 = self.aa * self.bb - self.ab * self.ab
        if not s2 > 0:
            raise Degenerate(f"{what}: the vectors may be parallel")
        self.S = s2.sqrt()
        self.t = arb.atan2(self.S, self.ab)

    def swap(self) -> "Pair":
        """The pair (b, a): the same S, t and a.b."""
        q = object.__new__(Pair)
        q.a, q.b, q.aa, q.bb, q.ab, q.S, q.t = self.b, self.a, self.bb, self.aa, self.ab, self.S, self.t
        return q

    def f(self) -> arb:
        return (self.S + (arb.pi() - self.t) * self.ab) / (2 * arb.pi())

    def g(self) -> list:
        c = self.S / self.aa
        return [(c * x + (arb.pi() - self.t) * y) / (2 * arb.pi()) for x, y in zip(self.a, self.b)]

    def A(self) -> list:
        a, n, c = self.a, len(self.a), self.S / self.aa
        p = [self.aa * y - self.ab * x for x, y in zip(a, self.b)]
        d = self.aa * self.aa * self.S
        tp = 2 * arb.pi()
        return [[(c * (int(r == s) - a[r] * a[s] / self.aa) + p[r] * p[s] / d) / tp for s in range(n)] for r in range(n)]

    def B(self) -> list:
        a, b, n = self.a, self.b, len(self.a)
        pt, tp = arb.pi() - self.t, 2 * arb.pi()
        return [[(pt * int(r == s) + (a[r] * b[s] + b[r] * a[s] - self.ab * (a[r] * a[s] / self.aa + b[r] * b[s] / self.bb))
                  / self.S) / tp for s in range(n)] for r in range(n)]


class Evaluator:
    """F, grad F and the Hessian of F at a point or over a box given as balls (flat, neuron by neuron)."""

    def __init__(self, prob: PopulationProblem):
        self.prob = prob

    @property
    def V(self) -> list:
        """The teacher as balls at the current precision (exact for the orthonormal teacher)."""
        return [[arb(x) for x in row] for row in self.prob.teacher]

    def _rows(self, x: list) -> list:
        n = self.prob.n
        return [x[i * n:(i + 1) * n] for i in range(self.prob.k)]

    def _pairs(self, W):
        """Pair objects: student-student (i < l) and student-teacher (i, j)."""
        ss = {(i, l): Pair(W[i], W[l], f"w{i + 1}, w{l + 1}") for i in range(len(W)) for l in range(i + 1, len(W))}
        V = self.V
        st = {(i, j): Pair(W[i], v, f"w{i + 1}, v{j + 1}") for i in range(len(W)) for j, v in enumerate(V)}
        return ss, st

    def teacher_term(self) -> arb:
        """1/2 sum_{j,l} f(v_j, v_l) (two parallel teacher vectors are refused as Degenerate)."""
        V = self.V
        total = sum((_dot(v, v) / 2 for v in V), arb(0))
        for j in range(len(V)):
            for l in range(j + 1, len(V)):
                total += 2 * Pair(V[j], V[l], f"v{j + 1}, v{l + 1}").f()
        return total / 2

    def risk(self, x: list) -> arb:
        W = self._rows(x)
        ss, st = self._pairs(W)
        total = sum((_dot(w, w) / 4 for w in W), arb(0))
        total += sum((p.f() for p in ss.values()), arb(0))
        total -= sum((p.f() for p in st.values()), arb(0))
        return total + self.teacher_term()

    def gradient(self, x: list) -> list:
        W = self._rows(x)
        k = len(W)
        ss, st = self._pairs(W)
        out = []
        for i in range(k):
            g = [w / 2 for w in W[i]]
            for l in range(k):
                if l != i:
                    gl = (ss[(i, l)] if i < l else ss[(l, i)].swap()).g()
                    g = [u + v for u, v in zip(g, gl)]
            for j in range(len(self.prob.teacher)):
                g = [u - v for u, v in zip(g, st[(i, j)].g())]
            out += g
        return out

    def hessian(self, x: list) -> arb_mat:
        W = self._rows(x)
        k, n = len(W), self.prob.n
        ss, st = self._pairs(W)
        H = [[arb(0)] * (k * n) for _ in range(k * n)]
        for i in range(k):
            D = [[arb(int(r == s)) / 2 for s in range(n)] for r in range(n)]
            for l in range(k):
                if l != i:
                    D = _add(D, (ss[(i, l)] if i < l else ss[(l, i)].swap()).A(), 1)
            for j in range(len(self.prob.teacher)):
                D = _add(D, st[(i, j)].A(), -1)
            _put(H, i * n, i * n, D)
        for (i, l), p in ss.items():
            Bm = p.B()
            _put(H, i * n, l * n, Bm)
            _put(H, l * n, i * n, Bm)
        return arb_mat(H)


def _add(D: list, E: list, sign: int) -> list:
    return [[d + sign * e for d, e in zip(rd, re)] for rd, re in zip(D, E)]


def _put(H: list, r0: int, c0: int, blk: list) -> None:
    for r, row in enumerate(blk):
        H[r0 + r][c0:c0 + len(row)] = row
