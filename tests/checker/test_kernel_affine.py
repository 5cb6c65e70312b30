"""kernel.affine (one integer product over common denominators) equals W A + b 1^T."""
import random

from flint import fmpq, fmpq_mat

from symcert.checker import kernel


def _q(rng):
    if rng.random() < 0.2:
        return fmpq(0)
    return fmpq(rng.randint(-10 ** 6, 10 ** 6), rng.choice([1, 2, 3, 7, 10 ** 20 + 7, 2 ** 70]))


def test_affine_equals_the_plain_formula():
    rng = random.Random(3)
    for _ in range(400):
        r, k, m = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 6)
        W = fmpq_mat(r, k, [_q(rng) for _ in range(r * k)])
        A = fmpq_mat(k, m, [_q(rng) for _ in range(k * m)])
        b = fmpq_mat(r, 1, [_q(rng) for _ in range(r)])
        assert kernel.affine(W, A, b) == W * A + b * kernel.ones_row(m)


def test_affine_zero_and_identity():
    A = fmpq_mat(2, 3, [fmpq(1, 2), -3, 0, 5, fmpq(-7, 9), 1])
    Z = fmpq_mat(2, 2)
    assert kernel.affine(Z, A, fmpq_mat(2, 1)) == fmpq_mat(2, 3)
    I = fmpq_mat(2, 2, [1, 0, 0, 1])
    assert kernel.affine(I, A, fmpq_mat(2, 1, [1, fmpq(-1, 3)])) == A + fmpq_mat(2, 3, [1, 1, 1, fmpq(-1, 3), fmpq(-1, 3), fmpq(-1, 3)])
