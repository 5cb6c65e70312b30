"""Time and memory budgets (symcert.supervise): a child at its limit is killed and reported within
the limit plus about a second; a child that raises or dies is an error, never a verdict; the
pool runs N children at once, largest first, and returns results in the jobs' order."""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = os.path.join(ROOT, "proofs")
from symcert import supervise as S


def _job(kind):
    if kind == "sleep":
        time.sleep(30)
    if kind == "memory":
        block = bytearray(800 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page: resident
        time.sleep(30)
    if kind == "raise":
        raise RuntimeError("boom")
    if kind == "die":
        os._exit(9)
    if kind == "big":
        return {"text": "x" * 3 * 10**6}  # more than a pipe buffer
    return {"pid": os.getpid(), "kind": kind, "t": time.monotonic()}


def test_time_limit_is_unknown_within_the_limit_plus_a_second():
    t0 = time.monotonic()
    out = S.run_one(_job, "sleep", time_limit=1.0)
    assert out == {"ok": False, "limit": "time", "message": "time limit of 1 s reached (--time-limit)"}
    assert time.monotonic() - t0 < 2.5


def test_memory_limit_is_unknown():
    t0 = time.monotonic()
    out = S.run_one(_job, "memory", time_limit=20, memory_limit=300)
    assert out["ok"] is False and out["limit"] == "memory" and "300 MB" in out["message"]
    assert time.monotonic() - t0 < 15


def test_failures_of_the_child_are_errors_not_verdicts():
    assert S.run_one(_job, "raise") == {"ok": False, "limit": None, "message": "RuntimeError: boom"}
    died = S.run_one(_job, "die")
    assert died["ok"] is False and died["limit"] is None and "exit code 9" in died["message"]


def test_results_larger_than_a_pipe_buffer_arrive_whole():
    out = S.run_one(_job, "big")
    assert out["ok"] and len(out["result"]["text"]) == 3 * 10**6


def test_pool_order_and_parallelism():
    done = []
    jobs = ["a", "b", "c", "d"]
    out = S.run_jobs(_job, jobs, sizes=[1, 4, 2, 3], workers=2, on_done=lambda i, o: done.append(i))
    assert [o["result"]["kind"] for o in out] == jobs  # the jobs' order, whatever order they ended in
    assert len({o["result"]["pid"] for o in out}) == 4 and os.getpid() not in {o["result"]["pid"] for o in out}
    assert sorted(done) == [0, 1, 2, 3]


def test_cli_time_limit_and_jobs(tmp_path):
    d = tmp_path / "certs"
    d.mkdir()
    for rel in ("he2020/kink-valley-end-relu.json", "yun2019/thm2-relu.json", "yun2018/deep-abs-global-min.json"):
        (d / os.path.basename(rel)).write_text(open(os.path.join(PROOFS, rel), encoding="utf-8").read())
    p = subprocess.run([sys.executable, "-m", "symcert", "audit", str(d), "-j", "2", "--json"], capture_output=True, text=True,
                       cwd=ROOT, timeout=600)
    reports = json.loads(p.stdout)["reports"]
    assert p.returncode == 0 and [r["source"] for r in reports] == sorted(r["source"] for r in reports)
    assert all(r["verdict"] == "CERTIFIED" for r in reports)
    # deep-abs-global-min decides 8 cells with z3: far longer than 10 ms
    p = subprocess.run([sys.executable, "-m", "symcert", "check", "--time-limit", "0.01", str(d / "deep-abs-global-min.json")], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 3 and "UNKNOWN" in p.stdout and "time limit of 0.01 s reached" in p.stdout
    p = subprocess.run([sys.executable, "-m", "symcert", "check", "--memory-limit", "0", str(d / "thm2-relu.json")],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "positive" in p.stderr
