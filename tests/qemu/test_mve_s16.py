"""The Helium int16x8 kernels (GEMM rows and im2col CONV_2D, DEPTHWISE_CONV_2D, ADD/SUB, MAX_POOL_2D,
AVERAGE_POOL_2D) and the Helium int8 MAX_POOL_2D on the emulated Cortex-M55 (QEMU mps3-an547): bit-exact with
TFLite Micro, and the ones the build manifest names for those operators.

FULLY_CONNECTED runs the hostile int16 cases (tests/zoo/hostile_s16.py: full-scale weights whose sums leave
int32, multipliers at the requantization bounds, int64 biases far outside int32) over 1, 5, 6 and 7 output
channels (every fill of the last block of four), depths with and without a tail of the 8-lane vector (3, 9, 16,
600, 601), single rows and batches. CONV_2D runs a 1x1 stride-1 layer (GEMM rows over the pixels) and the
im2col kernel at stride 2 with a depth tail (45), with dilation and SAME padding (zero taps) over a partial
channel block, and 1x1 at stride 2. The max pools have 3 channels (tail only) and 20 (whole vectors and a
tail; int8 and int16), windows clipped at the image's edges. ADD (with RELU) and SUB int16 run 210 elements
(26 whole vectors and a tail of 2) over full-range random inputs; the int16 average pools have 5 channels
(with RELU) and 3 (tail-predicated vectors), clipped SAME windows whose pixel counts vary, negative means
rounded away from zero (3 channels, no activation). DEPTHWISE_CONV_2D int16 runs 5x5 stride 2 SAME over 7
channels (a whole vector of 4 and a tail) and 3x3 dilation 2 SAME over 5. The ties test feeds ADD/SUB inputs
whose rescales meet a negative exact half, where TFLM's rounding differs from a plain rounding shift.
"""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import zoo_cases
from zoo.hostile import full_scale_s16_inputs, saturated_channel
from zoo.hostile_s16 import hostile_fc_s16, hostile_s16_inputs

BOARD = "mps3-an547"
SAMPLES = 2  # hostile_s16_inputs: the first half full-scale, the rest uniform
HOSTILE_FC = ("hostile_fc_s16_wide", "hostile_fc_s16_wide_rows", "hostile_fc_s16_k3_n5", "hostile_fc_s16_k9_n1")
PLAIN = ("conv_1x1_nobias-int16x8", "conv_3x3_s2_valid_relu6-int16x8", "conv_3x3_dil2_same-int16x8",
         "conv_s16_1x1_s2_in_place-int16x8", "maxpool_3x3_s2_same-int8", "mve_maxpool_c20_3x3_s2_same-int8",
         "mve_maxpool_c20_3x3_s2_same-int16x8", "add_relu-int16x8", "sub-int16x8",
         "avgpool_3x2_s2_same_relu-int16x8", "avgpool_3x3_s1_same-int16x8", "dw_5x5_s2_same_relu6-int16x8",
         "dw_3x3_dil2_same-int16x8")
