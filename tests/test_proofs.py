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
# Regenerations that take about a minute or more on a 2-core machine (the stored certificates are
# still checked by test_proof_certified in the default run): marked slow, run with `-m slow`.
SLOW_REGENERATIONS = {"safran2018:k20-seed0", "safran2018:k16-seed0", "safran2018:k14-seed1",
                      "ding2022.thm:thm-deep-tanh-s42-m5-1-4-4-4-1", "ding2022.thm:thm-tanh-s32-m7-dx1-n100",
                      "safran2018:k17-seed0", "safran2018:k18-seed0", "safran2018:k19-seed0"}


def _instance(c, i):
    name = f"{c.id}:{i.name}"
    return pytest.param(c, i, id=name, marks=[pytest.mark.slow] if name in SLOW_REGENERATIONS else [])


def test_slow_regenerations_name_instances():
    names = {f"{c.id}:{i.name}" for c, i in INSTANCES}
    assert SLOW_REGENERATIONS <= names, SLOW_REGENERATIONS - names


@pytest.mark.parametrize("claim,inst", [_instance(c, i) for c, i in INSTANCES])
def test_regeneration_is_byte_identical(claim, inst, proofs):
    stored = (proofs / claim.id.split(".")[0] / (inst.name + ".json")).read_bytes()
    assert certificate.canonical_bytes(inst.build()) == stored
