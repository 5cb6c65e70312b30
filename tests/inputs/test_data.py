
import pytest
from flint import fmpq

from symcert.errors import InputError
from symcert.inputs.data import read_dataset


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_csv_exact(tmp_path):
    path = write(tmp_path, "d.csv", "x1,x2,y\n3/4,-2,0.25\n1,0,1e-2\n")
    d = read_dataset(path)
    assert d.inputs == ((fmpq(3, 4), fmpq(-2)), (fmpq(1), fmpq(0)))
    assert d.targets == ((fmpq(1, 4),), (fmpq(1, 100),))
    assert (d.m, d.dx, d.dy) == (2, 2, 1)


def test_json_decimals_read_from_text(tmp_path):
    path = write(tmp_path, "d.json", '{"inputs": [[0.1, "3/4"], [2, -1]], "targets": [0.3, "1"]}')
    d = read_dataset(path)
    assert d.inputs[0] == (fmpq(1, 10), fmpq(3, 4))
    assert d.targets[0] == (fmpq(3, 10),)


@pytest.mark.parametrize("text,needle", [
    ("x1,y\n1,2\nfoo,3\n", "row 3, column x1"),
    ("x1,y\n1,2\n3\n", "row 3"),
    ("a,b\n1,2\n", "header"),
    ("", "empty"),
    ("x1,y\n1,0.5.5\n", "row 2, column y"),
])
def test_csv_errors_name_file_row_column(tmp_path, text, needle):
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError) as exc:
        read_dataset(path)
    msg = str(exc.value)
    assert path in msg and needle in msg and "\n" not in msg


@pytest.mark.parametrize("text,needle", [
    ("{", "not valid JSON"),
    ('{"inputs": [[1]], "targets": ["x"]}', "row 1, column y1"),
    ('{"inputs": [[1]]}', "inputs/targets"),
    ('{"inputs": [[1], [2, 3]], "targets": [1, 2]}', "row 2"),
])
def test_json_errors(tmp_path, text, needle):
    path = write(tmp_path, "bad.json", text)
    with pytest.raises(InputError) as exc:
        read_dataset(path)
    assert needle in str(exc.value) and path in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError):
        read_dataset(str(tmp_path / "nope.csv"))
