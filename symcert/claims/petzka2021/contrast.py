"""Petzka & Sminchisescu (2021), Thm 9, the D^{r,s} != 0 contrast (claim ``petzka2021.deep``): a deep
tanh / sigmoid network at a strict local minimum (certified in a box by the Krawczyk test) whose
split in a non-last hidden layer is a saddle for every lambda in a range, inside [0, 1] included,
where a split in the last hidden layer (D irrelevant) would give minima under Thms 5 / 7."""
from __future__ import annotations

import os

from flint import fmpq

from symcert.claims.petzka2021.common import PAPER
from symcert.errors import ConstructionFailed

STATEMENT = ("In a non-last hidden layer, the line of split critical points is a region of local minima only if also "
             "D^{r,s} = 0; with D^{r,s} != 0 the split of a strict local minimum is a saddle for every lambda.")


def _exact(x: float) -> fmpq:
    return fmpq(*float(x).as_integer_ratio())


INPUTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                      "proofs", "petzka2021", "inputs")


def input_file(seed: int, widths: list, m: int) -> str:
    return os.path.join(INPUTS, f"trained-tanh-{'-'.join(map(str, widths))}-s{seed}-m{m}.npz")


def make_inputs(seed: int, widths: list, m: int, noise: float) -> str:
    """Train the tanh network of a contrast instance with numpy and store X, Y and the float point
    (run once: proofs/petzka2021/make_inputs.py); regeneration reads the stored file, so it does not
    depend on a BLAS build or on numpy's transcendental functions."""
    import numpy as np

    from symcert.provers import split_box as PS
    X, Y, theta = PS.teacher_minimum(seed, widths, "tanh", m, noise)
    os.makedirs(INPUTS, exist_ok=True)
    np.savez(input_file(seed, widths, m), X=X, Y=Y, theta=theta)
    return input_file(seed, widths, m)


def stored(seed: int, widths: list, m: int) -> tuple:
    """(X, Y, theta) as stored by make_inputs, float64 arrays (every value read as its exact binary value)."""
    import numpy as np
    path = input_file(seed, widths, m)
    if not os.path.exists(path):
        raise ConstructionFailed(f"petzka2021.deep contrast: {path} is missing (make it with proofs/petzka2021/make_inputs.py)")
    with np.load(path, allow_pickle=False) as f:
        return f["X"], f["Y"], f["theta"]


def contrast(act: str, seed: int, widths: list, m: int, lo: fmpq, hi: fmpq, lam: fmpq = fmpq(1, 2), noise: float = 0.03) -> dict:
    from symcert.provers import split_box as PS
    X, Y, theta = stored(seed, widths, m)
    if act == "sigmoid":  # the same function as a sigmoid network: its minimum is certified directly in sigmoid
        theta = PS.tanh_to_sigmoid(theta, widths)
    pj = {"network": {"widths": list(widths), "activation": {"kind": "smooth", "name": act}}, "loss": {"kind": "squared"},
          "data": {"inputs": [[str(_exact(x)) for x in col] for col in X.T], "targets": [[str(_exact(y))] for y in Y[0]]}}
    claim = {"id": "petzka2021.deep", "paper": PAPER, "statement": STATEMENT, "theorem": "deep networks: splitting in a non-last hidden layer (Thm 9)",
             "instance": (f"{act} (the paper's class A), {'-'.join(map(str, widths))} trained with numpy (seed {seed}, m = {m}, "
                          + ("as a tanh network, rewritten with tanh(u) = 2 sigmoid(2u) - 1, "  if act == "sigmoid" else "") +
                          f"teacher outputs plus noise {noise}): neuron 1 of hidden layer 1 split, a saddle for every lambda in [{lo}, {hi}]")}
    ans, doc, msg = PS.certify_split(pj, [_exact(x) for x in theta], 1, 0, lam, (lo, hi), claim=claim,
                                     construction={"split": "layer 1 (a non-last hidden layer), neuron 1; the copy is the last neuron"})
    if doc is None:
        raise ConstructionFailed(f"petzka2021.deep contrast ({act}, seed {seed}): {msg}")
    return doc


def thm5_box(lam: fmpq, act: str = "sigmoid") -> dict:
    """Thm 5 by the box route: the section-4 one-hidden-layer instance (u = ln 2, b1 = +-2 ln 2, v = 1,
    b2 = 0, B^r positive definite) given as a float point; its critical point is boxed (Krawczyk), and
    the split at ``lam`` certified a local minimum on the line (Morse-Bott, 0 < lam < 1) or a saddle."""
    from symcert.claims.petzka2021.common import SMOOTH, _smooth_problem
    from symcert.provers import split_box as PS
    ln2 = fmpq(6243314768165359, 2 ** 53)  # ln 2 rounded to binary64, written out (no libm on the regenerate path)
    c0 = [ln2, 2 * ln2 if SMOOTH[act].b1 == "2*log(2)" else -2 * ln2, fmpq(1), fmpq(0)]
    claim = {"id": "petzka2021.split", "paper": PAPER, "theorem": "Thm 5 (one hidden layer): B^r positive definite",
             "statement": "A split of an isolated local minimum with B^r positive definite is a local minimum for 0 < lambda < 1 "
                          "and a saddle outside [0, 1].",
             "instance": (f"{act}, the section-4 instance given as a float point (u = ln 2 rounded to binary64): its critical point "
                          f"boxed, the split at lambda = {lam} by the box route")}
    ans, doc, msg = PS.certify_split(_smooth_problem(1, act), c0, 1, 0, lam, claim=claim,
                                     construction={"split": "layer 1 (the only hidden layer), neuron 1; the copy is neuron 2"})
    if doc is None:
        raise ConstructionFailed(f"petzka2021.split box route ({act}, lambda {lam}): {msg}")
    return doc
