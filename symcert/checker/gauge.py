"""A gauge for the positive rescaling symmetry of piecewise-linear networks (trusted).

With a positively homogeneous activation (h(a t) = a h(t) for a > 0: every piece has intercept 0
and the only breakpoint is 0, as ReLU and leaky ReLU), scaling hidden neuron j of layer l by
a > 0 -- its incoming weights and bias W_l[j, :], b_l[j] times a, its outgoing weights
W_{l+1}[:, j] divided by a -- leaves the network function, hence the risk R, unchanged. So every
critical point lies on a manifold of critical points and every Hessian there is singular. A box
certificate of such a network names a **gauge**: for each hidden neuron one of its outgoing weights
("W{l+1}[i,j]"), held at its value in the centre (non-zero) while the other coordinates (the free
ones) vary over the box.

Argument. (1) The Krawczyk test and the LDL^T run on the risk restricted to the slice S = {the
gauge coordinates at their centre values}: the gradient and Hessian restricted to the free
coordinates. (2) Euler's identity for neuron j (differentiate R along its scaling at a = 1, in
the open cell where R is smooth): sum over its incoming coordinates theta dR/dtheta - sum over its
outgoing coordinates theta dR/dtheta = 0. At a critical point x* of R on S every free partial
vanishes. For a neuron of layer 1 the only remaining term is its gauge coordinate g_j times
dR/dg_j, and g_j != 0, so dR/dg_j = 0; for a neuron of layer l >= 2 the other remaining terms
are gauge coordinates of layer l - 1 (incoming weights of neuron j), already shown to have zero
partials: by induction on l every partial vanishes and x* is a critical point of R.
(3) The gauge coordinates as functions of the scalings have a triangular Jacobian with diagonal
-g_j != 0 (layer by layer), so near x* every point is a rescaling (near the identity) of a point
of S near x*, with the same risk: if x* is a strict minimum of R on S, it is a local minimum of
R (not strict: its orbit has the same risk). A direction of negative curvature of R at the
critical point x* still makes x* a saddle of R.
"""
from __future__ import annotations

import re

from flint import arb_mat

from symcert.checker.problem import FormatError

_NAME = re.compile(r"W(\d+)\[(\d+),(\d+)\]$")


def coordinate_names(prob) -> list:
    """"W1[1,1]", ... in the order of the flat parameter list (W1 row-major, b1, W2, b2, ...)."""
    out = []
    for name in prob.param_names():
        r, c = prob.param_shape(name)
        out += [f"{name}[{i + 1},{j + 1}]" for i in range(r) for j in range(c)]
    return out


def homogeneous(act) -> bool:
    """Positive homogeneity of a piecewise-linear activation: every intercept 0, breakpoints within {0}."""
    return all(c == 0 for c in act.intercepts) and all(b == 0 for b in act.breakpoints)


def read(value, prob, point: list) -> frozenset:
    """The indices of the gauge coordinates, validated: one outgoing weight per hidden neuron,
    each non-zero at the centre ``point``, and a positively homogeneous activation."""
    if not homogeneous(prob.act):
        raise FormatError("gauge", value, "a gauge fixes the positive rescaling of a positively homogeneous activation "
                                          "(every intercept 0, breakpoints only at 0); this one is not")
    if not isinstance(value, list):
        raise FormatError("gauge", value, "expected a list of coordinates such as \"W2[1,3]\"")
    index = {n: i for i, n in enumerate(coordinate_names(prob))}
    seen = {}
    for k, name in enumerate(value):
        m = _NAME.match(name) if isinstance(name, str) else None
        if m is None or name not in index or int(m.group(1)) < 2:
            raise FormatError(f"gauge[{k}]", name, "expected an outgoing weight W{l+1}[i,j] of hidden neuron j of layer l")
        neuron = (int(m.group(1)) - 1, int(m.group(3)))
        if neuron in seen:
            raise FormatError(f"gauge[{k}]", name, f"neuron {neuron[1]} of layer {neuron[0]} already has {seen[neuron]}")
        if point and point[index[name]] == 0:
            raise FormatError(f"gauge[{k}]", name, "a gauge coordinate must be non-zero at the centre")
        seen[neuron] = name
    want = [(l, j) for l in range(1, prob.depth) for j in range(1, prob.widths[l] + 1)]
    missing = [n for n in want if n not in seen]
    if missing:
        raise FormatError("gauge", value, f"no gauge coordinate for neuron {missing[0][1]} of layer {missing[0][0]}")
    return frozenset(index[n] for n in value)


def restrict(H: arb_mat, g: list, free: list) -> tuple:
    """H and g on the free coordinates (a principal submatrix and a subvector)."""
    rows = H.tolist()
    return arb_mat([[rows[i][j] for j in free] for i in free]), [g[i] for i in free] if g else []
