"""Spec files: a user's own network, data and point for ``symcert certify --spec FILE``.

The format is documented in docs/spec-format.md. A spec is a JSON object::

    {
      "network": {"widths": [1, 2, 1], "activation": "relu"},
      "loss": "squared",
      "data": {"inputs": [["-1"], ["0"], ["1"]], "targets": [["1"], ["0"], ["1"]]},
      "point": {"W1": [["0"], ["0"]], "b1": ["0", "1"], "W2": [["1", "0"]], "b2": ["2/3"]},
      "options": {"radius": "1", "max_cells": 1048576, "smt_timeout": 60, "solver_free": true}
    }

Numbers are exact: strings such as "2/3" or "0.25", or JSON integers; a JSON number with a
fraction or exponent (0.25) is read from its decimal text, exactly. ``data`` may instead name a
CSV or JSON dataset file, relative to the spec file. The answer is a certificate: conclusion
``local_minimum`` (CERTIFIED), ``not_local_minimum`` with a descent curve (REFUTED), or no
certificate and the limit that was hit (UNKNOWN).
"""
from __future__ import annotations

import os

from flint import fmpq

from symcert.errors import InputError
from symcert.exact.rationals import RationalSyntaxError, parse_rational

KEYS = {"network", "loss", "data", "point", "options", "name"}
OPTIONS = {"radius", "max_cells", "smt_timeout", "solver_free"}


def _activation(value, path):
    from symcert.inputs.activations import parse_activation
    if isinstance(value, str):
        act = parse_activation(value, path)
        if act.get("kind") != "piecewise_linear":
            raise InputError(path, "network.activation", value, "the local-optimality test takes piecewise-linear activations "
                             "(relu, leaky_relu:S, ..., pl:...); smooth ones are certified by the claims that state them")
        return act
    if isinstance(value, dict):
        if value.get("kind") == "smooth":  # e.g. {"kind": "smooth", "name": "sigmoid"}
            from symcert.errors import ConstructionFailed
            raise ConstructionFailed(f"{path}: the local-optimality test of spec files covers piecewise-linear activations, "
                                     "not smooth ones (smooth networks are certified through their claims, "
                                     "e.g. ding2022.thm)")
        return value  # a piecewise_linear object; validated with the problem below
    raise InputError(path, "network.activation", value, "expected a name such as \"relu\" or a piecewise_linear object")


def read_spec(path: str) -> dict:
    """Parse and validate a spec file; return {problem, point, options, name}."""
    from symcert.inputs.data import load_json
    doc = load_json(path, parse_float=str)  # integer literals bounded by symcert.exact.jsontext
    return parse_spec(doc, path, os.path.dirname(os.path.abspath(path)))


def parse_spec(doc, path: str, base_dir: str) -> dict:
    """Validate a spec document (``path`` names it in messages; a dataset file named in ``data`` is
    read relative to ``base_dir``); return {problem, point, options, name}."""
    from symcert.checker.api import FormatError, parse_point, parse_problem
    from symcert.inputs.data import dataset_from_json, read_dataset
    if not isinstance(doc, dict):
        raise InputError(path, None, None, "expected a JSON object with network, loss, data, point")
    for key in sorted(set(doc) - KEYS):
        raise InputError(path, key, doc[key], f"unknown field (known: {', '.join(sorted(KEYS))})")
    for key in ("network", "data", "point"):
        if key not in doc:
            raise InputError(path, key, None, "missing")
    net = doc["network"]
    if not isinstance(net, dict) or "widths" not in net or "activation" not in net:
        raise InputError(path, "network", net, "expected {\"widths\": [...], \"activation\": ...}")
    loss = doc.get("loss", "squared")
    if not isinstance(loss, str):
        raise InputError(path, "loss", loss, "expected a loss name: squared, absolute, huber:DELTA or hinge")
    from symcert.inputs.losses import parse_loss, require_exact
    loss = require_exact(parse_loss(loss, path), path, "--spec")  # every loss: z3 cells If-encode the kinked ones; affine_exceptions is squared-only
    data = doc["data"]
    if isinstance(data, str):
        data = read_dataset(os.path.join(base_dir, data))
    else:
        data = dataset_from_json(data, path)
    pj = {"network": {"widths": net["widths"], "activation": _activation(net["activation"], path)},
          "loss": loss, "data": data.to_json()}
    try:
        prob = parse_problem(pj, "spec")
        pt = parse_point(doc["point"], prob, "point")
    except FormatError as exc:
        raise InputError(path, exc.field, exc.value, exc.reason) from None
    from symcert import certificate
    options = doc.get("options", {})
    if not isinstance(options, dict):
        raise InputError(path, "options", options, "expected an object")
    for key in sorted(set(options) - OPTIONS):
        raise InputError(path, f"options.{key}", options[key], f"unknown option (known: {', '.join(sorted(OPTIONS))})")
    opts = {}
    if "radius" in options:
        try:
            opts["radius_cap"] = parse_rational(options["radius"])
        except RationalSyntaxError as exc:
            raise InputError(path, "options.radius", options["radius"], str(exc)) from None
        if not opts["radius_cap"] > 0:
            raise InputError(path, "options.radius", options["radius"], "must be positive")
    for key, lo in (("max_cells", 1), ("smt_timeout", 1)):
        if key in options:
            v = options[key]
            if not isinstance(v, int) or isinstance(v, bool) or v < lo:
                raise InputError(path, f"options.{key}", v, "expected a positive integer")
            opts[key] = v
    if "solver_free" in options:
        if not isinstance(options["solver_free"], bool):
            raise InputError(path, "options.solver_free", options["solver_free"], "expected true or false")
        opts["solver_free"] = options["solver_free"]
    name = doc.get("name", os.path.basename(path))
    if not isinstance(name, str):
        raise InputError(path, "name", name, "expected a string")
    return {"problem": pj, "point": certificate.point_json(pt), "options": opts, "name": str(name)}


def certify_spec(path: str, smt_timeout_s: int = 60):
    """Decide local optimality of the spec's point: (certificate, decision); raises InputError on
    bad input and ConstructionFailed (exit 3, UNKNOWN) with the limit hit, or for a smooth
    activation (the local-optimality test covers piecewise-linear activations)."""
    return certify_parsed_spec(read_spec(path), smt_timeout_s)


def certify_parsed_spec(spec: dict, smt_timeout_s: int = 60):
    """certify_spec for a spec already read by :func:`parse_spec`."""
    from symcert.claims.constructions import certify_point
    from symcert.claims.yun2018.test import claim_json
    o = spec["options"]
    claim = claim_json(f"spec file {spec['name']}", {})
    return certify_point(spec["problem"], spec["point"], claim, radius_cap=o.get("radius_cap", fmpq(1)),
                         timeout_ms=1000 * o.get("smt_timeout", smt_timeout_s), max_cells=o.get("max_cells", 1 << 20),
                         solver_free=o.get("solver_free", True))
