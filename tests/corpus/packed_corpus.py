"""Bad certificates of format version 3 (packed data, symcert/exact/packed.py), for make_corpus.py.

Each is made from one small certificate of proofs/ with its data written packed (a version 3
certificate the checker certifies, tests/exact/test_packed.py) and then changed once.
"""
from __future__ import annotations

import copy
import json
import os
from fractions import Fraction
from math import lcm

PACKED_BASE = "yun2019/thm1-random-s2-m8-dx2-d2-leaky.json"  # 8 samples, 2 inputs, fractions in both matrices


def pack_rows(rows: list) -> dict:
    """A matrix of rational texts in the packed form: least common denominator, rows of numerators."""
    vals = [[Fraction(v) for v in row] for row in rows]
    den = lcm(*(v.denominator for row in vals for v in row))
    return {"denominator": str(den), "rows": [",".join(str(int(v * den)) for v in row) for row in vals]}


def packed_doc(root: str, rel: str = PACKED_BASE) -> dict:
    """The certificate proofs/<rel> with its data packed: version 3, digest recomputed."""
    from make_corpus import digest
    with open(os.path.join(root, "proofs", rel), encoding="utf-8") as fh:
        doc = json.load(fh)
    data = doc["problem"]["data"]
    doc["problem"]["data"] = {"inputs": pack_rows(data["inputs"]), "targets": pack_rows(data["targets"])}
    doc["version"] = 3
    doc["problem_sha256"] = digest(doc["problem"])
    return doc


def _changed(base: dict, change, keep_digest: bool = False) -> dict:
    from make_corpus import digest
    doc = copy.deepcopy(base)
    change(doc["problem"]["data"])
    if not keep_digest:
        doc["problem_sha256"] = digest(doc["problem"])
    return doc


def _set_row(name: str, i: int, text: str):
    def change(data):
        data[name]["rows"][i] = text
    return change


def _not_least(data):
    x = data["inputs"]
    x["denominator"] = str(2 * int(x["denominator"]))
    x["rows"] = [",".join(str(2 * int(t)) for t in row.split(",")) for row in x["rows"]]


def _one_digit(data):
    """One digit of a numerator changed (the first digit 1..8 of row 0 of the inputs, one up)."""
    row = data["inputs"]["rows"][0]
    k = next(i for i, c in enumerate(row) if c in "12345678")
    data["inputs"]["rows"][0] = row[:k] + str(int(row[k]) + 1) + row[k + 1:]


def entries(root: str) -> list:
    """(verdict, name, document, why) of the bad version 3 certificates."""
    from symcert.exact.limits import MAX_PACKED_DIGITS
    base = packed_doc(root)
    rows = base["problem"]["data"]["inputs"]["rows"]
    v1 = copy.deepcopy(base)
    v1["version"] = 1
    first = rows[0].split(",")
    return [
        ("INVALID", "packed-in-version-1", v1, "packed data in a version 1 certificate: packed data needs version 3"),
        ("INVALID", "packed-leading-zero", _changed(base, _set_row("inputs", 0, ",".join(["0" + first[0].lstrip("-")] + first[1:]))),
         "a packed numerator with a leading zero (digest recomputed): not canonical"),
        ("INVALID", "packed-denominator-not-least", _changed(base, _not_least),
         "packed inputs with denominator and numerators all doubled (digest recomputed): not the least common denominator"),
        ("INVALID", "packed-row-too-long", _changed(base, _set_row("inputs", 1, rows[1] + ",1")),
         "a packed row with one number too many (digest recomputed)"),
        ("REJECTED", "packed-digit-changed-digest-kept", _changed(base, _one_digit, keep_digest=True),
         "one digit of a packed numerator changed, problem_sha256 kept: the digest does not match"),
        ("REJECTED", "packed-digit-changed", _changed(base, _one_digit),
         "one digit of a packed numerator changed (digest recomputed): the claimed loss is no longer the risk at the point"),
        ("INVALID", "packed-token-too-long", _changed(base, _set_row("inputs", 0, ",".join(["1" * (MAX_PACKED_DIGITS + 1)] + first[1:]))),
         f"a packed integer of {MAX_PACKED_DIGITS + 1} digits (digest recomputed): beyond MAX_PACKED_DIGITS"),
    ]

