"""Losses in the checker: exact values, subdifferentials, and parsing of the loss spec."""
import pytest
from flint import fmpq

from symcert.checker import losses
from symcert.checker.problem import FormatError
from symcert.checker.reading import problem

Q = fmpq


@pytest.mark.parametrize("kind,delta,yhat,y,value,sub", [
    ("squared", None, Q(3), Q(1), Q(2), (Q(2), Q(2))),
    ("absolute", None, Q(3), Q(1), Q(2), (Q(1), Q(1))),
    ("absolute", None, Q(-3), Q(1), Q(4), (Q(-1), Q(-1))),
    ("absolute", None, Q(1), Q(1), Q(0), (Q(-1), Q(1))),
    ("huber", Q(1, 2), Q(1, 4), Q(0), Q(1, 32), (Q(1, 4), Q(1, 4))),
    ("huber", Q(1, 2), Q(2), Q(0), Q(7, 8), (Q(1, 2), Q(1, 2))),
    ("huber", Q(1, 2), Q(-2), Q(0), Q(7, 8), (Q(-1, 2), Q(-1, 2))),
    ("huber", Q(1, 2), Q(1, 2), Q(0), Q(1, 8), (Q(1, 2), Q(1, 2))),
    ("hinge", None, Q(1, 2), Q(1), Q(1, 2), (Q(-1), Q(-1))),
    ("hinge", None, Q(2), Q(1), Q(0), (Q(0), Q(0))),
    ("hinge", None, Q(1), Q(1), Q(0), (Q(-1), Q(0))),
    ("hinge", None, Q(-1), Q(-1), Q(0), (Q(0), Q(1))),
    ("hinge", None, Q(1, 2), Q(-1), Q(3, 2), (Q(1), Q(1))),
])
def test_value_and_subdifferential(kind, delta, yhat, y, value, sub):
    assert losses.value(kind, delta, yhat, y) == value
    assert losses.subdifferential(kind, delta, yhat, y) == sub
    assert losses.differentiable(kind, delta, yhat, y) == (sub[0] == sub[1])


def test_huber_is_continuous_and_c1_at_delta():
    d = Q(1, 3)
    for r in (d, -d):
        a = losses.value("huber", d, r, Q(0))
        assert a == r * r / 2 == d * (abs(r) - d / 2)


def _spec(loss, targets=(("1",), ("0",), ("1",))):
    return {"network": {"widths": [1, 2, 1], "activation": {"kind": "piecewise_linear", "breakpoints": ["0"], "pieces": [["0", "0"], ["1", "0"]]}},
            "loss": loss, "data": {"inputs": [["-1"], ["0"], ["1"]], "targets": [list(t) for t in targets]}}


def test_problem_reads_losses():
    assert problem(_spec({"kind": "absolute"})).loss == "absolute"
    p = problem(_spec({"kind": "huber", "delta": "1/2"}))
    assert p.loss == "huber" and p.loss_delta == Q(1, 2)
    assert problem(_spec({"kind": "hinge"}, (("1",), ("-1",), ("1",)))).loss == "hinge"


@pytest.mark.parametrize("loss,targets,needle", [
    ({"kind": "huber"}, (("1",), ("0",), ("1",)), "problem.loss.delta"),
    ({"kind": "huber", "delta": "0"}, (("1",), ("0",), ("1",)), "must be positive"),
    ({"kind": "huber", "delta": 0.5}, (("1",), ("0",), ("1",)), "not exact"),
    ({"kind": "hinge"}, (("1",), ("0",), ("1",)), "1 or -1"),
    ({"kind": "logistic"}, (("1",), ("0",), ("1",)), "1 or -1"),
    ({"kind": "cross_entropy"}, (("1",), ("0",), ("1",)), "dy >= 2"),
    ({"kind": "softmax"}, (("1",), ("0",), ("1",)), "unknown loss"),
])
def test_bad_loss_specs(loss, targets, needle):
    with pytest.raises(FormatError) as exc:
        problem(_spec(loss, targets))
    assert needle in str(exc.value)
