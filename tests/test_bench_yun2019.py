"""The yun2019 benchmark script runs end to end on a tiny size (figures are not asserted: it is
not a timed test, only a guard that the script keeps working)."""
import argparse
import json
import subprocess
import sys

import pytest


@pytest.fixture
def B(bench):
    return bench("bench_yun2019")


def test_run_one_certifies_and_reports_every_figure(B):
    r = B.run_one(12, 2, seed=7)
    assert r["status"] == "CERTIFIED", r
    for key in ("certify_s", "serialise_s", "parse_s", "check_s", "peak_rss_mib", "cert_bytes", "certify_cpu_s"):
        assert r[key] >= 0, key
    assert r["obligations"] == ["gradient_zero", "interior_cell", "affine_reduction", "strictly_lower"]


def test_run_one_reports_when_the_theorem_does_not_apply(B):
    r = B.run_one(3, 2, seed=7)  # 3 generic points in the plane: an affine map fits them exactly
    assert r["status"] == "not applicable" and r["hypothesis"] == "C1.1" and "C1.1" in r["reason"]


def test_bench_data_has_distinct_inputs_even_on_a_small_grid(B):
    for m, dx in ((2000, 1), (3000, 2), (50, 3)):
        data = B.bench_dataset(4, m, dx)
        assert data.m == m and data.dx == dx and len(set(data.inputs)) == m
        assert all(v.q in (1, 2, 4) for row in data.inputs for v in row)
    assert B.bench_dataset(4, 50, 3) == B.bench_dataset(4, 50, 3)  # seeded


def test_sizes_syntax(B):
    assert B.parse_sizes("10x2, 10000x50") == [(10, 2), (10000, 50)]
    for bad in ("10", "10x", "x2", "0x2", "10by2"):
        with pytest.raises(argparse.ArgumentTypeError):
            B.parse_sizes(bad)


def test_script_subprocess_table_and_json(tmp_path, root):
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, str(root / "bench" / "bench_yun2019.py"), "--sizes", "10x2,4x3",
                           "--json", str(out), "--breakdown"], capture_output=True, text=True, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "| 10 | 2 | CERTIFIED |" in proc.stdout and "| 4 | 3 | n/a (C1.1) |" in proc.stdout
    doc = json.loads(out.read_text())
    assert [r["status"] for r in doc["results"]] == ["CERTIFIED", "not applicable"]
    assert doc["machine"]["cores"] >= 1
    steps = doc["results"][0]["breakdown_cpu_s"]
    assert "check:   obligation interior_cell" in steps and "certify: interior radius (box halvings)" in steps
