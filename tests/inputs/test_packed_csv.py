"""Plain CSV files read straight into packed matrices (symcert/inputs/packed_csv.py): the values
are those of the strict reader (read_csv with want_rows=True), value for value; every file the
fast path leaves to the general reader is read there with the same values, or refused with the
same one-line error."""
import random
from fractions import Fraction

import pytest

from symcert.errors import InputError
from symcert.exact.packed import parse
from symcert.inputs import packed_csv
from symcert.inputs.data import read_csv


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return str(p)


def fractions_of(packed: dict, rows: int, cols: int) -> list:
    N, D, _ = parse(packed, rows, cols)
    return [tuple(Fraction(int(N[i, j]), D) for j in range(cols)) for i in range(rows)]


def strict(path) -> tuple[list, list]:
    d = read_csv(path, want_rows=True)
    conv = lambda rows: [tuple(Fraction(int(v.p), int(v.q)) for v in row) for row in rows]  # noqa: E731
    return conv(d.inputs), conv(d.targets)


def _cell(rng: random.Random) -> str:
    p = rng.randint(-10 ** rng.randint(0, 25), 10 ** rng.randint(0, 25))
    kind = rng.random()
    if kind < 0.4:
        return str(p)
    if kind < 0.5:
        return rng.choice(["0", "-0", "007", "-010", "0/3", "4/08", "-6/4"])
    return f"{p}/{rng.randint(1, 10 ** rng.randint(1, 18))}"


def _csv(rng: random.Random, m: int, dx: int, dy: int) -> str:
    header = [f"x{k}" for k in range(1, dx + 1)] + (["y"] if dy == 1 and rng.random() < 0.5 else [f"y{k}" for k in range(1, dy + 1)])
    lines = [",".join(header)] + [",".join(_cell(rng) for _ in range(dx + dy)) for _ in range(m)]
    for _ in range(rng.randint(0, 3)):  # blank lines anywhere after the header
        lines.insert(rng.randint(1, len(lines)), "")
    end = rng.choice(["\n", "\r\n"])
    return end.join(lines) + (end if rng.random() < 0.7 else "")


@pytest.mark.parametrize("seed", range(30))
def test_packed_values_equal_the_strict_readers(tmp_path, seed):
    rng = random.Random(seed)
    m, dx, dy = rng.randint(1, 40), rng.randint(1, 4), rng.randint(1, 3)
    text = _csv(rng, m, dx, dy)
    path = write(tmp_path, "d.csv", text)
    xs, ys = strict(path)
    got = packed_csv.read(text.split("\n", 1)[1], dx + dy, dx)
    assert got is not None
    assert fractions_of(got[0], m, dx) == xs and fractions_of(got[1], m, dy) == ys
    d = read_csv(path, want_rows=False)  # the path certify takes: packed, then read by the checker's reader
    assert d.packed is not None and d.packed == got
    assert [tuple(Fraction(int(v.p), int(v.q)) for v in row) for row in d.inputs] == xs


def test_many_lines_and_denominators_across_blocks(tmp_path):
    rng = random.Random(5)
    m = packed_csv.LINES + 17
    lines = ["x1,x2,y"] + [f"{rng.randint(-50, 50)}/{rng.randint(1, 9)},{rng.randint(-9, 9)},{rng.randint(0, 3)}" for _ in range(m)]
    lines[-3] = "1/997,2,1/991"  # new denominators in the last block only
    path = write(tmp_path, "d.csv", "\n".join(lines) + "\n")
    xs, ys = strict(path)
    got = packed_csv.read("\n".join(lines[1:]) + "\n", 3, 2)
    assert fractions_of(got[0], m, 2) == xs and fractions_of(got[1], m, 1) == ys


@pytest.mark.parametrize("body", [
    "0.5,1\n", "1e3,1\n", "1, 2\n", " 1,2\n", "1,2 \n", "1\t,2\n", "+1,2\n", "3/-4,1\n", "3/0,1\n", "3/+4,1\n", "1/2/3,1\n",
    "/3,1\n", "3/,1\n", ",1\n", "1,\n", "-,1\n", "1-2,1\n", "--1,1\n", "1,2,3\n", "1\n", "1,2\n1\n", "\u0663,1\n", "1_0,1\n", "",
    "\n\n", '"1",2\n', "1;2\n",
])
def test_leaves_other_cells_to_the_general_reader(body):
    assert packed_csv.read(body, 2, 1) is None


@pytest.mark.parametrize("text", [
    "x1,y\n0.5,1\n1/3,2\n",  # a decimal
    "x1,y\n1, 2\n1/3,2\n",  # a space
    "x1;y\n1/2;1\n1/3;2\n",  # another delimiter
    '"x1",y\n1/2,1\n1/3,2\n',  # a quoted header
    "y,x1\n1,1/2\n2,1/3\n",  # columns in another order
    "x2,x1,y\n1,1/2,3\n2,1/3,4\n",
    "x1,y\n+1,1\n1/3,2\n",
])
def test_general_reader_gives_the_same_values(tmp_path, text):
    path = write(tmp_path, "d.csv", text)
    general, fast = read_csv(path, want_rows=True), read_csv(path, want_rows=False)
    assert fast.packed is None
    assert tuple(map(tuple, fast.inputs)) == general.inputs and tuple(map(tuple, fast.targets)) == general.targets


@pytest.mark.parametrize("text", [
    "x1,y\n3/-4,1\n1,2\n",
    "x1,y\n3/0,1\n1,2\n",
    "x1,y\n1,2,3\n1,2\n",
    "x1,y\n1\n1,2\n",
    "x1,y\n1,\n1,2\n",
    "x1,y\n1/2/3,1\n1,2\n",
])
def test_refused_files_give_the_same_one_line_error(tmp_path, text):
    path = write(tmp_path, "d.csv", text)
    with pytest.raises(InputError) as general:
        read_csv(path, want_rows=True)
    with pytest.raises(InputError) as fast:
        read_csv(path, want_rows=False)
    assert str(fast.value) == str(general.value) and "\n" not in str(fast.value) and path in str(fast.value)
