"""bench/bench_petzka2021.py: the 2-21-21-1 growth case runs and certifies."""


def test_growth_case_certifies(bench):
    b = bench("bench_petzka2021")
    name, build = b.CASES[0]
    row = b.run(name, build)
    assert row["verdict"] == "CERTIFIED" and "2-21-21-1" in row["case"]
    assert row["certify_s"] >= 0 and row["check_s"] >= 0 and row["bytes"] > 1000


def test_comparison_table_and_docs_section(bench, tmp_path, monkeypatch):
    b = bench("bench_petzka2021")
    c = {"chain": 79, "new_median": 0.1, "base_median": 0.6, "new_min": 0.08, "base_min": 0.5, "checks": 15, "base": "/x", "commit": "abc"}
    text = b.table(c)
    assert "| ratio base / new | 6.0 | 6.2 |" in text and "a chain of 79 splits" in text
    doc = tmp_path / "bench.md"
    doc.write_text(f"head\n{b.MARK[0]}\nold\n{b.MARK[1]}\ntail\n")
    monkeypatch.setattr(b, "DOC", str(doc))
    b.write_docs(text)
    out = doc.read_text()
    assert out.startswith("head\n") and out.endswith("tail\n") and "old" not in out and "| ratio base / new | 6.0 | 6.2 |" in out
