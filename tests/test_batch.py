"""certify CLAIM / --all -j N (symcert/batch.py): every instance in its own forked child, output in
the order of `symcert list` whatever order the children end in, the same certificates as -j 1."""
import re


def _lines(p):
    return [re.sub(r" in [0-9.]+ s ", " in T s ", line) for line in p.stderr.splitlines()]


def test_jobs_give_the_same_certificates_and_output_in_list_order(cli, tmp_path, proofs):
    one, two = tmp_path / "one", tmp_path / "two"
    p1 = cli("certify", "he2020.kink", "-o", str(one), "-j", "1")
    p2 = cli("certify", "he2020.kink", "-o", str(two), "-j", "2")
    assert p1.returncode == p2.returncode == 0, p1.stderr + p2.stderr
    assert [line.replace(str(one), str(two)) for line in _lines(p1)] == _lines(p2)
    assert [line.split("]")[0] for line in _lines(p2)] == ["[1/2", "[2/2"]
    for name in ("kink-valley-end-relu.json", "kink-valley-end-leaky.json"):
        assert (one / "he2020" / name).read_bytes() == (two / "he2020" / name).read_bytes() == (proofs / "he2020" / name).read_bytes()


def test_jobs_default_to_every_core_and_are_refused_for_one_request(cli, tmp_path):
    from symcert import batch
    assert batch.cores() >= 1
    p = cli("certify", "--spec", "docs/examples/valley-end.json", "-j", "2")
    assert p.returncode == 2 and "--jobs" in p.stderr and p.stderr.count("\n") == 1
    p = cli("certify", "he2020.kink", "-j", "0")
    assert p.returncode == 2 and "positive" in p.stderr


def test_a_failing_instance_is_reported_in_its_place(cli, tmp_path):
    p = cli("certify", "he2020.kink", "-o", str(tmp_path), "--time-limit", "0.001", "-j", "2")
    assert p.returncode == 3  # UNKNOWN: the time limit, named, for each instance, in list order
    lines = _lines(p)
    assert lines[0].startswith("[1/2] he2020.kink kink-valley-end-relu: UNKNOWN")
    assert any(line.startswith("[2/2] he2020.kink kink-valley-end-leaky: UNKNOWN") for line in lines)
    assert "time limit" in p.stderr
