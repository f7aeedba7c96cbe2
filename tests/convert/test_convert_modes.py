"""Every conversion mode on a digits CNN trained in the session (real data, LiteRT reference kernels)."""
from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema
from ai_edge_litert.interpreter import Interpreter

from convert_fixtures import litert_accuracy
from edgeq.convert import provenance

pytestmark = pytest.mark.slow


def _accuracy(result, digits) -> float:
    return litert_accuracy(result.output.read_bytes(), digits.split.x_test, digits.split.y_test)


def _io(result):
    interp = Interpreter(model_path=str(result.output))
    return interp.get_input_details()[0], interp.get_output_details()[0], interp


def _tensor_types(path) -> set[int]:
    model = schema.ModelT.InitFromPackedBuf(bytearray(path.read_bytes()), 0)
    return {t.type for sg in model.subgraphs for t in sg.tensors}


@pytest.mark.parametrize("mode", ["fp32", "fp16", "dynamic", "int8", "int16x8", "qat", "int4"])
def test_mode_converts_with_batch_one_and_provenance(mode, digits, digits_converted):
    result = digits_converted.get(mode)
    data = result.output.read_bytes()
    inp, out, _ = _io(result)
    assert list(inp["shape"]) == [1, 8, 8, 1]  # batch fixed to 1 for MCU graphs
    assert list(out["shape"]) == [1, 10]
    prov = provenance.read(data)
    assert prov["mode"] == mode
    assert prov["versions"]["tensorflow"] and prov["versions"]["edgeq"]
    if mode in ("int8", "int16x8", "int4"):
        assert prov["calibration"]["kind"] == "npy" and prov["calibration"]["samples"] == 200
    else:
        assert prov["calibration"]["kind"] == "none"
    # Every mode still classifies digits: at most 3 points below the float Keras model.
    assert _accuracy(result, digits) >= digits.float_test_accuracy - 3.0


def test_fp32_matches_keras(digits, digits_converted):
    assert abs(_accuracy(digits_converted.get("fp32"), digits) - digits.float_test_accuracy) < 0.3


@pytest.mark.parametrize("mode", ["int8", "int16x8"])
def test_static_int_modes_lose_at_most_one_point(mode, digits, digits_converted):
    assert _accuracy(digits_converted.get(mode), digits) >= digits.float_test_accuracy - 1.0


def test_int8_is_full_integer_with_int8_io(digits_converted):
    inp, out, interp = _io(digits_converted.get("int8"))
    assert inp["dtype"] == np.int8 and out["dtype"] == np.int8
    ops = {op["op_name"] for op in interp._get_ops_details()}
    assert "QUANTIZE" not in ops and "DEQUANTIZE" not in ops
    assert schema.TensorType.FLOAT32 not in _tensor_types(digits_converted.get("int8").output)


def test_int16x8_has_int16_activations(digits_converted):
    types = _tensor_types(digits_converted.get("int16x8").output)
    assert schema.TensorType.INT16 in types and schema.TensorType.INT8 in types


def test_int4_has_int4_weights(digits_converted):
    assert schema.TensorType.INT4 in _tensor_types(digits_converted.get("int4").output)
    assert digits_converted.get("int4").size_bytes < digits_converted.get("int8").size_bytes


def test_int4_keeps_fully_connected_int8_so_the_mcu_runtime_accepts_it(digits_converted):
    """The classifier's Dense layer stays int8 (TFLite Micro runs int4 weights only in CONV_2D)."""
    from edgeq.ir import parse
    from edgeq.ir.support import mcu_support

    graph = parse(digits_converted.get("int4").output.read_bytes())
    fc = [op for op in graph.ops if op.opcode == "FULLY_CONNECTED"]
    assert fc and all(graph.tensors[op.inputs[1]].dtype == "int8" for op in fc)
    assert any(graph.tensors[op.inputs[1]].dtype == "int4" for op in graph.ops if op.opcode == "CONV_2D")
    assert mcu_support(graph) == ()


