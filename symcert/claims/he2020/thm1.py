"""He, Wang, Tao (ICLR 2020): piecewise-linear activations shape the loss surface.

Three claims (see docs/papers/he2020.md):

* ``he2020.thm1``  spurious local minima for any depth and any piecewise-linear activation,
  under squared, absolute, Huber (and hinge) losses: the local minimum outputs the best affine
  fit with every neuron on one affine piece; a bending feature on a spare neuron lowers the
  risk. Points strictly inside one cell; the boundary point of the paper's valley is handled
  by the kink engine (claim ``he2020.kink``).
* ``he2020.thm2``  inside a cell the network output is multilinear in the layers' parameters:
  certified per instance by exact polynomial expansion (obligation ``cell_multilinear``).
* ``he2020.valley``  one hidden layer: an exact path of constant risk through local minima,
  certified as an identity in the path parameter (obligation ``valley_path``), with the
  parameter value where the valley meets the cell boundary.
"""
from __future__ import annotations

import random

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.checker import kernel
from symcert.checker.convex import LEMMA
from symcert.checker.multilinear import POLY as MPOLY
from symcert.checker.obligations import RATIONAL
from symcert.checker.valley import POLY as UPOLY
from symcert.checker.problem import problem as parse_problem
from symcert.claims import affine_minima as AM
from symcert.claims.base import Claim, Instance
from symcert.errors import InputError
from symcert.exact.rationals import format_rational as fr
from symcert.model.activations import hard_tanh, leaky_relu, parse_activation, relu, relu6, relu_like_slopes
from symcert.model.data import Dataset, from_rows
from symcert.provers.embed import carrier_piece

PAPER = ("He, Wang, Tao, 'Piecewise linear activations substantially shape the loss surfaces of "
         "neural networks', ICLR 2020, arXiv:2003.12236")
THM1 = ("For a fully connected network of any depth with a piecewise-linear (not linear) activation, "
        "hidden widths >= dy + 1 and a convex loss whose affine optimum on the data is not a global "
        "optimum of the network, there are infinitely many spurious local minima.")
THM2 = ("Inside a cell (every hidden neuron on a fixed piece for every sample) the network's output is "
        "a polynomial of degree at most 1 in each layer's parameters (W_l, b_l): smooth and multilinear.")
VALLEY = ("One hidden layer: local minima within a cell are connected by a continuous path of constant "
          "risk (a valley); the valley ends where the path meets the cell boundary.")

WORKED = ([-1, 0, 1], [1, 0, 1])
CHRISTOF_DATA = ([0, 1, 2, 3], [0, 1, 0, 1])


def rows(xs, ys) -> Dataset:
    return from_rows([[fmpq(x)] if not isinstance(x, (list, tuple)) else [fmpq(v) for v in x] for x in xs],
                     [[fmpq(y)] for y in ys])


def random_dataset(seed: int, m: int, dx: int, labels: str = "real") -> Dataset:
    """Seeded random rational data: inputs k/4 (|k| <= 12), targets k/4 (|k| <= 8) or +-1."""
    rng = random.Random(seed)
    xs = [[fmpq(rng.randint(-12, 12), 4) for _ in range(dx)] for _ in range(m)]
    ys = [fmpq(rng.randint(-8, 8), 4) if labels == "real" else fmpq(rng.choice((-1, 1))) for _ in range(m)]
    return from_rows(xs, [[y] for y in ys])


ACTS = {"relu": relu, "leaky": lambda: leaky_relu(fmpq(1, 2)), "hard_tanh": hard_tanh, "relu6": relu6}
LOSSES = {"squared": AM.loss_spec("squared"), "absolute": AM.loss_spec("absolute"),
          "huber": AM.loss_spec("huber", fmpq(1, 2)), "hinge": AM.loss_spec("hinge")}


# ---- Theorem 1 -------------------------------------------------------------------------------

def abs_network(act: dict, widths: list) -> dict | None:
    """The paper's better point for one hidden layer and a ReLU-like activation:
    W1 = (1, -1), b1 = 0, W2 = (k, k), k = 1/(s+ - s-), b2 = 0 computes |x| exactly."""
    slopes = relu_like_slopes(act)
    if slopes is None or widths != [1, 2, 1]:
        return None
    k = 1 / (slopes[0] - slopes[1])
    return {"W1": fmpq_mat(2, 1, [1, -1]), "b1": fmpq_mat(2, 1), "W2": fmpq_mat(1, 2, [k, k]), "b2": fmpq_mat(1, 1)}


