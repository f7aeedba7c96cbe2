"""Per-operator shape rules of the model verifier (`edgeq.ir.verify`): one small function per operator family.

A rule receives an `OpCheck` (the graph, the op, and helpers that raise the verifier's one-line error) and
checks what the operator's semantics require of its tensors: ranks, dimensions that must agree, the output
shape the operator computes, and requantization factors TFLite Micro can represent. By the time a rule runs,
the generic checks have passed: every index is in range, every dimension is >= 1, buffers match their
shapes, scales are finite and positive, and every tensor is produced before it is read.

Adding an operator: write a function here decorated with `@shape_rule("OPCODE", ...)`. Operators without a
rule get only the generic checks. Rules raise through `check.require(...)` / `check.fail(...)`, never assert.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.ir.graph import Graph, Op, Tensor

#: TFLM's QuantizeMultiplier keeps a factor as multiplier * 2^(shift - 31) with shift <= 30 (single-rounding
#: builds saturate above; the double-rounding kernels shift an int32 left by `shift`, undefined beyond 30).
MAX_REQUANT_FACTOR = 2.0 ** 30

INT16_MAX = 2**15 - 1

HINT = "the .tflite file is malformed or damaged; re-export it with the TFLite converter"


def printable(name: str) -> str:
    """A tensor name safe to put on one line of an error message."""
    text = "".join(c if c.isprintable() else "?" for c in name)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class OpCheck:
    """What a rule may look at, and the one way to report a broken rule."""

    graph: Graph
    op: Op
    label: str

    def input(self, k: int) -> Tensor | None:
        index = self.op.inputs[k] if k < len(self.op.inputs) else -1
        return None if index < 0 else self.graph.tensors[index]

    def output(self, k: int = 0) -> Tensor:
        return self.graph.tensors[self.op.outputs[k]]

    def option(self, name: str, default=None):
        return self.op.options.get(name, default)

    def fail(self, rule: str, tensor: Tensor | None = None) -> EdgeqError:
        where = f"operator {self.op.index} ({self.op.opcode})"
        if tensor is not None:
            where += f", tensor {tensor.index} '{printable(tensor.name)}'"
        return EdgeqError(f"{self.label}: {where}: {rule}", HINT)

    def require(self, condition: bool, rule: str, tensor: Tensor | None = None) -> None:
        if not condition:
            raise self.fail(rule, tensor)

    # -- helpers shared by rules ------------------------------------------------------------------------
    def counts(self, inputs: int, outputs: int = 1, optional: int = 0) -> None:
        """`inputs` required inputs (plus up to `optional` more, which may be -1) and exactly `outputs`."""
        n = len(self.op.inputs)
        self.require(inputs <= n <= inputs + optional,
                     f"needs {inputs}{f'-{inputs + optional}' if optional else ''} inputs, has {n}")
        self.require(all(i >= 0 for i in self.op.inputs[:inputs]), "a required input is absent (-1)")
        self.require(len(self.op.outputs) == outputs, f"needs {outputs} output(s), has {len(self.op.outputs)}")

    def required(self, k: int) -> Tensor:
        tensor = self.input(k)
        if tensor is None:
            raise self.fail(f"input {k} is required")
        return tensor

    def rank(self, tensor: Tensor, *ranks: int) -> None:
        self.require(len(tensor.shape) in ranks,
                     f"rank {len(tensor.shape)} (shape {tensor.shape}); rank {' or '.join(map(str, ranks))} "
                     "expected", tensor)

    def same_shape(self, a: Tensor, b: Tensor) -> None:
        self.require(tuple(a.shape) == tuple(b.shape),
                     f"shape {b.shape} differs from the input's {a.shape}", b)

    def same_elements(self, a: Tensor, b: Tensor) -> None:
        self.require(a.num_elements == b.num_elements,
                     f"{b.num_elements} elements (shape {b.shape}), the input has {a.num_elements}", b)

    def same_dtype(self, a: Tensor, b: Tensor) -> None:
        self.require(a.dtype == b.dtype, f"type {b.dtype} differs from the input's {a.dtype}", b)

    def constant(self, tensor: Tensor, what: str) -> None:
        self.require(tensor.is_constant, f"{what} must be a constant tensor", tensor)

    def int_option(self, name: str, minimum: int) -> int:
        value = self.option(name)
        self.require(isinstance(value, int) and not isinstance(value, bool) and value >= minimum,
                     f"option {name} = {value!r} (an integer >= {minimum} expected)")
        return int(value)

    def padding(self) -> str:
        value = self.option("padding")
        self.require(value in ("SAME", "VALID"), f"padding {value!r} (SAME or VALID expected)")
        return str(value)

    def requant(self, reals: np.ndarray, tensor: Tensor, what: str) -> None:
        """Rescale factors TFLM's QuantizeMultiplier can represent: finite, below 2^30 (shift <= 30)."""
        reals = np.asarray(reals, dtype=np.float64)
        bad = ~np.isfinite(reals) | (reals >= MAX_REQUANT_FACTOR)
        if bad.any():
            value = float(reals[np.argmax(bad)])
            raise self.fail(f"{what} rescale factor {value:.6g} is outside TFLite Micro's range "
                            f"(finite and below 2^30)", tensor)


