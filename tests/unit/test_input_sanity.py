"""Bad numbers in, clear words out: NaN/Inf and absurd magnitudes in calibration or validation data, empty
files, random:N beyond memory, degenerate quantization scales named by layer, init-step wait bounds, and
files written with the user's umask."""
from __future__ import annotations

import os
import re
import stat
import warnings

import numpy as np
import pytest

from edgeq.errors import EdgeqError
from edgeq.reference.batch import TensorInfo

INT8_IN = (TensorInfo((1, 8), "int8", 0.05, -3),)
FLOAT_IN = (TensorInfo((1, 8), "float32"),)


def _save(tmp_path, array, name="data.npy"):
    path = tmp_path / name
    np.save(path, array)
    return str(path)


@pytest.mark.parametrize("value, words", [
    (np.nan, ["1 NaN/Inf values", "1 NaN", "first in sample 2"]),
    (np.inf, ["1 NaN/Inf values", "1 Inf"]),
    (3e38, ["spans", "3e+38", "int8 input step would be 1.18e+36"]),
])
@pytest.mark.parametrize("infos", [INT8_IN, FLOAT_IN])
def test_validation_data_with_nan_inf_or_absurd_values_is_refused(tmp_path, value, words, infos):
    from edgeq.validate import load_samples

    x = np.zeros((4, 1, 8), np.float32)
    x[2, 0, 5] = value
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no numpy RuntimeWarning on the way: the check comes first
        with pytest.raises(EdgeqError) as err:
            load_samples(_save(tmp_path, x), infos)
    for word in words:
        assert word in err.value.message


def test_values_clipped_by_the_input_quantization_are_a_warning_with_the_numbers(tmp_path):
    from edgeq.sanity import DataWarning
    from edgeq.validate import load_samples

    x = np.zeros((2, 1, 8), np.float32)
    x[1, 0, 0] = 50.0   # int8 with scale 0.05, zero point -3 represents [-6.25, 6.5]
    with pytest.warns(DataWarning, match=r"1 of 16 values lie outside \[-6.25, 6.5\].*clipped"):
        (batch,) = load_samples(_save(tmp_path, x), INT8_IN)
    assert batch[1, 0, 0] == 127


def test_empty_data_and_random_beyond_memory_are_clear_errors(tmp_path):
    from edgeq.validate import load_samples

    with pytest.raises(EdgeqError, match="holds no samples"):
        load_samples(_save(tmp_path, np.zeros((0, 1, 8), np.int8)), INT8_IN)
    with pytest.raises(EdgeqError, match=r"random:99999999999 needs .* MiB .* room for about"):
        load_samples("random:99999999999", INT8_IN)


@pytest.mark.parametrize("array, words", [
    (np.full((3, 8, 8, 1), 3e38, np.float32), ["3e+38", "int8 input step would be 1.18e+36"]),
    (np.full((3, 8, 8, 1), 10**18, np.int64), ["1e+18", "192 values beyond"]),
])
def test_calibration_with_absurd_magnitudes_is_refused_with_the_numbers(array, words):
    from edgeq.convert.calibration import check_inputs

    with pytest.raises(EdgeqError) as err:
        check_inputs(array, (8, 8, 1), "calibration data c.npy")
    for word in words:
        assert word in err.value.message
    ok = check_inputs(np.full((3, 8, 8, 1), 255, np.int64), (8, 8, 1), "images")   # raw pixels are fine
    assert ok.dtype == np.float32


def test_a_degenerate_activation_scale_names_its_layer(shared_models):
    import ai_edge_litert.schema_py_generated as schema
    import flatbuffers

    from edgeq.convert.audit import degenerate_tensors

    data = (shared_models / "ad01_int8.tflite").read_bytes()
    assert degenerate_tensors(data) == ()
    model = schema.ModelT.InitFromPackedBuf(data, 0)
    graph = model.subgraphs[0]
    out = graph.tensors[graph.operators[2].outputs[0]]
    out.quantization.scale = [7.843e-9]   # what all-zero calibration gives (a 2e-6 wide placeholder range)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    found = degenerate_tensors(bytes(builder.Output()))
    assert len(found) == 1
    assert found[0].where == "FULLY_CONNECTED (operator 2)" and found[0].tensor == out.name.decode()
    assert "scale 7.84e-09" in found[0].describe() and "covers 2e-06" in found[0].describe()


def test_atomic_outputs_get_the_users_umask(tmp_path):
    from edgeq.convert.output import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "m.tflite", b"x", force=False)
        assert stat.S_IMODE((tmp_path / "m.tflite").stat().st_mode) == 0o644
        os.umask(0o027)
        write_atomic(tmp_path / "n.tflite", b"x", force=False)
        assert stat.S_IMODE((tmp_path / "n.tflite").stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_init_waits_are_bounded_per_step_and_named_in_the_header(tmp_path):
    from edgeq.targets import get_board, load_board
    from edgeq.targets.boards import DEFAULT_WAIT_POLLS
    from edgeq.targets.registry import BOARDS_DIR
    from edgeq.toolchain.port import board_header

    board = get_board("netduinoplus2")
    waits = [s for s in board.init if s.wait_mask]
    assert [s.wait_polls for s in waits] == [100_000] * 3
    header = board_header(board)
    assert '100000u, "RCC_CR.HSEON, wait HSERDY"}' in header
    assert f'{DEFAULT_WAIT_POLLS}u, "RCC_APB2ENR.USART1EN"}}' in header
    text = (BOARDS_DIR / "stm32f4-discovery.toml").read_text()
    path = tmp_path / "stm32f4-discovery.toml"
    path.write_text(text.replace('reg = 0x40023C00\n', 'reg = 0x40023C00\nwait_polls = 5\n'))
    with pytest.raises(EdgeqError, match=r"init\[1\].wait_polls' is set but the step has no wait_mask"):
        load_board(path)


@pytest.mark.parametrize("bounds, words", [((float("-inf"), float("inf")), "2 Inf"), ((0.0, 3e38), "3e+38")])
def test_synthetic_calibration_refuses_an_infinite_or_absurd_input_range(bounds, words):
    from edgeq.convert.calibration import load_calibration

    with pytest.raises(EdgeqError, match=re.escape(words)):
        load_calibration("synthetic", (4,), 3, bounds)
