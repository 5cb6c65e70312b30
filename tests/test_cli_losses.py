"""The command line with the new activations and losses: --loss, --depth, pl: activations."""
import json

import pytest

from symcert.checker import Verdict, check_file
from symcert.cli import main


@pytest.fixture
def data(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,y\n0,0\n1,1\n2,0\n3,1\n")
    return str(p)


def test_list_has_the_claims(capsys):
    assert main(["list", "--json"]) == 0
    ids = {r["id"] for r in json.loads(capsys.readouterr().out)}
    assert {"he2020.thm1", "he2020.thm2", "he2020.valley", "christof2023.thm"} <= ids


@pytest.mark.parametrize("claim,args", [
    ("he2020.thm1", ["--loss", "huber:1/3", "--depth", "3", "--activation", "hard_tanh"]),
    ("he2020.thm1", ["--loss", "absolute", "--activation", "pl:0;0=0,6=6;0", "--hidden", "3"]),
    ("christof2023.thm", ["--loss", "absolute", "--depth", "3", "--activation", "relu6"]),
    ("christof2023.thm", ["--activation", "hard_sigmoid"]),
])
def test_certify_user_data(claim, args, data, tmp_path):
    out = tmp_path / "c.json"
    assert main(["certify", claim, "--data", data, "-o", str(out), "-q"] + args) == 0
    assert check_file(str(out)).verdict is Verdict.CERTIFIED


@pytest.mark.parametrize("args,needle", [
    (["--loss", "huber:0"], "must be positive"),
    (["--loss", "huber:x"], "bad Huber parameter"),
    (["--loss", "softmax"], "unknown loss"),
    (["--loss", "hinge"], "1 or -1"),
    (["--depth", "1"], "at least 2"),
])
def test_bad_options_are_one_line(args, needle, data, capsys):
    code = main(["certify", "christof2023.thm", "--data", data, "-q"] + args)
    err = capsys.readouterr().err.strip()
    assert code == 2 and needle in err and "\n" not in err
