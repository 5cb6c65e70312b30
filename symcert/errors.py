"""Errors symcert reports to its users.

Every error raised on bad input names where the problem is (file, field, value) so that the
command-line interface can print it as one line, with no traceback, and exit with a distinct
code (see :mod:`symcert.checker.verdict` for the table of exit codes).
"""
from __future__ import annotations


class SymcertError(Exception):
    """Base class of every error symcert reports to a user."""

    exit_code = 2


class InputError(SymcertError):
    """Malformed or unusable input: a file, a field or a value that cannot be read.

    Common causes: a float written where an exact number is required (write ``0.25`` as text
    or ``1/4``), a ragged row in a CSV file, a matrix with the wrong shape for the
    architecture, an unknown activation name, a JSON file that is not valid JSON.
    """

    exit_code = 2

    def __init__(self, source: str | None, field: str | None, value: object, reason: str):
        self.source, self.field, self.value, self.reason = source, field, value, reason
        parts = []
        if source:
            parts.append(str(source))
        if field:
            parts.append(f"field {field}")
        if value is not None:
            text = repr(value) if not isinstance(value, str) else repr(value)
            if len(text) > 80:
                text = text[:77] + "..."
            parts.append(f"value {text}")
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {reason}" if prefix else reason)


class HypothesisViolation(SymcertError):
    """The data do not satisfy a hypothesis of the claimed theorem (the claim does not apply).

    This is not a malfunction: the theorem simply says nothing about this instance. The
    message names the hypothesis (e.g. ``C1.1``) and the witness of its failure.
    """

    exit_code = 5

    def __init__(self, claim: str, hypothesis: str, detail: str):
        self.claim, self.hypothesis, self.detail = claim, hypothesis, detail
        super().__init__(f"{claim}: hypothesis {hypothesis} does not hold: {detail}")


class ConstructionFailed(SymcertError):
    """A construction could not produce a certifiable object within its limits."""

    exit_code = 3
