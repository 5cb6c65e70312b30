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
from symcert.claims.he2020.common import ACTS, LOSSES, PAPER, THM1, WORKED, abs_network, piece_text, random_dataset, rows
from symcert.claims.he2020.valley import certify_valley
from symcert.errors import InputError
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.data import Dataset


def certify_thm1(data: Dataset, act: dict, loss: dict, widths: list, instance: str, eta=None, better: str = "search") -> dict:
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


OPTIONS = {"--activation": "relu | leaky_relu:S | relu_like:SP,SM | abs | hard_tanh | relu6 | hard_sigmoid | pl:SL;T1=V1,...;SR",
           "--loss": "squared | absolute | huber:DELTA | hinge (default squared)",
           "--hidden N": "width of every hidden layer (default 2; >= dy + 1)",
           "--depth L": "number of weight layers (default 2)"}

CLAIM = Claim("he2020.thm1", PAPER, "any depth, any piecewise-linear activation, convex losses: spurious local minima",
              thm1_instances, certify_thm1_data, OPTIONS)
