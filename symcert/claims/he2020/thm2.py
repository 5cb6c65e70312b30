"""He, Wang, Tao (ICLR 2020), Theorem 2 (claim ``he2020.thm2``): inside a cell the network output
is multilinear in the layers' parameters, certified per instance by exact polynomial expansion
(obligation ``cell_multilinear``)."""
from __future__ import annotations

import random

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import kernel
from symcert.checker.api import MULTILINEAR_POLY as MPOLY
from symcert.checker.api import RATIONAL
from symcert.checker.api import parse_problem
from symcert.claims import constructions as AM
from symcert.claims.base import Claim, Instance
from symcert.claims.he2020.common import ACTS, PAPER, THM2, WORKED, rows
from symcert.claims.he2020.valley import valley_point
from symcert.errors import HypothesisViolation, InputError
from symcert.inputs.activations import parse_activation, relu
from symcert.inputs.data import Dataset, from_rows


def certify_thm2(data: Dataset, act: dict, widths: list, point: dict, instance: str, loss=None) -> dict:
    loss = loss or AM.loss_spec("squared")
    pj = AM.problem_json(data, widths, act, loss)
    prob = AM.parse(pj)
    pre, _, _ = kernel.forward(prob, point)
    if kernel.kinks(prob, pre):
        raise HypothesisViolation("he2020.thm2", "cell interior", f"{instance}: the point lies on a cell boundary; Theorem 2 is about cell interiors")
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


CLAIM = Claim("he2020.thm2", PAPER, "inside a cell the output is multilinear in the layers' parameters (per instance)",
              thm2_instances)
