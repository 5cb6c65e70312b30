"""Christof, Kowalczyk (Constr. Approx. 2023): spurious local minima are omnipresent.

``christof2023.thm``: for a deep fully connected network with scalar output, hidden widths
>= 2, and an activation that is affine with nonzero slope on some open interval but not affine
overall, if the target is not affine on the data there is a continuum of spurious local minima
whose risk equals that of the best affine approximation (see docs/papers/christof2023.md).

Here with piecewise-linear activations (ReLU, hard tanh, ReLU6, ...) and the squared and
absolute losses (any convex loss of :mod:`symcert.checker.losses` works), depth 2 and 3:

* the worked instance with the paper's own parameters (local minimum at loss 2/5, better point
  at loss 699/1750, both verified exactly), and further members of the continuum;
* the same data under other activations, depths and losses, and seeded random data, through
  the generic construction of :mod:`symcert.claims.constructions`.

Under the logistic and pseudo-Huber losses (irrational risks) the same construction goes through
the layer-box route of he2020.thm1 (:func:`symcert.claims.layer_box.spurious_certificate`): one
spurious local minimum theta* in a small box, not the continuum (see docs/papers/christof2023.md).

To add an activation, add an entry to ``ACTS`` (a function returning the activation's JSON);
smooth activations with an affine segment (ELU, SELU) need the exact-real machinery of the
smooth claims for the better point and can be added as a separate instance list.
"""
from __future__ import annotations

import random

from flint import fmpq, fmpq_mat

from symcert.checker.api import kernel
from symcert.claims import constructions as AM
from symcert.claims.base import Claim, Instance
from symcert.errors import HypothesisViolation, InputError
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.activations import hard_sigmoid, hard_tanh, leaky_relu, relu, relu6
from symcert.inputs.activations import pieces as act_pieces
from symcert.inputs.data import Dataset, from_rows

CLAIM_ID = "christof2023.thm"
PAPER = ("Christof, Kowalczyk, 'On the omnipresence of spurious local minima in certain neural network "
         "training problems', Constructive Approximation 2023, arXiv:2202.12262")
STATEMENT = ("Deep network, scalar output, hidden widths >= 2, activation affine with nonzero slope on an "
             "open interval and not affine: if the target is not affine on the data, there is a continuum "
             "of spurious non-strict local minima at the risk of the best affine approximation.")

WORKED = ([0, 1, 2, 3], [0, 1, 0, 1])
ACTS = {"relu": relu, "hard_tanh": hard_tanh, "relu6": relu6}
LOSSES = {"squared": AM.loss_spec("squared"), "absolute": AM.loss_spec("absolute"), "huber": AM.loss_spec("huber", fmpq(1, 2))}

WORKED_LOSS = fmpq(2, 5)
WORKED_BETTER_LOSS = fmpq(699, 1750)


def rows(xs, ys) -> Dataset:
    return from_rows([[fmpq(x)] if not isinstance(x, (list, tuple)) else [fmpq(v) for v in x] for x in xs], [[fmpq(y)] for y in ys])


def _m(r, c, vals) -> fmpq_mat:
    return fmpq_mat(r, c, [fmpq(v) for v in vals])


def paper_point() -> dict:
    """A1 = [1/5, 0]^T, b1 = [6/5, 1], A2 = [[1, 0], [0, 0]], b2 = [0, 1], A3 = [1, 0], b3 = -1."""
    return {"W1": _m(2, 1, [fmpq(1, 5), 0]), "b1": _m(2, 1, [fmpq(6, 5), 1]),
            "W2": _m(2, 2, [1, 0, 0, 0]), "b2": _m(2, 1, [0, 1]),
            "W3": _m(1, 2, [1, 0]), "b3": _m(1, 1, [-1])}


def paper_better_point() -> dict:
    """Feature ReLU(x - 1/2) on neuron 2, eps* = -2/175: A1 = [1/5, 1]^T, b1 = [6/5, -1/2],
    A2 = I, b2 = [0, 1], A3 = [1, -2/175], b3 = -1 + 2/175."""
    eps = fmpq(-2, 175)
    return {"W1": _m(2, 1, [fmpq(1, 5), 1]), "b1": _m(2, 1, [fmpq(6, 5), fmpq(-1, 2)]),
            "W2": _m(2, 2, [1, 0, 0, 1]), "b2": _m(2, 1, [0, 1]),
            "W3": _m(1, 2, [1, eps]), "b3": _m(1, 1, [-1 - eps])}


