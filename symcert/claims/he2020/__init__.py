"""He, Wang, Tao (ICLR 2020): piecewise-linear activations shape the loss surface."""
from symcert.claims.he2020 import cell, kink, thm1, thm2, valley

CLAIMS = (thm1.CLAIM, thm2.CLAIM, valley.CLAIM, cell.CLAIM, kink.CLAIM)
