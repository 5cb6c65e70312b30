"""The registry of claims symcert can certify: one folder per paper, one line per paper.

Each paper folder ``symcert/claims/<paper>/`` holds one module per theorem and exposes
``CLAIMS``, a tuple of :class:`Claim` in the order ``symcert list`` shows them. Adding a paper
means adding its folder and one line to ``PAPERS`` (docs/adding-a-paper.md).
"""
from __future__ import annotations

import importlib
import importlib.util

from symcert.claims.base import Claim, Instance

PAPERS = (  # folder under symcert/claims/
    "yun2019",  # Yun, Sra, Jadbabaie 2019: thm1, thm2, thm4
    "yun2018",  # Yun, Sra, Jadbabaie 2019, local-optimality test: test
    "he2020",  # He, Wang, Tao 2020: thm1, thm2, valley, kink
    "ding2022",  # Ding, Li, Sun 2022: thm
    "petzka2021",  # Petzka, Sminchisescu 2021: split, escape, deep
    "christof2023",  # Christof, Kowalczyk 2023: thm (pl), thm-smooth (smooth)
    "own",  # a trained network's float point, snapped exactly (certify --model)
    "safran2018",  # Safran, Shamir 2018: spurious minima of the population risk (safran2018)
)


def registry(papers=PAPERS) -> dict[str, Claim]:
    """Claim id -> Claim, in paper order; a claim id defined twice is an error."""
    out: dict[str, Claim] = {}
    for name in papers:
        for claim in importlib.import_module(f"symcert.claims.{name}").CLAIMS:
            if claim.id in out:
                raise ValueError(f"claim {claim.id} is defined twice (paper folder {name})")
            out[claim.id] = claim
    return out


def find(cid: str) -> Claim | None:
    """The claim ``cid``, or None. A claim ``paper.theorem`` defined as ``CLAIM`` in
    symcert/claims/<paper>/<theorem>.py is found by importing that module alone (``certify CLAIM
    --data`` then starts without every other claim's imports); any other id is looked up in CLAIMS."""
    paper, _, name = cid.partition(".")
    if paper in PAPERS and name.isidentifier() and importlib.util.find_spec(f"symcert.claims.{paper}.{name}") is not None:
        claim = getattr(importlib.import_module(f"symcert.claims.{paper}.{name}"), "CLAIM", None)
        if isinstance(claim, Claim) and claim.id == cid:
            return claim
    return __getattr__("CLAIMS").get(cid)


def __getattr__(name: str):
    """``CLAIMS`` (claim id -> Claim, every paper) is built on first use, not on import."""
    if name != "CLAIMS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    global CLAIMS
    CLAIMS = registry()
    return CLAIMS


__all__ = ["CLAIMS", "PAPERS", "Claim", "Instance", "find", "registry"]
