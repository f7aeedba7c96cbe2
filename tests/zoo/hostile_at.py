"""Live hostile output channels at chosen positions of a one-layer int8 model (tests/zoo/hostile.py puts its
seven kinds at channels 0-6; kernels that requantize per group of channels need them elsewhere too: in
every group, in a partial last group, as the lo or hi member of a pair).

`hostile_at(tflite_bytes, live=..., left=...)` rewrites the first CONV_2D, DEPTHWISE_CONV_2D or
FULLY_CONNECTED (weights made per-channel) so that

  channels in `live`  keep their weights, get bias 2^30 + 2^29 and a real multiplier putting the output
                      40.5 above the zero point: an accumulator past 2^30 with a right shift, whose output
                      still depends on the input (the exact form's usual case)
  channels in `left`  get a real multiplier of 1.7: TFLM shifts left by 1 (the exact form's other branch)

and leaves the others as converted. `zero_point` replaces the output's zero point: on a ReLU layer, 0 makes
the activation clamp at 0 instead of at the int8 minimum (converters never emit that; kernels take their
clamped paths). The result is a valid model that TFLite Micro runs. Pure: bytes in,
bytes out.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from zoo.gemm_pairs import GEMM_CASES
from zoo.hostile import _WEIGHTED, LIVE_BIAS, _opcode, packed_per_channel


def hostile_at(data: bytes, live: Iterable[int] = (), left: Iterable[int] = (),
               zero_point: int | None = None) -> bytes:
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators if _opcode(schema, model, o) in _WEIGHTED)
    axis = _WEIGHTED[_opcode(schema, model, op)]
    inp, wt, bt, out = (sub.tensors[i] for i in (op.inputs[0], op.inputs[1], op.inputs[2], op.outputs[0]))
    channels = wt.shape[axis]
    bias = np.frombuffer(bytes(model.buffers[bt.buffer].data), dtype="<i4").copy()
    in_scale, out_scale = float(inp.quantization.scale[0]), float(out.quantization.scale[0])
    scales = np.resize(np.asarray(wt.quantization.scale, dtype=np.float64), channels)
    for c in live:
        bias[c] = LIVE_BIAS
        scales[c] = 40.5 / LIVE_BIAS * out_scale / in_scale
    for c in left:
        scales[c] = 1.7 * out_scale / in_scale

    if zero_point is not None:
        out.quantization.zeroPoint = [zero_point]
    return packed_per_channel(model, wt, bt, axis, scales, bias, in_scale, len(data))


RING_DIRECT = "variants/edgeq_conv2d_ring_direct_s8.c"
IM2COL = "variants/edgeq_conv2d_im2col_s8.c"
#: (zoo case, live channels, left-shift channels, output zero point or None, the kernel that must run it):
#: each requantization path of edgeq_conv2d_ring_direct_s8 (whole full-range groups holding exact channels, through the exact form's
#: right- and left-shift branches; a partial last group; a clamped activation) and exact channels in
#: different pairs and blocks of the im2col GEMM, the last pair partial
#: (tests/host_c/test_hostile_at.py, tests/qemu/test_hostile_at_m4.py).
CONV_CASES = (
    ("hc_dw_m8_c1_5x4_s2_same-int8", (1, 6), (4,), None, RING_DIRECT),  # 8 channels: both groups mixed
    ("hc_conv_c4_1x5_same-int8", (2, 5), (6,), None, RING_DIRECT),      # 7 channels: a mixed and a partial group
    ("conv_3x3_s2_valid_relu6-int8", (0, 5), (3,), 0, RING_DIRECT),      # ReLU6 clamping at 0: groups checked
    ("hostile_conv_3x3-int8", (1, 4, 8), (7,), None, IM2COL),            # 9 channels: pairs 0, 2, 3, 4 (partial)
)

DEPTHWISE_RING = "variants/edgeq_depthwise_ring_s8.c"
#: The depthwise ring's groups (zoo cases of cases_dw_exact.py): (zoo case, live, left, zero point).
DW_EXACT_CASES = (
    # groups 0, 1, 2 (two exact channels), 4 exact; group 3 clean between them, group 5 clean after
    ("dwx_c24_3x3_same-int8", (3, 5, 8, 9, 16), (1,), None),
    # groups 2 and 4 exact: clean groups before, between and after them
    ("dwx_c24_3x3_same-int8", (9, 16), (), None),
    # multiplier 2, full range (ReLU at zero point -128): an exact channel in every full group
    ("dwx_m2_c11_3x3_relu-int8", (3, 5, 8, 9, 16), (14,), None),
    # multiplier 2, ReLU clamping at zero point 0 (the clamped form); exact channel 21 in the partial group
    ("dwx_m2_c11_3x3_relu-int8", (3, 5, 8, 9, 16, 21), (12,), 0),
)

#: Every (zoo case, live, left, zero point, kernel) the hostile-position tests run: ring-direct and im2col
#: groups, the GEMM's pairs (gemm_pairs.py), the depthwise ring's groups.
HOSTILE_AT_CASES = CONV_CASES + GEMM_CASES + tuple((*case, DEPTHWISE_RING) for case in DW_EXACT_CASES)


def case_label(case: tuple) -> str:
    """A test id: the zoo case and where its exact channels are (cases repeat with other positions)."""
    zoo_id, live, left, zero_point, _ = case
    where = "-".join(map(str, live)) + (f"-left{'-'.join(map(str, left))}" if left else "")
    return f"{zoo_id}-{where}" + ("" if zero_point is None else f"-zp{zero_point}")

