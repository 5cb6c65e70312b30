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


def test_tracked_outputs_need_update_docs(root, capsys, bench_kinks):
    import os
    import sys
    ROOT = str(root)
    for args in (["--svg", os.path.join(ROOT, "docs", "figures", "kinks-bench.svg")],
                 ["--json", os.path.join(ROOT, "docs", "figures", "kinks-bench.json")]):
        with pytest.raises(SystemExit) as exc:
            bench_kinks.main(["--kmin", "3", "--kmax", "3", "--no-mono", "--no-z3-cells", *args])
        assert exc.value.code == 2 and "--update-docs" in capsys.readouterr().err
    import subprocess
    p = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "bench_yun2019.py"), "--sizes", "10x2", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 2 and "bench/results/yun2019.json is tracked" in p.stderr.replace(ROOT + "/", "")


def test_baseline_tree_is_timed_in_the_same_run(tmp_path, capsys, bench_kinks, root):
    out = tmp_path / "rows.json"
    bench_kinks.main(["--kmin", "3", "--kmax", "3", "--family", "min", "--no-mono", "--no-z3-cells", "--baseline", str(root),
                      "--json", str(out)])
    rows = json.loads(out.read_text())
    assert rows[0]["base_cpu_s"] > 0 and rows[0]["cpu_s"] > 0
    assert "at the baseline" in capsys.readouterr().out
    table = bench_kinks.markdown(rows)
    assert "| speed-up |" in table and table.count("\n") == 2
