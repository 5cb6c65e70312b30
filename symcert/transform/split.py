"""Neuron splitting gamma^r_lambda (Petzka & Sminchisescu 2021) as an exact transformation.

``split_problem`` widens hidden layer l by one neuron; ``split_point`` duplicates neuron r of
layer l as the last neuron of that layer, with outgoing weights (1 - lambda) v on r and lambda v
on the copy. The network function is unchanged for every lambda and a critical point maps to a
line of critical points; ``certify_split`` writes a certificate whose ``neuron_split``
obligation makes the checker prove both as identities in lambda (see
symcert/checker/split.py, which rebuilds the same line itself).
"""
from __future__ import annotations

import copy

from flint import fmpq, fmpq_mat

from symcert import certificate
from symcert.checker.api import split_line as line
from symcert.errors import InputError
from symcert.exact.rationals import format_rational


def split_problem(pj: dict, layer: int) -> dict:
    """The problem statement with one more neuron in hidden layer ``layer``."""
    out = copy.deepcopy(pj)
    widths = out["network"]["widths"]
    if not 1 <= layer <= len(widths) - 2:
        raise InputError(None, "layer", layer, f"expected a hidden layer 1..{len(widths) - 2}")
    widths[layer] += 1
    return out


def split_point(params: dict, layer: int, neuron: int, lam) -> dict:
    """gamma^r_lambda of an exact rational point (fmpq_mat entries); ``neuron`` is 1-based."""
    depth = len([n for n in params if n[0] == "W"])
    if not 1 <= layer <= depth - 1:
        raise InputError(None, "layer", layer, f"expected a hidden layer 1..{depth - 1}")
    if not 1 <= neuron <= params[f"W{layer}"].nrows():
        raise InputError(None, "neuron", neuron, f"expected a neuron 1..{params[f'W{layer}'].nrows()}")
    rows = line(params, depth, layer, neuron - 1, fmpq(lam))
    return {n: fmpq_mat(len(R), len(R[0]), [v for row in R for v in row]) for n, R in rows.items()}


def split_obligation(source_json: dict, layer: int, neuron: int, lam: str, ledger: list) -> dict:
    """The ``neuron_split`` obligation: the source point (JSON), layer, 1-based neuron, lambda."""
    return {"id": "neuron_split", "kind": "neuron_split", "layer": layer, "neuron": neuron, "lambda": lam,
            "source": source_json, "rests_on": list(ledger)}


def certify_split(pj: dict, params: dict, layer: int, neuron: int, lam, claim: dict) -> dict:
    """Certificate (conclusion ``critical_line``) that splitting neuron ``neuron`` of layer
    ``layer`` of the rational critical point ``params`` of problem ``pj`` gives a line of
    critical points with the same network function; the point is the split at ``lam``."""
    from symcert.checker.api import kernel
    from symcert.checker.api import RATIONAL
    from symcert.checker.api import parse_problem
    from symcert.checker.api import POLY_LAMBDA
    lam = fmpq(lam)
    wide = split_problem(pj, layer)
    pt = split_point(params, layer, neuron, lam)
    loss = kernel.risk(parse_problem(wide), pt)
    obligations = [{"id": "gradient_zero", "kind": "gradient_zero", "rests_on": [RATIONAL]},
                   split_obligation(certificate.point_json(params), layer, neuron, format_rational(lam), [RATIONAL, POLY_LAMBDA])]
    claim = dict(claim, conclusion="critical_line")
    return certificate.document(claim, wide, pt, loss, obligations)
