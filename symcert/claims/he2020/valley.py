"""He, Wang, Tao (ICLR 2020), Theorems 3-4 (claim ``he2020.valley``): one hidden layer: an exact
path of constant risk through local minima, certified as an identity in the path parameter
(obligation ``valley_path``), with the parameter value where the valley meets the cell boundary.
With the paper's |x| point the same valley is a continuum of spurious local minima (he2020.thm1)."""
from __future__ import annotations

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import kernel
from symcert.checker.api import CONVEX_LEMMA as LEMMA
from symcert.checker.api import RATIONAL
from symcert.checker.api import VALLEY_POLY as UPOLY
from symcert.checker.api import parse_problem
from symcert.claims import constructions as AM
from symcert.claims.base import Claim, Instance
from symcert.claims.he2020.common import ACTS, LOSSES, PAPER, THM1, VALLEY, WORKED, abs_network, piece_text, rows
from symcert.exact.rationals import format_rational as fr
from symcert.provers.embed import carrier_piece


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
             "construction": {"affine_optimum": fr(c), "carrier_piece": piece_text(act),
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


CLAIM = Claim("he2020.valley", PAPER, "one hidden layer: an exact valley of constant risk through local minima",
              valley_instances)