def quantized(tensor: Tensor | None) -> bool:
    return tensor is not None and tensor.quant is not None and tensor.dtype in ("int8", "uint8", "int16", "int4")


def scale0(tensor: Tensor) -> float:
    return float(tensor.quant.scale[0])


def out_size(padding: str, size: int, filter_size: int, stride: int, dilation: int) -> int:
    """TFLite's ComputeOutSize."""
    effective = (filter_size - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - effective) // stride


def total_padding(out: int, size: int, filter_size: int, stride: int, dilation: int) -> int:
    """TFLite's ComputePaddingWithOffset before halving."""
    return max((out - 1) * stride + (filter_size - 1) * dilation + 1 - size, 0)


Rule = Callable[[OpCheck], None]
SHAPE_RULES: dict[str, Rule] = {}


def shape_rule(*opcodes: str) -> Callable[[Rule], Rule]:
    """Decorator: `rule` checks ops with these opcodes (one rule per opcode)."""

    def decorate(rule: Rule) -> Rule:
        for opcode in opcodes:
            if opcode in SHAPE_RULES and SHAPE_RULES[opcode] is not rule:
                raise ValueError(f"two shape rules for {opcode}")
            SHAPE_RULES[opcode] = rule
        return rule

    return decorate


# -- rules --------------------------------------------------------------------------------------------------

def _spatial(check: OpCheck, inp: Tensor, out: Tensor, filter_h: int, filter_w: int) -> None:
    padding = check.padding()
    stride_h, stride_w = check.int_option("stride_h", 1), check.int_option("stride_w", 1)
    dil_h = check.int_option("dilation_h_factor", 1) if "dilation_h_factor" in check.op.options else 1
    dil_w = check.int_option("dilation_w_factor", 1) if "dilation_w_factor" in check.op.options else 1
    # TFLM keeps strides, dilations and paddings in int16_t (ConvParams, PaddingValues): larger ones wrap
    check.require(max(stride_h, stride_w, dil_h, dil_w) <= INT16_MAX,
                  f"stride {stride_h}x{stride_w} or dilation {dil_h}x{dil_w} above TFLite Micro's int16 range")
    expected = (out_size(padding, inp.shape[1], filter_h, stride_h, dil_h),
                out_size(padding, inp.shape[2], filter_w, stride_w, dil_w))
    check.require(expected[0] >= 1 and expected[1] >= 1,
                  f"a {filter_h}x{filter_w} window (dilation {dil_h}x{dil_w}) does not fit the input "
                  f"{inp.shape[1]}x{inp.shape[2]} with {padding} padding", inp)
    check.require(tuple(out.shape[1:3]) == expected,
                  f"output height x width {out.shape[1]}x{out.shape[2]}, the geometry gives "
                  f"{expected[0]}x{expected[1]}", out)
    pads = (total_padding(expected[0], inp.shape[1], filter_h, stride_h, dil_h),
            total_padding(expected[1], inp.shape[2], filter_w, stride_w, dil_w))
    check.require(max(pads) // 2 <= INT16_MAX, f"padding {pads[0] // 2}x{pads[1] // 2} above TFLite Micro's "
                  "int16 range", inp)
    check.require(out.shape[0] == inp.shape[0], f"batch {out.shape[0]} differs from the input's {inp.shape[0]}", out)


