"""kernel.equal_columns (the distinct_inputs hypothesis) agrees with comparing the columns directly."""
import random

from flint import fmpq, fmpq_mat

from symcert.checker import kernel


def _direct(M):
    cols = [tuple(M[i, j] for i in range(M.nrows())) for j in range(M.ncols())]
    for t in range(len(cols)):
        for s in range(t):
            if cols[s] == cols[t]:
                return s, t
    return None


def test_equal_columns_matches_direct_comparison():
    rng = random.Random(5)
    for trial in range(300):
        r, m = rng.randint(1, 4), rng.randint(1, 9)
        big = trial % 3 == 0
        pool = [fmpq(rng.randint(-10**30, 10**30), rng.randint(1, 10**20)) if big else fmpq(rng.randint(-3, 3), rng.choice([1, 2, 3]))
                for _ in range(6)]
        M = fmpq_mat(r, m, [rng.choice(pool) for _ in range(r * m)])
        assert kernel.equal_columns(M) == _direct(M)


def test_digits_do_not_carry_into_each_other():
    # (1, 0) and (1 - B, 1) would collide for a base B not above 2 max |entry| + 1
    M = fmpq_mat(2, 3, [5, -5, 0, 0, 1, 2])
    assert kernel.equal_columns(M) is None
    assert kernel.equal_columns(fmpq_mat(2, 3, [5, -5, 5, 0, 1, 0])) == (0, 2)
