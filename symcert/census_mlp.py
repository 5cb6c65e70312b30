"""The empirical-risk side of ``symcert census`` (``--model-spec mlp:D-H-1:ACT``; docs/census.md).

Each start is trained in numpy (untrusted): a seeded Xavier-uniform start, ``iters`` full-batch
gradient steps of size 1/(2m) on 1/2 sum of squared residuals (m data rows), then, for a smooth
activation, up to 100 Levenberg-Marquardt steps (float Hessian by central differences of the
gradient; networks of at most 400 weights) so that the endpoint is near a critical point. Its
endpoint is certified by an existing route, and the certificate is re-checked by the checker
before it is written:

* smooth activations: :func:`symcert.provers.krawczyk.certify_smooth_point` (a Krawczyk box with
  one critical point: strict local minimum, saddle, or UNKNOWN with the reason);
* relu: the exact snap route of ``certify --model`` (:func:`symcert.importers.certify.certify_point`):
  an exact critical point of the activation cell near the float point, or the kink test.

Starts are certified in order of final float risk, the lowest first. The first certified minimum
is the census's best endpoint; every later endpoint is certified with it as the better point, so a
minimum whose risk enclosure lies strictly above the best one's is a certified spurious local
minimum, and one that is not is a local minimum with its risk enclosure (no better one known).
"""
from __future__ import annotations

import json
import math
import os

ACTIVATIONS = ("relu", "tanh", "sigmoid", "softplus", "arctan", "gelu", "elu", "selu")
LM_STEPS, GRAD_TOL, MAX_POLISH = 100, 1e-13, 400
CLASS = {"strict_local_minimum_in_box": "local minimum", "local_minimum_near_float": "local minimum",
         "spurious_local_minimum_in_box": "spurious local minimum", "spurious_local_minimum_near_float": "spurious local minimum",
         "saddle_in_box": "saddle", "saddle_point_near_float": "saddle", "not_local_minimum_near_float": "not a local minimum"}
MINIMUM = ("local minimum", "spurious local minimum")
ODD = ("tanh", "arctan")


def act_json(name: str) -> dict:
    if name == "relu":
        from symcert.inputs.activations import relu
        return relu()
    return {"kind": "smooth", "name": name, **({"alpha": "1"} if name == "elu" else {})}


def widths(spec: dict) -> list:
    return [spec["d"], spec["h"], 1]


def unflatten(spec: dict, theta) -> dict:
    """W1, b1, W2, b2 as nested float lists from the flat vector (krawczyk.np_risk_grad order)."""
    d, h = spec["d"], spec["h"]
    out, o = {}, 0
    for l, (a, b) in enumerate(((d, h), (h, 1)), start=1):
        out[f"W{l}"] = [[float(x) for x in theta[o + i * a:o + (i + 1) * a]] for i in range(b)]
        o += a * b
        out[f"b{l}"] = [float(x) for x in theta[o:o + b]]
        o += b
    return out


def orbit_key(spec: dict, point: dict) -> list:
    """The endpoint up to a permutation of the hidden neurons (and, for an odd activation, the
    sign of each neuron): each neuron (its W1 row, b1 entry and W2 entry, rounded to 1e-6), sorted,
    then b2."""
    rnd = lambda x: round(x, 6) + 0.0  # noqa: E731  (+0.0: -0.0 and 0.0 are one key)
    neurons = []
    for i in range(spec["h"]):
        n = [rnd(x) for x in point["W1"][i]] + [rnd(point["b1"][i]), rnd(point["W2"][0][i])]
        if spec["act"] in ODD and n[::-1] < [-x + 0.0 for x in n[::-1]]:  # h odd: (w, b, a) and (-w, -b, -a) agree
            n = [-x + 0.0 for x in n]
        neurons.append(n)
    neurons.sort()
    return [neurons, [rnd(point["b2"][0])]]


def train(spec: dict, seed: int, iters: int, data) -> dict:
    """{seed, risk, steps, error, key, point} for one seeded start."""
    import numpy as np

    from symcert.provers.krawczyk import np_activation, np_risk_grad
    X, Y = np.array(data[0], dtype=float).T, np.array(data[1], dtype=float).T
    m, d, h = X.shape[1], spec["d"], spec["h"]
    ws = widths(spec)
    act = ((lambda z: np.maximum(z, 0)), (lambda z: (z > 0) * 1.0)) if spec["act"] == "relu" else np_activation(act_json(spec["act"]))
    rng = np.random.default_rng(seed)
    W1 = rng.uniform(-1, 1, (h, d)) * math.sqrt(6 / (d + h))
    W2 = rng.uniform(-1, 1, (1, h)) * math.sqrt(6 / (h + 1))
    theta = np.concatenate([W1.ravel(), np.zeros(h), W2.ravel(), np.zeros(1)])
    f = lambda t: np_risk_grad(ws, act, X, Y, t)  # noqa: E731
    with np.errstate(all="ignore"):
        for _ in range(iters):
            risk, g = f(theta)
            if not math.isfinite(risk):
                break
            theta = theta - g / (2 * m)
        risk, g = f(theta)
        if math.isfinite(risk) and spec["act"] != "relu" and len(theta) <= MAX_POLISH:
            theta, risk, g = _polish(f, theta, risk, g)
    if not (math.isfinite(risk) and np.all(np.isfinite(theta))):
        return {"seed": seed, "risk": None, "steps": iters, "error": "training diverged (a non-finite risk)", "key": None}
    point = unflatten(spec, theta)
    return {"seed": seed, "risk": float(risk), "steps": iters, "error": None, "key": orbit_key(spec, point), "point": point,
            "grad": float(np.abs(g).max())}


