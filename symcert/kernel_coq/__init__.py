"""The kernel route: certificates re-checked by Coq's kernel (see docs/kernel.md).

``export`` turns a supported certificate into a ``.v`` file (trusted: it writes the statement
the kernel proves); ``library`` compiles the Coq library into a cache folder; ``kernel`` runs
``coqc`` and turns its answer into a verdict.
"""
