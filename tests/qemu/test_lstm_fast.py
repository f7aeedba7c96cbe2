"""The fast int8 LSTMs on emulated cores: the packed one (variants/edgeq_lstm_packed_s8.c, SMLAD/SSAT paths) on
the Cortex-M4 (mps2-an386) and the Helium one (mve/edgeq_lstm_mve_s8.c) on the Cortex-M55 (mps3-an547). The
build must choose it, and its outputs must equal TFLite Micro's, for hostile models (tests/zoo/hostile_lstm.py:
dead gate rows at int32-extreme biases, an accumulator past 2^30, a left-shifting gate rescale, a saturating
and clipped cell) made from the zoo's 7-unit LSTM over 13 inputs (odd units, a partial input word, non-zero
zero points) and its 37-unit one over 50 inputs (rows of three and four Helium chunks), for two batch rows,
batch-major and time-major; and on the M55 for converted models too (with trained_lstm_int8's LSTM, the passes
for rows of one, two, three and more chunks). Consecutive inferences carry the state on both sides (no reset), so
the comparison also covers the state the kernel leaves behind.
"""
from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from device_run import run_on_emulated_board
from handmade_models import lstm_batched, lstm_only
from zoo.build import zoo_case
from zoo.hostile_lstm import hostile_lstm

SAMPLES = 3
BASE_CASE = "lstm_fast_odd_units-int8"
WIDE_CASE = "lstm_fast_wide-int8"  # rows of 3 and 4 Helium chunks (the odd-units case has 1)
KERNELS = {"mps2-an386": "kernels/variants/edgeq_lstm_packed_s8.c", "mps3-an547": "kernels/mve/edgeq_lstm_mve_s8.c"}


def tflm_stream(model: bytes, samples: np.ndarray) -> np.ndarray:
    """One TFLM interpreter invoked on each sample in turn, its variables carried over."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model)
    outputs = []
    for sample in samples:
        interpreter.set_input(np.ascontiguousarray(sample), 0)
        interpreter.invoke()
        outputs.append(np.array(interpreter.get_output(0)).reshape(-1))
    return np.stack(outputs)


def zoo_model(request, case_id: str) -> bytes:
    case = zoo_case(request.config.rootpath, case_id)
    return case.path.read_bytes()


def run_and_compare(tmp_path, data: bytes, board: str, seed: str, hostile: bool) -> None:
    from edgeq.ir import parse

    model = tmp_path / "lstm.tflite"
    model.write_bytes(data)
    x = parse(data).tensors[parse(data).inputs[0]]
    rng = np.random.default_rng(zlib.crc32(seed.encode()))
    samples = rng.integers(-128, 128, size=(SAMPLES, *x.shape), dtype=np.int8)
    expected = tflm_stream(data, samples)
    (got,) = run_on_emulated_board(model, [samples], tmp_path / "fw", target=board)

    (lstm,) = [op for op in json.loads((tmp_path / "fw" / "edgeq-build.json").read_text())["ops"]
               if op["opcode"] == "UNIDIRECTIONAL_SEQUENCE_LSTM"]
    assert KERNELS[board] in lstm["kernels"], lstm
    # on the M4 the hostile rows take the full-range form (a per-value check); Helium's vector rescale is exact
    # for every row, so it reports none
    full_range = any("exact requantization" in line for line in lstm["declined"])
    assert full_range == (hostile and board == "mps2-an386"), lstm
    mismatched = int(np.count_nonzero(got != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("board,case_id,time_major,hostile", [
    ("mps2-an386", BASE_CASE, False, True), ("mps2-an386", BASE_CASE, True, True),
    ("mps2-an386", WIDE_CASE, False, True), ("mps3-an547", BASE_CASE, True, True),
    ("mps3-an547", WIDE_CASE, False, True), ("mps3-an547", WIDE_CASE, False, False)])
def test_fast_lstm_is_chosen_and_equals_tflm(request, tmp_path, board, case_id, time_major, hostile):
    data = zoo_model(request, case_id)
    run_and_compare(tmp_path, lstm_batched(hostile_lstm(data) if hostile else data, time_major), board,
                    f"{case_id}-{time_major}-{hostile}", hostile)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
def test_helium_lstm_on_trained_model_equals_tflm(shared_models, tmp_path):
    """trained_lstm_int8's LSTM (28 inputs, 20 units: rows of two Helium chunks) alone, on the Cortex-M55."""
    data = lstm_only((shared_models / "trained_lstm_int8.tflite").read_bytes())
    run_and_compare(tmp_path, data, "mps3-an547", "trained_lstm_int8", hostile=False)