def check_hypotheses(data: Dataset, act: dict, widths: list) -> list:
    if data.dy != 1:
        raise HypothesisViolation(CLAIM_ID, "scalar output", f"dy = {data.dy}")
    if min(widths[1:-1]) < 2:
        raise HypothesisViolation(CLAIM_ID, "widths >= 2", f"hidden widths {widths[1:-1]}")
    ps = act_pieces(act)
    if len(ps) < 2 or all(p[2] == ps[0][2] for p in ps):
        raise HypothesisViolation(CLAIM_ID, "activation not affine", f"{act.get('name')} is affine")
    if not any(p[2] != 0 for p in ps):
        raise HypothesisViolation(CLAIM_ID, "affine segment", f"{act.get('name')} has no piece of nonzero slope")
    seg = next(p for p in reversed(ps) if p[2] != 0)
    return [
        {"id": "C1", "statement": "scalar output, hidden widths >= 2", "evidence": f"widths {widths}",
         "check": [{"kind": "scalar_output"}, {"kind": "hidden_widths_at_least", "min": 2}]},
        {"id": "C2", "statement": "activation affine with nonzero slope on an open interval, not affine",
         "evidence": f"{act.get('name')}: slope {fr(seg[2])} on ({'-inf' if seg[0] is None else fr(seg[0])}, {'+inf' if seg[1] is None else fr(seg[1])})",
         "check": {"kind": "affine_segment_not_affine"}},
        {"id": "C3", "statement": "target not affine on the data", "evidence": "the best affine fit has positive loss (affine_optimality)",
         "check": {"kind": "no_affine_fit"}},
    ]


ARB_LOSSES = ("logistic", "pseudo_huber")  # irrational risks: the layer-box route (claims/layer_box.py)


def certify_arb(data: Dataset, act: dict, loss: dict, widths: list, instance: str) -> dict:
    """A spurious local minimum theta* in a layer box: the network outputs the best affine fit under the
    logistic or pseudo-Huber loss (irrational in general), every neuron on one affine piece."""
    from symcert.claims.base import require_hypotheses
    from symcert.claims.layer_box import spurious_certificate
    if loss["kind"] not in ARB_LOSSES:
        raise HypothesisViolation(CLAIM_ID, "differentiable loss", f"the {loss['kind']} loss is not taken here "
                                  "(squared, absolute, huber:D, hinge, logistic, pseudo_huber:D)")
    hyps = check_hypotheses(data, act, widths)
    hyps[2] = dict(hyps[2], evidence="rank [X; 1; Y] > rank [X; 1]: no affine map interpolates the targets")
    hyps.append({"id": "C4", "statement": "the loss has a minimum over the affine maps (logistic: the data are not separable)",
                 "evidence": "the Krawczyk test finds the minimiser", "check": {"kind": "obligation_holds", "obligation": "layer_minimum_box"}})
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem (continuum of spurious local minima)", "statement": STATEMENT,
             "conclusion": "spurious_local_minimum_in_layer_box", "instance": instance, "hypotheses": hyps,
             "construction": {"member": "one point theta* in a layer box (the continuum is not certified under this loss)"}}
    pj = AM.problem_json(data, widths, act, loss)
    AM.parse(pj)  # labels that the loss does not take: one line naming the field (exit 2)
    require_hypotheses(CLAIM_ID, hyps[:3], pj)
    return spurious_certificate(claim, pj, act)


def certify(data: Dataset, act: dict, loss: dict, widths: list, instance: str, lam=None, shift=None,
            idle_bias=None, point=None, better=None, member: str = "") -> dict:
    if loss.get("kind") in ("logistic", "cross_entropy", "pseudo_huber"):
        return certify_arb(data, act, loss, widths, instance)
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem (continuum of spurious local minima)",
             "statement": STATEMENT, "conclusion": "spurious_local_minimum", "instance": instance,
             "hypotheses": check_hypotheses(data, act, widths),
             "construction": {"member": member or "generic: first-layer scale 2^-k fitting the piece (1 on unbounded pieces), least shift",
                              "lambda": fr(lam) if lam is not None else "auto", "shift": fr(shift) if shift is not None else "auto"}}
    return AM.certify(claim, data, widths, act, loss, lam=lam, shift=shift, idle_bias=idle_bias, point=point, better=better)


def certify_worked_paper() -> dict:
    doc = certify(rows(*WORKED), relu(), LOSSES["squared"], [1, 2, 2, 1],
                  "worked instance X = [0, 1, 2, 3], Y = [0, 1, 0, 1]; ReLU; the paper's points",
                  point=paper_point(), better=paper_better_point(), member="the paper's: lambda = 1, shift 1, idle biases 1")
    assert (doc["loss"], doc["better_loss"]) == (fr(WORKED_LOSS), fr(WORKED_BETTER_LOSS)), "the worked figures must be 2/5 and 699/1750"
    return doc


