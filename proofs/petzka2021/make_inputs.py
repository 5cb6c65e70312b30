"""Make the float input files of the petzka2021.deep contrast certificates (numpy; run once, then stored).

    .venv/bin/python proofs/petzka2021/make_inputs.py && .venv/bin/symcert certify petzka2021.deep

Each file holds the seeded data X, Y and the float point theta of a trained tanh network
(gradient descent, then Levenberg-Marquardt: symcert.provers.split_box.teacher_minimum). The
certificates are regenerated from the stored files, never by training again, so that they do not
depend on a BLAS build or on numpy's tanh.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from symcert.claims.petzka2021.contrast import make_inputs  # noqa: E402

ROWS = [(0, [2, 2, 2, 1], 24, 0.03), (3, [2, 3, 3, 1], 60, 0.01)]  # seed, widths, m, noise (as in claims/petzka2021/deep.py)

if __name__ == "__main__":
    for seed, widths, m, noise in ROWS:
        print(make_inputs(seed, widths, m, noise))
