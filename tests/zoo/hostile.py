"""Hostile quantization for one-layer int8 models: what trained models bring and converters never emit
for the zoo's tidy random weights.

`hostile_channels(tflite_bytes)` rewrites the first CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED (weights
made per-channel if they are per-tensor) so that its first output channels are, in order:

  0  dead (all weights 0) with bias +(2^31 - 1)
  1  dead with bias -(2^31 - 1)
  2  a real multiplier in [0.5, 1): TFLM's shift is 0, outside the fast SMMULR form
  3  a real multiplier of about 1.7: TFLM shifts left by 1
  4  live weights with a bias just inside int32 (bias + (x - zp) * w cannot overflow, |acc| > 2^30)
  5  a tiny real multiplier (2^-40): TFLM's QuantizeMultiplier gives shift < -31, i.e. a zero multiplier
  6  live weights, bias 2^30 + 2^29, and a real multiplier putting the output 40.5 above the zero point:
     an accumulator past 2^30 whose output still depends on the input

and leaves the rest as converted. Channels 0, 1, 4 and 5 give the same output for every input (edgeq
computes them at generation time: CONSTANT_CHANNELS); 2, 3 and 6 need the exact requantization
(EXACT_CHANNELS). The result is a valid model that TFLite Micro runs; every value stays
in the ranges TFLM accepts. Pure: bytes in, bytes out (LiteRT's flatbuffer schema object API).
"""
from __future__ import annotations

import numpy as np

INT32_MAX = 2**31 - 1
HOSTILE_CHANNELS = 7
CONSTANT_CHANNELS = (0, 1, 4, 5)
EXACT_CHANNELS = (2, 3, 6)
LIVE_BIAS = 2**30 + 2**29
_WEIGHTED = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 0}  # opcode -> channel axis


def hostile_channels(data: bytes) -> bytes:
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators if _opcode(schema, model, o) in _WEIGHTED)
    axis = _WEIGHTED[_opcode(schema, model, op)]
    inp, wt, bt, out = (sub.tensors[i] for i in (op.inputs[0], op.inputs[1], op.inputs[2], op.outputs[0]))
    weights = np.frombuffer(bytes(model.buffers[wt.buffer].data), dtype=np.int8).reshape(wt.shape).copy()
    bias = np.frombuffer(bytes(model.buffers[bt.buffer].data), dtype="<i4").copy()
    channels = weights.shape[axis]
    if channels < HOSTILE_CHANNELS:
        raise ValueError(f"need at least {HOSTILE_CHANNELS} output channels, the layer has {channels}")
    w = np.moveaxis(weights, axis, 0)  # a view: [channel][...]
    in_scale, out_scale = float(inp.quantization.scale[0]), float(out.quantization.scale[0])
    in_zp = int(inp.quantization.zeroPoint[0])
    scales = np.resize(np.asarray(wt.quantization.scale, dtype=np.float64), channels)

    w[0:2] = 0
    bias[0], bias[1] = INT32_MAX, -INT32_MAX
    scales[2] = 0.75 * out_scale / in_scale    # real multiplier 0.75
    scales[3] = 1.7 * out_scale / in_scale     # real multiplier 1.7
    reach = 255 * int(np.abs(w[4].astype(np.int64)).sum())  # |x - zp| <= 255
    bias[4] = INT32_MAX - reach - abs(in_zp) * int(np.abs(w[4].astype(np.int64)).sum())
    scales[5] = 2.0**-40 * out_scale / in_scale
    bias[6] = LIVE_BIAS
    scales[6] = 40.5 / LIVE_BIAS * out_scale / in_scale

    model.buffers[wt.buffer].data = np.ascontiguousarray(weights).reshape(-1).view(np.uint8)
    return packed_per_channel(model, wt, bt, axis, scales, bias, in_scale, len(data))


def packed_per_channel(model, wt, bt, axis: int, scales: np.ndarray, bias: np.ndarray, in_scale: float,
                       size: int) -> bytes:
    """The model packed again with per-channel weight scales `scales` along `axis`, the bias scales that go
    with them (input scale x weight scale, as the converter writes) and `bias` as the bias tensor's data."""
    import flatbuffers

    channels = len(scales)
    model.buffers[bt.buffer].data = bias.astype("<i4").view(np.uint8)
    wt.quantization.scale = [float(s) for s in scales]
    wt.quantization.zeroPoint = [0] * channels
    wt.quantization.quantizedDimension = axis
    bt.quantization.scale = [float(in_scale * s) for s in scales]
    bt.quantization.zeroPoint = [0] * channels
    bt.quantization.quantizedDimension = 0
    builder = flatbuffers.Builder(size + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _opcode(schema, model, op) -> str:
    code = model.operatorCodes[op.opcodeIndex]
    number = max(code.builtinCode, code.deprecatedBuiltinCode)  # as edgeq.ir.parse reads it
    return next(name for name in dir(schema.BuiltinOperator) if getattr(schema.BuiltinOperator, name) == number)


def saturated_channel(data: bytes, opcode: str = "CONV_2D") -> bytes:
    """The first CONV_2D's channel 0 weights all set to 127 (DEPTHWISE_CONV_2D: every channel's, its weights
    being [1][h][w][channels]): with a window of more than 516 taps, 32768 * sum|w| exceeds 2^31, so an
    int16x8 kernel summing in 32 bits would overflow."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators if _opcode(schema, model, o) == opcode)
    wt = sub.tensors[op.inputs[1]]
    weights = np.frombuffer(bytes(model.buffers[wt.buffer].data), dtype=np.int8).reshape(wt.shape).copy()
    weights[0] = 127
    model.buffers[wt.buffer].data = weights.reshape(-1).view(np.uint8)
    builder = flatbuffers.Builder(len(data) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def full_scale_s16_inputs(graph, samples: int) -> list[np.ndarray]:
    """int16 inputs nearly all at +32767: with saturated_channel's weights a full window sums to about
    2.3e9 > 2^31."""
    rng = np.random.default_rng(7)
    shape = (samples, *graph.tensors[graph.inputs[0]].shape)
    return [np.where(rng.random(shape) < 0.98, 32767, -32768).astype(np.int16)]
