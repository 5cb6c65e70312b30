"""Petzka & Sminchisescu (2021), Sec. 5 (claim ``petzka2021.escape``): a local minimum on a split
line is non-attracting; the certificate is a non-increasing path from it to strictly lower risk."""
from __future__ import annotations

from fractions import Fraction

from symcert.checker.api import parse_point
from symcert.checker.api import parse_problem
from symcert import certificate
from symcert.claims import constructions as SC
from symcert.claims.base import Claim, Instance
from symcert.claims.petzka2021.common import PAPER, SMOOTH, _small, _smooth_problem, _split_point_json, b_matrix


CLAIM_ID = "petzka2021.escape"
STATEMENT = ("A local minimum on a split line is non-attracting: along the line the risk is constant up to a "
             "saddle (lambda outside [0, 1]), from which it strictly decreases; every neighbourhood of the minimum "
             "holds the start of a non-increasing path to strictly lower risk.")


def _signed(q: Fraction) -> str:
    return f"+{SC.real_text(q)}" if q >= 0 else f"-{SC.real_text(-q)}"


def escape(lam0: Fraction = Fraction(1, 2), lam1: Fraction = Fraction(2), act: str = "sigmoid", with_line: bool = False) -> dict:
    """The path: split line from lam0 to lam1 (constant risk), then u_r = ln(2 + 2 (-lam1) t),
    u_copy = ln(2 + 2 (1 - lam1) t) (the paper's u1 = ln(2(1 - t)), u2 = ln(2(1 - 2t)) at
    lam1 = 2), other parameters fixed; the first t_end the checker accepts is used. With
    ``with_line``, a straight segment along the path's tangent follows, certified by rigorous
    interval subdivision (transcendental risk)."""
    wide = _smooth_problem(2, act)
    small_obs = [{"id": "smooth_gradient_zero", "kind": "smooth_gradient_zero"},
                 {"id": "neuron_split", "kind": "neuron_split", "layer": 1, "neuron": 1, "lambda": SC.real_text(lam0), "source": _small(act)},
                 {"id": "split_local_minimum", "kind": "split_local_minimum", "layer": 1, "neuron": 1}]
    ab = [[[2, 2 * (-lam1)]], [[2, 2 * (1 - lam1)]]]
    prob = parse_problem(wide)
    from symcert.checker.api import Evaluator
    risk = Evaluator(prob).risk(parse_point(_split_point_json(lam0, act), prob, "point"))
    loss = Fraction(int(risk.p), int(risk.q))

    def build(T: Fraction, line=None) -> dict:
        seg = {"kind": "log_affine", "t_end": SC.real_text(T), "W1": [[[SC.real_text(a), SC.real_text(b)] for a, b in row] for row in ab],
               "b1": [SC.real_text(SMOOTH[act].c)] * 2}
        segments = [{"kind": "split_line", "layer": 1, "neuron": 1, "to": SC.real_text(lam1)}, seg]
        ends = [a + b * T for row in ab for a, b in row]
        w1 = [f"log({SC.real_text(e)})" for e in ends]
        info = {"path": {"split_line": {"from": SC.real_text(lam0), "to": SC.real_text(lam1)},
                         "decreasing": f"u_r = ln({SC.real_text(ab[0][0][0])} + {SC.real_text(ab[0][0][1])} t), "
                                       f"u_copy = ln({SC.real_text(ab[1][0][0])} + {SC.real_text(ab[1][0][1])} t), t in [0, {SC.real_text(T)}]"},
                "B_r": [[SC.real_text(v) for v in row] for row in b_matrix(act)]}
        if line is not None:
            T2, pieces = line
            tangent = [b / (a + b * T) for row in ab for a, b in row]  # d/dt ln(a + b t) at T
            segments.append({"kind": "line", "t_end": SC.real_text(T2), "pieces": pieces,
                             "direction": {"W1": [[SC.real_text(v)] for v in tangent], "b1": ["0", "0"], "W2": [["0", "0"]], "b2": ["0"]}})
            w1 = [f"{w}{_signed(T2 * v)}" for w, v in zip(w1, tangent)]
            info["path"]["line"] = f"straight along the tangent for t in [0, {SC.real_text(T2)}], {pieces} arb subintervals"
        better = {"W1": [[w] for w in w1], "b1": [SMOOTH[act].b1] * 2,
                  "W2": [[SC.real_text(1 - lam1), SC.real_text(lam1)]], "b2": ["0"]}
        claim = {"id": CLAIM_ID, "paper": PAPER, "theorem": "non-attracting regions of local minima (Sec. 5)",
                 "statement": STATEMENT, "conclusion": "non_attracting_minimum",
                 "instance": f"{act}, biased analogue of the worked instance: minimum at lambda = {SC.real_text(lam0)}, "
                             f"constant to lambda = {SC.real_text(lam1)}, then decreasing", "construction": info}
        path = {"id": "escape_path", "kind": "escape_path", "segments": segments}
        obs = [dict(o) for o in small_obs] + [path, {"id": "smooth_strictly_lower", "kind": "smooth_strictly_lower"}]
        return certificate.fill_ledgers(certificate.document(claim, wide, _split_point_json(lam0, act), loss, obs, better), strict=True)

    last = None
    for T in (Fraction(1, 10), Fraction(1, 20), Fraction(1, 50), Fraction(1, 100), Fraction(1, 1000)):
        try:
            doc = build(T)
        except AssertionError as exc:
            last = exc
            continue
        if not with_line:
            return doc
        for line in ((Fraction(1, 40), 8), (Fraction(1, 40), 64), (Fraction(1, 100), 16), (Fraction(1, 100), 256)):
            try:
                return build(T, line)
            except AssertionError as exc:
                last = exc
        raise last
    raise last


def instances() -> list:
    return [Instance("escape-sigmoid", lambda: escape(), "sigmoid split minimum at lambda = 1/2: non-attracting (path to lower risk)"),
            Instance("escape-sigmoid-line", lambda: escape(with_line=True),
                     "as escape-sigmoid, then a straight segment certified by rigorous interval subdivision"),
            Instance("escape-tanh", lambda: escape(Fraction(1, 3), Fraction(3), act="tanh"),
                     "tanh split minimum at lambda = 1/3: non-attracting (path to lower risk)")]


CLAIM = Claim(CLAIM_ID, PAPER, "split local minima are non-attracting: a certified non-increasing path to lower risk",
              instances)
