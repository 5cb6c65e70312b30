"""He, Wang, Tao (ICLR 2020), Theorem 1 (claim ``he2020.thm1``): spurious local minima for any
depth and any piecewise-linear activation, under squared, absolute, Huber (and hinge) losses: the
local minimum outputs the best affine fit with every neuron on one affine piece; a bending feature
on a spare neuron lowers the risk. Points strictly inside one cell; the boundary point of the
paper's valley is handled by the kink engine (claim ``he2020.kink``). See docs/papers/he2020.md.
"""
from __future__ import annotations

from flint import fmpq

from symcert.claims import constructions as AM
from symcert.claims.base import Claim, Instance, require_hypotheses
from symcert.claims.he2020.common import (ACTS, LOSSES, PAPER, SPREAD_ACTS, THM1, WORKED, abs_network, piece_text, random_dataset,
                                         rows)
from symcert.claims.he2020.valley import certify_valley
from symcert.errors import InputError
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.data import Dataset


def certify_thm1(data: Dataset, act: dict, loss: dict, widths: list, instance: str, eta=None, better: str = "search") -> dict:
    if loss["kind"] in ("logistic", "cross_entropy"):
        return certify_thm1_arb(data, act, loss, widths, instance)
    claim = {"id": "he2020.thm1", "paper": PAPER, "theorem": "Theorem 1", "statement": THM1,
             "conclusion": "spurious_local_minimum", "instance": instance,
             "hypotheses": [
                 {"id": "H1", "statement": "activation piecewise linear, not linear", "evidence": f"{act.get('name')}: {len(act['breakpoints'])} breakpoint(s)",
                  "check": {"kind": "piecewise_linear_not_affine"}},
                 {"id": "H2", "statement": "hidden widths >= dy + 1", "evidence": f"widths {widths}", "check": {"kind": "hidden_widths_exceed_output"}},
                 {"id": "H3", "statement": "loss convex in the output", "evidence": f"{loss['kind']} loss", "check": {"kind": "loss_convex"}},
             ],
             "construction": {"eta": fr(eta) if eta is not None else "least shift keeping the carrier neurons 1 inside the piece",
                              "carrier_piece": piece_text(act)}}
    require_hypotheses("he2020.thm1", claim["hypotheses"], AM.problem_json(data, widths, act, loss))
    bp = abs_network(act, widths) if better == "abs" else None
    return AM.certify(claim, data, widths, act, loss, lam=fmpq(1) if eta is not None else None, shift=eta, better=bp)


def certify_thm1_arb(data: Dataset, act: dict, loss: dict, widths: list, instance: str) -> dict:
    """The logistic and cross-entropy losses: the minimiser is transcendental, so the certificate is about the point
    theta* near the rational point that differs from it only in the output layer (claims/layer_box.py)."""
    from symcert.claims.layer_box import he2020_certificate
    claim = {"id": "he2020.thm1", "paper": PAPER, "theorem": "Theorem 1", "statement": THM1,
             "conclusion": "spurious_local_minimum_in_layer_box", "instance": instance,
             "hypotheses": [
                 {"id": "H1", "statement": "activation piecewise linear, not linear", "evidence": f"{act.get('name')}",
                  "check": {"kind": "piecewise_linear_not_affine"}},
                 {"id": "H2", "statement": "hidden widths >= dy + 1", "evidence": f"widths {widths}", "check": {"kind": "hidden_widths_exceed_output"}},
                 {"id": "H3", "statement": "loss convex in the output", "evidence": f"{loss['kind']} loss", "check": {"kind": "loss_convex"}},
                 {"id": "H4", "statement": "the loss has a minimum over the affine maps (the data are not separable)",
                  "evidence": "the Krawczyk test finds the minimiser", "check": {"kind": "obligation_holds", "obligation": "layer_minimum_box"}},
             ],
             "construction": {"carrier_piece": piece_text(act)}}
    pj = AM.problem_json(data, widths, act, loss)
    AM.parse(pj)  # labels that the loss does not take: one line naming the field (exit 2)
    require_hypotheses("he2020.thm1", claim["hypotheses"][:3], pj)
    return he2020_certificate(claim, pj, act)


THM1_ARB = [  # (seed, m, dx, dy, widths, activation, loss): logistic and cross-entropy, by the layer-box route
    (41, 8, 1, 1, [1, 2, 1], "relu", "logistic"),
    (42, 10, 2, 1, [2, 3, 3, 1], "leaky", "logistic"),
    (44, 12, 3, 1, [3, 4, 4, 4, 1], "hard_tanh", "logistic"),
    (43, 9, 2, 3, [2, 4, 3], "relu", "cross_entropy"),
    (45, 12, 2, 2, [2, 3, 3, 3, 2], "relu6", "cross_entropy"),
    (46, 10, 2, 1, [2, 2, 2, 1], "hard_sigmoid", "logistic"),  # hidden width dy + 1 < dx + 1: first-layer variables
    (47, 14, 3, 2, [3, 3, 2], "abs", "cross_entropy"),
]


def _labelled(seed: int, m: int, dx: int, dy: int, loss: str):
    from symcert.claims.layer_box import labelled_dataset  # numpy-backed fits: imported only when built
    return labelled_dataset(seed, m, dx, dy, loss)


