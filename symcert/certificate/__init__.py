"""Certificate documents: the one builder, ledgers, canonical serialisation, hashing.

The format is described in docs/certificate-format.md. The canonical form is compact JSON
with sorted keys, ASCII only, and a final newline: the same inputs give the same bytes.
``document`` builds every certificate, for piecewise-linear networks (parameters as fmpq
matrices) and smooth ones (parameters as nested lists of exact reals) alike.
"""
from __future__ import annotations

import hashlib
import json
import sys
from fractions import Fraction

from flint import fmpq, fmpq_mat

from symcert import __version__
from symcert.checker.api import AFFINE_LEMMA, POLY_T, RATIONAL, Z3_NRA, outcomes
from symcert.exact.rationals import format_rational
from symcert.exact.reals import Real

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


def fill_ledgers(doc: dict, strict: bool = False) -> dict:
    """Write into the certificate what each obligation, and the whole, rests on, as the checker
    derives it (the checker verifies the declaration). If an obligation does not hold, raise
    AssertionError naming it (``strict``) or return the document without its ledgers."""
    results = outcomes(json.loads(canonical_bytes(doc)))
    for ob, res in zip(doc["obligations"], results):
        if res.status != "holds":
            if strict:
                raise AssertionError(f"{ob['id']}: {res.detail}")
            return doc
    for ob, res in zip(doc["obligations"], results):
        ob["rests_on"] = list(res.rests_on)
    return declare_ledger(doc)

def fill_ledgers_checked(doc: dict):
    """One run of the checker: (the document with its ledgers declared as the checker derived
    them, the checker's report). The declarations written equal the derivations, so checking the
    filled document gives the same verdict; only a CERTIFIED document is filled."""
    from symcert.checker.api import Verdict, check_document
    rep = check_document(json.loads(canonical_bytes(doc)))
    if rep.verdict is Verdict.CERTIFIED:
        for ob, rests_on in zip(doc["obligations"], rep.ledgers):
            ob["rests_on"] = list(rests_on)
        declare_ledger(doc)
        if doc.get("rests_on") != rep.rests_on:
            raise AssertionError(f"declared ledger {doc.get('rests_on')} differs from the checker's {rep.rests_on}")
    return doc, rep


FORMAT = "symcert-certificate"
VERSION = 1  # the version written when nothing needs a later one: 2 rigorous loss enclosures, 3 packed data
PACKED_VERSION = 3


def packed_data(problem: dict) -> bool:
    """Whether a problem statement's data is written packed (exact/packed.py: version 3)."""
    data = problem.get("data") if isinstance(problem, dict) else None
    return isinstance(data, dict) and any(isinstance(data.get(k), dict) for k in ("inputs", "targets"))


def canonical_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")


def digest(obj) -> str:
    return hashlib.sha256(canonical_bytes(obj)).hexdigest()


def write(doc: dict, path: str) -> None:
    write_bytes(canonical_bytes(doc), path)


def write_bytes(blob: bytes, path: str | None) -> None:
    """Write canonical bytes to ``path``, or to standard output when there is no path."""
    if not path:
        sys.stdout.write(blob.decode("ascii"))
        return
    with open(path, "wb") as fh:
        fh.write(blob)


def mat_json(M: fmpq_mat) -> list:
    return [[format_rational(M[i, j]) for j in range(M.ncols())] for i in range(M.nrows())]


def vec_json(M: fmpq_mat) -> list:
    return [format_rational(M[i, 0]) for i in range(M.nrows())]


def real_text(v) -> str:
    """Canonical exact text of an fmpq, int, Fraction, exact-real node or exact-real string."""
    if isinstance(v, Real):
        return v.to_string()
    if isinstance(v, str):
        return v
    if isinstance(v, Fraction):
        return format_rational(fmpq(v.numerator, v.denominator))
    return format_rational(fmpq(v))


def point_json(params: dict) -> dict:
    """Parameters as certificate text: each value an fmpq matrix (weights W, bias columns b) or
    nested lists of exact numbers (rows of a weight matrix, entries of a bias vector)."""
    out = {}
    for name, value in params.items():
        if isinstance(value, fmpq_mat):
            out[name] = vec_json(value) if name[0] == "b" else mat_json(value)
        elif name[0] == "b":
            out[name] = [real_text(v) for v in value]
        else:
            out[name] = [[real_text(v) for v in row] for row in value]
    return out


def document(claim: dict, problem: dict, point: dict, loss, obligations: list,
             better_point: dict | None = None, better_loss=None) -> dict:
    """The certificate document; obligations of known kinds get their ledger (declare_ledger)."""
    doc = {
        "format": FORMAT,
        "version": PACKED_VERSION if packed_data(problem) else VERSION,
        "generator": f"symcert {__version__}",
        "claim": claim,
        "problem": problem,
        "problem_sha256": digest(problem),
        "point": point_json(point),
        "loss": real_text(loss),
        "obligations": obligations,
    }
    if better_point is not None:
        doc["better_point"] = point_json(better_point)
        if better_loss is not None:
            doc["better_loss"] = real_text(better_loss)
    return declare_ledger(doc)
