"""He, Wang, Tao (ICLR 2020), worked instance at the end of its valley (claim ``he2020.kink``).

The valley of local minima W1 = (0, 0), b1 = (2/3 + eta, 1), W2 = (1, 0), b2 = -eta ends at
eta = -2/3, where the first neuron sits on its kink on every sample; there the point is NOT a
local minimum (REFUTED by a descent curve of the kink engine, see docs/kinks.md).
"""
from __future__ import annotations

from flint import fmpq

from symcert.claims.base import Claim, Instance
from symcert.claims.constructions import certify_point, text_problem_json
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.activations import leaky_relu, relu

HE2020 = "He, Wang, Tao, 'Piecewise linear activations substantially shape the loss surfaces of neural networks', ICLR 2020"

HE_X, HE_Y = ["-1", "0", "1"], ["1", "0", "1"]


def valley_point(eta: str) -> dict:
    e = fmpq(*(int(p) for p in eta.split("/"))) if "/" in eta else fmpq(int(eta))
    return {"W1": [["0"], ["0"]], "b1": [fr(fmpq(2, 3) + e), "1"], "W2": [["1", "0"]], "b2": [fr(-e)]}


def instance(act: dict, label: str) -> dict:
    claim = {"id": "he2020.kink", "paper": HE2020, "theorem": "Theorem 1 worked instance, end of the valley",
             "statement": "At eta = -2/3 (the end of the valley eta > -2/3) the first hidden neuron is on its kink on "
                          "every sample; the point is not a local minimum.",
             "instance": f"X = (-1, 0, 1), Y = (1, 0, 1), width 2, {label}, eta = -2/3",
             "construction": {"eta": "-2/3"}}
    doc, _ = certify_point(text_problem_json([1, 2, 1], act, HE_X, HE_Y), valley_point("-2/3"), claim)
    return doc


def instances() -> list:
    return [
        Instance("kink-valley-end-relu", lambda: instance(relu(), "ReLU"), "eta = -2/3, ReLU: REFUTED (descent curve)"),
        Instance("kink-valley-end-leaky", lambda: instance(leaky_relu(fmpq(1, 2)), "leaky ReLU s- = 1/2"),
                 "eta = -2/3, leaky ReLU 1/2: REFUTED (descent curve)"),
    ]


CLAIM = Claim("he2020.kink", HE2020, "valley end eta = -2/3 of the worked instance (kink on every sample): not a local minimum",
              instances)
