"""Verdicts and exit codes: the single table used by the checker, the CLI, the docs and the tests.

Later features extend ``TABLE``; no existing code is ever given a new meaning.
"""
from __future__ import annotations

import enum


class Verdict(enum.Enum):
    """Outcome of checking a certificate, or of answering a certification request.

    The value of each member is its exit code; ``TABLE`` below gives its meaning.
    """

    CERTIFIED = 0
    REJECTED = 1
    INVALID = 2
    UNKNOWN = 3
    REFUTED = 4
    NOT_APPLICABLE = 5
    ERROR = 6

    @property
    def exit_code(self) -> int:
        return self.value

    @property
    def meaning(self) -> str:
        return TABLE[self]


TABLE = {
    Verdict.CERTIFIED: "every obligation re-derived and holds",
    Verdict.REJECTED: "an obligation, a stated hypothesis or the conclusion fails (named)",
    Verdict.INVALID: "the input cannot be read (file, field and value named)",
    Verdict.UNKNOWN: "a limit was reached, or a needed tool is missing, or a route does not cover this kind (named)",
    Verdict.REFUTED: "certify only: the claim is false and a counter-witness is certified",
    Verdict.NOT_APPLICABLE: "certify only: a hypothesis of the theorem fails on these data (named)",
    Verdict.ERROR: "an unexpected failure inside symcert; never a statement about the certificate",
}

# Several files: the run's verdict is the first present in this order.
SEVERITY = (Verdict.ERROR, Verdict.REJECTED, Verdict.INVALID, Verdict.UNKNOWN, Verdict.CERTIFIED)


def combine(verdicts) -> Verdict:
    """The verdict of a run over several files (ERROR > REJECTED > INVALID > UNKNOWN > CERTIFIED);
    the certify-only answers count as what they certify (REFUTED: a certified refutation;
    NOT_APPLICABLE: nothing certified, like INVALID input)."""
    seen = set(verdicts)
    as_check = {Verdict.REFUTED: Verdict.CERTIFIED, Verdict.NOT_APPLICABLE: Verdict.INVALID}
    seen = {as_check.get(v, v) for v in seen}
    for v in SEVERITY:
        if v in seen:
            return v
    return Verdict.CERTIFIED


EXIT_CODE_TABLE = "exit codes:\n" + "\n".join(f"  {v.value}  {v.name:<15} {m}" for v, m in TABLE.items())

MARKDOWN_TABLE = "| code | verdict | meaning |\n|---|---|---|\n" + "\n".join(
    f"| {v.value} | {v.name} | {m} |" for v, m in TABLE.items())
