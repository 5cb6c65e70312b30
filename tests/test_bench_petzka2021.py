"""bench/bench_petzka2021.py: the 2-21-21-1 growth case runs and certifies."""


def test_growth_case_certifies(bench):
    b = bench("bench_petzka2021")
    name, build = b.CASES[0]
    row = b.run(name, build)
    assert row["verdict"] == "CERTIFIED" and "2-21-21-1" in row["case"]
    assert row["certify_s"] >= 0 and row["check_s"] >= 0 and row["bytes"] > 1000
