"""What a claim module provides to the registry and the command line."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Instance:
    """A named instance of a claim whose certificate lives in proofs/."""

    name: str  # file stem under proofs/<paper>/
    build: Callable[[], dict]  # returns the certificate document
    description: str = ""
    cost: float = 0.0  # estimated seconds to build, for scheduling `certify -j` (0: from the previous certificate's size)


@dataclass(frozen=True)
class Claim:
    id: str  # e.g. "yun2019.thm1"
    paper: str
    summary: str
    instances: Callable[[], list]  # -> list[Instance]: the paper's worked instances and seeded random ones
    certify_data: Callable | None = None  # (dataset, options: dict) -> certificate document
    options: dict = field(default_factory=dict)  # option name -> help text, for `symcert list`
    data_rows: bool = True  # False: certify_data reads a --data file's rows as a sequence made on demand (inputs.data.MatrixRows)


def require_hypotheses(claim_id: str, records: list, problem_json: dict) -> None:
    """Evaluate, before any construction, every hypothesis record whose ``check`` the checker
    can decide from the problem alone (the same predicates the checker re-derives); the first
    that fails raises :class:`HypothesisViolation` (NOT_APPLICABLE, exit 5) naming it."""
    from symcert.checker.api import hypotheses as H
    from symcert.checker.api import parse_problem
    from symcert.errors import HypothesisViolation
    prob = parse_problem(problem_json)

    class _Ctx:  # the predicates read the problem only (obligation_holds is skipped here)
        pass
    ctx = _Ctx()
    ctx.prob = prob
    for hid, checks in H.read(records, "hypotheses"):
        for kind, params in checks:
            if kind == "obligation_holds":
                continue
            ok, detail = H.TABLE[kind][0](prob, ctx, [], params)
            if not ok:
                raise HypothesisViolation(claim_id, hid, f"{kind}: {detail}")
