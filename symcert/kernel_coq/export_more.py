"""Certificate -> Coq file, for the conclusions near a float point (trusted, like export.py).

``local_minimum_near_float``, ``spurious_local_minimum_near_float``, ``saddle_point_near_float`` and
``not_local_minimum_near_float`` (own/ certificates, ``certify --model``): the point is an exact snap
of a float point. The minimum is checked by ``check_cell`` (the ``lifted_normal_equations``
argument, Near.v), the saddle and the descent by their curves, and
``float_distance`` by ``check_distance``, which proves the sup-norm distance to the float point.
Registered into export.py's tables when that module is imported.
"""
from __future__ import annotations

from symcert.checker import problem as P
from symcert.kernel_coq import export as E

NEAR_MIN = {"interior_cell": (1, 1), "lifted_normal_equations": (1, 1), "float_distance": (1, 1)}
ROUTES = {"local_minimum_near_float": NEAR_MIN,
          "spurious_local_minimum_near_float": {**NEAR_MIN, "strictly_lower": (1, 1)},
          "saddle_point_near_float": {**E.SADDLE_KINDS, "strictly_lower": (0, 1), "float_distance": (1, 1)},
          "not_local_minimum_near_float": {**E.DESCENT_KINDS, "strictly_lower": (0, 1), "float_distance": (1, 1)}}


def _read_float(n_ob, prob, c) -> dict:
    n, ob = n_ob
    path = f"obligations[{n}]"
    fp = E.flat_point(P.point(P.get(ob, "float_point", path), prob, f"{path}.float_point"), prob)
    return {"float_point": fp, "distance": P.rational(P.get(ob, "distance", path), f"{path}.distance")}


def _read_lifted(n_ob, prob, c) -> dict:
    """The lifted_normal_equations obligation, read as a cell's (Cell.v); check_cell also needs
    every output weight nonzero, which the Python obligation does not: UNKNOWN otherwise."""
    h = prob.widths[1]
    if not all(c["point"][h * prob.widths[0] + h:][:h]):
        raise E.Unsupported("an output weight is 0: check_cell (Cell.v) needs every output weight nonzero")
    return E._read_cell(n_ob, prob)


def _distance(c) -> str:
    return f"""
Definition float_point : list Q := {E.qlist(c["float_point"])}.
Definition distance : Q := {E.q(c["distance"])}.

Lemma checked_distance : check_distance point float_point distance = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem float_distance : at_distance (params point) (params float_point) (Q2R distance).
Proof. exact (distance_sound point float_point distance checked_distance). Qed.
"""


def _cell_evidence(c) -> str:
    mults = "None" if c["cell_mults"] is None else "(Some " + E.qlist(c["cell_mults"]) + ")"
    return f"""
Definition evidence : cell_cert := {{| cl_point := point; cl_mults := {mults}; cl_loss := claimed_loss |}}.

Lemma checked : check_cell net data evidence = true.
Proof. vm_cast_no_check (eq_refl true). Qed.
"""


def _body_min(c) -> str:
    return _cell_evidence(c) + """
Theorem local_minimum : local_min (risk net data) (params point).
Proof. exact (near_local_min net data evidence checked). Qed.

Theorem claimed_risk : risk net data (params point) = Q2R claimed_loss.
Proof. exact (cell_value net data evidence checked). Qed.
""" + _distance(c)


def _body_spurious(c) -> str:
    return E._lower(c) + _cell_evidence(c) + E.RISKS + """
Lemma checked_length : Nat.eqb (length better_point) (length point) = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem spurious : spurious_local_min (risk net data) (params point).
Proof. exact (near_spurious net data evidence better_point claimed_better_loss checked checked_risks checked_length). Qed.
""" + _distance(c)


def _body_saddle(c) -> str:
    return (E._lower(c) if "better" in c else "") + E._body_saddle(c) + (E.RISKS if "better" in c else "") + _distance(c)


def _body_descent(c) -> str:
    if "better" in c:
        return E._body_descent(c) + _distance(c)
    return E._curve("descent", c["descent_curve"]) + """
Lemma checked : check_curve net data point descent Lt = true.
Proof. vm_cast_no_check (eq_refl true). Qed.

Theorem not_minimum : not_local_min (risk net data) (params point).
Proof. exact (curve_down_sound net data point descent checked). Qed.
""" + _distance(c)


E.ROUTES.update(ROUTES)
E.BODIES.update({"local_minimum_near_float": _body_min, "spurious_local_minimum_near_float": _body_spurious,
                 "saddle_point_near_float": _body_saddle, "not_local_minimum_near_float": _body_descent})
E.MORE.update({"float_distance": _read_float, "lifted_normal_equations": _read_lifted})
