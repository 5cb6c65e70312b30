"""symcert report: text, deterministic figures, exact samples; explain's layout."""
import csv
import hashlib
import os

import pytest
from flint import fmpq

import pathlib as _pathlib

ROOT = str(_pathlib.Path(__file__).resolve().parents[1])
PROOFS = str(_pathlib.Path(ROOT) / "proofs")

CASE1 = os.path.join(PROOFS, "yun2019", "thm1-case1-relu.json")
KINK = os.path.join(PROOFS, "he2020", "kink-valley-end-relu.json")


@pytest.fixture
def run(cli):
    return cli


def digests(d):
    return {f: hashlib.sha256((d / f).read_bytes()).hexdigest() for f in sorted(os.listdir(d))}


def test_report_markdown_plots_are_deterministic_and_samples_exact(run, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        p = run("report", KINK, "-o", str(d), "--samples", "9")
        assert p.returncode == 0, p.stderr
    assert digests(a) == digests(b)
    names = set(os.listdir(a))
    for kind in ("segment", "descent", "slice"):
        assert {f"kink-valley-end-relu-{kind}.{e}" for e in ("svg", "png", "csv")} <= names
    svg = (a / "kink-valley-end-relu-segment.svg").read_text()
    assert "<dc:date>" not in svg and "symcert" in svg
    md = (a / "kink-valley-end-relu.md").read_text()
    assert "Verdict: CERTIFIED" in md and "b2 (1x1) = [ 2/3 (~0.666667) ]" in md
    assert "![The risk along the certified descent curve" in md and "## Ledger" in md
    with open(a / "kink-valley-end-relu-segment.csv") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "t" and len(rows) == 12
    t0 = next(r for r in rows[1:] if r[0] == "0")
    t1 = next(r for r in rows[1:] if r[0] == "1")
    assert (t0[1], t1[1]) == ("1/3", "7/24")  # the exact risks at the point and at the better point


def test_report_html_without_plots_and_explain_layout(run, tmp_path):
    p = run("report", CASE1, "--format", "html", "--no-plots", "-o", str(tmp_path), "-q")
    assert p.returncode == 0 and p.stderr == ""
    assert os.listdir(tmp_path) == ["thm1-case1-relu.html"]
    html = (tmp_path / "thm1-case1-relu.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "77/200 (0.385)" in html
    out = run("explain", CASE1).stdout
    assert out.index("W1 (2x1)") < out.index("b1 (2x1)") < out.index("W2 (1x2)") < out.index("b2 (1x1)")
    assert "[ 6/5 (1.2) ]" in out and "at better point: 77/200 (0.385)" in out and "data: 4 samples" in out
    assert "descent direction D" in run("explain", KINK).stdout


@pytest.mark.parametrize("args,code,needle", [
    (("report", "/nonexistent.json"), 2, "cannot read"),
    (("report", CASE1, "--samples", "3"), 2, "from 9 to 401"),
    (("report", CASE1, "--format", "pdf"), 2, "invalid choice"),
])
def test_report_refuses_bad_input(run, args, code, needle):
    p = run(*args)
    assert p.returncode == code and needle in p.stderr


def test_smooth_samples_are_enclosures(tmp_path):
    import json
    from symcert.sampling import Landscape
    with open(os.path.join(PROOFS, "ding2022", "thm-worked-n3.json")) as fh:
        doc = json.load(fh)
    L = Landscape(doc)
    p = L.flat(doc["point"])
    assert L.risk(p).exact == "1/3"
    v = L.risk(L.combine(p, [[fmpq(1)] * len(p)], [fmpq(1, 10)]))
    assert v.rigorous and v.exact.startswith("[0.45340947") and "+/-" in v.exact


def test_hessian_spectrum_of_a_smooth_saddle(tmp_path):
    import json
    from symcert.sampling import hessian_spectrum
    with open(os.path.join(PROOFS, "ding2022", "thm-saddle-refuted.json")) as fh:
        spec = hessian_spectrum(json.load(fh))
    assert len(spec) == 7 and all(r < 1e-10 for _, r in spec)
    assert spec[0][0] + spec[0][1] < 0  # the saddle's negative curvature, enclosed
    assert abs(spec[-1][0] - 5.962963) < 1e-6


def test_cell_map_at_kinks(run, tmp_path):
    p = run("report", os.path.join(PROOFS, "yun2018", "boundary-min-leaky-3.json"), "-o", str(tmp_path), "--samples", "9", "-q")
    assert p.returncode == 0, p.stderr
    with open(tmp_path / "boundary-min-leaky-3-cells.csv") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["pattern", "proof"] and len(rows) == 9 and {r[1] for r in rows[1:]} == {"affine_exceptions"}
    assert "cells meeting the point" in (tmp_path / "boundary-min-leaky-3.md").read_text()
