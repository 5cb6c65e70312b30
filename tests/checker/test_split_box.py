"""The split-saddle route (checker/split_box.py, provers/split_box.py): the lemmas its checks rest
on, checked numerically over arb balls; the petzka2021 contrast certificate; and certify --model on
a trained tanh network with two near-duplicate neurons (REFUTED, saddle) or with a near-duplicate
pair in the last hidden layer (UNKNOWN, singular Hessian, with the split route's reason)."""
import json
import os

import numpy as np
import pytest
from flint import arb, fmpq

from symcert.checker import balls as B
from symcert.checker import split_box as SB
from symcert.checker.krawczyk_core import precision
from symcert.provers import split_box as PS


def _exact(x):
    return fmpq(*float(x).as_integer_ratio())


@pytest.fixture(scope="module")
def trained():
    """A seeded 2-2-2-1 tanh network at a strict local minimum (float; Newton's method refines it)."""
    X, Y, theta = PS.teacher_minimum(0, [2, 2, 2, 1], "tanh", 24)
    net = B.Net((2, 2, 2, 1), "tanh", B.activation({"kind": "smooth", "name": "tanh"}, "act")[1],
                B.fmpq_mat([[_exact(x) for x in row] for row in X]), B.fmpq_mat([[_exact(y) for y in Y[0]]]))
    return net, [_exact(x) for x in theta]


def _split(net, c, lam):
    table = SB.coordinate_map(net, 1, 0)
    big = B.Net((2, 3, 2, 1), net.name, net.h, net.X, net.Y)
    return big, [SB.apply(c[i], f, lam) for i, f in table], table


def test_split_map_keeps_the_risk_and_scales_the_gradient(trained):
    """The split-map lemma: same risk; the split gradient is the merged one, (1 - lambda) / lambda
    times it on the copies' incoming weights, and the merged outgoing gradient on both columns."""
    net, c = trained
    lam = fmpq(1, 3)
    big, p, table = _split(net, c, lam)
    with precision(128):
        g, G = B.gradient(net, [arb(x) for x in c]), B.gradient(big, [arb(x) for x in p])
        assert abs(B.risk(net, [arb(x) for x in c]) - B.risk(big, [arb(x) for x in p])) < 1e-30
        rows = {i: [k for k, (j, _) in enumerate(table) if j == i] for i in range(len(c))}
        for i, ks in rows.items():
            if len(ks) == 1:
                assert abs(G[ks[0]] - g[i]) < 1e-30
            else:  # r's and the copy's coordinates: factors from the lemma
                total = sum((G[k] for k in ks), arb(0))
                outgoing = table[ks[0]][1] != SB.ONE
                expect = 2 * g[i] if outgoing else g[i]
                assert abs(total - expect) < 1e-30, (i, total, g[i])


def test_quadratic_form_has_degree_four_in_lambda(trained):
    """d_lambda^T H(s_lambda(p)) d_lambda agrees at 7 values of lambda with the degree-4 interpolant
    through 5 others (the lemma SPLIT_DEGREE the lambda-range check rests on)."""
    net, c = trained
    e, n = [fmpq(1), fmpq(-1, 2), fmpq(1, 3)], [fmpq(2), fmpq(-1)]

    def q(lam):
        big, p, _ = _split(net, c, lam)
        H = B.hessian(big, [arb(x) for x in p])
        d = SB.direction_balls(net, 1, 0, e, n, arb(lam))
        return (B.arb_mat(1, len(d), d) * (H * B.arb_mat(len(d), 1, d)))[0, 0]
    with precision(200):
        nodes = [fmpq(k, 2) for k in range(-1, 4)]
        vals = [q(x) for x in nodes]
        for lam in (fmpq(-3), fmpq(1, 7), fmpq(5, 3), fmpq(9, 4), fmpq(-7, 5), fmpq(3), fmpq(11, 13)):
            assert abs(SB._interpolate(nodes, vals, arb(lam)) - q(lam)) < 1e-40


def test_contrast_certificate_checks(cli, proofs):
    path = str(proofs / "petzka2021" / "deep-split-saddle-tanh-2-2-2-1.json")
    p = cli("check", "--json", path)
    (r,) = json.loads(p.stdout)["reports"]
    assert p.returncode == 0 and r["verdict"] == "CERTIFIED" and r["conclusion"] == "split_saddle_of_minimum_in_box"
    doc = json.load(open(path))
    ob = doc["obligations"][-1]
    assert ob["lambda_range"] == ["-1", "2"] and ob["layer"] == 1  # a non-last hidden layer, lambda in [0, 1] included


def _save(tmp_path, params, X, Y):
    model, data = str(tmp_path / "net.npz"), str(tmp_path / "data.npz")
    np.savez(model, **params)
    np.savez(data, X=X.T, Y=Y.T)
    return model, data