def certify_continuum() -> dict:
    """The whole continuum through the paper's point, as one certificate: the path
    eta -> A1 = [1/5, 0]^T, b1 = [1/5 + eta, 1], A2 = [[1, 0], [0, 0]], b2 = [0, 1], A3 = [1, 0],
    b3 = -eta (eta = 1 is the paper's point) keeps every neuron on ReLU's positive piece for
    eta > -1/5 and outputs the affine fit x/5 + 1/5 throughout; with the paper's better point
    every member is a spurious local minimum at risk 2/5."""
    from symcert import certificate as cert
    from symcert.checker.api import CONVEX_LEMMA as LEMMA
    from symcert.checker.api import RATIONAL
    from symcert.checker.api import VALLEY_POLY as POLY
    data = rows(*WORKED)
    widths = [1, 2, 2, 1]
    pj = AM.problem_json(data, widths, relu(), LOSSES["squared"])
    prob = AM.parse(pj)
    X, Y = AM.matrices(data)
    fit = AM.fit_for(prob, X, Y)
    point, better = paper_point(), paper_better_point()
    c = lambda *v: [fr(fmpq(t)) for t in v]  # noqa: E731  coefficients c0 + c1 eta
    path = {"W1": [[c(fmpq(1, 5))], [c(0)]], "b1": [c(fmpq(1, 5), 1), c(1)],
            "W2": [[c(1), c(0)], [c(0), c(0)]], "b2": [c(0), c(1)],
            "W3": [[c(1), c(0)]], "b3": [c(0, -1)]}
    obs = [{"id": "valley_path", "kind": "valley_path", "parameter": "eta", "at": "1", "interval": ["-1/5", None],
            "ends_at": ["-1/5"], "path": path, "multipliers": cert.mat_json(fit.multipliers), "rests_on": [RATIONAL, POLY, LEMMA]},
           {"id": "strictly_lower", "kind": "strictly_lower"}]
    claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "Theorem (continuum of spurious local minima)", "statement": STATEMENT,
             "conclusion": "continuum_of_spurious_local_minima",
             "instance": "worked instance X = [0, 1, 2, 3], Y = [0, 1, 0, 1]; ReLU; the continuum through the paper's point",
             "hypotheses": check_hypotheses(data, relu(), widths),
             "construction": {"path": "b1 = [1/5 + eta, 1], b3 = -eta, other parameters as the paper's point (eta = 1)",
                              "continuum": "eta in (-1/5, +inf)", "boundary": "at eta = -1/5 the first neuron's pre-activation on x = 0 is 0"}}
    return cert.document(claim, pj, point, kernel.risk(prob, point), obs, better, kernel.risk(prob, better))


MEMBERS = [  # (name, lambda, shift, idle bias): other members of the continuum on the worked instance
    ("shift3", fmpq(1), fmpq(3), None),
    ("scale1_2", fmpq(1, 2), fmpq(1), None),
    ("idle5", fmpq(1), fmpq(1), fmpq(5)),
]

SEEDED = [  # (seed, m, dx, widths, activation, loss)
    (21, 8, 2, [2, 2, 1], "hard_tanh", "squared"),
    (22, 10, 2, [2, 3, 2, 1], "relu6", "absolute"),
    (23, 7, 3, [3, 2, 2, 1], "relu", "squared"),
    (24, 9, 1, [1, 2, 1], "relu", "absolute"),
    (25, 8, 2, [2, 2, 2, 2, 1], "leaky", "huber"),
    (26, 9, 1, [1, 3, 3, 3, 3, 1], "hard_sigmoid", "squared"),
    (27, 10, 3, [3, 2, 2, 2, 1], "leaky", "absolute"),
    (28, 7, 2, [2, 3, 3, 1], "hard_sigmoid", "huber"),
]
SEEDED_ACTS = {"leaky": lambda: leaky_relu(fmpq(1, 10)), "hard_sigmoid": hard_sigmoid}
ARB_SEEDED = [  # (seed, m, dx, widths, activation, loss, delta): the layer-box route
    (51, 10, 2, [2, 3, 3, 1], "leaky", "logistic", None),
    (52, 9, 1, [1, 2, 2, 2, 1], "hard_sigmoid", "logistic", None),
    (53, 8, 2, [2, 3, 3, 1], "hard_sigmoid", "pseudo_huber", fmpq(1, 2)),
    (54, 9, 2, [2, 2, 2, 2, 1], "leaky", "pseudo_huber", fmpq(1)),
]


def arb_random_dataset(seed: int, m: int, dx: int, loss: str) -> Dataset:
    """As :func:`random_dataset`; logistic labels +-1 (seeded)."""
    data = random_dataset(seed, m, dx)
    if loss != "logistic":
        return data
    rng = random.Random(seed + 1000)
    return from_rows(data.inputs, [[fmpq(rng.choice((-1, 1)))] for _ in range(m)])