def _bias(check: OpCheck, channels: int) -> None:
    bias = check.input(2)
    if bias is not None:
        check.require(bias.num_elements == channels, f"{bias.num_elements} bias values for {channels} output "
                      "channels", bias)


#: TensorType values a quantized_bias_type option may hold: none (0), INT32 (2), INT64 (4).
_BIAS_TYPES = {0: None, 2: "int32", 4: "int64"}


def _weighted_requant(check: OpCheck, inp: Tensor, weights: Tensor, out: Tensor) -> None:
    bias_type = check.option("quantized_bias_type", 0)
    check.require(bias_type in _BIAS_TYPES, f"option quantized_bias_type {bias_type!r} is not a bias type")
    bias = check.input(2)
    if bias_type and bias is not None:
        check.require(bias.dtype == _BIAS_TYPES[bias_type], f"{bias.dtype} bias, the options say "
                      f"{_BIAS_TYPES[bias_type]}", bias)
    if quantized(inp) and quantized(out) and quantized(weights):
        reals = scale0(inp) * np.asarray(weights.quant.scale, dtype=np.float64) / scale0(out)
        check.requant(reals, out, "the input x weight / output")
        if len(weights.quant.scale) == 1 and bias is not None:
            # TFLM's GetQuantizedConvolutionMultipler: the bias scale (0 when absent) is input x weight
            # scale, within 2 % of the output scale
            product, bias_scale = scale0(inp) * scale0(weights), scale0(bias) if bias.quant else 0.0
            check.require(abs(product - bias_scale) / scale0(out) <= 0.02,
                          f"bias scale {bias_scale:.6g} differs from input x weight scale {product:.6g}", bias)


@shape_rule("CONV_2D", "DEPTHWISE_CONV_2D")
def conv(check: OpCheck) -> None:
    check.counts(2, optional=1)
    inp, weights, out = check.required(0), check.required(1), check.output()
    for tensor in (inp, weights, out):
        check.rank(tensor, 4)
    in_c, out_c = inp.shape[3], out.shape[3]
    if check.op.opcode == "CONV_2D":
        check.require(weights.shape[0] == out_c, f"{weights.shape[0]} filters for {out_c} output channels", weights)
        check.require(in_c % weights.shape[3] == 0, f"filter depth {weights.shape[3]} does not divide the input's "
                      f"{in_c} channels", weights)
    else:
        check.require(weights.shape[0] == 1 and weights.shape[3] == out_c,
                      f"depthwise filter {weights.shape} (1 x H x W x {out_c} expected)", weights)
        check.require(out_c % in_c == 0, f"{out_c} output channels are not a multiple of the input's {in_c}", out)
        # TFLM's kernels loop over the option's depth multiplier, not over the shapes
        check.require(check.option("depth_multiplier") == out_c // in_c,
                      f"option depth_multiplier {check.option('depth_multiplier')!r}, the shapes give {out_c // in_c}")
    _spatial(check, inp, out, weights.shape[1], weights.shape[2])
    _bias(check, out_c)
    _weighted_requant(check, inp, weights, out)


