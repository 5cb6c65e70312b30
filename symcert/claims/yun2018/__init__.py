"""Yun, Sra, Jadbabaie (ICLR 2019): efficiently testing local optimality (claim yun2018.test)."""
from symcert.claims.yun2018 import test

CLAIMS = (test.CLAIM,)
