"""The piecewise-linear activation family and the pl: command-line syntax."""
import pytest
from flint import fmpq

from symcert.checker.problem import activation as read_activation
from symcert.errors import InputError
from symcert.inputs.activations import absolute, from_knots, hard_sigmoid, hard_tanh, parse_activation, pieces, relu6


def h(act, t):
    return read_activation(act, "act").value(fmpq(t))


@pytest.mark.parametrize("spec,points", [
    ("relu", {-2: 0, 0: 0, 3: 3}),
    ("abs", {-2: 2, 0: 0, fmpq(3, 2): fmpq(3, 2)}),
    ("hard_tanh", {-5: -1, -1: -1, fmpq(1, 3): fmpq(1, 3), 1: 1, 7: 1}),
    ("relu6", {-1: 0, 0: 0, 5: 5, 6: 6, 9: 6}),
    ("hard_sigmoid", {-4: 0, -3: 0, 0: fmpq(1, 2), 3: 1, 4: 1, 1: fmpq(2, 3)}),
    ("leaky_relu:1/10", {-10: -1, 2: 2}),
    ("pl:0;-1=-1,1=1;0", {-5: -1, fmpq(1, 2): fmpq(1, 2), 5: 1}),
    ("pl:1/2;0=1,2=0;-1", {-2: 0, 0: 1, 1: fmpq(1, 2), 2: 0, 4: -2}),
])
def test_values(spec, points):
    act = parse_activation(spec)
    for t, v in points.items():
        assert h(act, t) == v, (spec, t)


def test_named_equal_knot_forms():
    assert parse_activation("pl:0;-1=-1,1=1;0")["pieces"] == hard_tanh()["pieces"]
    assert parse_activation("pl:0;0=0,6=6;0")["pieces"] == relu6()["pieces"]
    assert parse_activation("pl:0;-3=0,3=1;0")["pieces"] == hard_sigmoid()["pieces"]
    assert parse_activation("pl:-1;0=0;1")["pieces"] == absolute()["pieces"]


def test_pieces_helper():
    assert pieces(hard_tanh()) == [(None, fmpq(-1), 0, -1), (fmpq(-1), fmpq(1), 1, 0), (fmpq(1), None, 0, 1)]


def test_knot_name_round_trips():
    act = from_knots(0, [(-1, -1), (1, 1)], 0)
    assert act["name"] == "pl:0;-1=-1,1=1;0"
    assert parse_activation(act["name"]) == act


@pytest.mark.parametrize("spec,needle", [
    ("pl:0;1=1,0=0;1", "increase strictly"),
    ("pl:0;1;1", "bad knot"),
    ("pl:0;1=a;1", "bad number 'a'"),
    ("pl:0", "pl: syntax"),
    ("pl:0;;1", "pl: syntax"),
    ("pl:0;1=1;0.1.2", "bad number"),
    ("hard_tanh:2", "unknown activation"),
    ("softsign", "unknown activation"),
])
def test_syntax_errors_are_one_line(spec, needle):
    with pytest.raises(InputError) as exc:
        parse_activation(spec)
    msg = str(exc.value)
    assert needle in msg and "\n" not in msg and spec in msg


def test_cli_reports_bad_pl_in_one_line(capsys, tmp_path):
    from symcert.cli import main
    data = tmp_path / "d.csv"
    data.write_text("x1,y\n0,0\n1,1\n2,0\n")
    code = main(["certify", "yun2019.thm1", "--data", str(data), "--activation", "pl:0;2=1,1=0;0"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and "increase strictly" in err
