"""Every certificate under proofs/ is re-checked, and regenerating it gives the same bytes."""
import pytest

from symcert import certificate
from symcert.checker import Verdict, check_file
from symcert.claims import CLAIMS


def test_proofs_exist(proofs):
    assert len(list(proofs.rglob("*.json"))) >= 11


def test_proof_certified(proof_path):
    rep = check_file(str(proof_path))
    assert rep.verdict is Verdict.CERTIFIED, rep.summary


INSTANCES = [(c, i) for c in CLAIMS.values() for i in c.instances()]


def _slow(claim, inst) -> bool:
    """Rebuilding a safran2018 certificate for k = 17, 18 or 19 takes 10 to 30 CPU s each: those run with -m slow
    (their certificates are still checked by test_proof_certified in the default run)."""
    head = inst.name.split("-")[0][1:]
    return claim.id == "safran2018" and head.isdigit() and 17 <= int(head) <= 19


@pytest.mark.parametrize("claim,inst", [pytest.param(c, i, marks=[pytest.mark.slow] if _slow(c, i) else [])
                                        for c, i in INSTANCES], ids=[f"{c.id}:{i.name}" for c, i in INSTANCES])
def test_regeneration_is_byte_identical(claim, inst, proofs):
    stored = (proofs / claim.id.split(".")[0] / (inst.name + ".json")).read_bytes()
    assert certificate.canonical_bytes(inst.build()) == stored
