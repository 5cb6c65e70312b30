"""The registry of claims symcert can certify (one module per paper)."""
from __future__ import annotations

from symcert.claims import ding2022, kinks, yun2019, yun2019_thm2
from symcert.claims import yun2019_thm4
from symcert.claims import petzka2021
from symcert.claims import christof2023_smooth
from symcert.claims import christof2023, he2020
from symcert.claims import own
from symcert.claims.base import Claim, Instance

CLAIMS: dict[str, Claim] = {c.id: c for c in (yun2019.CLAIM, yun2019_thm2.CLAIM, ding2022.CLAIM, kinks.HE2020_CLAIM, kinks.TEST_CLAIM)}
CLAIMS[yun2019_thm4.CLAIM.id] = yun2019_thm4.CLAIM
CLAIMS[petzka2021.CLAIM.id] = petzka2021.CLAIM
CLAIMS[petzka2021.ESCAPE_CLAIM.id] = petzka2021.ESCAPE_CLAIM
CLAIMS[petzka2021.DEEP_CLAIM.id] = petzka2021.DEEP_CLAIM

CLAIMS[christof2023_smooth.CLAIM.id] = christof2023_smooth.CLAIM
for _c in (*he2020.CLAIMS, christof2023.CLAIM, own.CLAIM):
    CLAIMS[_c.id] = _c

__all__ = ["CLAIMS", "Claim", "Instance"]