HELIUM_OPS = ("FULLY_CONNECTED", "CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "ADD", "SUB", "DEPTHWISE_CONV_2D")


@pytest.fixture(scope="module")
def zoo(request) -> dict:
    return zoo_cases(request.config.rootpath)


def assert_helium_chosen(build_dir: Path) -> None:
    ops = json.loads((build_dir / "edgeq-build.json").read_text())["ops"]
    chosen = [op for op in ops if op["opcode"] in HELIUM_OPS]
    assert chosen, "no operator the Helium kernels cover"
    for op in chosen:
        kernels = op.get("kernels", [])
        assert kernels and kernels[0].startswith("kernels/mve/"), f"op {op['index']} {op['opcode']}: {kernels}"


def assert_equals_tflm(model: Path, inputs: list[np.ndarray], build_dir: Path) -> None:
    from edgeq.reference.tflm import run_tflm

    expected = [np.asarray(o).reshape(SAMPLES, -1) for o in run_tflm(model, inputs).outputs]
    got = run_on_emulated_board(model, inputs, build_dir, target=BOARD)
    assert_helium_chosen(build_dir)
    assert len(got) == len(expected)
    for k, (raw, want) in enumerate(zip(got, expected)):
        mismatched = int(np.count_nonzero(raw != want))
        assert mismatched == 0, f"output {k}: {mismatched} of {want.size} elements differ from TFLM"


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("name", HOSTILE_FC)
def test_helium_int16_fc_hostile_equals_tflm(zoo, tmp_path, name):
    from edgeq.ir import parse

    case = zoo[f"{name}-int16x8"]
    assert case.path is not None, case.error
    model = tmp_path / f"{name}.tflite"
    model.write_bytes(hostile_fc_s16(case.path.read_bytes()))
    inputs = hostile_s16_inputs(parse(model.read_bytes()), SAMPLES, zlib.crc32(case.id.encode()))
    assert_equals_tflm(model, inputs, tmp_path / "fw")


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
def test_helium_deep_int16_conv_saturated_equals_tflm(zoo, tmp_path):
    """The im2col kernel on a 3x3 conv over 64 channels with a saturated channel and full-scale inputs: channel
    sums far past int32 (tests/qemu/test_hostile_quant_m4.py runs the same model on the M4)."""
    from edgeq.ir import parse

    case = zoo["hostile_conv_s16_deep-int16x8"]
    assert case.path is not None, case.error
    model = tmp_path / "saturated.tflite"
    model.write_bytes(saturated_channel(case.path.read_bytes()))
    assert_equals_tflm(model, full_scale_s16_inputs(parse(model.read_bytes()), SAMPLES), tmp_path / "fw")


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id", PLAIN)
def test_helium_case_equals_tflm(zoo, tmp_path, case_id):
    from edgeq.ir import parse

    case = zoo[case_id]
    assert case.path is not None, case.error
    graph = parse(case.path.read_bytes())
    rng = np.random.default_rng(zlib.crc32(case_id.encode()))
    inputs = []
    for index in graph.inputs:
        tensor = graph.tensors[index]
        info = np.iinfo(tensor.dtype)
        inputs.append(rng.integers(info.min, info.max, size=(SAMPLES, *tensor.shape), endpoint=True,
                                   dtype=tensor.dtype))
    assert_equals_tflm(case.path, inputs, tmp_path / "fw")


def _rescale(x: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """TFLM's MultiplyByQuantizedMultiplierSmallerThanOneExp on int64 arrays (|x| <= 2^30, shift <= 0)."""
    high = (x * multiplier + (1 << 30)) >> 31  # SaturatingRoundingDoublingHighMul: no saturation here
    mask = (1 << -shift) - 1
    return (high >> -shift) + ((high & mask) > (mask >> 1) + (high < 0))


def _negative_tie(x: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """Where the rescale's high product is negative and exactly halfway between two results."""
    if shift >= 0:
        return np.zeros(x.shape, dtype=bool)
    high = (x * multiplier + (1 << 30)) >> 31
    return (high < 0) & ((high & ((1 << -shift) - 1)) == (1 << (-shift - 1)))


def tie_inputs(graph, subtract: bool, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` int16 pairs (input 1, input 2 of the ADD/SUB) whose output rescale (and for some, input 2's)
    meets a negative exact tie under TFLM's arithmetic, where rounding half up would differ by one."""
    from edgeq.codegen.ops.int16_elementwise import add_sub_params_s16

    op = graph.ops[0]
    quants = [graph.tensors[i].quant for i in (*op.inputs, *op.outputs)]
    p = add_sub_params_s16(*(v for q in quants for v in (q.scale[0], q.zero_point[0])))
    values = np.arange(-32768, 32768, dtype=np.int64)
    scaled1 = _rescale(values << 15, p["input1_multiplier"], p["input1_shift"])
    scaled2 = _rescale(values << 15, p["input2_multiplier"], p["input2_shift"])
    rng = np.random.default_rng(seed)
    firsts, seconds = [], []
    for a in rng.permutation(values)[:4 * count]:
        sums = scaled1[a + 32768] - scaled2 if subtract else scaled1[a + 32768] + scaled2
        ties = np.flatnonzero(_negative_tie(sums, p["output_multiplier"], p["output_shift"]))
        if ties.size:
            firsts.append(a)
            seconds.append(values[rng.choice(ties)])
        if len(firsts) == count:
            break
    assert len(firsts) == count, "too few output ties for this model's scales"
    input_ties = values[_negative_tie(values << 15, p["input2_multiplier"], p["input2_shift"]) |
                        _negative_tie(values << 15, p["input1_multiplier"], p["input1_shift"])]
    first, second = np.array(firsts, dtype=np.int16), np.array(seconds, dtype=np.int16)
    if input_ties.size:  # every fourth element: an input rescale's tie instead
        second[::4] = rng.choice(input_ties, size=second[::4].size)
        first[::4] = rng.choice(input_ties, size=first[::4].size)
    return first, second


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id", ("add-int16x8", "sub-int16x8"))
def test_helium_int16_add_sub_ties_equal_tflm(zoo, tmp_path, case_id):
    """Inputs chosen where TFLM's rescales round a negative exact half away from zero (random inputs almost
    never land there): the Helium ADD/SUB must nudge those the same way."""
    from edgeq.ir import parse

    case = zoo[case_id]
    assert case.path is not None, case.error
    graph = parse(case.path.read_bytes())
    op_inputs = graph.ops[0].inputs
    shape = graph.tensors[op_inputs[0]].shape
    size = int(np.prod(shape))
    first, second = tie_inputs(graph, case_id.startswith("sub"), SAMPLES * size, zlib.crc32(case_id.encode()))
    by_tensor = {op_inputs[0]: first.reshape(SAMPLES, *shape), op_inputs[1]: second.reshape(SAMPLES, *shape)}
    assert_equals_tflm(case.path, [by_tensor[i] for i in graph.inputs], tmp_path / "fw")


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
def test_helium_int16_depthwise_past_int32_declines(zoo, tmp_path):
    """A 23x23 depthwise with every weight 127 and full-scale inputs: channel sums past int32, so the Helium
    int32-lane kernel must not be chosen, and what runs instead is bit-exact with TFLM on the M55."""
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = zoo["mve_dw_s16_23x23-int16x8"]
    assert case.path is not None, case.error
    model = tmp_path / "saturated_dw.tflite"
    model.write_bytes(saturated_channel(case.path.read_bytes(), "DEPTHWISE_CONV_2D"))
    inputs = full_scale_s16_inputs(parse(model.read_bytes()), SAMPLES)
    expected = np.asarray(run_tflm(model, inputs).outputs[0]).reshape(SAMPLES, -1)
    (got,) = run_on_emulated_board(model, inputs, tmp_path / "fw", target=BOARD)
    assert int(np.count_nonzero(got != expected)) == 0, "differs from TFLM"
    ops = json.loads((tmp_path / "fw" / "edgeq-build.json").read_text())["ops"]
    (dw,) = [op for op in ops if op["opcode"] == "DEPTHWISE_CONV_2D"]
    assert not dw["kernels"][0].startswith("kernels/mve/"), dw["kernels"]
