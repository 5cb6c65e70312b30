"""own.model: certificates for trained networks, regenerated from their stored float files.

Each instance is a network trained in floating point (numpy, seeded; proofs/own/make_inputs.py)
and stored with its data under proofs/own/ as ``NAME.model.npz`` / ``.safetensors`` and
``NAME.data.npz``. Regeneration reads those files (every float as its exact dyadic) and runs the
same exact snap as ``symcert certify --model`` (symcert.importers.certify): no floating-point
training, no BLAS, on the regenerate path.
"""
from __future__ import annotations

import os
from types import SimpleNamespace

from symcert.claims.base import Claim, Instance
from symcert.errors import ConstructionFailed

DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))), "proofs", "own")
ROWS = [  # name, model file, activation, description
    ("relu-min", "relu-min.model.npz", "relu", "2-3-1 ReLU, 20 samples, gradient descent (seed 10): local minimum near the float point"),
    ("relu-spurious", "relu-spurious.model.npz", "relu", "2-3-1 ReLU, 20 samples, gradient descent (seed 2): spurious local minimum"),
    ("relu-saddle", "relu-saddle.model.npz", "relu", "1-2-1 ReLU, symmetric start (W2_2 = 0), bisection on dR/dW2_2: saddle"),
    ("leaky-min-f32", "leaky-min-f32.model.safetensors", "leaky_relu:1/8",
     "2-3-1 leaky ReLU 1/8 stored as float32 safetensors (seed 10): local minimum near the float32 point"),
    ("tanh-min", "tanh-min.model.npz", "tanh", "2-3-1 tanh, 40 samples, gradient descent to 1e-6: strict local minimum in a box"),
    ("tanh-min-onnx", "tanh-min-onnx.model.onnx", "tanh", "the same network exported to ONNX (float32 weights): strict local minimum in a box"),
    ("sigmoid-min-f32", "sigmoid-min-f32.model.safetensors", "sigmoid",
     "2-3-1 sigmoid stored as float32 safetensors, gradient descent to 1e-4: strict local minimum in a box"),
    ("softplus-walk", "softplus-walk.model.npz", "softplus",
     "2-3-1 softplus, gradient descent stopped at 1e-3: Levenberg-Marquardt walk, then a strict local minimum in a box"),
    ("tanh-saddle", "tanh-saddle.model.npz", "tanh", "1-1-1 tanh on odd data, Newton's method from a symmetric start: saddle in a box"),
    ("tanh-split-saddle", "tanh-split-saddle.model.npz", "tanh",
     "2-3-2-1 tanh with two near-duplicate neurons (singular Hessian): merged, boxed, and the line of splits a saddle"),
    ("sigmoid-split-min", "sigmoid-split-min.model.npz", "sigmoid",
     "1-2-1 sigmoid with two near-duplicate neurons (B^r positive definite): a local minimum on the line of splits (Morse-Bott)"),
    ("deep-leaky-min", "deep-leaky-min.model.npz", "leaky_relu:1/8",
     "2-3-3-1 leaky ReLU 1/8, gradient descent: local minimum in a box, with a gauge for the rescaling symmetry"),
]


def build(model_file: str, activation: str, name: str) -> dict:
    from symcert.importers.certify import certify_files
    args = SimpleNamespace(activation=activation, loss=None, layout="out-in", better=None, smt_timeout=60, quiet=True,
                           restarts=0)  # smooth networks: no numpy restarts, so regeneration does not depend on BLAS
    data = os.path.join(DIR, name + ".data.npz")
    verdict, doc, what = certify_files(args, os.path.join(DIR, model_file), data, name=name)
    if doc is None:
        raise ConstructionFailed(f"own.model {name}: {what}")
    return doc


def instances() -> list:
    return [Instance(n, lambda f=f, a=a, n=n: build(f, a, n), d) for n, f, a, d in ROWS]


CLAIM = Claim("own.model", "symcert: exact snap of a trained network's float point",
              "trained networks (float files in proofs/own/): exact local minima, spurious minima and saddles near the "
              "float point (use `symcert certify --model FILE --data FILE` on your own)", instances)
CLAIMS = (CLAIM,)
