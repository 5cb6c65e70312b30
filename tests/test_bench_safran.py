"""bench/bench_safran.py runs end to end on its quick setting and certifies (never a time)."""


def test_bench_quick(bench, capsys):
    bench("bench_safran").main(["--quick", "--starts", "5", "--iters", "20"])
    out = capsys.readouterr().out
    assert "| 6 | 36 | CERTIFIED |" in out
    assert "census on XOR" in out


def test_bench_table(bench, capsys):
    bench("bench_safran").main(["--table"])
    out = capsys.readouterr().out
    assert "| 6 | k6-seed261.json | [0.02508058100246301041, 0.02508058100246301042] |" in out
