"""Certificate documents: building, canonical serialisation, hashing.

The format is described in docs/certificate-format.md. The canonical form is compact JSON
with sorted keys, ASCII only, and a final newline: the same inputs give the same bytes.
"""
from __future__ import annotations

import hashlib
import json

from flint import fmpq_mat

from symcert import __version__
from symcert.checker.descent import POLY_T
from symcert.checker.obligations import AFFINE_LEMMA, RATIONAL, Z3_NRA
from symcert.exact.rationals import format_rational

# What each obligation kind rests on when it holds (the checker verifies the declaration).
LEDGER = {
    "gradient_zero": [RATIONAL],
    "interior_cell": [RATIONAL],
    "affine_reduction": [RATIONAL, AFFINE_LEMMA],
    "smt_cell_minimum": [RATIONAL, Z3_NRA],
    "strictly_lower": [RATIONAL],
    "descent_curve": [RATIONAL, POLY_T],
}


def declare_ledger(doc: dict) -> dict:
    """Name in the certificate what each obligation, and the whole, rests on (known kinds)."""
    total, complete = [], True
    for ob in doc["obligations"]:
        if "rests_on" not in ob and ob.get("kind") in LEDGER:
            ob["rests_on"] = list(LEDGER[ob["kind"]])
        if "rests_on" not in ob:
            complete = False
            continue
        total += [item for item in ob["rests_on"] if item not in total]
    if complete:
        doc["rests_on"] = total
    return doc

FORMAT = "symcert-certificate"
VERSION = 1


def canonical_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")


def digest(obj) -> str:
    return hashlib.sha256(canonical_bytes(obj)).hexdigest()


def write(doc: dict, path: str) -> None:
    with open(path, "wb") as fh:
        fh.write(canonical_bytes(doc))


def mat_json(M: fmpq_mat) -> list:
    return [[format_rational(M[i, j]) for j in range(M.ncols())] for i in range(M.nrows())]


def vec_json(M: fmpq_mat) -> list:
    return [format_rational(M[i, 0]) for i in range(M.nrows())]


def point_json(params: dict) -> dict:
    return {k: (vec_json(v) if k[0] == "b" else mat_json(v)) for k, v in params.items()}


def document(claim: dict, problem: dict, point: dict, loss, obligations: list,
             better_point: dict | None = None, better_loss=None) -> dict:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"symcert {__version__}",
        "claim": claim,
        "problem": problem,
        "problem_sha256": digest(problem),
        "point": point_json(point),
        "loss": format_rational(loss),
        "obligations": obligations,
    }
    if better_point is not None:
        doc["better_point"] = point_json(better_point)
        doc["better_loss"] = format_rational(better_loss)
    return declare_ledger(doc)
