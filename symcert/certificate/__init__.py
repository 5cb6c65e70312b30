"""Certificate documents: building, canonical serialisation, hashing.

The format is described in docs/certificate-format.md. The canonical form is compact JSON
with sorted keys, ASCII only, and a final newline: the same inputs give the same bytes.
"""
from __future__ import annotations

import hashlib
import json

from flint import fmpq_mat

from symcert import __version__
from symcert.exact.rationals import format_rational

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
    return doc
