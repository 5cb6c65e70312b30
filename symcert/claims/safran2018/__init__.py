"""Safran, Shamir (ICML 2018): spurious local minima of two-layer ReLU teacher-student networks.

``symcert certify safran2018 --k K [--n N] [--seed S] [--starts N]`` trains seeded starts and
certifies each distinct endpoint (a census of the population risk, :mod:`symcert.census`). The
instances under proofs/safran2018/ are regenerated from the endpoint files stored beside their
certificates (``<name>.endpoint``: exact binary floats), so they do not depend on numpy, a BLAS
build or a CPU.
"""
from __future__ import annotations

import glob
import os

from symcert.claims.base import Claim, Instance
from symcert.claims.safran2018 import spurious as SP

ENDPOINTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                         "proofs", "safran2018")


def _build(path: str):
    def build() -> dict:
        e = SP.read_endpoint(path)
        name = os.path.basename(path)[: -len(".endpoint")]
        construction = {"seed": e["seed"], "found_by": e["found_by"], "endpoint": name + ".endpoint"}
        doc, why = SP.box_certificate(e["k"], e["n"], e["W"], name, construction)
        if doc is None:
            from symcert.errors import ConstructionFailed
            raise ConstructionFailed(f"{path}: {why}")
        return doc
    return build


def instances() -> list:
    out = []
    def order(path):  # by k, then by name
        name = os.path.basename(path)
        head = name.split("-")[0][1:]
        return (int(head) if head.isdigit() else 0, name)
    for path in sorted(glob.glob(os.path.join(ENDPOINTS, "*.endpoint")), key=order):
        name = os.path.basename(path)[: -len(".endpoint")]
        k = order(path)[0]
        out.append(Instance(name, _build(path), "spurious local minimum certified from the stored endpoint " + name,
                            cost=(k / 10) ** 6))  # the box certificate's time grows steeply with k (k = 20: about a minute)
    return out


CLAIMS = (Claim(SP.CLAIM_ID, SP.PAPER, "k = n two-layer ReLU teacher-student, Gaussian input: spurious local minima "
                "of the population risk (Krawczyk box, positive definite Hessian, risk > 0)", instances,
                options={"--k": "student width k >= 2 (required to search)", "--n": "input dimension (default k)",
                         "--seed": "first seed (default 0)", "--starts": "number of seeded starts (default 20)"}),)