def _duplicated(layer):
    X, Y, th = PS.teacher_minimum(0, [2, 2, 2, 1], "tanh", 24)
    W1, b1, W2, b2 = th[0:4].reshape(2, 2), th[4:6], th[6:10].reshape(2, 2), th[10:12]
    W3, b3 = th[12:14].reshape(1, 2), th[14:15]
    if layer == 1:  # neuron 1 of layer 1 copied as neuron 2 (the middle), outgoing weights 0.6 v and 0.4 v
        p = {"W1": np.vstack([W1[0], W1[0] + 1e-9, W1[1]]), "b1": np.array([b1[0], b1[0], b1[1]]),
             "W2": np.hstack([0.6 * W2[:, :1], 0.4 * W2[:, :1], W2[:, 1:]]), "b2": b2, "W3": W3, "b3": b3}
    else:  # the same in the last hidden layer, where D is irrelevant: no saddle along the split
        p = {"W1": W1, "b1": b1, "W2": np.vstack([W2[0], W2[1], W2[0]]), "b2": np.array([b2[0], b2[1], b2[0]]),
             "W3": np.hstack([0.6 * W3[:, :1], W3[:, 1:], 0.4 * W3[:, :1]]), "b3": b3}
    return p, X, Y


def test_model_with_duplicate_neurons_is_a_saddle_through_the_cli(cli, tmp_path):
    p, X, Y = _duplicated(1)
    model, data = _save(tmp_path, p, X, Y)
    cert = str(tmp_path / "cert.json")
    r = cli("certify", "--model", model, "--data", data, "--activation", "tanh", "-o", cert)
    assert r.returncode == 4, r.stdout + r.stderr
    assert "neurons 1 and 2 of hidden layer 1" in r.stderr and "is a saddle" in r.stderr, r.stderr
    doc = json.load(open(cert))
    assert doc["claim"]["construction"]["neuron_order"] == [1, 3, 2]
    c = cli("check", cert)
    assert c.returncode == 0 and "split_saddle_of_minimum_in_box" in c.stdout


def test_duplicates_in_the_last_hidden_layer_are_a_saddle_by_b(cli, tmp_path):
    """In the last hidden layer D^(r,s) = 0; this trained network's B^r is indefinite, so the split
    at the float point's lambda is a saddle along an eigenvector of B^r (Thm 5)."""
    p, X, Y = _duplicated(2)
    model, data = _save(tmp_path, p, X, Y)
    cert = str(tmp_path / "c.json")
    r = cli("certify", "--model", model, "--data", data, "--activation", "tanh", "-o", cert)
    assert r.returncode == 4 and "neurons 1 and 3 of hidden layer 2" in r.stderr and "is a saddle" in r.stderr, r.stderr
    doc = json.load(open(cert))
    assert doc["obligations"][-1]["outgoing"] == ["0"]  # e alone (one output): the B^r direction


def test_a_morse_bott_minimum_through_the_cli(cli, root, tmp_path):
    """The stored 1-2-1 sigmoid network with near-duplicate neurons (B^r positive definite): CERTIFIED,
    a local minimum on the line of splits."""
    own = root / "proofs" / "own"
    cert = str(tmp_path / "c.json")
    r = cli("certify", "--model", str(own / "sigmoid-split-min.model.npz"), "--data", str(own / "sigmoid-split-min.data.npz"),
            "--activation", "sigmoid", "-o", cert)
    assert r.returncode == 0 and "is a local minimum, not strict" in r.stderr, r.stderr
    assert json.load(open(cert))["claim"]["conclusion"] == "local_minimum_on_split_line_in_box"


def test_a_dead_copy_stays_unknown(cli, tmp_path):
    """The copy's outgoing weight exactly 0 (lambda = 0): the line's point has a flat direction the
    Morse-Bott test cannot absorb and no negative curvature; UNKNOWN with the split route's reason."""
    from symcert.claims.petzka2021.common import SIG_X, SIG_Y
    u, b = np.log(2.0), 2 * np.log(2.0)
    p = {"W1": np.array([[u], [u]]), "b1": np.array([b, b]), "W2": np.array([[1.0, 0.0]]), "b2": np.array([0.0])}
    model, data = _save(tmp_path, p, np.array([[float(x) for x in SIG_X]]), np.array([[float(y) for y in SIG_Y]]))
    r = cli("certify", "--model", model, "--data", data, "--activation", "sigmoid", "-o", str(tmp_path / "c.json"))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "the split route: neurons 1 and 2 of hidden layer 1" in r.stderr and "not proved positive definite" in r.stderr, r.stderr
    assert not os.path.exists(tmp_path / "c.json")


def test_a_network_beyond_the_size_limit_is_unknown(proofs, monkeypatch):
    """BoxContext does not read the point of a network beyond checker/balls.py's MAX_PARAMS: every
    split-box obligation is then undecided, naming the limit (never a crash or a false REJECTED)."""
    from symcert.checker.api import check_document
    monkeypatch.setattr(B, "MAX_PARAMS", 10)
    doc = json.load(open(proofs / "petzka2021" / "deep-split-saddle-tanh-2-2-2-1.json"))
    rep = check_document(doc, "doc", 60000)
    assert rep.verdict.name == "UNKNOWN" and "limit reached" in rep.summary and "exceed the limit of 10" in rep.summary, rep.summary
