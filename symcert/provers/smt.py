"""SMT cross-checks (untrusted side): ask z3 whether a cell has a lower point near the point.

The query is the one the checker rebuilds (see symcert.checker.obligations); the generator
only runs it to decide whether to include the obligation, with a time budget.
"""
from __future__ import annotations

from symcert.checker.obligations import Context, check_smt_cell_minimum


def smt_cell_minimum_holds(prob, point: dict, r, loss, timeout_ms: int = 2000) -> bool:
    ctx = Context(prob, point, None, None, timeout_ms)
    ctx.facts.add(("cell_box", r))
    ctx._risk = loss
    out = check_smt_cell_minimum(ctx, {"radius": f"{r.p}/{r.q}", "solver": "z3"}, "smt")
    return out.status == "holds"
