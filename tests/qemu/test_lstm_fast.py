"""The fast int8 LSTMs on emulated cores: the packed one (variants/edgeq_lstm_packed_s8.c, SMLAD/SSAT paths) on
the Cortex-M4 (mps2-an386) and the Helium one (mve/edgeq_lstm_mve_s8.c) on the Cortex-M55 (mps3-an547). The
build must choose it, and its outputs must equal TFLite Micro's for hostile models: the zoo's 7-unit LSTM
over 13 inputs (odd units, a partial input word, non-zero zero points) and its 37-unit one over 50 inputs (rows
of several Helium chunks), with dead gate rows at int32-extreme
biases, an accumulator past 2^30, a left-shifting gate rescale and a saturating, clipped cell
(tests/zoo/hostile_lstm.py), for two batch rows, batch-major and time-major. Consecutive inferences carry the
state on both sides (no reset), so the comparison also covers the state the kernel leaves behind.
"""
from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from device_run import run_on_emulated_board
from handmade_models import lstm_batched
from zoo.build import build_zoo
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


def hostile_model(request, case_id: str, time_major: bool) -> bytes:
    cache = os.environ.get("EDGEQ_ZOO_CACHE") or request.config.rootpath / ".pytest_cache" / "edgeq_zoo"
    (case,) = [c for c in build_zoo(Path(cache)) if c.id == case_id]
    assert case.path is not None, case.error
    return lstm_batched(hostile_lstm(case.path.read_bytes()), time_major)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("board,case_id,time_major", [
    ("mps2-an386", BASE_CASE, False), ("mps2-an386", BASE_CASE, True), ("mps2-an386", WIDE_CASE, False),
    ("mps3-an547", BASE_CASE, False), ("mps3-an547", BASE_CASE, True), ("mps3-an547", WIDE_CASE, False)])
def test_fast_lstm_is_chosen_and_equals_tflm(request, tmp_path, board, case_id, time_major):
    from edgeq.ir import parse

    data = hostile_model(request, case_id, time_major)
    model = tmp_path / "hostile_lstm.tflite"
    model.write_bytes(data)
    x = parse(data).tensors[parse(data).inputs[0]]
    rng = np.random.default_rng(zlib.crc32(f"{case_id}-{time_major}".encode()))
    samples = rng.integers(-128, 128, size=(SAMPLES, *x.shape), dtype=np.int8)
    expected = tflm_stream(data, samples)
    (got,) = run_on_emulated_board(model, [samples], tmp_path / "fw", target=board)

    (lstm,) = [op for op in json.loads((tmp_path / "fw" / "edgeq-build.json").read_text())["ops"]
               if op["opcode"] == "UNIDIRECTIONAL_SEQUENCE_LSTM"]
    assert KERNELS[board] in lstm["kernels"], lstm
    assert any("exact requantization" in line for line in lstm["declined"]), lstm  # the hostile rows' form
    mismatched = int(np.count_nonzero(got != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
