"""Model and data readers: exact dyadic values, name ordering, layouts, ONNX operators, malformed files."""
import struct

import numpy as np
import pytest
from flint import fmpq

from symcert.errors import InputError
from symcert.importers import floats, read_data, read_model

import nets


def test_float_formats_decode_exactly():
    assert floats.decode(struct.pack("<f", 0.1), "F32", 1) == [fmpq(13421773, 134217728)]
    assert floats.decode(struct.pack("<d", 0.1), "F64", 1) == [fmpq(3602879701896397, 36028797018963968)]
    assert floats.decode(struct.pack("<e", 0.1), "F16", 1) == [fmpq(1638, 16384)]
    # bfloat16 0x3DCD: sign 0, exponent 123, mantissa 0x4D -> (128 + 77) / 128 * 2^-4
    assert floats.decode(struct.pack("<H", 0x3DCD), "BF16", 1) == [fmpq(128 + 77, 128) / 16]
    assert floats.decode(struct.pack("<i", -7), "I32", 1) == [fmpq(-7)]
    with pytest.raises(floats.NonFinite) as exc:
        floats.decode(struct.pack("<2f", 1.0, float("nan")), "F32", 2)
    assert exc.value.index == 1


def _params(seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3), "W2": rng.normal(size=(1, 3)), "b2": rng.normal(size=1)}


def _exact(a):
    return [fmpq(*float(v).as_integer_ratio()) for v in np.asarray(a, dtype=np.float64).ravel()]


def test_npz_torch_names_exact(tmp_path):
    p = _params()
    path = str(tmp_path / "m.npz")
    nets.save_npz(path, nets.torch_names(p))
    model = read_model(path)
    assert model.widths == [2, 3, 1]
    assert list(model.layers[0][0].entries()) == _exact(p["W1"])
    assert "W1 <- fc1.weight (3 x 2), b1 <- fc1.bias" in model.mapping


def test_numeric_order_and_in_out_layout(tmp_path):
    rng = np.random.default_rng(1)
    widths = [2] + [3] * 10 + [1]
    arrays = {}
    for l in range(11):
        arrays[f"layers.{l}.weight"] = rng.normal(size=(widths[l], widths[l + 1]))  # in x out (Keras)
        arrays[f"layers.{l}.bias"] = rng.normal(size=widths[l + 1])
    path = str(tmp_path / "m.safetensors")
    nets.save_safetensors(path, arrays, "F64")
    model = read_model(path, layout="in-out")
    assert model.widths == widths
    assert model.mapping[10].startswith("W11 <- layers.10.weight")
    with pytest.raises(InputError, match="try --layout in-out"):
        read_model(path)


@pytest.mark.parametrize("dtype", ["F32", "F16", "BF16"])
def test_safetensors_dtypes(tmp_path, dtype):
    p = _params(2)
    path = str(tmp_path / "m.safetensors")
    nets.save_safetensors(path, nets.torch_names(p), dtype)
    model = read_model(path)
    w = np.asarray(p["W1"], dtype="<f4")
    want = {"F32": w, "F16": w.astype("<f2"), "BF16": (w.view("<u4") >> 16 << 16).astype("<u4").view("<f4")}[dtype]
    assert list(model.layers[0][0].entries()) == _exact(want)


