"""bench/bench_startup.py runs end to end (figures are not asserted: not a timed test)."""
import json
import subprocess
import sys


def test_script_prints_the_ratio_and_saves_the_figures(tmp_path, root):
    out = tmp_path / "s.json"
    proc = subprocess.run([sys.executable, str(root / "bench" / "bench_startup.py"), "--repeat", "1", "--json", str(out)],
                          capture_output=True, text=True, cwd=root, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "ratio " in proc.stdout and "import flint, z3" in proc.stdout
    doc = json.loads(out.read_text())
    assert len(doc["results"]["check_cpu_s"]) == 1 and doc["results"]["ratio"] > 0


def test_bad_options_are_one_line_errors(root):
    for args, word in ((["--repeat", "0"], "--repeat"), (["--cert", "no/such.json"], "--cert")):
        proc = subprocess.run([sys.executable, str(root / "bench" / "bench_startup.py"), *args],
                              capture_output=True, text=True, cwd=root, timeout=60)
        assert proc.returncode == 2 and word in proc.stderr and "Traceback" not in proc.stderr