@shape_rule("FULLY_CONNECTED")
def fully_connected(check: OpCheck) -> None:
    check.counts(2, optional=1)
    inp, weights, out = check.required(0), check.required(1), check.output()
    check.rank(weights, 2)
    units, depth = weights.shape
    check.require(inp.num_elements % depth == 0, f"{inp.num_elements} input elements are not a multiple of the "
                  f"weights' depth {depth}", inp)
    batches = inp.num_elements // depth
    check.require(out.num_elements == batches * units,
                  f"{out.num_elements} output elements (shape {out.shape}), {batches} batches x {units} units "
                  "expected", out)
    _bias(check, units)
    _weighted_requant(check, inp, weights, out)


@shape_rule("AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D")
def pool(check: OpCheck) -> None:
    check.counts(1)
    inp, out = check.required(0), check.output()
    check.rank(inp, 4)
    check.rank(out, 4)
    check.require(out.shape[3] == inp.shape[3], f"{out.shape[3]} channels, the input has {inp.shape[3]}", out)
    _spatial(check, inp, out, check.int_option("filter_height", 1), check.int_option("filter_width", 1))
    check.same_dtype(inp, out)


def _unary_requant(check: OpCheck, inp: Tensor, out: Tensor) -> None:
    if quantized(inp) and quantized(out):
        check.requant(np.array([scale0(inp) / scale0(out)]), out, "the input / output")


@shape_rule("RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "LEAKY_RELU", "HARD_SWISH", "LOGISTIC", "TANH",
            "ELU", "PRELU_UNARY")
def activation(check: OpCheck) -> None:
    check.counts(1)
    inp, out = check.required(0), check.output()
    check.same_shape(inp, out)
    check.same_dtype(inp, out)
    _unary_requant(check, inp, out)
    if check.op.opcode == "LEAKY_RELU" and quantized(inp) and quantized(out):
        alpha = float(check.option("alpha", 0.0) or 0.0)
        check.requant(np.array([abs(alpha) * scale0(inp) / scale0(out)]), out, "alpha x input / output")


@shape_rule("SOFTMAX")
def softmax(check: OpCheck) -> None:
    check.counts(1)
    inp, out = check.required(0), check.output()
    check.require(len(inp.shape) >= 1, "SOFTMAX of a scalar", inp)
    check.same_shape(inp, out)
    if inp.dtype == "float32":
        check.same_dtype(inp, out)
    beta = check.option("beta", 1.0)
    check.require(isinstance(beta, float) and math.isfinite(beta), f"beta {beta!r} is not a finite number")
    if quantized(inp):  # PreprocessSoftmaxScaling: beta * scale in Q5.26, a left shift of at most 30
        check.requant(np.array([abs(beta) * scale0(inp) * 2.0**26]), inp, "beta x input scale x 2^26")


@shape_rule("QUANTIZE", "DEQUANTIZE")
def quantize(check: OpCheck) -> None:
    check.counts(1)
    inp, out = check.required(0), check.output()
    check.same_shape(inp, out)
    _unary_requant(check, inp, out)


