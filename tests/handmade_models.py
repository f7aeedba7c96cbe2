"""Small .tflite models built by hand with LiteRT's schema object API, for operators and type pairs no Keras
layer converts to: SVDF, int16 LSTMs, QUANTIZE to and from int32. Every model is
checked against TFLite Micro, so a mistake here shows up as a model TFLM refuses, never as a false pass.

`one_op_model(tensors, opcode, inputs, outputs, options)` builds a one-operator model; `edit_model(data,
keep_ops, outputs, edit)` cuts a converted model to its first operators (its outputs moved to inner
tensors, e.g. an LSTM's whole hidden sequence) and applies `edit(model)` to the object tree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

_NUMPY = {"INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64, "FLOAT32": np.float32}


@dataclass(frozen=True)
class T:
    """A tensor: dtype is a schema TensorType name; data makes it constant; variable for recurrent state."""

    shape: tuple[int, ...]
    dtype: str
    scale: float | None = None
    zero_point: int = 0
    data: np.ndarray | None = None
    variable: bool = False


def _pack(model) -> bytes:
    builder = flatbuffers.Builder(1 << 16)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _buffer(data: np.ndarray | None):
    buffer = schema.BufferT()
    if data is not None:
        buffer.data = np.ascontiguousarray(data).view(np.uint8).reshape(-1)
    return buffer


def one_op_model(tensors: list[T], opcode: str, inputs: list[int], outputs: list[int],
                 options_type: str | None = None, options=None) -> bytes:
    """A model running one builtin operator; graph inputs are the non-constant, non-variable op inputs."""
    model = schema.ModelT()
    model.version = 3
    model.buffers = [schema.BufferT()]
    sub = schema.SubGraphT()
    sub.tensors = []
    for k, t in enumerate(tensors):
        tensor = schema.TensorT()
        tensor.name = f"t{k}"
        tensor.shape = list(t.shape)
        tensor.type = getattr(schema.TensorType, t.dtype)
        tensor.isVariable = t.variable
        if t.scale is not None:
            tensor.quantization = schema.QuantizationParametersT()
            tensor.quantization.scale = [float(t.scale)]
            tensor.quantization.zeroPoint = [int(t.zero_point)]
        tensor.buffer = 0
        if t.data is not None:
            model.buffers.append(_buffer(np.asarray(t.data, dtype=_NUMPY[t.dtype]).reshape(t.shape)))
            tensor.buffer = len(model.buffers) - 1
        sub.tensors.append(tensor)
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = getattr(schema.BuiltinOperator, opcode)
    code.version = 1
    model.operatorCodes = [code]
    op = schema.OperatorT()
    op.opcodeIndex = 0
    op.inputs, op.outputs = list(inputs), list(outputs)
    if options_type is not None:
        op.builtinOptionsType = getattr(schema.BuiltinOptions, options_type)
        op.builtinOptions = options
    sub.operators = [op]
    sub.inputs = [i for i in inputs if i >= 0 and tensors[i].data is None and not tensors[i].variable]
    sub.outputs = list(outputs)
    model.subgraphs = [sub]
    return _pack(model)


def edit_model(data: bytes, keep_ops: int, outputs: list[int], edit: Callable | None = None) -> bytes:
    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    sub.operators = sub.operators[:keep_ops]
    sub.outputs = list(outputs)
    if edit is not None:
        edit(model)
    return _pack(model)


def svdf_model(state_dtype: str, rank: int = 2, seed: int = 0) -> bytes:
    """SVDF, int8 input/output with an int8 or int16 state and time weights (TFLM's two integer kernels), or
    float32 throughout: batches 2, input 12, 4 units x rank filters, memory 6, fused RELU."""
    rng = np.random.default_rng(seed)
    filters, memory, units, batches, size = 4 * rank, 6, 4, 2, 12
    if state_dtype == "FLOAT32":
        tensors = [T((batches, size), "FLOAT32"),
                   T((filters, size), "FLOAT32", data=rng.normal(0, 0.5, (filters, size))),
                   T((filters, memory), "FLOAT32", data=rng.normal(0, 0.5, (filters, memory))),
                   T((units,), "FLOAT32", data=rng.normal(0, 0.5, units)),
                   T((batches, filters * memory), "FLOAT32", variable=True),
                   T((batches, units), "FLOAT32")]
    else:
        wide = state_dtype == "INT16"
        state_scale, time_scale = (0.002, 0.0003) if wide else (0.1, 0.02)
        lim = 32767 if wide else 127
        tensors = [T((batches, size), "INT8", 0.05, -3),
                   T((filters, size), "INT8", 0.01, 0, rng.integers(-127, 128, (filters, size))),
                   T((filters, memory), state_dtype, time_scale, 0, rng.integers(-lim, lim + 1, (filters, memory))),
                   T((units,), "INT32", state_scale * time_scale, 0, rng.integers(-3000, 3000, units)),
                   T((batches, filters * memory), state_dtype, state_scale, 0 if wide else 5, variable=True),
                   T((batches, units), "INT8", 0.05 if wide else 0.2, -10)]
    options = schema.SVDFOptionsT()
    options.rank = rank
    options.fusedActivationFunction = schema.ActivationFunctionType.RELU
    return one_op_model(tensors, "SVDF", [0, 1, 2, 3, 4], [5], "SVDFOptions", options)


def quantize_model(src: str, dst: str, shape: tuple[int, ...] = (3, 40)) -> bytes:
    """One QUANTIZE src → dst with scales that rescale both ways (ratio ≠ 1) and non-zero zero points where
    the type has them (int16 is symmetric in TFLite)."""
    quant = {"INT8": (0.05, 7), "INT16": (0.0007, 0), "INT32": (0.0002, 3), "UINT8": (0.04, 120)}
    src_q = (quant[src][0] * 1.7, quant[src][1]) if src == dst else quant[src]
    return one_op_model([T(shape, src, *src_q), T(shape, dst, *quant[dst])], "QUANTIZE", [0], [1])


def lstm_int16(int8_lstm_model: bytes) -> bytes:
    """trained_lstm_int8's LSTM with int16 activations (zero point 0) and int64 biases: the int16x8 LSTM
    TFLite Micro runs, which the converter refuses to produce. Keeps only the LSTM (its hidden sequence is the
    output)."""
    def to_int16(model) -> None:
        sub = model.subgraphs[0]
        op = sub.operators[0]
        for index, scale in ((op.inputs[0], 1.0 / 32768), (op.inputs[18], 1.0 / 32768), (op.outputs[0], 1.0 / 32768)):
            tensor = sub.tensors[index]
            tensor.type = schema.TensorType.INT16
            tensor.quantization.scale, tensor.quantization.zeroPoint = [scale], [0]
        for index in op.inputs[12:16]:
            tensor = sub.tensors[index]
            values = np.frombuffer(bytes(model.buffers[tensor.buffer].data), dtype="<i4").astype("<i8")
            tensor.type = schema.TensorType.INT64
            model.buffers[tensor.buffer].data = values.view(np.uint8)

    lstm_output = schema.ModelT.InitFromPackedBuf(int8_lstm_model, 0).subgraphs[0].operators[0].outputs[0]
    return edit_model(int8_lstm_model, 1, [lstm_output], to_int16)


def lstm_only(int8_lstm_model: bytes) -> bytes:
    """The first operator (an LSTM) alone, its hidden sequence as the output."""
    lstm_output = schema.ModelT.InitFromPackedBuf(int8_lstm_model, 0).subgraphs[0].operators[0].outputs[0]
    return edit_model(int8_lstm_model, 1, [lstm_output])


def _tensor(name: str, shape, dtype: str, buffer: int = 0):
    tensor = schema.TensorT()
    tensor.name, tensor.shape, tensor.type, tensor.buffer = name, list(shape), getattr(schema.TensorType, dtype), buffer
    return tensor


def _op(model, opcode: str, inputs, outputs, options_type: str | None = None, options=None):
    codes = [c.builtinCode for c in model.operatorCodes]
    code_value = getattr(schema.BuiltinOperator, opcode)
    if code_value not in codes:
        code = schema.OperatorCodeT()
        code.builtinCode, code.deprecatedBuiltinCode, code.version = code_value, min(code_value, 127), 1
        model.operatorCodes.append(code)
        codes.append(code_value)
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = codes.index(code_value), list(inputs), list(outputs)
    if options_type is not None:
        op.builtinOptionsType, op.builtinOptions = getattr(schema.BuiltinOptions, options_type), options
    return op


def accumulator_model(initial: np.ndarray) -> bytes:
    """A resource variable as TensorFlow's converter writes one (tf.Variable in a stateful model): subgraph 0
    runs CALL_ONCE(init), then y = READ_VARIABLE(v) + x, ASSIGN_VARIABLE(v, y) and outputs y; subgraph 1 (the
    init) assigns `initial` (float32) to v once. Streaming y_t = initial + x_1 + ... + x_t."""
    initial = np.asarray(initial, np.float32)
    model = schema.ModelT()
    model.version, model.operatorCodes = 3, []
    model.buffers = [schema.BufferT(), _buffer(initial)]
    handle = schema.VarHandleOptionsT()
    handle.container, handle.sharedName = "", "accumulator"
    main = schema.SubGraphT()
    main.name = "main"
    main.tensors = [_tensor("x", initial.shape, "FLOAT32"), _tensor("handle", (), "RESOURCE"),
                    _tensor("read", initial.shape, "FLOAT32"), _tensor("y", initial.shape, "FLOAT32")]
    call_once = schema.CallOnceOptionsT()
    call_once.initSubgraphIndex = 1
    add = schema.AddOptionsT()
    main.operators = [_op(model, "CALL_ONCE", [], [], "CallOnceOptions", call_once),
                      _op(model, "VAR_HANDLE", [], [1], "VarHandleOptions", handle),
                      _op(model, "READ_VARIABLE", [1], [2]),
                      _op(model, "ADD", [2, 0], [3], "AddOptions", add),
                      _op(model, "ASSIGN_VARIABLE", [1, 3], [])]
    main.inputs, main.outputs = [0], [3]
    init = schema.SubGraphT()
    init.name = "init"
    init.tensors = [_tensor("handle", (), "RESOURCE"), _tensor("initial", initial.shape, "FLOAT32", buffer=1)]
    init.operators = [_op(model, "VAR_HANDLE", [], [0], "VarHandleOptions", handle),
                      _op(model, "ASSIGN_VARIABLE", [0, 1], [])]
    init.inputs, init.outputs = [], []
    model.subgraphs = [main, init]
    return _pack(model)


def lstm_batched(lstm_model: bytes, time_major: bool) -> bytes:
    """A converted model's first operator (an LSTM) alone, for two batch rows: batch-major [2][T][I] (each row
    with its own state row) or time-major [T][2][I] (all rows per step)."""
    def batch_two(model) -> None:
        sub = model.subgraphs[0]
        op = sub.operators[0]
        x, out = sub.tensors[op.inputs[0]], sub.tensors[op.outputs[0]]
        steps, size, units = x.shape[1], x.shape[2], out.shape[2]
        x.shape = [steps, 2, size] if time_major else [2, steps, size]
        out.shape = [steps, 2, units] if time_major else [2, steps, units]
        for k in (18, 19):
            sub.tensors[op.inputs[k]].shape = [2, units]
        op.builtinOptions.timeMajor = time_major

    lstm_output = schema.ModelT.InitFromPackedBuf(lstm_model, 0).subgraphs[0].operators[0].outputs[0]
    return edit_model(lstm_model, 1, [lstm_output], batch_two)