def certify_thm1(data: Dataset, act: dict, loss: dict, widths: list, instance: str, eta=None, better: str = "search") -> dict:
    claim = {"id": "he2020.thm1", "paper": PAPER, "theorem": "Theorem 1", "statement": THM1,
             "conclusion": "spurious_local_minimum", "instance": instance,
             "hypotheses": [
                 {"id": "H1", "statement": "activation piecewise linear, not linear", "evidence": f"{act.get('name')}: {len(act['breakpoints'])} breakpoint(s)"},
                 {"id": "H2", "statement": "hidden widths >= dy + 1", "evidence": f"widths {widths}"},
                 {"id": "H3", "statement": "loss convex in the output", "evidence": f"{loss['kind']} loss"},
             ],
             "construction": {"eta": fr(eta) if eta is not None else "least shift keeping the carrier neurons 1 inside the piece",
                              "carrier_piece": _piece_text(act)}}
    if min(widths[1:-1]) < widths[-1] + 1:
        raise InputError(None, "--hidden", min(widths[1:-1]), f"Theorem 1 needs every hidden width >= dy + 1 = {widths[-1] + 1}")
    bp = abs_network(act, widths) if better == "abs" else None
    return AM.certify(claim, data, widths, act, loss, lam=fmpq(1) if eta is not None else None, shift=eta, better=bp)


def _piece_text(act: dict) -> str:
    p = carrier_piece(act)
    lo = "-inf" if p.lo is None else fr(p.lo)
    hi = "+inf" if p.hi is None else fr(p.hi)
    return f"({lo}, {hi}), slope {fr(p.slope)}, intercept {fr(p.intercept)}"


THM1_SEEDED = [  # (seed, m, dx, widths, activation, loss)
    (1, 6, 1, [1, 3, 1], "relu", "squared"),
    (2, 8, 2, [2, 3, 3, 1], "hard_tanh", "absolute"),
    (3, 7, 2, [2, 2, 2, 2, 1], "relu6", "huber"),
    (4, 10, 3, [3, 4, 3, 1], "leaky", "squared"),
    (5, 8, 2, [2, 3, 1], "relu", "hinge"),
    (6, 9, 2, [2, 2, 2, 1], "hard_tanh", "hinge"),
]


def thm1_instances() -> list:
    out = []
    for depth in (2, 3, 4):
        widths = [1] + [2] * (depth - 1) + [1]
        for an, af in ACTS.items():
            for ln in ("squared", "absolute", "huber"):
                name = f"thm1-worked-d{depth}-{an}-{ln}"
                paper = depth == 2 and an in ("relu", "leaky")
                out.append(Instance(
                    name,
                    lambda af=af, ln=ln, widths=widths, an=an, paper=paper: certify_thm1(
                        rows(*WORKED), af(), LOSSES[ln], widths,
                        f"worked instance X = (-1, 0, 1), Y = (1, 0, 1); {an}; {ln} loss; widths {widths}"
                        + ("; the paper's points (eta = 1, better point computes |x|)" if paper else ""),
                        eta=fmpq(1) if paper else None, better="abs" if paper else "search"),
                    f"worked data, depth {depth}, {an}, {ln}"))
    for an in ("relu", "leaky"):
        out.append(Instance(
            f"thm1-worked-continuum-{an}-squared",
            lambda an=an: certify_valley(ACTS[an](), LOSSES["squared"], f"worked instance; {an}; squared loss; the whole valley "
                                         "eta > -2/3 of local minima, with the paper's |x| point: infinitely many spurious local minima",
                                         spurious=True),
            f"worked data, {an}: the valley as a continuum of spurious local minima"))
    for seed, m, dx, widths, an, ln in THM1_SEEDED:
        data = (lambda seed=seed, m=m, dx=dx, ln=ln: random_dataset(seed, m, dx, "pm1" if ln == "hinge" else "real"))
        out.append(Instance(
            f"thm1-random-s{seed}-m{m}-dx{dx}-d{len(widths) - 1}-{an}-{ln}",
            lambda data=data, an=an, ln=ln, widths=widths, seed=seed, m=m, dx=dx: certify_thm1(
                data(), ACTS[an](), LOSSES[ln], widths, f"seeded random data: seed {seed}, m = {m}, dx = {dx}; {an}; {ln} loss; widths {widths}"),
            f"seed {seed}, {an}, {ln}, widths {widths}"))
    return out


def _widths(data: Dataset, options: dict) -> list:
    depth = options.get("depth", 2)
    hidden = options.get("hidden", 2)
    if depth < 2:
        raise InputError("--depth", None, depth, "depth (number of weight layers) must be at least 2")
    return [data.dx] + [hidden] * (depth - 1) + [data.dy]


def certify_thm1_data(data: Dataset, options: dict) -> dict:
    loss = options.get("loss") or AM.loss_spec("squared")
    return certify_thm1(data, options["activation"], loss, _widths(data, options), options.get("instance", "user data"))


