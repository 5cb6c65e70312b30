"""Petzka & Sminchisescu (JMLR 22(143), 2021): what the paper's claim modules share: the paper,
the certified smooth one-hidden-layer instances (sigmoid and tanh, u = ln p, b1 = ln c, so every
activation value is rational), B^r, the split point, and the ledger-filling pass."""
from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from symcert.claims import constructions as SC

PAPER = ("Petzka, Sminchisescu, 'Non-attracting regions of local minima in deep and wide neural networks', "
         "JMLR 22(143), 2021")

# ---- certified instances -------------------------------------------------------------------

# The biased analogue: x = -1..5, f(x) = sigma(x ln 2 + 2 ln 2) (u = ln 2, b1 = 2 ln 2, v = 1,
# b2 = 0); labels y = f - r with r orthogonal to the four gradient features (1, sigma, sigma',
# x sigma'), chosen so that B^r is positive definite and the small network's Hessian is too.
SIG_X = (-1, 0, 1, 2, 3, 4, 5)
SIG_Y = (Fraction(9516733354, 14178825375), Fraction(28974388, 37810201), Fraction(41853806212, 42536476125),
         Fraction(70325543988, 80346677125), Fraction(127, 165), Fraction(18, 13), Fraction(511, 645))


# The tanh instance, found the same way: x in {-3, ..., 3, 5}, f(x) = tanh(x ln 2 - 2 ln 2)
# (u = ln 2, b1 = -2 ln 2 = ln(1/4): tanh((x - 2) ln 2) = (4^(x-2) - 1) / (4^(x-2) + 1)).
TANH_X = (-3, -2, -1, 0, 1, 2, 3, 5)
TANH_Y = (Fraction(145409573, 1049600), Fraction(-289873681, 1315840), Fraction(767477, 8320), Fraction(-15699, 1088),
          Fraction(-4, 5), Fraction(2, 5), Fraction(1, 2), Fraction(63, 65))


class SmoothInstance(NamedTuple):
    """A one-hidden-layer smooth instance f(x) = v h(u x + b1) + b2 with u = ln p, b1 = ln c
    (p, c positive rationals, integer inputs): e^{u x + b1} = c p^x, so every h value is rational."""
    act: str
    X: tuple
    Y: tuple
    u: str  # exact-real text of u = ln p
    b1: str  # exact-real text of b1 = ln c
    p: Fraction
    c: Fraction
    v: Fraction = Fraction(1)
    b2: Fraction = Fraction(0)


SMOOTH = {"sigmoid": SmoothInstance("sigmoid", SIG_X, SIG_Y, "log(2)", "2*log(2)", Fraction(2), Fraction(4)),
          "tanh": SmoothInstance("tanh", TANH_X, TANH_Y, "log(2)", "-2*log(2)", Fraction(2), Fraction(1, 4))}


def _inst(act) -> SmoothInstance:
    return act if isinstance(act, SmoothInstance) else SMOOTH[act]


def _hd(name: str, E: Fraction) -> tuple:
    """(h, h', h'') at a pre-activation n with e^n = E, exactly."""
    if name == "sigmoid":
        h = E / (1 + E)
        return h, h * (1 - h), h * (1 - h) * (1 - 2 * h)
    h = (E * E - 1) / (E * E + 1)
    return h, 1 - h * h, -2 * h * (1 - h * h)


def _h(act, x: int) -> tuple:
    """(h, h'') at x u + b1, exactly: e^z = c p^x."""
    S = _inst(act)
    h, _, e = _hd(S.act, S.c * S.p ** x)
    return h, e


def _smooth_problem(width: int, act="sigmoid") -> dict:
    S = _inst(act)
    return SC.smooth_problem_json([1, width, 1], SC.smooth_activation(S.act), [[x] for x in S.X], list(S.Y))


def _small(act="sigmoid") -> dict:
    S = _inst(act)
    return {"W1": [[S.u]], "b1": [S.b1], "W2": [[SC.real_text(S.v)]], "b2": [SC.real_text(S.b2)]}


SMALL = _small("sigmoid")


def b_matrix(act="sigmoid") -> tuple:
    """B^r = sum_a r_a v h''(n_a) (x_a, 1)(x_a, 1)^T at the small point, exactly (rational)."""
    B = [[Fraction(0)] * 2 for _ in range(2)]
    S = _inst(act)
    for x, y in zip(S.X, S.Y):
        s, e = _h(S, x)
        res = S.v * s + S.b2 - y
        xt = (x, 1)
        for i in range(2):
            for j in range(2):
                B[i][j] += res * S.v * e * xt[i] * xt[j]
    return tuple(tuple(row) for row in B)


def _definite(B) -> str:
    if B[0][0] * B[1][1] - B[0][1] ** 2 > 0:
        return "positive" if B[0][0] > 0 else "negative"
    return "indefinite"


def _split_point_json(lam: Fraction, act="sigmoid") -> dict:
    S = _inst(act)
    return {"W1": [[S.u], [S.u]], "b1": [S.b1, S.b1],
            "W2": [[SC.real_text((1 - lam) * S.v), SC.real_text(lam * S.v)]], "b2": [SC.real_text(S.b2)]}
