"""The integer-bound rules of symcert.checker.scaled (pieces by floors of p d / q, activate by
overwriting, the interior test by one bound per piece end), kernel.row_gram and the fast path of
kernel.equal_columns, on entries exactly on and next to rational breakpoints."""
import random

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from symcert.checker import kernel, scaled
from symcert.checker.problem import PiecewiseLinear, Problem

# hard tanh: flat pieces with non-zero intercepts; three pieces with breakpoints of denominators 3 and 5
HARD_TANH = PiecewiseLinear((fmpq(-1), fmpq(1)), (fmpq(0), fmpq(1), fmpq(0)), (fmpq(-1), fmpq(0), fmpq(1)))
THIRDS = PiecewiseLinear((fmpq(-1, 3), fmpq(2, 5)), (fmpq(1, 2), fmpq(3), fmpq(-1, 7)),
                         (fmpq(0), fmpq(5, 6), fmpq(5, 6) + fmpq(6, 5) + fmpq(2, 35)))
RELU = PiecewiseLinear((fmpq(0),), (fmpq(0), fmpq(1)), (fmpq(0), fmpq(0)))
ACTS = [HARD_TANH, THIRDS, RELU]


def _near_breakpoints(act, d: int) -> list:
    """Numerators n (over d) on every breakpoint where one exists, and one and two either side of it."""
    out = []
    for bp in act.breakpoints:
        c = (bp.p * d) // bp.q
        out += [c - 2, c - 1, c, c + 1, c + 2]
    return out


def test_pieces_on_and_next_to_breakpoints_equal_the_rational_rule():
    for act in ACTS:
        for d in (1, 2, 3, 5, 15, 7, 10 ** 20 + 7, 3 * 2 ** 70):
            ns = _near_breakpoints(act, d) + [-10 ** 30, 0, 10 ** 30]
            Z = scaled.Scaled(fmpz_mat(1, len(ns), ns), fmpz(d))
            got = scaled.pieces(act, Z)
            assert got == [act.piece(fmpq(n, d)) for n in ns]
            exact = [fmpq(n, d) in act.breakpoints for n in ns]
            assert [k for _, k in got] == exact
            first = exact.index(True) if True in exact else None
            assert scaled.first_kink([got], len(ns)) == (None if first is None else (1, 0, first))


