"""Data files as users write them: BOM, ; and TAB, columns in any order or chosen by name;
datasets from Python lists and numpy arrays; huge numbers shortened in messages."""
import numpy as np
import pytest
from flint import fmpq

from symcert.display import decimal, number, shorten, with_decimal
from symcert.errors import InputError
from symcert.inputs.data import Dataset, from_rows, read_dataset

ROWS = ((fmpq(3, 4), fmpq(-2)), (fmpq(1), fmpq(0)))
TARGETS = ((fmpq(1, 4),), (fmpq(1, 100),))


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(p)


@pytest.mark.parametrize("text", [
    "\ufeffx1,x2,y\n3/4,-2,0.25\n1,0,1e-2\n",
    "x1;x2;y\n3/4;-2;0.25\n1;0;1e-2\n",
    "x1\tx2\ty\r\n3/4\t-2\t0.25\r\n1\t0\t1e-2\r\n",
    "\ufeffy;x2;x1\n0.25;-2;3/4\n1e-2;0;1\n",
    "x2, y ,x1\n-2,0.25,3/4\n\n0,1e-2,1\n",
])
def test_bom_delimiters_and_column_order(tmp_path, text):
    d = read_dataset(write(tmp_path, "d.csv", text))
    assert d.inputs == ROWS and d.targets == TARGETS


def test_columns_chosen_by_name(tmp_path):
    path = write(tmp_path, "d.csv", "id;Label;b;a\n7;0.25;-2;3/4\n8;1e-2;0;1\n")
    d = read_dataset(path, x_columns="a,b", y_column="label")
    assert d.inputs == ROWS and d.targets == TARGETS
    d = read_dataset(write(tmp_path, "e.csv", "a,b,target\n3/4,-2,0.25\n1,0,1e-2\n"), y_column="target")
    assert d.inputs == ROWS and d.targets == TARGETS
    d = read_dataset(write(tmp_path, "f.csv", "a,b,target\n3/4,-2,0.25\n1,0,1e-2\n"), x_columns=["a", "b"])
    assert d.inputs == ROWS and d.targets == TARGETS


@pytest.mark.parametrize("x,y,needle", [
    ("a,zz", "label", "field --x-columns: value 'zz': no such column (columns: id, Label, b, a)"),
    ("a,a", "label", "column named twice"),
    ("a,label", "label", "both an input and a target"),
    ("a,b", ",", "expected column names"),
])
def test_bad_column_choices(tmp_path, x, y, needle):
    path = write(tmp_path, "d.csv", "id;Label;b;a\n7;0.25;-2;3/4\n")
    with pytest.raises(InputError) as exc:
        read_dataset(path, x_columns=x, y_column=y)
    assert needle in str(exc.value) and path in str(exc.value)


def test_other_columns_need_a_choice_and_json_refuses_columns(tmp_path):
    with pytest.raises(InputError, match="column 'id' is neither xK nor y"):
        read_dataset(write(tmp_path, "d.csv", "id,x1,y\n1,2,3\n"))
    with pytest.raises(InputError, match="CSV files only"):
        read_dataset(write(tmp_path, "d.json", '{"inputs": [[1]], "targets": [1]}'), x_columns="x1")


def test_from_rows_accepts_scalar_targets_and_from_arrays_numpy():
    d = from_rows([[0], [1], [2], [3]], [0, 1, 0, 1])
    assert d.targets == ((0,), (1,), (0,), (1,)) and d.dx == 1
    a = Dataset.from_arrays(np.array([[0.5, 1], [2, 3]]), np.array([1, 2]))
    b = Dataset.from_arrays([["1/2", 1], (2, fmpq(3))], [[1], [2]])
    assert a == b and a.inputs[0][0] == fmpq(1, 2)
    assert Dataset.from_arrays([0.1], [0]).inputs[0][0] == fmpq(3602879701896397, 36028797018963968)
    assert Dataset.from_arrays(np.array([1, 2], dtype=np.int64), [0, 1]).inputs == ((1,), (2,))
    assert Dataset.from_rows([[0], [1]], [0, 1]).m == 2


