"""What each claim answers, in one table: which conclusions refute the claim's assertion, and the
answer each regenerated instance must give (``symcert certify --all`` exits 0 only when every
instance gives the answer listed here).

A claim that asserts a local minimum is refuted by a certified ``not_local_minimum``; a claim
that classifies critical points (yun2019.thm4: global minimum or saddle) is answered by either
classification, so neither reads REFUTED.
"""
from __future__ import annotations

REFUTING = ("not_local_minimum", "saddle_point", "not_local_minimum_near_float", "saddle_point_near_float", "saddle_in_box",
            "split_saddle_in_box", "split_saddle_of_minimum_in_box")
CLASSIFIES = ("yun2019.thm4",)  # claims whose every certified conclusion is an answer, not a refutation

EXPECT_REFUTED = {  # claim id -> instances that certify a refutation
    "ding2022.thm": ("thm-saddle-refuted", "thm-saddle-tanh-refuted", "thm-saddle-arctan-refuted", "thm-saddle-softplus-refuted",
                     "thm-saddle-elu-refuted", "thm-saddle-selu-refuted", "thm-saddle-silu-refuted", "thm-saddle-gelu-refuted",
                     "thm-saddle-quadratic-refuted", "thm-saddle-exponential-refuted"),
    "he2020.kink": ("kink-valley-end-leaky", "kink-valley-end-relu"),
    "petzka2021.deep": ("deep-split-saddle-tanh-2-2-2-1", "deep-split-saddle-tanh-2-3-3-1", "deep-split-saddle-sigmoid-2-2-2-1"),
    "petzka2021.split": ("split-box-sigmoid-lambda-2", "split-sigmoid-lambda-2", "split-sigmoid-lambda-minus1", "split-sigmoid-random-s1-lambda-3-2",
                         "split-sigmoid-random-s5-lambda-3-4", "split-tanh-lambda-3", "split-tanh-random-s2-lambda-3-2",
                         "split-tanh-random-s6-lambda-1-4"),
    "own.model": ("relu-saddle", "tanh-saddle", "tanh-split-saddle"),
    "yun2018.test": ("absolute-valley-end", "collinear-saddle-k4", "deep-valley-end", "parked-saddle-leaky", "parked-saddle-relu"),
}


def refutes(claim_id: str, conclusion: str) -> bool:
    """Whether a certified ``conclusion`` refutes what claim ``claim_id`` asserts."""
    return conclusion in REFUTING and claim_id not in CLASSIFIES


def expected(claim_id: str, instance: str) -> str:
    """The answer (verdict name) instance ``instance`` of claim ``claim_id`` must give."""
    return "REFUTED" if instance in EXPECT_REFUTED.get(claim_id, ()) else "CERTIFIED"
