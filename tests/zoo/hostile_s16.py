"""Hostile quantization for one-layer int16x8 FULLY_CONNECTED models (int16 activations, int8 weights,
int64 bias): `hostile_fc_s16(tflite_bytes)` rewrites the first FULLY_CONNECTED (weights made per-channel)
so that its output channels are, in order as far as the layer has them:

  0  full-scale weights (all 127): with more than 516 in-features and full-scale inputs the sum of
     products leaves int32, so its block of channels must accumulate in 64 bits
  1  a real multiplier of 0.75 (TFLM's shift 0, total shift 15: the 15-bit multiplier cannot be scaled
     into the high word)
  2  a real multiplier of 1.7 (TFLM shifts left by 1)
  3  a real multiplier of 2^-20 and a bias of 2^30 (total shift above 32)
  4  dead (all weights 0), a bias of -(2^40 + 12345) far outside int32 and a real multiplier of 2^-29
  5  a real multiplier of exactly 0.5 (the 15-bit multiplier 2^14 at the scaling bound)
  6  a real multiplier of 0.4999 (just inside it)

and leaves the rest as converted. Every value stays in the ranges TFLM accepts (|bias + sum| < 2^47).
Pure: bytes in, bytes out (LiteRT's flatbuffer schema object API).
"""
from __future__ import annotations

import numpy as np

from zoo.hostile import _opcode

#: (real multiplier or None to keep the converted one, bias or None to keep it, weights: "full", "dead", None)
KINDS = (
    (None, None, "full"),
    (0.75, None, None),
    (1.7, None, None),
    (2.0**-20, 2**30, None),
    (2.0**-29, -(2**40 + 12345), "dead"),
    (0.5, None, None),
    (0.4999, None, None),
)


def hostile_fc_s16(data: bytes) -> bytes:
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators if _opcode(schema, model, o) == "FULLY_CONNECTED")
    inp, wt, bt, out = (sub.tensors[i] for i in (op.inputs[0], op.inputs[1], op.inputs[2], op.outputs[0]))
    weights = np.frombuffer(bytes(model.buffers[wt.buffer].data), dtype=np.int8).reshape(wt.shape).copy()
    bias = np.frombuffer(bytes(model.buffers[bt.buffer].data), dtype="<i8").copy()
    channels = weights.shape[0]
    in_scale, out_scale = float(inp.quantization.scale[0]), float(out.quantization.scale[0])
    scales = np.resize(np.asarray(wt.quantization.scale, dtype=np.float64), channels)
    for channel, (real, channel_bias, kind) in zip(range(channels), KINDS):
        if real is not None:
            scales[channel] = real * out_scale / in_scale
        if channel_bias is not None:
            bias[channel] = channel_bias
        if kind == "full":
            weights[channel] = 127
        elif kind == "dead":
            weights[channel] = 0

    model.buffers[wt.buffer].data = np.ascontiguousarray(weights).reshape(-1).view(np.uint8)
    model.buffers[bt.buffer].data = bias.astype("<i8").view(np.uint8)
    wt.quantization.scale = [float(s) for s in scales]
    wt.quantization.zeroPoint = [0] * channels
    wt.quantization.quantizedDimension = 0
    bt.quantization.scale = [float(in_scale * s) for s in scales]
    bt.quantization.zeroPoint = [0] * channels
    bt.quantization.quantizedDimension = 0
    builder = flatbuffers.Builder(len(data) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def hostile_s16_inputs(graph, samples: int, seed: int) -> list[np.ndarray]:
    """int16 inputs: the first half nearly all at +32767 (full-scale channel sums past 2^31), the rest
    uniform over the whole int16 range."""
    rng = np.random.default_rng(seed)
    shape = (samples, *graph.tensors[graph.inputs[0]].shape)
    full = np.where(rng.random(shape) < 0.98, 32767, -32768)
    uniform = rng.integers(-32768, 32768, size=shape)
    return [np.where(np.arange(samples).reshape(-1, *[1] * (len(shape) - 1)) < samples // 2, full,
                     uniform).astype(np.int16)]


def rescaled_add_s16(data: bytes, input1_scale: float, input2_scale: float, output_scale: float) -> bytes:
    """The first ADD or SUB with these tensor scales (zero points 0), e.g. to choose which input has the
    larger scale (whose rescale is exactly x << 14 in edgeq_add_fast_s16)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators if _opcode(schema, model, o) in ("ADD", "SUB"))
    for index, scale in zip((op.inputs[0], op.inputs[1], op.outputs[0]), (input1_scale, input2_scale, output_scale)):
        sub.tensors[index].quantization.scale = [float(scale)]
        sub.tensors[index].quantization.zeroPoint = [0]
    builder = flatbuffers.Builder(len(data) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())

