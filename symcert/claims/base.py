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


@dataclass(frozen=True)
class Claim:
    id: str  # e.g. "yun2019.thm1"
    paper: str
    summary: str
    instances: Callable[[], list]  # -> list[Instance]: the paper's worked instances and seeded random ones
    certify_data: Callable | None = None  # (dataset, options: dict) -> certificate document
    options: dict = field(default_factory=dict)  # option name -> help text, for `symcert list`
