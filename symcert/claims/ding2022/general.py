"""ding2022.thm for every smooth activation of the checker's table, generic (seeded random)
inputs and any depth (see docs/papers/ding2022.md, "Which activations").

One hidden layer: labels Y = c* - e with e the residual of ||x||^2 (thm.choose_labels); every
input weight 0, biases at an operating point b* where h''(b*) != 0, output weights
v = sign h''(b*), output bias c* - n v h(b*). Route: ``morse_bott``, which the checker proves
neuron by neuron (every free neuron has input weights 0; one curvature block per distinct
neuron, exact LDL^T when rational, arb LDL^T otherwise; docs/papers/ding2022.md).

Deeper networks (1-D inputs): labels from convex combinations (every interior input is a convex
combination of the two end inputs, with multiplier mu_k = -e_k), first-layer weights 0, every
later weight 1 and each bias placing its layer's pre-activations at b*, where h' > 0 and
h'' > 0. Route: ``convexity_bound`` (every neuron convex and increasing near the point, so the
output is convex in x, and the KKT multipliers bound the loss from below).

The better point is untrusted: random rational first-layer features (later hidden layers pass
them on one-to-one), output layer fitted by exact ridge least squares (weight 10^-12) on the rationalised features.
"""
from __future__ import annotations

import random
from fractions import Fraction as F

import flint
import sympy
from flint import arb, fmpq, fmpq_mat

from symcert.checker.api import check_document
from symcert.checker.api import smooth as S
from symcert.checker.verdict import Verdict
from symcert import certificate
from symcert.claims import constructions as C
from symcert.errors import ConstructionFailed, HypothesisViolation
from symcert.exact.reals import parse_real

CLAIM_ID = "ding2022.thm"
# activation -> (operating pre-activation b*, h(b*) as exact-real text); at every b* here
# h'(b*) > 0 and h''(b*) > 0 (checked exactly or by arb when the certificate is built)
OPERATING = {
    "sigmoid": ("-log(2)", "1/3"),
    "tanh": ("-log(2)", "-3/5"),
    "arctan": ("-1", "-pi/4"),
    "softplus": ("0", "log(2)"),
    "elu": ("-log(2)", None),  # -alpha/2, rational
    "selu": ("-log(2)", None),  # -scale alpha/2, rational
    "silu": ("0", "0"),
    "gelu": ("0", "0"),
    "quadratic": ("1", "1"),
    "exponential": ("0", "1"),
}
EXCLUDED = ("every piecewise-linear activation has h'' = 0 wherever it is differentiable, so no operating "
            "point has h''(b) != 0: the construction (and the paper's 'almost all') does not cover it")


def act_spec(act: dict) -> dict:
    """The smooth activation of a --activation option; NOT_APPLICABLE for piecewise-linear ones."""
    if act.get("kind") != "smooth":
        raise HypothesisViolation(CLAIM_ID, "h''(b) != 0 at an operating point", f"{act.get('name')}: {EXCLUDED}")
    if act["name"] not in OPERATING:
        raise HypothesisViolation(CLAIM_ID, "h''(b) != 0 at an operating point", f"no operating point is tabled for {act['name']}")
    return act