def _polish(f, theta, risk, g):
    """Levenberg-Marquardt steps on the float risk (accepted only when the risk does not grow)."""
    import numpy as np
    n, mu, eps = len(theta), 1e-3, 1e-6
    for _ in range(LM_STEPS):
        if np.abs(g).max() < GRAD_TOL:
            break
        E = np.eye(n) * eps
        H = np.array([(f(theta + E[i])[1] - f(theta - E[i])[1]) / (2 * eps) for i in range(n)])
        try:
            t2 = theta - np.linalg.solve((H + H.T) / 2 + mu * np.eye(n), g)
        except np.linalg.LinAlgError:
            mu *= 10
            continue
        r2, g2 = f(t2)
        if math.isfinite(r2) and r2 <= risk:
            theta, risk, g, mu = t2, r2, g2, max(mu / 10, 1e-12)
        else:
            mu *= 10
    return theta, risk, g


# ---- certification (a task: plain data in and out) ---------------------------------------------------

def certify(spec: dict, result: dict, data_json: dict, out_dir: str, better_cert: str | None, smt_timeout_ms: int = 60000) -> dict:
    """Certify one endpoint; writes ``<name>.json`` and its float endpoint ``<name>.endpoint.json``
    (a spec file: ``symcert certify --spec`` on it rebuilds the certificate for smooth activations)
    to out_dir when the checker certifies it. ``better_cert`` is the certificate of the census's best
    endpoint, whose point is the better point. Returns {verdict, conclusion, certificate, reason, enclosure}."""
    from symcert import certificate
    from symcert.checker.api import check_document
    name = f"mlp-{spec['d']}-{spec['h']}-1-{spec['act']}-seed{result['seed']}"
    better = None
    if better_cert:
        with open(better_cert, encoding="utf-8") as fh:
            better = json.load(fh)["point"]
    endpoint = {"network": {"widths": widths(spec), "activation": spec["act"]}, "loss": "squared", "data": data_json,
                "point": result["point"], "name": name, "options": {"restarts": 0}}
    if better is not None:
        endpoint["better_point"] = better
    try:
        _, doc, msg = (_relu if spec["act"] == "relu" else _smooth)(spec, endpoint, better, smt_timeout_ms)
    except Exception as exc:  # an endpoint the construction cannot handle is undecided, never a crash
        doc, msg = None, f"construction failed: {exc.__class__.__name__}: {exc}"
    if doc is None:
        return {"verdict": "UNKNOWN", "certificate": None, "reason": msg}
    rep = check_document(json.loads(certificate.canonical_bytes(doc)), name, smt_timeout_ms)
    if rep.verdict.name != "CERTIFIED":
        return {"verdict": rep.verdict.name, "certificate": None, "reason": f"{msg}; the check says: {rep.summary}"}
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".json")
    certificate.write(doc, path)
    with open(os.path.join(out_dir, name + ".endpoint.json"), "w", encoding="utf-8") as fh:
        json.dump(endpoint, fh, indent=1)
        fh.write("\n")
    loss = doc["loss"]
    return {"verdict": "CERTIFIED", "conclusion": rep.conclusion, "certificate": path, "reason": msg,
            "enclosure": loss if isinstance(loss, list) else [loss, loss]}


def _smooth(spec, endpoint, better, smt_timeout_ms):
    from symcert.provers.krawczyk import certify_smooth_point
    return certify_smooth_point(endpoint, better, restarts=0)


def _relu(spec, endpoint, better, smt_timeout_ms):
    from symcert.checker.api import parse_point, parse_problem
    from symcert.importers.certify import certify_point
    from symcert.importers.floats import exact
    from flint import fmpq_mat
    pj = {"network": {"widths": widths(spec), "activation": act_json("relu")}, "loss": {"kind": "squared"},
          "data": endpoint["data"]}
    prob = parse_problem(pj)
    pt = endpoint["point"]
    fpoint = {}
    for key, rows in pt.items():
        rows = rows if key[0] == "W" else [[x] for x in rows]
        fpoint[key] = fmpq_mat(len(rows), len(rows[0]), [exact(x) for row in rows for x in row])
    bpoint = parse_point(better, prob, "better") if better is not None else None
    return certify_point(prob, pj, fpoint, endpoint["name"], bpoint, max(1, smt_timeout_ms // 1000))
