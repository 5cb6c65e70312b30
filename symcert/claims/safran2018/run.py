"""One start of safran2018, in two tasks that a census can run anywhere (module-level functions,
plain data in and out): ``train`` (seeded start, gradient descent or L-BFGS, Newton polish) and
``certify`` (a certificate for the endpoint, checked by the checker, written with its endpoint
file beside it)."""
from __future__ import annotations

import json
import os
from fractions import Fraction

from flint import fmpq

from symcert.claims.safran2018 import spurious as SP

GD_STEP, GD_ITERS, TOL = 0.5, 20000, 1e-7


def step(k: int) -> float:
    """min(1/2, 6/k): below 2 / lambda_max of the Hessian near the teacher (about 2 / (0.26 k + 0.5)
    for k = 6..20), so that gradient descent does not diverge for larger k."""
    return min(GD_STEP, 6 / k)
CONCLUSION_CLASS = {"spurious_local_minimum_in_box": "spurious local minimum", "global_minimum": "global minimum",
                    "saddle_in_box": "saddle"}


def how(optimizer: str, iters: int = GD_ITERS) -> str:
    if optimizer == "gd":
        return (f"gradient descent, step min(1/2, 6/k), until max |grad| < {TOL} or {iters} steps, from a Xavier-uniform "
                "start (numpy default_rng(seed)); then up to 6 Newton steps (float64)")
    return f"L-BFGS (memory 10, Armijo backtracking), until max |grad| < {TOL}; then up to 6 Newton steps (float64)"


def train(k: int, n: int, seed: int, optimizer: str = "gd", iters: int = GD_ITERS) -> dict:
    """The float endpoint of one seeded start: {seed, W, risk, steps, error, near_teacher}."""
    from symcert.claims.safran2018 import numeric as N
    V = N.teacher(k, n)
    W0 = N.start(seed, k, n)
    if optimizer == "gd":
        W, steps, err = N.gradient_descent(W0, V, step(k), iters, TOL)
    else:
        W, steps, err = N.lbfgs(W0, V, iters, TOL)
    perm = N.teacher_match(W, V, 1e-3)
    if perm is None and err is None:
        W = N.newton_polish(W, V)
        perm = N.teacher_match(W, V, 1e-3)
    W = N.canonical(W)
    risk = N.risk(W, V) if err is None else float("nan")
    return {"seed": seed, "W": [[float(x) for x in row] for row in W], "risk": risk, "steps": steps, "error": err,
            "near_teacher": perm is not None,
            "key": None if err else ["teacher"] if perm is not None else list(map(list, N.orbit_key(W)))}


def _direction(k, n, W):
    """(min eigenvalue, eigenvector rounded to 6 decimals as rationals) of the float Hessian."""
    import numpy as np

    from symcert.claims.safran2018 import numeric as N
    H = N.hessian(np.array(W), N.teacher(k, n))
    if not np.all(np.isfinite(H)):
        return None, None
    vals, vecs = np.linalg.eigh(H)
    v = vecs[:, 0] / np.abs(vecs[:, 0]).max()
    return float(vals[0]), [[fmpq(round(float(v[i * n + j]) * 10**6), 10**6) for j in range(n)] for i in range(k)]


def build(k: int, n: int, W: list, instance: str, construction: dict, near_teacher: bool):
    """(certificate document or None, reason) for the float endpoint W (k lists of n floats)."""
    import numpy as np

    from symcert.claims.safran2018 import numeric as N
    if near_teacher:
        perm = N.teacher_match(np.array(W), N.teacher(k, n), 1e-3)
        return SP.teacher_certificate(k, n, perm, instance, construction), ""
    exact = [[fmpq(*Fraction(x).as_integer_ratio()) for x in row] for row in W]
    lam, v = _direction(k, n, W)
    if lam is None:
        return None, "the endpoint lies where the closed form is not analytic (a zero or parallel neuron)"
    return SP.box_certificate(k, n, exact, instance, construction, v if lam < -1e-9 else None)


def certify(k: int, n: int, result: dict, out_dir: str, optimizer: str = "gd", smt_timeout_ms: int = 60000) -> dict:
    """Certify the endpoint of a ``train`` result; writes ``k{k}-seed{seed}.json`` and its
    endpoint file ``k{k}-seed{seed}.endpoint`` to out_dir when the checker certifies it.
    Returns {verdict, conclusion, certificate, reason}."""
    from symcert import certificate
    from symcert.checker.api import check_document
    name = f"k{k}-seed{result['seed']}"
    if result.get("error"):
        return {"verdict": "UNKNOWN", "conclusion": "undecided", "certificate": None, "reason": result["error"]}
    construction = {"seed": result["seed"], "found_by": how(optimizer), "endpoint": name + ".endpoint"}
    try:
        doc, why = build(k, n, result["W"], name, construction, result["near_teacher"])
    except Exception as exc:  # an endpoint the construction cannot handle is undecided, never a crash
        doc, why = None, f"construction failed: {exc.__class__.__name__}: {exc}"
    if doc is None:
        return {"verdict": "UNKNOWN", "conclusion": "undecided", "certificate": None, "reason": why}
    rep = check_document(json.loads(certificate.canonical_bytes(doc)), name, smt_timeout_ms)
    if rep.verdict.name != "CERTIFIED":
        return {"verdict": rep.verdict.name, "conclusion": "undecided", "certificate": None, "reason": rep.summary}
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".json")
    certificate.write(doc, path)
    with open(os.path.join(out_dir, name + ".endpoint"), "w", encoding="ascii") as fh:
        json.dump(SP.endpoint_json(result["W"], k, n, result["seed"], how(optimizer)), fh, indent=1)
        fh.write("\n")
    return {"verdict": "CERTIFIED", "conclusion": rep.conclusion, "certificate": path, "reason": rep.summary}
