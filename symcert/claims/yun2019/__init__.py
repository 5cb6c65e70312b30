"""Yun, Sra, Jadbabaie (ICLR 2019): small nonlinearities in activation functions create bad local minima."""


def __getattr__(name: str):
    """``CLAIMS`` on first use: importing one theorem's module (``symcert.claims.find``) does not
    import the others (thm2 needs sympy, which a thm1 certificate does not)."""
    if name != "CLAIMS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from symcert.claims.yun2019 import thm1, thm2, thm4
    return (thm1.CLAIM, thm2.CLAIM, thm4.CLAIM)
