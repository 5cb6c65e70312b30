"""bench/bench_ding2022.py: the in-process table certifies and reports the growth between widths."""


def test_inprocess_table_and_growth(bench):
    b = bench("bench_ding2022")
    lines = b.table_inprocess([100, 200])
    assert lines[2].startswith("| 100 | 301 | CERTIFIED |") and lines[3].startswith("| 200 | 601 | CERTIFIED |")
    assert lines[-1].startswith("Growth from width 100 to 200 (in-process): certify ")


def test_growth_needs_two_widths_of_at_least_100(bench):
    b = bench("bench_ding2022")
    assert b._growth([(10, 0, 0, 1.0, 1.0)], 3, 4, "x") == []
    assert "certify 4.0x, check 2.0x, certify + check 3.0x" in b._growth([(100, 0, 0, 1.0, 1.0), (1000, 0, 0, 4.0, 2.0)], 3, 4, "x")[1]
