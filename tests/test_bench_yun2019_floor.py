"""The exact floor of yun2019.thm1 and its command-line benchmark run end to end on a tiny size
(figures are not asserted: not a timed test)."""
import json
import subprocess
import sys

from flint import fmpq


def test_floor_loss_is_the_certified_risk(bench, tmp_path, root):
    F, B = bench("floor_yun2019"), bench("bench_yun2019_floor")
    csv = tmp_path / "d.csv"
    B.write_csv(str(csv), 12, 2, seed=7)
    out = F.floor(str(csv))
    assert (out["m"], out["dx"]) == (12, 2)
    cert = tmp_path / "c.json"
    proc = subprocess.run([sys.executable, "-m", "symcert", "certify", "yun2019.thm1", "--data", str(csv), "-o", str(cert), "-q"],
                          capture_output=True, text=True, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out["loss"] == fmpq(*map(int, json.loads(cert.read_text())["loss"].split("/")))  # l0 = the risk at the minimum


def test_floor_reads_decimals_exactly(bench, tmp_path):
    F = bench("floor_yun2019")
    assert F.number("0.1") == fmpq(1, 10) and F.number("-3/4") == fmpq(-3, 4) and F.number("1e-2") == fmpq(1, 100)


def test_script_prints_both_ratios(tmp_path, root):
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, str(root / "bench" / "bench_yun2019_floor.py"), "--time", "12x2", "--memory", "14x2",
                           "--seed", "7", "--json", str(out)], capture_output=True, text=True, cwd=root, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "(certify + check) / floor CPU = " in proc.stdout and "peak / floor peak = " in proc.stdout
    doc = json.loads(out.read_text())
    assert set(doc["results"]) == {"time", "memory"} and doc["results"]["time"]["certify"]["rc"] == 0


def test_csv_is_the_bench_dataset(bench, tmp_path):
    B, Y = bench("bench_yun2019_floor"), bench("bench_yun2019")
    from symcert.inputs.data import read_csv
    for m, dx in ((30, 2), (20, 1)):
        csv = tmp_path / f"d{m}x{dx}.csv"
        B.write_csv(str(csv), m, dx, seed=3)
        assert read_csv(str(csv)) == Y.bench_dataset(3, m, dx)
