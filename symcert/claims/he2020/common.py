"""He, Wang, Tao (ICLR 2020): what the paper's claim modules share (paper, statements, data,
activations and losses of the instances, the paper's |x| better point)."""
from __future__ import annotations

import random

from flint import fmpq, fmpq_mat

from symcert.claims import constructions as AM
from symcert.exact.rationals import format_rational as fr
from symcert.inputs.activations import hard_tanh, leaky_relu, relu, relu6, relu_like_slopes
from symcert.inputs.data import Dataset, from_rows
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


def abs_network(act: dict, widths: list) -> dict | None:
    """The paper's better point for one hidden layer and a ReLU-like activation:
    W1 = (1, -1), b1 = 0, W2 = (k, k), k = 1/(s+ - s-), b2 = 0 computes |x| exactly."""
    slopes = relu_like_slopes(act)
    if slopes is None or widths != [1, 2, 1]:
        return None
    k = 1 / (slopes[0] - slopes[1])
    return {"W1": fmpq_mat(2, 1, [1, -1]), "b1": fmpq_mat(2, 1), "W2": fmpq_mat(1, 2, [k, k]), "b2": fmpq_mat(1, 1)}


def piece_text(act: dict) -> str:
    p = carrier_piece(act)
    lo = "-inf" if p.lo is None else fr(p.lo)
    hi = "+inf" if p.hi is None else fr(p.hi)
    return f"({lo}, {hi}), slope {fr(p.slope)}, intercept {fr(p.intercept)}"
