"""The kink benchmark runs end to end on its smallest instances (the full run is bench/bench_kinks.py)."""
import json

import pytest


@pytest.fixture
def bench_kinks(bench):
    return bench("bench_kinks")


def test_bench_smallest_instances(tmp_path, capsys, bench_kinks):
    out = tmp_path / "rows.json"
    bench_kinks.main(["--kmin", "3", "--kmax", "3", "--no-mono", "--no-z3-cells", "--json", str(out)])
    rows = {r["instance"]: r for r in json.loads(out.read_text())}
    assert rows["min-k3"]["verdict"] == "CERTIFIED" and rows["saddle-k3"]["verdict"] == "REFUTED"
    assert rows["min-k3"]["patterns"] == 8 and rows["min-k3"]["pruned"] == 2 and rows["min-k3"]["cells"] == 6


@pytest.mark.slow
def test_monolithic_query_agrees_on_a_saddle(bench_kinks):
    pj, pt = bench_kinks.saddle(3)
    from flint import fmpq
    res, _ = bench_kinks.monolithic(pj, pt, fmpq(1, 16), 60)
    assert res == "sat"