# ---- Theorem 2 -------------------------------------------------------------------------------

def certify_thm2(data: Dataset, act: dict, widths: list, point: dict, instance: str, loss=None) -> dict:
    loss = loss or AM.loss_spec("squared")
    pj = AM.problem_json(data, widths, act, loss)
    prob = AM.parse(pj)
    pre, _, _ = kernel.forward(prob, point)
    if kernel.kinks(prob, pre):
        raise InputError(None, "point", instance, "the point lies on a cell boundary; Theorem 2 is about cell interiors")
    claim = {"id": "he2020.thm2", "paper": PAPER, "theorem": "Theorem 2", "statement": THM2,
             "conclusion": "cell_multilinear", "instance": instance}
    obs = [{"id": "cell_multilinear", "kind": "cell_multilinear", "rests_on": [RATIONAL, MPOLY]}]
    return certificate.document(claim, pj, point, kernel.risk(prob, point), obs)


def random_point(seed: int, widths: list) -> dict:
    rng = random.Random(seed)
    pt = {}
    for l in range(1, len(widths)):
        pt[f"W{l}"] = fmpq_mat(widths[l], widths[l - 1], [fmpq(rng.randint(-9, 9), 4) for _ in range(widths[l] * widths[l - 1])])
        pt[f"b{l}"] = fmpq_mat(widths[l], 1, [fmpq(2 * rng.randint(-9, 9) + 1, 8) for _ in range(widths[l])])
    return pt


THM2_CASES = [  # (seed, data, widths, activation)
    (11, "worked", [1, 2, 1], "relu"),
    (12, "worked", [1, 2, 2, 1], "hard_tanh"),
    (13, "worked", [1, 2, 2, 2, 1], "relu6"),
    (14, "random", [2, 3, 2, 1], "leaky"),
    (15, "random", [2, 2, 2, 2], "hard_sigmoid"),
]


def thm2_instances() -> list:
    out = []
    for seed, dname, widths, an in THM2_CASES:
        def build(seed=seed, dname=dname, widths=widths, an=an):
            data = rows(*WORKED) if dname == "worked" else _random_multi(seed, 5, widths[0], widths[-1])
            act = ACTS[an]() if an in ACTS else parse_activation(an)
            for s in range(seed, seed + 50):  # first seeded point strictly inside a cell
                pt = random_point(s, widths)
                prob = parse_problem(AM.problem_json(data, widths, act, AM.loss_spec("squared")))
                if not kernel.kinks(prob, kernel.forward(prob, pt)[0]):
                    return certify_thm2(data, act, widths, pt, f"seeded random point (seed {s}) on {dname} data; {an}; widths {widths}")
            raise AssertionError("no interior point found")
        out.append(Instance(f"thm2-s{seed}-d{len(widths) - 1}-{an}", build, f"{an}, widths {widths}"))
    out.append(Instance("thm2-worked-local-min-relu", lambda: _thm2_at_local_min(), "the worked local minimum (ReLU, eta = 1)"))
    return out


def _random_multi(seed: int, m: int, dx: int, dy: int) -> Dataset:
    rng = random.Random(seed)
    return from_rows([[fmpq(rng.randint(-12, 12), 4) for _ in range(dx)] for _ in range(m)],
                     [[fmpq(rng.randint(-8, 8), 4) for _ in range(dy)] for _ in range(m)])


def _thm2_at_local_min() -> dict:
    doc = valley_point(relu(), fmpq(2, 3), fmpq(1))
    return certify_thm2(rows(*WORKED), relu(), [1, 2, 1], doc, "worked instance: the local minimum W1 = (0, 0), b1 = (5/3, 1), W2 = (1, 0), b2 = -1")


# ---- Theorems 3-4: the valley ------------------------------------------------------------------

def valley_point(act: dict, c: fmpq, eta: fmpq) -> dict:
    """W1 = (0, 0), b1 = (c + eta, 1), W2 = (1/s, 0), b2 = -eta (s: slope of the carrier piece)."""
    p = carrier_piece(act)
    idle = p.idle()
    return {"W1": fmpq_mat(2, 1), "b1": fmpq_mat(2, 1, [c + eta, idle]),
            "W2": fmpq_mat(1, 2, [1 / p.slope, 0]), "b2": fmpq_mat(1, 1, [-eta - p.intercept / p.slope])}


