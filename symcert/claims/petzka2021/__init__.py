"""Petzka, Sminchisescu (JMLR 2021): non-attracting regions of local minima (neuron splitting)."""
from symcert.claims.petzka2021 import deep, escape, split

CLAIMS = (split.CLAIM, escape.CLAIM, deep.CLAIM)