def test_activate_equals_the_activation_entrywise():
    rng = random.Random(4)
    for act in ACTS + [PiecewiseLinear((fmpq(0),), (fmpq(1, 10), fmpq(1)), (fmpq(0), fmpq(0)))]:
        for _ in range(20):
            d = rng.choice([1, 3, 15, 2 ** 70])
            ns = _near_breakpoints(act, d) + [rng.randint(-10 ** 25, 10 ** 25) for _ in range(6)]
            rng.shuffle(ns)
            Z = scaled.Scaled(fmpz_mat(2, len(ns) // 2, ns[:2 * (len(ns) // 2)]), fmpz(d))
            H = scaled.activate(act, Z, scaled.pieces(act, Z))
            assert H.rational() == kernel.elementwise(Z.rational(), act.value)
            assert Z.N == fmpz_mat(2, len(ns) // 2, ns[:2 * (len(ns) // 2)])  # the input is not changed


def test_interior_test_at_the_exact_edge_of_a_piece():
    """An entry whose box reaches a piece end exactly fails; a little smaller radius passes."""
    for act in (HARD_TANH, THIRDS):
        for k, (lo, hi) in enumerate(act.piece_bounds(k) for k in range(len(act.slopes))):
            for end, z in ((lo, None if lo is None else lo + fmpq(1, 3)), (hi, None if hi is None else hi - fmpq(1, 3))):
                if end is None:
                    continue
                X = fmpq_mat(1, 1, [fmpq(1, 2)])  # one input 1/2: radius r (1/2 + 1)
                prob = Problem((1, 1, 1), act, "squared", X, fmpq_mat(1, 1, [0]))
                params = {"W1": fmpq_mat(1, 1, [0]), "b1": fmpq_mat(1, 1, [z]), "W2": fmpq_mat(1, 1, [1]), "b2": fmpq_mat(1, 1, [0])}
                fwd = scaled.forward(prob, params)
                edge = abs(z - end) / fmpq(3, 2)  # the radius whose box touches the end
                bad = scaled.interior_one_layer(prob, params, fwd, edge)
                assert bad is not None and bad[:3] == (0, 0, z) and bad[3] == abs(z - end)
                assert scaled.interior_one_layer(prob, params, fwd, edge * fmpq(999, 1000)) is None


def test_row_gram_equals_the_gram_of_the_stacked_rows():
    rng = random.Random(9)
    for _ in range(60):
        m = rng.randint(1, 7)
        sizes = [rng.randint(1, 3) for _ in range(rng.randint(1, 4))]
        blocks = [fmpz_mat(r, m, [rng.randint(-9, 9) for _ in range(r * m)]) for r in sizes]
        A = fmpz_mat(sum(sizes), m, [v for B in blocks for v in B.entries()])
        assert kernel.row_gram(blocks) == A * A.transpose()
        qblocks = [fmpq_mat(B) / rng.choice([1, 3, 10 ** 20]) for B in blocks]
        Aq = fmpq_mat(sum(sizes), m, [v for B in qblocks for v in B.entries()])
        assert kernel.row_gram(qblocks) == Aq * Aq.transpose()


def test_equal_columns_when_the_first_sums_collide():
    # c = (7, 49, ...) (kernel.equal_columns): columns (49, 0) and (0, 7) both sum to 343, yet differ
    M = fmpq_mat(2, 3, [49, 0, 1, 0, 7, 1])
    assert kernel.equal_columns(M) is None
    assert kernel.equal_columns(fmpq_mat(2, 4, [49, 0, 1, 0, 0, 7, 1, 7])) == (1, 3)
    assert kernel.equal_columns(fmpq_mat(2, 4, [fmpq(49, 5), 0, 1, 1, 0, fmpq(7, 5), 3, 3])) == (2, 3)


def test_interior_bounds_round_the_right_way():
    """Small rationals z and r, many with z +- rad one step from a bound in the integers compared:
    the test agrees with z - rad > lo and z + rad < hi over the rationals (rounding a bound the
    wrong way fails this)."""
    X = fmpq_mat(1, 1, [fmpq(1, 2)])  # one input 1/2: rad = 3 r / 2
    seen = {True: 0, False: 0}
    for act in (THIRDS, HARD_TANH):
        prob = Problem((1, 1, 1), act, "squared", X, fmpq_mat(1, 1, [0]))
        for z in (fmpq(k, 10) for k in range(-12, 13)):
            params = {"W1": fmpq_mat(1, 1, [0]), "b1": fmpq_mat(1, 1, [z]), "W2": fmpq_mat(1, 1, [1]), "b2": fmpq_mat(1, 1, [0])}
            fwd = scaled.forward(prob, params)
            if scaled.first_kink(fwd[1], 1):
                continue
            lo, hi = act.piece_bounds(act.piece(z)[0])
            for c in range(1, 25):
                for a in range(1, c + 1):
                    r = fmpq(a, c)
                    rad = 3 * r / 2
                    inside = (lo is None or z - rad > lo) and (hi is None or z + rad < hi)
                    assert (scaled.interior_one_layer(prob, params, fwd, r) is None) == inside
                    seen[inside] += 1
    assert min(seen.values()) > 100


def _ranks(prob):
    m = prob.m
    A = fmpq_mat(prob.X.nrows() + 1 + prob.Y.nrows(), m, [*prob.X.entries(), *([1] * m), *prob.Y.entries()])
    X1 = fmpq_mat(prob.X.nrows() + 1, m, [*prob.X.entries(), *([1] * m)])
    return A.rank(), X1.rank()


def test_no_affine_fit_equals_the_ranks_of_the_stacked_rows():
    """Full row rank seen in the first columns, only in later columns (the first ones repeated),
    and not at all (Y affine in X, or too few samples)."""
    from symcert.checker.hypotheses import _no_affine_fit
    rng = random.Random(12)
    seen = set()
    for trial in range(120):
        dx, dy, m = rng.randint(1, 3), rng.randint(1, 2), rng.randint(1, 14)
        X = fmpq_mat(dx, m, [fmpq(rng.randint(-4, 4), rng.choice([1, 2, 10 ** 20])) for _ in range(dx * m)])
        Y = fmpq_mat(dy, m, [fmpq(rng.randint(-4, 4), rng.choice([1, 3])) for _ in range(dy * m)])
        kind = trial % 3
        if kind == 1:  # the first 2 (dx + 1 + dy) columns all equal to the first
            for j in range(1, min(m, 2 * (dx + 1 + dy))):
                for M in (X, Y):
                    for i in range(M.nrows()):
                        M[i, j] = M[i, 0]
        if kind == 2:  # Y an affine map of X: no row of Y adds to the rank
            Y = fmpq_mat(dy, dx, [fmpq(rng.randint(-3, 3), 2) for _ in range(dy * dx)]) * X + fmpq_mat(dy, m, [fmpq(1, 7)] * (dy * m))
        prob = Problem((dx, 2, dy), RELU, "squared", X, Y)
        rxy, rx = _ranks(prob)
        holds, detail = _no_affine_fit(prob, None, [], {})
        assert holds == (rxy > rx)
        assert detail == f"rank [X; 1; Y] = {rxy} {'>' if rxy > rx else '='} rank [X; 1] = {rx}"
        seen.add((kind, holds))
    assert {(0, True), (1, True), (1, False), (2, False)} <= seen
