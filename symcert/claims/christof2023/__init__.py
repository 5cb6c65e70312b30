"""Christof, Kowalczyk (Constr. Approx. 2023): spurious local minima are omnipresent."""
from symcert.claims.christof2023 import pl, smooth

CLAIMS = (pl.CLAIM, smooth.CLAIM)
