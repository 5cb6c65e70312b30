"""Verdicts and exit codes (the single table used by the checker, the CLI and the docs)."""
from __future__ import annotations

import enum


class Verdict(enum.Enum):
    """Outcome of checking a certificate, or of answering a certification request.

    ========== ==== ===============================================================
    verdict    exit meaning
    ========== ==== ===============================================================
    CERTIFIED  0    every obligation re-derived and holds; the conclusion follows
    REJECTED   1    some obligation fails (the report says which and why)
    INVALID    2    the input cannot be read (malformed file, field or value)
    UNKNOWN    3    a resource limit was hit (e.g. an SMT time-out); nothing proved
    REFUTED    4    (certify only) the claim is false; a counter-witness is exhibited
    NOT_APPLICABLE 5 (certify only) a hypothesis of the theorem fails on this data
    ========== ==== ===============================================================
    """

    CERTIFIED = 0
    REJECTED = 1
    INVALID = 2
    UNKNOWN = 3
    REFUTED = 4
    NOT_APPLICABLE = 5

    @property
    def exit_code(self) -> int:
        return self.value


EXIT_CODE_TABLE = """exit codes:
  0  CERTIFIED       every obligation re-derived and holds
  1  REJECTED        an obligation fails (the report names it and why)
  2  INVALID         input cannot be read (file, field and value are named)
  3  UNKNOWN         a resource limit was hit (e.g. SMT time-out); nothing proved
  4  REFUTED         certify: the claim is false, a counter-witness is exhibited
  5  NOT_APPLICABLE  certify: a hypothesis of the theorem fails on this data"""