def certify_valley(act: dict, loss: dict, instance: str, eta0=None, spurious: bool = False) -> dict:
    """The worked instance's valley: eta -> W1 = (0, 0), b1 = (c + eta, idle), W2 = (1/s, 0),
    b2 = -eta - c0/s, where c is the affine optimum (a constant on this data) and the carrier
    piece is h(t) = s t + c0 on (lo, hi). The valley is the open interval of eta keeping
    c + eta inside the piece; it ends where c + eta meets a breakpoint."""
    data = rows(*WORKED)
    widths = [1, 2, 1]
    pj = AM.problem_json(data, widths, act, loss)
    prob = parse_problem(pj)
    X, Y = AM.matrices(data)
    fit = AM.fit_for(prob, X, Y)
    assert fit.weights[0, 0] == 0, "the worked instance's affine optimum is constant"
    c = fit.bias[0, 0]
    p = carrier_piece(act)
    lo = None if p.lo is None else p.lo - c
    hi = None if p.hi is None else p.hi - c
    if eta0 is None:  # a member: eta = 1 if inside the valley, else its midpoint
        eta0 = fmpq(1) if (lo is None or lo < 1) and (hi is None or 1 < hi) else (lo + hi) / 2
    point = valley_point(act, c, eta0)
    coef = lambda v0, v1=0: [fr(v0), fr(v1)]  # noqa: E731  polynomial v0 + v1 eta
    path = {"W1": [[coef(0)], [coef(0)]], "b1": [coef(c, 1), coef(p.idle())],
            "W2": [[coef(1 / p.slope), coef(0)]], "b2": [coef(-p.intercept / p.slope, -1)]}
    ob = {"id": "valley_path", "kind": "valley_path", "parameter": "eta", "at": fr(eta0),
          "interval": [None if lo is None else fr(lo), None if hi is None else fr(hi)],
          "path": path, "multipliers": certificate.mat_json(fit.multipliers), "rests_on": [RATIONAL, UPOLY, LEMMA]}
    ends = [v for v in (lo, hi) if v is not None]
    if ends:
        ob["ends_at"] = [fr(v) for v in ends]
    obs = [ob]
    better = better_loss = None
    if spurious:  # with the paper's |x| point: every member of the valley is a spurious local minimum
        better = abs_network(act, widths)
        better_loss = kernel.risk(prob, better)
        obs.append({"id": "strictly_lower", "kind": "strictly_lower"})
    claim = {"id": "he2020.thm1" if spurious else "he2020.valley", "paper": PAPER,
             "theorem": "Theorem 1 (infinitely many spurious local minima)" if spurious else "Theorems 3-4",
             "statement": THM1 if spurious else VALLEY,
             "conclusion": "continuum_of_spurious_local_minima" if spurious else "valley_of_local_minima", "instance": instance,
             "construction": {"affine_optimum": fr(c), "carrier_piece": _piece_text(act),
                              "valley": f"eta in ({'-inf' if lo is None else fr(lo)}, {'+inf' if hi is None else fr(hi)})",
                              "boundary": "at an end of the interval the carrier pre-activation c + eta sits on a breakpoint: "
                                          "the point leaves the open cell (the kink engine decides it there)"}}
    return certificate.document(claim, pj, point, kernel.risk(prob, point), obs, better, better_loss)


VALLEY_CASES = [("relu", "squared"), ("leaky", "squared"), ("relu", "absolute"), ("relu", "huber"),
                ("hard_tanh", "squared"), ("relu6", "absolute")]


def valley_instances() -> list:
    return [Instance(f"valley-worked-{an}-{ln}",
                     lambda an=an, ln=ln: certify_valley(ACTS[an](), LOSSES[ln], f"worked instance X = (-1, 0, 1), Y = (1, 0, 1); {an}; {ln} loss"),
                     f"worked data, {an}, {ln}") for an, ln in VALLEY_CASES]


OPTIONS = {"--activation": "relu | leaky_relu:S | relu_like:SP,SM | abs | hard_tanh | relu6 | hard_sigmoid | pl:SL;T1=V1,...;SR",
           "--loss": "squared | absolute | huber:DELTA | hinge (default squared)",
           "--hidden N": "width of every hidden layer (default 2; >= dy + 1)",
           "--depth L": "number of weight layers (default 2)"}

CLAIM_THM1 = Claim("he2020.thm1", PAPER, "any depth, any piecewise-linear activation, convex losses: spurious local minima",
                   thm1_instances, certify_thm1_data, OPTIONS)
CLAIM_THM2 = Claim("he2020.thm2", PAPER, "inside a cell the output is multilinear in the layers' parameters (per instance)",
                   thm2_instances)
CLAIM_VALLEY = Claim("he2020.valley", PAPER, "one hidden layer: an exact valley of constant risk through local minima",
                     valley_instances)
CLAIMS = (CLAIM_THM1, CLAIM_THM2, CLAIM_VALLEY)