def test_size_shrinks_with_precision(digits_converted):
    size = {m: digits_converted.get(m).size_bytes for m in ("fp32", "fp16", "int8")}
    assert size["fp16"] < 0.65 * size["fp32"] and size["int8"] < 0.45 * size["fp32"]


@pytest.mark.parametrize("io,dtype", [("uint8", np.uint8), ("float", np.float32)])
def test_int8_io_types(io, dtype, digits, digits_converted):
    result = digits_converted.get("int8", io=io)
    inp, out, _ = _io(result)
    assert inp["dtype"] == dtype and out["dtype"] == dtype
    assert _accuracy(result, digits) >= digits.float_test_accuracy - 1.0


def test_qat_not_worse_than_ptq_int8(digits, digits_converted):
    qat = digits_converted.get("qat")
    inp, out, _ = _io(qat)
    assert inp["dtype"] == np.int8 and out["dtype"] == np.int8
    assert _accuracy(qat, digits) >= _accuracy(digits_converted.get("int8"), digits) - 0.5
    assert provenance.read(qat.output.read_bytes())["qat"]["epochs"] == 2


def test_synthetic_calibration_gives_working_int8(digits, digits_converted):
    result = digits_converted.get("int8", calib="synthetic", input_range=(0.0, 1.0))
    prov = provenance.read(result.output.read_bytes())
    assert prov["calibration"]["kind"] == "synthetic" and prov["input_range"] == [0.0, 1.0]
    assert "synthetic" in prov["calibration"]["source"]
    assert _accuracy(result, digits) >= digits.float_test_accuracy - 3.0


def test_image_directory_calibration(digits, digits_converted, tmp_path):
    from PIL import Image

    for i, img in enumerate(digits.split.x_train[:40]):
        # Saved larger than the model input, so loading must resize back to 8x8.
        Image.fromarray((img[..., 0] * 255).astype(np.uint8)).resize((16, 16)).save(tmp_path / f"{i}.png")
    result = digits_converted.get("int8", calib=tmp_path)
    prov = provenance.read(result.output.read_bytes())
    assert prov["calibration"]["kind"] == "images" and prov["calibration"]["samples"] == 40
    assert _accuracy(result, digits) >= digits.float_test_accuracy - 2.0


def test_mixed_meets_max_drop_with_int16_or_allowed_float_layers(digits, digits_converted, tmp_path):
    # Two calibration samples underestimate activation ranges, so the converter's full int8 loses accuracy on
    # val and mixed searches (ai-edge-quantizer int8, int16 activations, then float as allowed) for --max-drop 0.
    calib = tmp_path / "calib2.npy"
    np.save(calib, digits.split.x_train[:2])
    result = digits_converted.get("mixed", calib=calib, max_drop=0.0, allow_float=True)
    report = result.report
    val_x, val_y = digits.split.x_val, digits.split.y_val
    float_val = litert_accuracy(digits_converted.get("fp32").output.read_bytes(), val_x, val_y)
    mixed_val = litert_accuracy(result.output.read_bytes(), val_x, val_y)
    assert float_val - mixed_val <= 0.0 + 1e-9  # measured here, independent of the mode's own bookkeeping
    assert report["met"] and abs(report["final_accuracy"] - mixed_val) < 1e-6
    if report["float_accuracy"] - report["int8_accuracy"] > 0:  # the converter's full int8 missed: a search ran
        assert report["ranking"], "mixed must rank layers when full int8 misses --max-drop"
    prov = provenance.read(result.output.read_bytes())["mixed"]
    assert prov["kept_float"] == [k["tensor"] for k in report["kept_float"]]
    assert prov["int16"] == [k["tensor"] for k in report["int16_layers"]]
    ranked = [r["rmse_per_scale"] for r in report["ranking"]]
    assert ranked == sorted(ranked, reverse=True)


def test_saved_model_input(digits, tmp_path):
    import keras

    from edgeq.convert.api import convert

    model = keras.models.load_model(digits.model)
    model.export(tmp_path / "sm", verbose=False)
    result = convert(tmp_path / "sm", tmp_path / "sm.tflite", "fp32")
    assert abs(_accuracy(result, digits) - digits.float_test_accuracy) < 0.3
