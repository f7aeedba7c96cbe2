"""Hand-built SVDF models for the fast SVDF kernels (edgeq/codegen/ops/svdf_variants.py): shapes and quantization
that stress them, chained into one model per batch count so that one build covers them all, each SVDF's output
a model output. Checked by streaming: the state only shows its effect over consecutive inferences (the
reference runners reset it before every sample), so samples run one after another on one TFLM interpreter and
on the device, without a reset.

Cases: rank 1, 2 and 3; memory 1, 2, 4, 5, 7, 8, 9 and 32 (word rows, odd tails, one element); filter counts
that are not multiples of 4 or 8; input sizes not a multiple of 4; int8 states with zero points whose addition
wraps; rescales with a right shift of 1 and tiny weights (rounding ties of both signs); int16 states with
full-range time weights (accumulators past 2^30: the full-range requantization) and
small ones (the fast form); a dead unit with a bias near 2^31; real multipliers >= 1 in the feature FC and the
time reduction; batches 1 and 3. (edgeq.ir refuses an SVDF without bias before generation, so none is
here.)
"""
from __future__ import annotations

from dataclasses import dataclass

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema


@dataclass(frozen=True)
class Svdf:
    state: str  # "INT8" or "INT16"
    units: int
    rank: int
    memory: int
    state_zero_point: int = 0
    dead_unit: bool = False  # unit 0's bias near 2^31 (its accumulator cannot take the fast requantization)
    gain_1: float | None = None  # force input x feature / state scale (>= 1: full-range FC requantization)
    gain_2: float | None = None  # force state x time / output scale
    small_time: bool = False  # int16 time weights in [-200, 200] instead of the full range
    tiny_weights: bool = False  # feature and time weights in [-1, 1]: with gains in [1/4, 1/2) (a right shift of
    #                             1) half the odd accumulators are exact rounding ties, negative ones included


#: (batches, input size, chain): each SVDF's input is the previous one's output.
CHAINS = (
    (1, 37, (Svdf("INT8", units=5, rank=2, memory=7, state_zero_point=5, dead_unit=True),
             Svdf("INT8", units=6, rank=1, memory=1, state_zero_point=-50),
             Svdf("INT16", units=3, rank=3, memory=5),
             Svdf("INT8", units=4, rank=1, memory=9, state_zero_point=-3, gain_1=1.5, gain_2=1.25),
             Svdf("INT16", units=7, rank=1, memory=4, small_time=True, dead_unit=True))),
    (3, 6, (Svdf("INT8", units=4, rank=2, memory=8, state_zero_point=-3),
            Svdf("INT16", units=5, rank=1, memory=2, small_time=True),
            Svdf("INT8", units=3, rank=1, memory=32, state_zero_point=7),
            Svdf("INT16", units=2, rank=2, memory=1),
            Svdf("INT8", units=6, rank=1, memory=3, state_zero_point=2, tiny_weights=True, gain_1=0.3, gain_2=0.3),
            Svdf("INT16", units=5, rank=2, memory=2, tiny_weights=True, gain_1=0.3, gain_2=0.3))),
)

_NUMPY = {"INT8": np.int8, "INT16": np.int16, "INT32": np.int32}


class _Builder:
    def __init__(self) -> None:
        self.model = schema.ModelT()
        self.model.version = 3
        self.model.buffers = [schema.BufferT()]
        self.tensors: list = []

    def tensor(self, shape, dtype: str, scale: float, zero_point: int = 0, data=None, variable=False) -> int:
        t = schema.TensorT()
        t.name = f"t{len(self.tensors)}"
        t.shape = list(shape)
        t.type = getattr(schema.TensorType, dtype)
        t.isVariable = variable
        t.quantization = schema.QuantizationParametersT()
        t.quantization.scale = [float(scale)]
        t.quantization.zeroPoint = [int(zero_point)]
        t.buffer = 0
        if data is not None:
            buffer = schema.BufferT()
            buffer.data = np.ascontiguousarray(np.asarray(data, dtype=_NUMPY[dtype])).view(np.uint8).reshape(-1)
            self.model.buffers.append(buffer)
            t.buffer = len(self.model.buffers) - 1
        self.tensors.append(t)
        return len(self.tensors) - 1