def test_safetensors_bad_header(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", 10 ** 9) + b"{}")
    with pytest.raises(InputError, match="header"):
        read_model(str(path))
    path.write_bytes(struct.pack("<Q", 4) + b"{x: ")
    with pytest.raises(InputError, match="not a JSON header"):
        read_model(str(path))


def test_nan_named_with_index(tmp_path):
    p = _params()
    p["W1"][1, 0] = np.nan
    path = str(tmp_path / "m.npz")
    nets.save_npz(path, p)
    with pytest.raises(InputError, match=r"W1\[1, 0\].*not a finite"):
        read_model(path)
    st = str(tmp_path / "m.safetensors")
    p["W1"][1, 0] = np.inf
    nets.save_safetensors(st, p, "F32")
    with pytest.raises(InputError, match=r"W1\[1, 0\].*not a finite"):
        read_model(st)


def test_shape_mismatch_and_unknown_tensor(tmp_path):
    p = _params()
    p["b2"] = np.zeros(2)
    path = str(tmp_path / "m.npz")
    nets.save_npz(path, p)
    with pytest.raises(InputError, match="b2.*expected a bias of 1 values"):
        read_model(path)
    p = dict(_params(), **{"bn.running_mean": np.zeros(3)})
    nets.save_npz(path, p)
    with pytest.raises(InputError, match="bn.running_mean.*unsupported tensor"):
        read_model(path)
    q = _params()
    del q["b1"]
    nets.save_npz(path, q)
    with pytest.raises(InputError, match="without a bias"):
        read_model(path)


def test_npz_not_a_zip(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="archive"):
        read_model(str(path))


def test_data_npz(tmp_path):
    path = str(tmp_path / "d.npz")
    np.savez(path, X=np.array([[0.5, 1.0], [0.25, -2.0]]), Y=np.array([0.1, 3.0]))
    d = read_data(path)
    assert d.m == 2 and d.dx == 2 and d.dy == 1 and d.targets[0][0] == fmpq(3602879701896397, 36028797018963968)
    np.savez(path, X=np.ones((2, 2)), Y=np.ones(3))
    with pytest.raises(InputError, match="expected 2 rows"):
        read_data(path)


def test_onnx_gemm_relu_and_matmul_leaky(tmp_path, capsys):
    pytest.importorskip("onnx")
    p = _params(3)
    path = str(tmp_path / "m.onnx")
    nets.save_onnx(path, p)
    model = read_model(path)
    assert model.activation["name"] == "relu" and model.widths == [2, 3, 1]
    assert list(model.layers[0][0].entries()) == _exact(np.asarray(p["W1"], dtype=np.float32))
    nets.save_onnx(path, p, act="LeakyRelu", attrs={"alpha": 0.01}, gemm=False)
    model = read_model(path)
    assert model.activation["name"] == "leaky_relu:5368709/536870912"
    assert any("alpha" in n and "5368709/536870912" in n for n in model.notes)
    assert list(model.layers[1][0].entries()) == _exact(np.asarray(p["W2"], dtype=np.float32))


def test_onnx_activations(tmp_path):
    pytest.importorskip("onnx")
    p = _params(4)
    path = str(tmp_path / "m.onnx")
    nets.save_onnx(path, p, act="HardSigmoid", attrs={"alpha": 0.25, "beta": 0.5})
    assert read_model(path).activation["breakpoints"] == ["-2", "2"]
    nets.save_onnx(path, p, act="Tanh")
    assert read_model(path).activation == {"kind": "smooth", "name": "tanh"}
    nets.save_onnx(path, p, act="Elu", attrs={"alpha": 0.5})
    assert read_model(path).activation == {"kind": "smooth", "name": "elu", "alpha": "1/2"}


def test_onnx_clip_relu6(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import helper, numpy_helper
    p = _params(5)
    path = str(tmp_path / "m.onnx")
    nets.save_onnx(path, p, act="Identity")
    m = onnx.load(path)
    m.graph.initializer.extend([numpy_helper.from_array(np.array(0, np.float32), "lo"), numpy_helper.from_array(np.array(6, np.float32), "hi")])
    node = m.graph.node[1]
    node.op_type, node.name = "Clip", "/act/Clip"
    node.input.extend(["lo", "hi"])
    onnx.save(m, path)
    assert read_model(path).activation["name"] == "relu6"


def test_onnx_gemm_alpha_beta(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import helper
    p = _params(6)
    path = str(tmp_path / "m.onnx")
    nets.save_onnx(path, p)
    m = onnx.load(path)
    m.graph.node[0].attribute.extend([helper.make_attribute("alpha", 2.0), helper.make_attribute("beta", 0.5)])
    onnx.save(m, path)
    model = read_model(path)
    assert list(model.layers[0][0].entries()) == [2 * v for v in _exact(np.asarray(p["W1"], dtype=np.float32))]
    assert list(model.layers[0][1].entries()) == [v / 2 for v in _exact(np.asarray(p["b1"], dtype=np.float32))]


def test_onnx_unsupported_operator_named(tmp_path):
    pytest.importorskip("onnx")
    path = str(tmp_path / "m.onnx")
    nets.save_onnx(path, _params(), extra_op="Softmax")
    with pytest.raises(InputError, match=r"/odd/Softmax \(Softmax\).*unsupported operator Softmax"):
        read_model(path)


def test_onnx_garbage(tmp_path):
    pytest.importorskip("onnx")
    path = tmp_path / "m.onnx"
    path.write_bytes(b"\x08\x07garbage" * 3)
    with pytest.raises(InputError):
        read_model(str(path))
