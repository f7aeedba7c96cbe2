"""Hostile quantization for a converted int8 UNIDIRECTIONAL_SEQUENCE_LSTM: what the converter never emits for
the zoo's random weights but a valid model may hold (TFLite Micro runs the result).

`hostile_lstm(tflite_bytes)` rewrites the first LSTM (needs at least 3 units) so that
  unit 0's input gate is dead (its input and recurrent weight rows 0) with bias +(2^31 - 1): FC(x) saturates;
  unit 1's forget gate is dead with bias -(2^31 - 1);
  unit 2's cell gate is live with bias 1.5 * 2^30 (its accumulator passes 2^30: the full-range rescale);
  the output gate's input weights have a real multiplier of 1.7 to Q3.12 (TFLM shifts left by 1);
  the cell state's scale is 2^-15 (|c| < 1) and cell_clip 0.75, so f * c + i * g saturates int16 and the
  clip bounds it;
and leaves the rest as converted. Pure: bytes in, bytes out (LiteRT's flatbuffer schema object API).
"""
from __future__ import annotations

import numpy as np

INT32_MAX = 2**31 - 1
_INPUT_WEIGHTS, _RECURRENT_WEIGHTS, _BIASES, _CELL = (1, 2, 3, 4), (5, 6, 7, 8), (12, 13, 14, 15), 19


def hostile_lstm(data: bytes) -> bytes:
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators if _is_lstm(schema, model, o))

    def values(k: int, dtype: str) -> tuple[object, np.ndarray]:
        tensor = sub.tensors[op.inputs[k]]
        return tensor, np.frombuffer(bytes(model.buffers[tensor.buffer].data), dtype=dtype).reshape(
            tensor.shape).copy()

    def store(tensor, array: np.ndarray) -> None:
        model.buffers[tensor.buffer].data = np.ascontiguousarray(array).reshape(-1).view(np.uint8)

    for gate, unit, bias_value in ((0, 0, INT32_MAX), (1, 1, -INT32_MAX)):
        for k in (_INPUT_WEIGHTS[gate], _RECURRENT_WEIGHTS[gate]):
            tensor, w = values(k, "int8")
            w[unit] = 0
            store(tensor, w)
        tensor, bias = values(_BIASES[gate], "<i4")
        bias[unit] = bias_value
        store(tensor, bias)
    tensor, bias = values(_BIASES[2], "<i4")
    bias[2] = 3 << 29
    store(tensor, bias)

    in_scale = float(sub.tensors[op.inputs[0]].quantization.scale[0])
    output_gate_weights = sub.tensors[op.inputs[_INPUT_WEIGHTS[3]]]
    output_gate_weights.quantization.scale = [1.7 * 2.0**-12 / in_scale]
    sub.tensors[op.inputs[_BIASES[3]]].quantization.scale = [1.7 * 2.0**-12]
    sub.tensors[op.inputs[_CELL]].quantization.scale = [2.0**-15]
    op.builtinOptions.cellClip = 0.75

    builder = flatbuffers.Builder(len(data) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _is_lstm(schema, model, op) -> bool:
    code = model.operatorCodes[op.opcodeIndex]
    return max(code.builtinCode, code.deprecatedBuiltinCode) == schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