class Op:
    """The operating point of an activation: b*, h(b*) (exact), signs of h', h''."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.act = S.activation(spec, "activation")
        btext, htext = OPERATING[spec["name"]]
        self.b = parse_real(btext)
        bs = self.b.to_sympy()
        k = sum(1 for bp in self.act.breakpoints if S.sign(bs - bp)[0] > 0)
        self.derivs = [self.act.derivative(k, o).subs(S.T, bs) for o in range(3)]
        h0 = self.derivs[0]
        self.h = parse_real(htext) if htext is not None else parse_real(C.real_text(F(int(h0.p), int(h0.q))))
        if sympy.simplify(self.h.to_sympy() - h0) != 0:
            raise ConstructionFailed(f"{CLAIM_ID}: tabled h(b*) for {spec['name']} is wrong")
        self.s1, self.s2 = (S.sign(d)[0] for d in self.derivs[1:])
        if not self.s2:
            raise HypothesisViolation(CLAIM_ID, "h''(b) != 0 at an operating point", f"h''({btext}) = 0 for {spec['name']}")

    def text(self, v) -> str:
        return C.real_text(v)

    def shifted(self, const, count: int, weight: int = 1):
        """const - count * weight * h(b*) as an exact real."""
        return parse_real(f"{C.real_text(const)} - ({count * weight})*({self.h.to_string()})")


def _check(doc, what):
    doc, rep = certificate.fill_ledgers_checked(doc)  # one run of the checker per certificate
    if rep.verdict is not Verdict.CERTIFIED:
        raise ConstructionFailed(f"{CLAIM_ID} {what}: {rep.verdict.name}: {rep.summary}")
    return doc


def _claim(instance, records, construction, statement):
    from symcert.claims.ding2022.thm import PAPER
    return {"id": CLAIM_ID, "paper": PAPER, "theorem": "Main theorem (one hidden layer; deeper variant)",
            "statement": statement, "conclusion": "spurious_local_minimum", "instance": instance,
            "hypotheses": records, "construction": construction}


STATEMENT = ("For generic inputs (labels chosen by the construction) and a smooth activation with h''(b) != 0 at some b, "
             "a network whose last hidden layer has n >= 2 neurons has a sub-optimal local minimum, for every width n.")

# ---- untrusted better point ------------------------------------------------------------------


def _h_arb(act: S.SmoothActivation, z: arb) -> arb:
    k = sum(1 for bp in act.breakpoints if float(z.mid()) > float(bp))
    return S.to_arb(act.pieces[k], {S.T: z})


def _to_fmpq(b: arb) -> fmpq:
    man, exp = b.mid().man_exp()
    return fmpq(man * flint.fmpz(2) ** int(exp)) if exp >= 0 else fmpq(man, flint.fmpz(2) ** int(-exp))


def better_point(inputs, targets, widths, op: Op, seed: int = 7) -> dict:
    """Random first-layer features (k of them, k <= m - 1), passed on one-to-one by later hidden
    layers; output layer by exact least squares on the rationalised features."""
    rng = random.Random(seed)
    m, dx, hidden = len(inputs), len(inputs[0]), widths[1:-1]
    k = min(min(hidden), m - 1, 8)
    feats = []
    while len(feats) < k:  # distinct features, each with a non-zero input weight
        w, b = [F(rng.randint(-8, 8), 4) for _ in range(dx)], F(rng.randint(-8, 8), 4)
        if any(w) and (w, b) not in feats:
            feats.append((w, b))
    W1 = [feats[j][0] if j < k else [F(0)] * dx for j in range(hidden[0])]
    b1 = [feats[j][1] if j < k else F(0) for j in range(hidden[0])]
    params = {"W1": W1, "b1": b1}
    for l in range(1, len(hidden)):
        params[f"W{l + 1}"] = [[F(int(i == j and j < k)) for j in range(hidden[l - 1])] for i in range(hidden[l])]
        params[f"b{l + 1}"] = [F(0)] * hidden[l]
    saved = flint.ctx.prec
    try:
        flint.ctx.prec = 256
        rows = []
        for x in inputs:
            a = [arb(fmpq(v.numerator, v.denominator)) for v in x]
            for l in range(1, len(hidden) + 1):
                W, b = params[f"W{l}"], params[f"b{l}"]
                a = [_h_arb(op.act, sum((arb(fmpq(w.numerator, w.denominator)) * ai for w, ai in zip(W[i], a)), arb(0))
                            + arb(fmpq(b[i].numerator, b[i].denominator))) for i in range(len(W))]
            rows.append([_to_fmpq(v) for v in a[:k]] + [fmpq(1)])
    finally:
        flint.ctx.prec = saved
    A = fmpq_mat(m, k + 1, [v for r in rows for v in r])
    y = fmpq_mat(m, 1, [fmpq(t.numerator, t.denominator) for t in targets])
    ridge = fmpq_mat(k + 1, k + 1, [fmpq(int(i == j), 10**12) for i in range(k + 1) for j in range(k + 1)])
    sol = (A.transpose() * A + ridge).solve(A.transpose() * y)  # a small ridge keeps the weights moderate
    vals = [F(int(sol[i, 0].p), int(sol[i, 0].q)).limit_denominator(10**30) for i in range(k + 1)]
    L = len(hidden) + 1
    params[f"W{L}"] = [vals[:k] + [F(0)] * (hidden[-1] - k)]
    params[f"b{L}"] = [vals[k]]
    return params


# ---- one hidden layer ------------------------------------------------------------------------

def identity_labels(inputs: list, cstar=F(1, 3)) -> tuple[list, list, F]:
    """Labels Y = c* - e with e the residual (after the least-squares affine fit) of the quadratic
    form chosen so that M = sum_i e_i x_i x_i^T = s I, scaled so that max |e_i| = 1 (exact
    rational linear algebra); NOT_APPLICABLE when the inputs admit no such form."""
    m, dx = len(inputs), len(inputs[0])
    Xt = fmpq_mat(m, dx + 1, [fmpq(v.numerator, v.denominator) for row in inputs for v in (*row, F(1))])
    G = Xt.transpose() * Xt
    if G.rank() < dx + 1:
        raise HypothesisViolation(CLAIM_ID, "generic inputs", "the inputs lie in an affine hyperplane")
    pairs = [(a, b) for a in range(dx) for b in range(a, dx)]
    Q = fmpq_mat(m, len(pairs), [Xt[i, a] * Xt[i, b] for i in range(m) for a, b in pairs])
    E = Q - Xt * G.solve(Xt.transpose() * Q)  # residuals of the quadratic monomials
    A = fmpq_mat(len(pairs), len(pairs), [sum((E[i, c] * Xt[i, a] * Xt[i, b] for i in range(m)), fmpq(0))
                                          for a, b in pairs for c in range(len(pairs))])
    rhs = fmpq_mat(len(pairs), 1, [fmpq(int(a == b)) for a, b in pairs])
    if A.rank() < len(pairs):
        raise HypothesisViolation(CLAIM_ID, "M positive definite", f"{m} inputs in R^{dx} admit no quadratic residual with "
                                  "M = sum e_i x_i x_i^T = I (too few inputs, or not generic): the construction does not apply")
    e = E * A.solve(rhs)
    emax = max(abs(e[i, 0]) for i in range(m))
    es = [F(int(e[i, 0].p), int(e[i, 0].q)) / F(int(emax.p), int(emax.q)) for i in range(m)]
    return [cstar - v for v in es], es, cstar


def certify_shallow(inputs, n: int, spec: dict, instance: str, seed: int = 7) -> dict:
    if n < 2:
        raise HypothesisViolation(CLAIM_ID, "n >= 2", f"hidden width {n} < 2")
    op = Op(act_spec(spec))
    dx = len(inputs[0])
    targets, e, cstar = identity_labels(inputs)
    v = op.s2
    pj = C.smooth_problem_json([dx, n, 1], spec, inputs, targets)
    point = {"W1": [[0] * dx for _ in range(n)], "b1": [op.b] * n, "W2": [[v] * n], "b2": [op.shifted(cstar, n, v)]}
    free = [["b1", j + 1, 1] for j in range(n)] + [["W2", 1, j + 1] for j in range(n)]
    obligations = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"},
                   {"id": "morse_bott", "kind": "morse_bott", "free": free},
                   {"id": "strictly_lower", "kind": "smooth_strictly_lower"}]
    records = _records(op, e, cstar, n, "morse_bott")
    better = better_point(inputs, targets, [dx, n, 1], op, seed)
    loss = sum((x * x for x in e), F(0)) / 2
    cons = {"activation": spec["name"], "b": op.b.to_string(), "h(b)": op.h.to_string(), "v": str(v),
            "c": op.shifted(cstar, n, v).to_string(), "route": "morse_bott"}
    doc = certificate.document(_claim(instance, records, cons, STATEMENT), pj, point, loss, obligations, better)
    return _check(doc, instance)


def _records(op: Op, e, cstar, n: int, route: str) -> list:
    h2 = S.arb_at(op.derivs[2], 64)
    return [{"id": "labels", "statement": "residual e = c* - Y orthogonal to 1 and x; one hidden layer: M = sum e_i x_i x_i^T a positive multiple of I; deeper: convex combinations",
             "evidence": f"c* = {C.real_text(cstar)}, e = ({', '.join(C.real_text(v) for v in e)})"},
            {"id": "h''(b*) != 0", "statement": "the activation has non-zero curvature at the operating point; v h''(b*) > 0",
             "evidence": f"{op.spec['name']}: b* = {op.b.to_string()}, h''(b*) = {op.derivs[2]} ~ {h2.str(6)}",
             "check": {"kind": "obligation_holds", "obligation": route}},
            {"id": "n >= 2", "statement": "last hidden layer of width at least 2", "evidence": f"n = {n}",
             "check": {"kind": "last_hidden_width_at_least", "min": 2}}]


# ---- deeper networks (1-D inputs) ------------------------------------------------------------

def convex_labels(xs: list, cstar=F(1, 3), rng=None):
    """Sorted distinct 1-D inputs; interior input k = lam x_1 + (1 - lam) x_m with multiplier
    mu_k; e_k = -mu_k, e_1 = sum mu_k lam_k, e_m = sum mu_k (1 - lam_k)."""
    rng = rng or random.Random(0)
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    if len(set(xs)) != len(xs):
        raise HypothesisViolation(CLAIM_ID, "distinct inputs", "two inputs coincide")
    lo, hi = xs[order[0]], xs[order[-1]]
    e, combos = [F(0)] * len(xs), []
    for i in order[1:-1]:
        lam = (hi - xs[i]) / (hi - lo)
        mu = F(rng.randint(1, 4), 4)
        e[i] -= mu
        e[order[0]] += mu * lam
        e[order[-1]] += mu * (1 - lam)
        combos.append({"sample": i + 1, "of": [[order[0] + 1, C.real_text(lam)], [order[-1] + 1, C.real_text(1 - lam)]],
                       "multiplier": C.real_text(mu)})
    return [cstar - v for v in e], e, cstar, combos


def certify_deep(xs: list, widths: list, spec: dict, instance: str, seed: int = 7) -> dict:
    if len(xs) < 3:
        raise HypothesisViolation(CLAIM_ID, "m >= 3", "the deeper route needs at least three inputs")
    if widths[-2] < 2:
        raise HypothesisViolation(CLAIM_ID, "n >= 2", f"last hidden width {widths[-2]} < 2")
    op = Op(act_spec(spec))
    if op.s1 <= 0 or op.s2 <= 0:
        raise HypothesisViolation(CLAIM_ID, "h' > 0 and h'' > 0 at the operating point", f"{spec['name']} at b* = {op.b.to_string()}")
    targets, e, cstar, combos = convex_labels(xs, rng=random.Random(seed))
    inputs = [[x] for x in xs]
    pj = C.smooth_problem_json(widths, spec, inputs, targets)
    L = len(widths) - 1
    point = {"W1": [[0]] * widths[1], "b1": [op.b] * widths[1]}
    for l in range(2, L + 1):
        point[f"W{l}"] = [[1] * widths[l - 1] for _ in range(widths[l])]
        point[f"b{l}"] = [op.shifted(op.b.to_string() if l < L else cstar, widths[l - 1])] * widths[l]
    better = better_point(inputs, targets, widths, op, seed)
    loss = sum((x * x for x in e), F(0)) / 2
    cons = {"activation": spec["name"], "b": op.b.to_string(), "h(b)": op.h.to_string(), "route": "convexity_bound"}
    records = _records(op, e, cstar, widths[-2], "convexity_bound")
    for r in ("1/100", "1/1000", "1/10000"):
        obligations = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"},
                       {"id": "convexity_bound", "kind": "convexity_bound", "radius": r, "combinations": combos},
                       {"id": "strictly_lower", "kind": "smooth_strictly_lower"}]
        doc = certificate.document(_claim(instance, records, cons, STATEMENT), pj, point, loss, obligations, better)
        if check_document(doc).verdict is Verdict.CERTIFIED:
            break
    return _check(doc, instance)


def random_inputs(seed: int, m: int, dx: int) -> list:
    """Seeded random distinct rational inputs in [-2, 2]^dx (denominator 12)."""
    rng = random.Random(seed)
    out = []
    while len(out) < m:
        row = [F(rng.randint(-24, 24), 12) for _ in range(dx)]
        if row not in out:
            out.append(row)
    return out


# ---- the contrast: v h''(b*) < 0 is a saddle ------------------------------------------------

def certify_saddle(spec: dict, instance: str) -> dict:
    """Worked data X = (-1, 0, 1), Y = (0, 1, 0), n = 2, first-layer weights 0, biases b*, output
    weights v = -sign h''(b*) (so v h''(b*) < 0), output bias 1/3 - 2 v h(b*): a critical point;
    the direction w = (1, -1) keeps the output's first order unchanged and has
    d^T H d = 2 v h''(b*) sum e_i x_i^2 < 0, so it is not a local minimum (smooth_descent)."""
    from symcert.checker.api import check_document as _check_doc
    op = Op(act_spec(spec))
    v = -op.s2
    xs, ys = [[F(-1)], [F(0)], [F(1)]], [F(0), F(1), F(0)]
    pj = C.smooth_problem_json([1, 2, 1], spec, xs, ys)
    point = {"W1": [[0], [0]], "b1": [op.b, op.b], "W2": [[v, v]], "b2": [op.shifted(F(1, 3), 2, v)]}
    records = [{"id": "contrast", "statement": "v h''(b*) < 0: the same construction with the curvature of the wrong sign",
                "evidence": f"{spec['name']}: b* = {op.b.to_string()}, h''(b*) = {op.derivs[2]}, v = {v}",
                "check": {"kind": "obligation_holds", "obligation": "descent"}}]
    claim = {"id": CLAIM_ID, "paper": __import__("symcert.claims.ding2022.thm", fromlist=["PAPER"]).PAPER,
             "theorem": "Main theorem (contrast)", "statement": STATEMENT, "conclusion": "not_local_minimum",
             "instance": instance, "hypotheses": records,
             "construction": {"activation": spec["name"], "b": op.b.to_string(), "v": str(v)}}
    for t in ("1/10", "1/100", "1/1000"):
        obligations = [{"id": "gradient_zero", "kind": "smooth_gradient_zero"},
                       {"id": "descent", "kind": "smooth_descent", "witness_t": t,
                        "direction": {"W1": [["1"], ["-1"]], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["0"]}}]
        doc = certificate.document(claim, pj, point, F(1, 3), obligations)
        if _check_doc(doc).verdict is Verdict.CERTIFIED:
            break
    return _check(doc, instance)
