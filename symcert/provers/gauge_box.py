"""Deep piecewise-linear networks by the box route, with a gauge for the positive rescaling
symmetry of each hidden neuron (untrusted generator; the argument is in checker/gauge.py).

Inside the activation cell of the float point the risk is a polynomial in the parameters, but
every critical point lies on a manifold of rescalings (W_l[j,:], b_l[j] times a > 0, W_{l+1}[:, j]
divided by a), so the Hessian is singular and the Krawczyk test cannot hold in all coordinates.
For each hidden neuron the outgoing weight of largest magnitude at the float point is held at its
(exact, dyadic) float value; Newton's method (after a Levenberg-Marquardt walk if needed), the
Krawczyk test and the interval LDL^T run on the other coordinates. The answer is a local minimum
(strict on the gauge slice, not strict in all coordinates: its rescalings have the same risk), a
saddle, or UNKNOWN with the reason.
"""
from __future__ import annotations

from symcert.checker.api import balls as B
from symcert.checker.api import gauge as G
from symcert.checker.api import krawczyk as CK
from symcert.checker.verdict import Verdict
from symcert.provers import krawczyk as K
from symcert.provers import refine as R

STATEMENT = ("exactly one critical point of the training risk lies in the box of radius r around the centre on the slice "
             "where the gauge coordinates keep their centre values; it is a strict minimum on that slice, hence a local "
             "minimum of the risk (or a saddle), and its risk lies in the loss enclosure")


def choose_gauge(prob, c0: list) -> tuple:
    """(gauge coordinate names, None) or (None, reason): for each hidden neuron its outgoing weight
    of largest magnitude at c0, which must be non-zero."""
    names = G.coordinate_names(prob)
    index = {n: i for i, n in enumerate(names)}
    gauge = []
    for l in range(1, prob.depth):
        for j in range(1, prob.widths[l] + 1):
            rows = [f"W{l + 1}[{i},{j}]" for i in range(1, prob.widths[l + 1] + 1)]
            best = max(rows, key=lambda n: abs(c0[index[n]]))
            if c0[index[best]] == 0:
                return None, (f"neuron {j} of layer {l} has every outgoing weight 0: its incoming weights do not change "
                              f"the risk (singular Hessian, no gauge fixes it)")
            gauge.append(best)
    return gauge, None


def certify_gauged(pj: dict, prob, c0: list, name: str, max_distance) -> tuple:
    """(Verdict, certificate or None, message) for the exact float point c0 (flat, coordinate order)."""
    if prob.loss != "squared":
        return Verdict.UNKNOWN, None, f"the {prob.loss} loss is not covered by the box route for deep networks (squared loss only)"
    if not G.homogeneous(prob.act):
        return Verdict.UNKNOWN, None, ("the activation is not positively homogeneous (a piece with an intercept, or a breakpoint "
                                       "other than 0), so the rescaling gauge of deep networks does not apply")
    net = B.Net(tuple(prob.widths), "piecewise_linear", B.piecewise_linear(prob.act), prob.X, prob.Y)
    limit = B.limits(net, K.PRECISIONS[0])
    if limit:
        return Verdict.UNKNOWN, None, f"limit reached: {limit}"
    gauge, why = choose_gauge(prob, c0)
    if gauge is None:
        return Verdict.UNKNOWN, None, why
    index = {n: i for i, n in enumerate(G.coordinate_names(prob))}
    red = R.Reduced(net, c0, frozenset(index[n] for n in gauge))
    found, why = K.locate(red, [c0[i] for i in red.free], max_distance)
    if found is None:
        return Verdict.UNKNOWN, None, f"{why} (gauge: {len(gauge)} outgoing weights held fixed{linear_blocks(net, c0)})"
    c, *rest = found
    full = list(c0)
    for i, x in zip(red.free, c):
        full[i] = x
    verdict, doc, msg = K._finish(net, prob, pj, full, *rest, None, 0, 0, name, expand=red.expand)
    if doc is not None:
        for ob in doc["obligations"]:
            if ob["kind"] in ("krawczyk_box", "hessian_definite_box"):
                ob["rests_on"].append(CK.GAUGE)
        doc["rests_on"] = list(dict.fromkeys(x for ob in doc["obligations"] for x in ob["rests_on"]))
        doc["gauge"] = gauge
        doc["claim"]["statement"] = STATEMENT
        if doc["claim"]["conclusion"] == "strict_local_minimum_in_box":
            doc["claim"]["conclusion"] = "local_minimum_in_box"
            msg = msg.replace("strict local minimum", "local minimum (strict on the gauge slice)")
        msg += f"; gauge: {', '.join(gauge)} held at their float values"
    return verdict, doc, msg


def linear_blocks(net, c0: list) -> str:
    """"; k neurons of layer l ..." when two or more neurons of a hidden layer lie in one linear piece
    on every sample at c0: mixing them by any invertible k x k matrix leaves the network unchanged,
    a continuous symmetry of dimension k^2 that the rescaling gauge (dimension k) does not fix."""
    from flint import arb
    layers = B.forward(net, [arb(x) for x in c0])
    out = []
    for l, (_, _, Z, D1, _) in enumerate(layers[:-1], start=1):
        same = sum(1 for row in D1 if all((d - row[0]).is_zero() for d in row))
        if same >= 2:
            out.append(f"{same} neurons of layer {l}")
    if not out:
        return ""
    return (f"; {' and '.join(out)} lie in one linear piece on every sample: mixing them leaves the network unchanged, "
            f"a symmetry the rescaling gauge does not fix (singular Hessian)")


def flat(point_json: dict, prob) -> list:
    """A point (W1, b1, ... as JSON) as the flat list of exact rationals the box route uses."""
    return CK.flat_point(point_json, prob, "point")
