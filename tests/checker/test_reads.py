"""A matrix read once (problem.read_matrix) is reused by the problem reader only where the texts
are equal; anything else is read again, so the result is always the reading of the texts given."""
import json
import subprocess
import sys

from flint import fmpq, fmpq_mat

from symcert.checker.api import check_document, parse_problem, read_matrix
from symcert.checker.problem import Read

ACT = {"kind": "piecewise_linear", "name": "relu", "breakpoints": ["0"], "pieces": [["0", "0"], ["1", "0"]]}


def _spec(inputs, targets):
    return {"network": {"widths": [2, 2, 1], "activation": ACT}, "loss": {"kind": "squared"},
            "data": {"inputs": inputs, "targets": targets}}


def test_equal_texts_reuse_the_reading_itself():
    xs, ys = [["1/2", "-3"], ["0", "5/4"]], [["1"], ["-1/3"]]
    reads = (read_matrix(xs, 2, 2, "x"), read_matrix(ys, 2, 1, "y"))
    prob = parse_problem(_spec(json.loads(json.dumps(xs)), json.loads(json.dumps(ys))), "problem", reads)
    assert prob.X == fmpq_mat(2, 2, [fmpq(1, 2), 0, -3, fmpq(5, 4)])
    assert prob.X is reads[0].T and prob.Y is reads[1].T  # shared, not copied: nothing writes into a problem's data


def test_other_texts_are_read_again():
    xs, ys = [["1/2", "-3"], ["0", "5/4"]], [["1"], ["-1/3"]]
    reads = (read_matrix(xs, 2, 2, "x"), read_matrix(ys, 2, 1, "y"))
    prob = parse_problem(_spec([["1/2", "-3"], ["0", "5/3"]], [["1"], ["2/6"]]), "problem", reads)
    assert prob.X[1, 1] == fmpq(5, 3) and prob.Y[0, 1] == fmpq(1, 3)


def test_a_reading_of_other_texts_is_not_used():
    # a Read of other texts (made by hand here, with a matrix that is not their reading) is ignored:
    # reuse needs the texts to be equal
    forged = Read('[["1","2"],["3","4"]]', fmpq_mat(2, 2, [9, 9, 9, 9]))
    prob = parse_problem(_spec([["1", "2"], ["3", "5"]], [["1"], ["2"]]), "problem", (forged,))
    assert prob.X == fmpq_mat(2, 2, [1, 3, 2, 5])


def test_certify_data_checks_with_the_reading_of_the_csv(tmp_path, root):
    """certify --data on canonical cells: the certificate is the same, and its check certifies it."""
    from symcert.claims.yun2019 import thm1
    from symcert.inputs.data import read_dataset
    csv = tmp_path / "d.csv"
    csv.write_text("x1,x2,y\n0,1/2,1\n1,-3/4,0\n2,5,1\n3,1,-1/2\n-1,7/3,2\n", encoding="ascii")
    data = read_dataset(str(csv))
    assert data.reads and data.text is not None
    doc = thm1.certify_data(data, {"activation": thm1.relu(), "smt": "never"})
    blob = json.dumps(doc)
    with_reads = check_document(json.loads(blob), "c", reads=data.reads)
    without = check_document(json.loads(blob), "c")
    assert with_reads.verdict.name == without.verdict.name == "CERTIFIED"
    assert with_reads.obligations == without.obligations


def test_certify_one_claim_does_not_import_sympy_or_other_claims(root):
    code = ("import sys; from symcert import claims; c = claims.find('yun2019.thm1'); "
            "print(c.id, 'sympy' in sys.modules, 'symcert.claims.yun2019.thm2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True).stdout.split()
    assert out == ["yun2019.thm1", "False", "False"]


def test_no_affine_fit_over_integer_rows_agrees_with_the_rational_ranks():
    """The hypothesis reads both ranks off the Gram matrix of the integer rows [NX; 1; NY]; on
    random data (some with an exact affine fit) they are the ranks of the rational [X; 1; Y]."""
    import random
    from types import SimpleNamespace

    from symcert.checker import hypotheses as H
    rng = random.Random(16)
    for trial in range(40):
        m, dx = rng.randint(1, 7), rng.randint(1, 3)
        X = fmpq_mat(dx, m, [fmpq(rng.randint(-5, 5), rng.choice((1, 2, 3, 4))) for _ in range(dx * m)])
        w = [fmpq(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(dx)]
        fits = trial % 3 == 0
        Y = fmpq_mat(1, m, [sum((w[k] * X[k, j] for k in range(dx)), fmpq(1, 2)) if fits else fmpq(rng.randint(-4, 4), 5)
                            for j in range(m)])
        ones = fmpq_mat(1, m, [1] * m)
        A1 = fmpq_mat(dx + 1, m, [*X.entries(), *ones.entries()])
        A = fmpq_mat(dx + 2, m, [*X.entries(), *ones.entries(), *Y.entries()])
        prob = SimpleNamespace(X=X, Y=Y, m=m, widths=(dx, 2, 1))
        holds, detail = H._no_affine_fit(prob, None, None, None)
        assert holds == (A.rank() > A1.rank()), detail
        assert detail == f"rank [X; 1; Y] = {A.rank()} {'>' if holds else '='} rank [X; 1] = {A1.rank()}"


def test_matrix_rows_behave_like_the_tuple_of_rows(tmp_path):
    from symcert.inputs.data import MatrixRows, read_dataset
    csv = tmp_path / "d.csv"
    csv.write_text("x1,x2,y\n0,1/2,1\n1,-3/4,0\n2,5,1\n", encoding="ascii")
    lazy, full = read_dataset(str(csv), want_rows=False), read_dataset(str(csv))
    assert isinstance(lazy.inputs, MatrixRows) and isinstance(full.inputs, tuple)
    assert lazy == full and hash(lazy) == hash(full) and lazy.inputs == full.inputs and full.inputs == lazy.inputs
    assert (lazy.m, lazy.dx, lazy.dy) == (3, 2, 1)
    assert lazy.inputs[1] == (fmpq(1), fmpq(-3, 4)) and lazy.inputs[-1] == full.inputs[-1]
    assert lazy.inputs[1:] == full.inputs[1:] and list(lazy.targets) == list(full.targets)
    assert lazy.to_json() == full.to_json()
    import pytest
    with pytest.raises(IndexError):
        lazy.inputs[3]


def test_a_value_that_is_not_json_is_read_as_usual():
    from symcert.checker.api import FormatError
    import pytest
    reads = (read_matrix([["1"]], 1, 1, "x"),)
    with pytest.raises(FormatError):
        parse_problem(_spec([[fmpq(1), "2"], ["3", "4"]], [["1"], ["2"]]), "problem", reads)