@shape_rule("ADD", "SUB", "MUL")
def binary(check: OpCheck) -> None:
    check.counts(2)
    a, b, out = check.required(0), check.required(1), check.output()
    try:
        expected = tuple(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
    except ValueError:
        raise check.fail(f"input shapes {a.shape} and {b.shape} do not broadcast", b) from None
    check.require(tuple(out.shape) == expected, f"shape {out.shape}, the inputs broadcast to {expected}", out)
    check.same_dtype(a, b)
    check.same_dtype(a, out)
    if quantized(a) and quantized(b) and quantized(out):
        if check.op.opcode == "MUL":
            check.requant(np.array([scale0(a) * scale0(b) / scale0(out)]), out, "the input x input / output")
        else:
            check.requant(np.array([2.0 * max(scale0(a), scale0(b)) / scale0(out)]), out, "the input / output")


@shape_rule("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD")
def reduce(check: OpCheck) -> None:
    check.counts(2)
    inp, axes, out = check.required(0), check.required(1), check.output()
    check.constant(axes, "the reduction axes")
    check.require(axes.dtype in ("int32", "int64"), f"axes of type {axes.dtype} (int32 expected)", axes)
    rank = len(inp.shape)
    values = np.asarray(axes.data).reshape(-1).astype(np.int64)
    check.require(rank >= 1 and bool(np.all((values >= -rank) & (values < rank))),
                  f"axes {values.tolist()[:8]} outside the input's rank {rank}", axes)
    reduced = {int(a) % rank for a in values}
    kept = math.prod(d for k, d in enumerate(inp.shape) if k not in reduced)
    check.require(out.num_elements == kept, f"{out.num_elements} output elements, reducing axes "
                  f"{sorted(reduced)} of {inp.shape} gives {kept}", out)
    _unary_requant(check, inp, out)


@shape_rule("PAD", "PADV2")
def pad(check: OpCheck) -> None:
    check.counts(2, optional=1)
    inp, paddings, out = check.required(0), check.required(1), check.output()
    check.constant(paddings, "paddings")
    rank = len(inp.shape)
    check.require(tuple(paddings.shape) == (rank, 2), f"paddings of shape {paddings.shape}, ({rank}, 2) expected",
                  paddings)
    values = np.asarray(paddings.data).astype(np.int64).reshape(rank, 2)
    check.require(bool(np.all(values >= 0)), "negative padding", paddings)
    expected = tuple(int(d) for d in np.asarray(inp.shape, dtype=np.int64) + values.sum(axis=1))
    check.require(tuple(out.shape) == expected, f"shape {out.shape}, padding {inp.shape} gives {expected}", out)
    check.same_dtype(inp, out)


@shape_rule("CONCATENATION")
def concatenation(check: OpCheck) -> None:
    check.require(len(check.op.inputs) >= 1 and all(i >= 0 for i in check.op.inputs), "needs inputs, none absent")
    check.counts(len(check.op.inputs))
    out = check.output()
    rank = len(out.shape)
    axis = check.option("axis", 0)
    check.require(isinstance(axis, int) and -rank <= axis < rank, f"axis {axis!r} outside the output's rank {rank}")
    axis %= rank
    total = 0
    for k in range(len(check.op.inputs)):
        tensor = check.input(k)
        check.require(len(tensor.shape) == rank, f"rank {len(tensor.shape)}, the output has rank {rank}", tensor)
        check.require(all(tensor.shape[d] == out.shape[d] for d in range(rank) if d != axis),
                      f"shape {tensor.shape} does not match the output {out.shape} outside axis {axis}", tensor)
        check.same_dtype(out, tensor)
        total += tensor.shape[axis]
    check.require(out.shape[axis] == total, f"output dimension {axis} is {out.shape[axis]}, the inputs sum to "
                  f"{total}", out)


@shape_rule("RESHAPE", "SQUEEZE", "EXPAND_DIMS")
def alias(check: OpCheck) -> None:
    check.require(len(check.op.inputs) >= 1 and check.op.inputs[0] >= 0, "input 0 is required")
    most = {"RESHAPE": 2, "SQUEEZE": 1, "EXPAND_DIMS": 2}[check.op.opcode]  # the data, plus a shape or axis
    check.require(len(check.op.inputs) <= most, f"{len(check.op.inputs)} inputs, at most {most}")
    check.require(len(check.op.outputs) == 1, f"needs 1 output, has {len(check.op.outputs)}")
    inp, out = check.required(0), check.output()
    check.same_elements(inp, out)
    check.same_dtype(inp, out)


@shape_rule("UNIDIRECTIONAL_SEQUENCE_LSTM")
def lstm(check: OpCheck) -> None:
    """Input [batch, time, input] (or time-major), gate weights [state, input] and [state, state], gate
    biases [state], output [.., .., state] (TFLM's unidirectional_sequence_lstm.cc ValidateTensorSize)."""
    check.require(len(check.op.inputs) == 24, f"{len(check.op.inputs)} inputs (24 expected)")
    inp, out = check.required(0), check.output()
    check.rank(inp, 3)
    check.rank(out, 3)
    weights = [t for t in (check.input(k) for k in range(1, 9)) if t is not None]
    check.require(bool(weights), "no gate weights")
    for tensor in weights:
        check.rank(tensor, 2)
    state = weights[0].shape[0]
    for k in range(1, 9):
        tensor = check.input(k)
        if tensor is not None:
            width = inp.shape[2] if k <= 4 else state
            check.require(tuple(tensor.shape) == (state, width), f"gate weights {tensor.shape}, ({state}, {width}) "
                          "expected", tensor)
    for k in range(12, 16):
        tensor = check.input(k)
        if tensor is not None:
            check.require(tuple(tensor.shape) == (state,), f"gate bias {tensor.shape}, ({state},) expected", tensor)
    batch = inp.shape[1] if check.option("time_major", False) else inp.shape[0]
    for k in (18, 19):  # hidden and cell state
        tensor = check.input(k)
        if tensor is not None:
            check.require(tuple(tensor.shape) == (batch, state), f"state {tensor.shape}, ({batch}, {state}) "
                          "expected", tensor)
    hidden = check.input(18)
    for k in range(1, 9):  # the gate FCs rescale x * w (h * w) to Q3.12
        weights, source = check.input(k), inp if k <= 4 else hidden
        if quantized(weights) and quantized(source):
            check.requant(np.array([scale0(source) * scale0(weights) * 2.0**12]), weights, "the gate FC's")
    for k in (18, 19):  # products of two Q0.15 gates rescaled to the hidden and cell state scales
        tensor = check.input(k)
        if quantized(tensor):
            check.requant(np.array([2.0**-30 / scale0(tensor)]), tensor, "the gate product / state")
    check.require(tuple(out.shape[:2]) == tuple(inp.shape[:2]) and out.shape[2] == state,
                  f"shape {out.shape}, ({inp.shape[0]}, {inp.shape[1]}, {state}) expected", out)


@shape_rule("SVDF")
def svdf(check: OpCheck) -> None:
    """Input [batch, input], feature weights [filters, input], time weights [filters, memory], bias
    [units], state [batch, filters x memory], output [batch, units] (TFLM's svdf_common.cc Prepare)."""
    check.counts(4, optional=1)
    inp, feature, time, out = check.required(0), check.required(1), check.required(2), check.output()
    for tensor in (inp, feature, time, out):
        check.rank(tensor, 2)
    rank = check.int_option("rank", 1)
    filters, memory = time.shape
    check.require(filters % rank == 0, f"rank {rank} does not divide {filters} filters", time)
    check.require(tuple(feature.shape) == (filters, inp.shape[1]), f"feature weights {feature.shape}, "
                  f"({filters}, {inp.shape[1]}) expected", feature)
    batch, units = inp.shape[0], filters // rank
    state = check.input(4)
    if state is not None:
        check.require(tuple(state.shape) == (batch, filters * memory), f"state {state.shape}, "
                      f"({batch}, {filters * memory}) expected", state)
    bias = check.input(3)
    if bias is not None:
        check.require(tuple(bias.shape) == (units,), f"bias {bias.shape}, ({units},) expected", bias)
    check.require(tuple(out.shape) == (batch, units), f"shape {out.shape}, ({batch}, {units}) expected", out)
    if state is not None and all(quantized(t) for t in (inp, feature, time, state, out)):
        f32 = np.float32  # TFLM's svdf Prepare multiplies the scales in float32
        with np.errstate(over="ignore"):
            reals = np.array([f32(scale0(inp)) * f32(scale0(feature)) / f32(scale0(state)),
                              f32(scale0(state)) * f32(scale0(time)) / f32(scale0(out))], dtype=np.float64)
        check.requant(reals, out, "the input x feature / state or state x time / output")
        if bias is not None:  # svdf_common.cc: bias scale = state x time scale, within 1e-5
            bias_scale, product = scale0(bias) if bias.quant else 0.0, scale0(state) * scale0(time)
            check.require(abs(bias_scale - product) < 1e-5, f"bias scale {bias_scale:.6g} differs from state x "
                          f"time scale {product:.6g}", bias)