def random_dataset(seed: int, m: int, dx: int) -> Dataset:
    """Seeded random rational data: inputs k/4 (|k| <= 12), targets k/4 (|k| <= 8)."""
    rng = random.Random(seed)
    return from_rows([[fmpq(rng.randint(-12, 12), 4) for _ in range(dx)] for _ in range(m)],
                     [[fmpq(rng.randint(-8, 8), 4)] for _ in range(m)])


def instances() -> list:
    out = [Instance("thm-worked-paper-relu-squared", certify_worked_paper,
                    "the paper's worked instance and points: loss 2/5, better point 699/1750")]
    out.append(Instance("thm-worked-continuum-relu-squared", certify_continuum,
                        "the whole continuum through the paper's point as one valley_path, with the better point"))
    for name, lam, shift, idle in MEMBERS:
        out.append(Instance(
            f"thm-worked-member-{name}-relu-squared",
            lambda lam=lam, shift=shift, idle=idle, name=name: certify(
                rows(*WORKED), relu(), LOSSES["squared"], [1, 2, 2, 1],
                f"worked instance; ReLU; another member of the continuum (lambda = {fr(lam)}, shift = {fr(shift)}"
                + (f", idle biases {fr(idle)})" if idle is not None else ")"),
                lam=lam, shift=shift, idle_bias=idle, member=name),
            f"continuum member {name}"))
    for widths in ([1, 2, 1], [1, 2, 2, 1]):
        for an in ACTS:
            for ln in ("squared", "absolute"):
                out.append(Instance(
                    f"thm-worked-d{len(widths) - 1}-{an}-{ln}",
                    lambda widths=widths, an=an, ln=ln: certify(
                        rows(*WORKED), ACTS[an](), LOSSES[ln], widths,
                        f"worked data X = [0, 1, 2, 3], Y = [0, 1, 0, 1]; {an}; {ln} loss; widths {widths}"),
                    f"worked data, {an}, {ln}, widths {widths}"))
    for seed, m, dx, widths, an, ln in SEEDED:
        out.append(Instance(
            f"thm-random-s{seed}-m{m}-dx{dx}-d{len(widths) - 1}-{an}-{ln}",
            lambda seed=seed, m=m, dx=dx, widths=widths, an=an, ln=ln: certify(
                random_dataset(seed, m, dx), {**ACTS, **SEEDED_ACTS}[an](), LOSSES[ln], widths,
                f"seeded random data: seed {seed}, m = {m}, dx = {dx}; {an}; {ln} loss; widths {widths}"),
            f"seed {seed}, {an}, {ln}, widths {widths}"))
    for seed, m, dx, widths, an, ln, delta in ARB_SEEDED:
        tag = ln.replace("_", "-") + (f"-{fr(delta).replace('/', '_')}" if delta is not None else "")
        out.append(Instance(
            f"thm-random-s{seed}-m{m}-dx{dx}-d{len(widths) - 1}-{an}-{tag}",
            lambda seed=seed, m=m, dx=dx, widths=widths, an=an, ln=ln, delta=delta: certify(
                arb_random_dataset(seed, m, dx, ln), SEEDED_ACTS[an](), AM.loss_spec(ln, delta), widths,
                f"seeded random data: seed {seed}, m = {m}, dx = {dx}; {an}; {ln} loss"
                + (f" (delta {fr(delta)})" if delta is not None else "") + f"; widths {widths}; layer-box route"),
            f"seed {seed}, {an}, {ln}, widths {widths} (layer-box route)"))
    return out


def certify_data(data: Dataset, options: dict) -> dict:
    depth, hidden = options.get("depth", 2), options.get("hidden", 2)
    if depth < 2:
        raise InputError("--depth", None, depth, "depth (number of weight layers) must be at least 2")
    widths = [data.dx] + [hidden] * (depth - 1) + [data.dy]
    loss = options.get("loss") or AM.loss_spec("squared")
    return certify(data, AM.require_piecewise_linear(CLAIM_ID, options["activation"]), loss, widths, options.get("instance", "user data"))


CLAIM = Claim(CLAIM_ID, PAPER, "activation with an affine segment, widths >= 2: a continuum of spurious local minima",
              instances, certify_data,
              {"--activation": "relu | hard_tanh | relu6 | hard_sigmoid | leaky_relu:S | abs | pl:SL;T1=V1,...;SR",
               "--loss": "squared | absolute | huber:DELTA | hinge | logistic | pseudo_huber:DELTA (default squared; "
                         "the last two by the layer-box route: one spurious minimum in a box)",
               "--hidden N": "width of every hidden layer (default 2)", "--depth L": "number of weight layers (default 2)"})
