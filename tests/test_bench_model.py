"""The bring-your-own-network benchmark runs end to end on a small network (the full run,
10-64-1 on 10,000 samples, is bench/bench_model.py without arguments); nothing is timed here."""


def test_bench_model_small(capsys, bench):
    bench("bench_model").main(["200", "4"])
    out = capsys.readouterr().out
    assert "(45 lifted variables)" in out and "check of the certificate" in out and "(CERTIFIED)" in out
    assert "ratio certify / least squares" in out and "ratio (certify + check) / least squares" in out