@pytest.mark.parametrize("X,Y,error,needle", [
    ("abc", [1], TypeError, "X must be a list, tuple or numpy array, not str: 'abc'"),
    ([[1]], {"a": 1}, TypeError, "Y must be"),
    ([[1], [2]], [1], ValueError, "expected 2 targets"),
    ([[float("nan")]], [1], ValueError, "not a finite number"),
    ([[True]], [1], ValueError, "not a number"),
    ([[1], [2, 3]], [1, 2], ValueError, "row 2"),
    ([["x"]], [1], ValueError, "row 1, column x1: value 'x'"),
])
def test_from_arrays_errors_quote_the_value(X, Y, error, needle):
    with pytest.raises(error) as exc:
        Dataset.from_arrays(X, Y)
    assert needle in str(exc.value)


def test_huge_numbers_are_shortened_in_messages():
    big = fmpq(10) ** 400
    assert number(big) == "1.0e+400" and number(big + 1) == "~1.0e+400"
    assert len(shorten(f"risk {big * 2 + 1} at the point")) < 30
    assert shorten("risk 77/200 and W1[0] 2") == "risk 77/200 and W1[0] 2"
    assert with_decimal(fmpq(77, 200)) == "77/200 (0.385)" and with_decimal(fmpq(1, 3)) == "1/3 (~0.333333)"
    assert decimal(fmpq(-7, 2)) == "-3.5" and decimal(fmpq(123456789)) == "~1.23457e+8"
    assert decimal(fmpq(-(10 ** 50) - 1, 3)) == "~-3.33333e+49"


def test_certify_reads_such_files_and_shortens_a_huge_risk(cli, tmp_path):
    data = write(tmp_path, "d.csv", "\ufefflabel\tb\ta\n0\t0\t0\n1e400\t0\t1\n1\t1\t0\n0\t1\t1\n1/2\t1\t2\n")
    out = tmp_path / "c.json"
    p = cli("certify", "yun2019.thm1", "--data", data, "--x-columns", "a,b",
            "--y-column", "label", "--hidden", "3", "--activation", "leaky_relu:1/10", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "e+799" in p.stderr and len(p.stderr) < 300  # the checker or symcert.display shortens it
    assert '"targets":[["0"],["1' + "0" * 400 + '"]' in out.read_text()


def test_plain_csv_cells_read_in_one_pass_agree_with_the_strict_parser(tmp_path):
    """The one-pass reader of plain integer/fraction cells gives the strict parser's values, and
    keeps the file's text for the certificate only when it is exactly format_rational's."""
    from symcert.exact.rationals import format_rational, parse_rational
    from symcert.inputs.data import read_csv
    cases = {
        "canonical": (["-11/4", "0", "5", "3/8"], True),
        "plus": (["+1", "2", "3", "4"], False),
        "leading zero": (["01", "2", "3", "4"], False),
        "minus zero": (["-0", "2", "3", "4"], False),
        "not lowest terms": (["2/4", "2", "3", "4"], False),
        "denominator one": (["3/1", "2", "3", "4"], False),
        "zero over q": (["0/5", "2", "3", "4"], False),
        "spaces (stripped)": ([" 1/2", "2 ", "3", "4"], True),
        "decimal (strict parser)": (["0.5", "2", "3", "4"], False),
    }
    for name, (cells, keeps) in cases.items():
        f = tmp_path / "d.csv"
        f.write_text("x1,x2,y\n" + ",".join(cells[:3]) + "\n" + ",".join([cells[3], "7/3", "-1"]) + "\n")
        data = read_csv(str(f))
        rows = [cells[:3], [cells[3], "7/3", "-1"]]
        assert [list(x) + list(y) for x, y in zip(data.inputs, data.targets)] == [[parse_rational(v) for v in r] for r in rows], name
        assert (data.text is not None) == keeps, name
        assert data.to_json() == {"inputs": [[format_rational(parse_rational(v)) for v in r[:2]] for r in rows],
                                  "targets": [[format_rational(parse_rational(r[2]))] for r in rows]}, name
