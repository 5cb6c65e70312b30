"""SMT cross-checks (untrusted side): ask z3 whether a cell has a lower point near the point.

The query is the one the checker rebuilds (see symcert.checker.obligations); the generator
only runs it to decide whether to include the obligation, with a time budget.
"""
from __future__ import annotations

from symcert.checker.api import check_obligation


def smt_cell_minimum_holds(prob, point: dict, r, loss, timeout_ms: int = 2000) -> bool:
    ob = {"kind": "smt_cell_minimum", "radius": f"{r.p}/{r.q}", "solver": "z3"}
    out = check_obligation(prob, point, ob, "smt", facts={("cell_box", r)}, risk=loss, smt_timeout_ms=timeout_ms)
    return out.status == "holds"
