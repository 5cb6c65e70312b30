"""Every certificate under proofs/ is re-checked, and regenerating it gives the same bytes."""
import glob
import os

import pytest

from symcert import certificate
from symcert.checker import Verdict, check_file
from symcert.claims import CLAIMS

from conftest import PROOFS

FILES = sorted(glob.glob(os.path.join(PROOFS, "**", "*.json"), recursive=True))


def test_proofs_exist():
    assert len(FILES) >= 11


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(f, PROOFS) for f in FILES])
def test_proof_certified(path):
    rep = check_file(path)
    assert rep.verdict is Verdict.CERTIFIED, rep.summary


INSTANCES = [(c, i) for c in CLAIMS.values() for i in c.instances()]


@pytest.mark.parametrize("claim,inst", INSTANCES, ids=[f"{c.id}:{i.name}" for c, i in INSTANCES])
def test_regeneration_is_byte_identical(claim, inst):
    path = os.path.join(PROOFS, claim.id.split(".")[0], inst.name + ".json")
    with open(path, "rb") as fh:
        stored = fh.read()
    assert certificate.canonical_bytes(inst.build()) == stored
