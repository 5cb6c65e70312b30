"""bench/bench_petzka2021.py: the 2-21-21-1 growth case runs and certifies."""
import importlib.util
import os

from conftest import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench_petzka2021", os.path.join(ROOT, "bench", "bench_petzka2021.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_growth_case_certifies():
    b = _bench()
    name, build = b.CASES[0]
    row = b.run(name, build)
    assert row["verdict"] == "CERTIFIED" and "2-21-21-1" in row["case"]
    assert row["certify_s"] >= 0 and row["check_s"] >= 0 and row["bytes"] > 1000
