"""Yun, Sra, Jadbabaie (ICLR 2019): small nonlinearities in activation functions create bad local minima."""
from symcert.claims.yun2019 import thm1, thm2, thm4

CLAIMS = (thm1.CLAIM, thm2.CLAIM, thm4.CLAIM)