THM1_SEEDED = [  # (seed, m, dx, widths, activation, loss)
    (1, 6, 1, [1, 3, 1], "relu", "squared"),
    (2, 8, 2, [2, 3, 3, 1], "hard_tanh", "absolute"),
    (3, 7, 2, [2, 2, 2, 2, 1], "relu6", "huber"),
    (4, 10, 3, [3, 4, 3, 1], "leaky", "squared"),
    (5, 8, 2, [2, 3, 1], "relu", "hinge"),
    (6, 9, 2, [2, 2, 2, 1], "hard_tanh", "hinge"),
]


# (seed, m, dx, dy, widths, activation, loss): a seeded spread of sizes, outputs, depths 2-5,
# widths and activations (replacing the near-duplicate worked instances on the 3-point data)
THM1_SPREAD = [
    (21, 6, 1, 2, [1, 3, 2], "relu", "squared"),
    (22, 8, 2, 2, [2, 3, 3, 2], "hard_tanh", "absolute"),
    (23, 9, 3, 3, [3, 4, 3], "leaky", "huber"),
    (24, 7, 2, 1, [2, 2, 2, 2, 2, 1], "relu6", "squared"),
    (25, 10, 2, 2, [2, 3, 3, 3, 3, 2], "relu", "huber"),
    (26, 6, 1, 1, [1, 2, 3, 2, 1], "hard_sigmoid", "absolute"),
    (27, 8, 2, 3, [2, 4, 4, 3], "abs", "squared"),
    (28, 12, 4, 2, [4, 3, 2], "relu_like", "squared"),
    (29, 9, 2, 1, [2, 3, 3, 3, 1], "hat", "huber"),
    (30, 5, 1, 1, [1, 2, 2, 2, 2, 1], "leaky", "absolute"),
    (31, 8, 3, 2, [3, 3, 3, 2], "relu6", "absolute"),
    (32, 10, 2, 4, [2, 5, 4], "relu", "squared"),
    (33, 6, 2, 2, [2, 3, 3, 3, 2], "hard_sigmoid", "huber"),
    (34, 7, 2, 1, [2, 3, 2, 1], "abs", "hinge"),
]


def thm1_instances() -> list:
    out = []
    for an in ("relu", "leaky"):  # the paper's points on its worked data (eta = 1, better point |x|)
        for ln in ("squared", "absolute", "huber"):
            out.append(Instance(
                f"thm1-worked-d2-{an}-{ln}",
                lambda an=an, ln=ln: certify_thm1(
                    rows(*WORKED), ACTS[an](), LOSSES[ln], [1, 2, 1],
                    f"worked instance X = (-1, 0, 1), Y = (1, 0, 1); {an}; {ln} loss; widths [1, 2, 1]"
                    "; the paper's points (eta = 1, better point computes |x|)", eta=fmpq(1), better="abs"),
                f"worked data, depth 2, {an}, {ln}"))
    for seed, m, dx, dy, widths, an, ln in THM1_SPREAD:
        data = (lambda seed=seed, m=m, dx=dx, dy=dy, ln=ln: random_dataset(seed, m, dx, "pm1" if ln == "hinge" else "real", dy))
        out.append(Instance(
            f"thm1-spread-s{seed}-m{m}-dx{dx}-dy{dy}-d{len(widths) - 1}-{an}-{ln}",
            lambda data=data, an=an, ln=ln, widths=widths, seed=seed, m=m, dx=dx, dy=dy: certify_thm1(
                data(), SPREAD_ACTS[an](), LOSSES[ln], widths,
                f"seeded random data: seed {seed}, m = {m}, dx = {dx}, dy = {dy}; {an}; {ln} loss; widths {widths}"),
            f"seed {seed}, dy = {dy}, {an}, {ln}, widths {widths}"))
    for seed, m, dx, dy, widths, an, ln in THM1_ARB:
        out.append(Instance(
            f"thm1-{ln.replace('_', '-')}-s{seed}-m{m}-dx{dx}-dy{dy}-d{len(widths) - 1}-{an}",
            lambda an=an, ln=ln, widths=widths, seed=seed, m=m, dx=dx, dy=dy: certify_thm1(
                _labelled(seed, m, dx, dy, ln), SPREAD_ACTS[an](), {"kind": ln}, widths,
                f"seeded random data: seed {seed}, m = {m}, dx = {dx}, dy = {dy}; {an}; {ln} loss; widths {widths}"),
            f"seed {seed}, {an}, {ln} loss (layer-box route), widths {widths}"))
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
    return certify_thm1(data, AM.require_piecewise_linear("he2020.thm1", options["activation"]), loss, _widths(data, options), options.get("instance", "user data"))


OPTIONS = {"--activation": "relu | leaky_relu:S | relu_like:SP,SM | abs | hard_tanh | relu6 | hard_sigmoid | pl:SL;T1=V1,...;SR",
           "--loss": "squared | absolute | huber:DELTA | hinge | logistic | cross_entropy (default squared)",
           "--hidden N": "width of every hidden layer (default 2; >= dy + 1)",
           "--depth L": "number of weight layers (default 2)"}

CLAIM = Claim("he2020.thm1", PAPER, "any depth, any piecewise-linear activation, convex losses: spurious local minima",
              thm1_instances, certify_thm1_data, OPTIONS)
