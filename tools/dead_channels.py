#!/usr/bin/env python3
"""Write a copy of an int8 .tflite in which every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (or the
ones of `--opcode`) has one hostile output channel, channel k in layer k (mod the channel count):

* dead (default): all its weights 0 and its bias at +(2^31 - 1) or -(2^31 - 1), alternating from layer to
  layer. Its output is the same for every input (edgeq computes it at generation time).
* `--live`: its weights kept, its bias at 2^30 + 2^29 and its weight scale set so that the real multiplier
  puts the output about 40.5 above the zero point: the accumulator is past 2^30 and the output still
  depends on the input, so the kernel must requantize it in the exact full-range form on every pixel.

Trained models bring such channels (pruned or never-activated filters whose bias drifted), and converters
never do for random weights: the channel's accumulator sits past 2^30, outside the fast requantization's
precondition. Benchmark the copy next to the original to see what one hostile channel costs a layer:

    tools/dead_channels.py ../shared/models/kws_ref_model.tflite /tmp/kws_dead.tflite --opcode DEPTHWISE_CONV_2D
    tools/bench_mcu.py ../shared/models/kws_ref_model.tflite /tmp/kws_dead.tflite --per-op

The copy stays a valid model that TFLite Micro runs (per-tensor weight scales become per-channel).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

INT32_MAX = 2**31 - 1
LIVE_BIAS = 2**30 + 2**29
LIVE_OUTPUT = 40.5  # the live channel's output above the zero point: half-way, so rounding depends on the input
CHANNEL_AXIS = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 0}


def with_dead_channels(data: bytes, opcodes: frozenset[str] = frozenset(CHANNEL_AXIS),
                       live: bool = False) -> tuple[bytes, int]:
    """(the rewritten model, how many layers got a hostile channel). Pure: bytes in, bytes out."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    model = schema.ModelT.InitFromPackedBuf(data, 0)
    graph = model.subgraphs[0]
    layer = 0
    for op in graph.operators:
        code = model.operatorCodes[op.opcodeIndex]
        name = names.get(max(code.builtinCode, code.deprecatedBuiltinCode))
        if name not in opcodes or len(op.inputs) < 3 or op.inputs[2] < 0:
            continue
        weights, bias = graph.tensors[op.inputs[1]], graph.tensors[op.inputs[2]]
        if weights.type != schema.TensorType.INT8 or bias.type != schema.TensorType.INT32:
            continue
        axis = CHANNEL_AXIS[name]
        w = np.frombuffer(bytes(model.buffers[weights.buffer].data), np.int8).reshape(weights.shape).copy()
        b = np.frombuffer(bytes(model.buffers[bias.buffer].data), np.int32).copy()
        channel = layer % w.shape[axis]
        _per_channel(weights.quantization, w.shape[axis], axis)
        _per_channel(bias.quantization, w.shape[axis], 0)
        if live:
            in_scale = float(graph.tensors[op.inputs[0]].quantization.scale[0])
            out_scale = float(graph.tensors[op.outputs[0]].quantization.scale[0])
            w_scale = LIVE_OUTPUT / LIVE_BIAS * out_scale / in_scale
            weights.quantization.scale = _replaced(weights.quantization.scale, channel, w_scale)
            bias.quantization.scale = _replaced(bias.quantization.scale, channel, in_scale * w_scale)
            b[channel] = LIVE_BIAS
        else:
            np.moveaxis(w, axis, 0)[channel] = 0
            b[channel] = INT32_MAX if layer % 2 == 0 else -INT32_MAX
        model.buffers[weights.buffer].data = w.view(np.uint8).reshape(-1)
        model.buffers[bias.buffer].data = b.view(np.uint8).reshape(-1)
        layer += 1
    builder = flatbuffers.Builder(len(data) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output()), layer


def _replaced(scales, channel: int, value: float) -> list[float]:
    return [value if k == channel else float(s) for k, s in enumerate(scales)]


def _per_channel(quant, channels: int, axis: int) -> None:
    """A per-tensor scale becomes the same scale per channel (what a per-channel converter writes)."""
    if quant is not None and quant.scale is not None and len(quant.scale) == 1 and channels > 1:
        quant.scale = [float(quant.scale[0])] * channels
        quant.zeroPoint = [int(quant.zeroPoint[0])] * channels
        quant.quantizedDimension = axis


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--opcode", action="append", choices=sorted(CHANNEL_AXIS),
                        help="only these operators (repeatable; default all three)")
    parser.add_argument("--live", action="store_true",
                        help="keep the channel's weights: a large accumulator whose output varies (exact path)")
    parser.add_argument("--force", action="store_true", help="overwrite OUT")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.force:
        print(f"error: {args.out} exists (use --force to overwrite)", file=sys.stderr)
        return 2
    data, layers = with_dead_channels(args.model.read_bytes(), frozenset(args.opcode or CHANNEL_AXIS), args.live)
    if layers == 0:
        print(f"error: {args.model} has no int8 layer of {', '.join(args.opcode or CHANNEL_AXIS)} with a bias",
              file=sys.stderr)
        return 2
    args.out.write_bytes(data)
    print(f"{args.out}: one {'live hostile' if args.live else 'dead'} channel in each of {layers} layer(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
