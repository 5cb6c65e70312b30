"""Ding, Li, Sun (Math. of OR 2022): sub-optimal local minima for almost all non-linear activations."""
from symcert.claims.ding2022 import thm

CLAIMS = (thm.CLAIM,)