def hostile_svdf_model(seed: int = 0) -> bytes:
    """Both chains in one model: inputs [batches][input size] int8, outputs every SVDF's [batches][units]."""
    rng = np.random.default_rng(seed)
    b = _Builder()
    ops, inputs, outputs = [], [], []
    for batches, size, chain in CHAINS:
        x_scale, x_zp = 0.05, -3
        x = b.tensor((batches, size), "INT8", x_scale, x_zp)
        inputs.append(x)
        for spec in chain:
            filters, wide = spec.units * spec.rank, spec.state == "INT16"
            w_lim = 1 if spec.tiny_weights else 127
            feature = rng.integers(-w_lim, w_lim + 1, (filters, size))
            lim = 1 if spec.tiny_weights else 200 if spec.small_time else (32767 if wide else 127)
            time = rng.integers(-lim, lim + 1, (filters, spec.memory))
            f_scale, t_scale = 0.01, (0.0003 if wide else 0.02)
            # scales putting a typical FC value near 40 (int8) / 3000 (int16) state steps, a typical output
            # near 40 output steps (random inputs span the whole int8 range: standard deviation ~ 74)
            fc_std = np.sqrt(size) * 74 * 73
            gain_1 = spec.gain_1 or (3000 if wide else 40) / fc_std
            s_scale = x_scale * f_scale / gain_1
            time_std = np.sqrt(filters // spec.units * spec.memory) * (lim / 1.7) * (3000 if wide else 40)
            gain_2 = spec.gain_2 or 40 / time_std
            out_scale = s_scale * t_scale / gain_2
            bias = rng.integers(-30, 30, spec.units) * (1 if spec.tiny_weights else 100)
            if spec.dead_unit:
                bias[0] = 2**31 - 100
            out_zp = -10
            op = schema.OperatorT()
            op.opcodeIndex = 0
            op.inputs = [x,
                         b.tensor((filters, size), "INT8", f_scale, 0, feature),
                         b.tensor((filters, spec.memory), spec.state, t_scale, 0, time),
                         b.tensor((spec.units,), "INT32", s_scale * t_scale, 0, bias),
                         b.tensor((batches, filters * spec.memory), spec.state, s_scale, spec.state_zero_point,
                                  variable=True)]
            out = b.tensor((batches, spec.units), "INT8", out_scale, out_zp)
            op.outputs = [out]
            op.builtinOptionsType = schema.BuiltinOptions.SVDFOptions
            op.builtinOptions = schema.SVDFOptionsT()
            op.builtinOptions.rank = spec.rank
            op.builtinOptions.fusedActivationFunction = schema.ActivationFunctionType.RELU
            ops.append(op)
            outputs.append(out)
            x, x_scale, x_zp, size = out, out_scale, out_zp, spec.units
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.SVDF
    code.version = 1
    b.model.operatorCodes = [code]
    sub = schema.SubGraphT()
    sub.tensors, sub.operators, sub.inputs, sub.outputs = b.tensors, ops, inputs, outputs
    b.model.subgraphs = [sub]
    builder = flatbuffers.Builder(1 << 16)
    builder.Finish(b.model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def stream_inputs(graph, samples: int, seed: int) -> list[np.ndarray]:
    """Full-range int8 samples, one (samples, *shape) array per model input."""
    rng = np.random.default_rng(seed)
    return [rng.integers(-128, 128, (samples, *graph.tensors[i].shape), dtype=np.int8) for i in graph.inputs]


def tflm_stream(model: bytes, inputs: list[np.ndarray], n_out: int) -> list[np.ndarray]:
    """Consecutive invokes of one TFLM interpreter (state carried over): one (samples, elements) array for each
    of the n_out outputs."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model)
    rows: list[list[np.ndarray]] = [[] for _ in range(n_out)]
    for s in range(inputs[0].shape[0]):
        for k, x in enumerate(inputs):
            interpreter.set_input(np.ascontiguousarray(x[s]), k)
        interpreter.invoke()
        for k in range(n_out):
            rows[k].append(np.array(interpreter.get_output(k)).reshape(-1))
    return [np.stack(r) for r in rows]

