"""UNIDIRECTIONAL_SEQUENCE_LSTM: int8 and int16 activations (int8 weights, int16 cell state) and float32.

TFLite Micro's kernel (unidirectional_sequence_lstm.cc, lstm_eval.h, lstm_eval_common.cc) runs the standard
LSTM only: no peephole, projection, layer norm or CIFG, hidden and cell state as variable tensors. Its Prepare
fixes the arithmetic reproduced here at generation time:

* each gate is sigmoid (the cell gate: tanh, the op's activation) of FC(x) + FC(h), both FCs
  requantized to int16 with scale 2^-12 (Q3.12) by QuantizeMultiplier(input scale x weight scale / 2^-12)
  computed in double (see `_fc_multiplier`); the input FC adds the gate bias, the recurrent FC
  none. int8: the zero points of x and h are folded into the biases (modulo 2^32, as the int32 sums wrap);
* the gate outputs are Q0.15 (scale 2^-15); the products f x c and i x g go to the cell scale, tanh(c) x o to
  the hidden state's scale and zero point, each QuantizeMultiplier(s1 * s2 / s_out) in double;
* tanh(c) rescales its input by the cell scale's power of two p = round(log2(cell scale)): left shift
  15 + p - 3 (a negative one becomes a right shift with multiplier 3), as lstm_eval.cc's Tanh;
* cell_clip > 0 bounds |c| by (int16)clamp(cell_clip / cell scale) (double, truncated).
The int8 kernel takes the SMMULR form of a rescale where the generator proves it exact (`_fast_rounding`,
`_mul_q`), TFLM's full-range one elsewhere; both give TFLM's result.
Kernels: firmware/kernels/include/edgeq_kernels_recurrent.h. The state tensors persist across inferences
(edgeq.plan.lifetimes) and are reset by edgeq_model_reset() (edgeq.codegen.model). The int8 LSTM normally runs
on a faster kernel over re-laid-out weights (lstm_variants.py), from the same terms (`gate_terms_s8`,
`cell_fields`); the base kernels here are the reference the variants are tested against.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import ConstArray, KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import INT32_MIN, c_float, c_int, scalar_quant, struct
from edgeq.codegen.quantize import quantize_multiplier

_INPUT, _HIDDEN, _CELL = 0, 18, 19
_INPUT_WEIGHTS, _RECURRENT_WEIGHTS, _BIASES = (1, 2, 3, 4), (5, 6, 7, 8), (12, 13, 14, 15)
_ABSENT = (9, 10, 11, 16, 17, 20, 21, 22, 23)  # peephole, projection, layer norm
_GATE_SCALE = 2.0 ** -12  # FC outputs before the gate activations: Q3.12
_GATE_OUT_SCALE = 2.0 ** -15  # gate activations: Q0.15


def _geometry(ctx: OpContext) -> dict[str, int]:
    if len(ctx.op.inputs) != 24:
        raise ctx.fail(f"{len(ctx.op.inputs)} inputs (TFLite Micro's LSTM takes 24)")
    for k in _ABSENT:
        if ctx.input(k) is not None:
            raise ctx.fail("peephole, projection and layer-norm LSTMs are not supported (TFLite Micro runs the "
                           "standard LSTM only)")
    for k in _INPUT_WEIGHTS + _RECURRENT_WEIGHTS:
        if ctx.input(k) is None or not ctx.input(k).is_constant:
            raise ctx.fail("every gate needs constant input and recurrent weights (CIFG is not supported)")
    for k in (_HIDDEN, _CELL):
        state = ctx.input(k)
        if state is None or not state.is_variable:
            raise ctx.fail("the hidden and cell state must be variable tensors, as TFLite Micro requires")
    x = ctx.input(_INPUT)
    if len(x.shape) != 3 or len(ctx.output().shape) != 3:
        raise ctx.fail(f"input {x.shape} and output {ctx.output().shape} must be 3-D")
    time_major = bool(ctx.option("time_major", False))
    time_steps, batches = (x.shape[0], x.shape[1]) if time_major else (x.shape[1], x.shape[0])
    state_size, input_size = (int(d) for d in ctx.input(_INPUT_WEIGHTS[0]).shape)
    if input_size != x.shape[2] or ctx.input(_HIDDEN).num_elements != batches * state_size:
        raise ctx.fail(f"weights {ctx.input(_INPUT_WEIGHTS[0]).shape} do not match input {x.shape} "
                       f"and hidden state {ctx.input(_HIDDEN).shape}")
    activation = ctx.option("fused_activation_function", "TANH")
    if activation != "TANH":
        raise ctx.fail(f"cell gate activation {activation} is not supported (TFLite Micro runs TANH; a .tflite "
                       "cannot name its other one, sigmoid)")
    return {"batches": int(batches), "time_steps": int(time_steps), "input_size": input_size,
            "state_size": state_size, "time_major": int(time_major)}


def _fields(values: dict) -> str:
    """A nested C initializer `{.key = value, ...}` (values C expressions or ints)."""
    return "{" + ", ".join(f".{k} = {v if isinstance(v, str) else c_int(v)}" for k, v in values.items()) + "}"


def _fc_multiplier(activation_scale: float, weights_scale: float) -> tuple[int, int]:
    """The gate FCs' rescale, in * w / 2^-12 all in double. (Unlike FULLY_CONNECTED's float32 product: a
    float32 product differs from TFLM's LSTM by ±1 on trained_lstm_int8, the double one is bit-exact.)"""
    return quantize_multiplier(activation_scale * weights_scale / _GATE_SCALE)


def _weight_scale(ctx: OpContext, k: int) -> float:
    weights = ctx.input(k)
    if weights.dtype != "int8" or weights.quant is None or len(weights.quant.scale) != 1 \
            or weights.quant.zero_point[0] != 0:
        raise ctx.fail("LSTM weights must be int8, per-tensor and symmetric (as TFLite Micro's kernel takes them)")
    return weights.quant.scale[0]


def _wrap32(values: np.ndarray) -> np.ndarray:
    return (values.astype(np.int64) - INT32_MIN) % (1 << 32) + INT32_MIN


@dataclass(frozen=True)
class GateTerms:
    """One int8 gate's FCs as TFLM's Prepare fixes them: weights [units][depth] (int64 values), the biases with
    the zero points folded in (int32 values as int64, wrapped modulo 2^32; recurrent None when h's zero point
    is 0) and the (multiplier, shift) of each FC's rescale to Q3.12."""

    input_weights: np.ndarray
    recurrent_weights: np.ndarray
    input_bias: np.ndarray
    recurrent_bias: np.ndarray | None
    input_rescale: tuple[int, int]
    recurrent_rescale: tuple[int, int]


def gate_terms_s8(ctx: OpContext, gate: int) -> GateTerms:
    w_in, w_rec, bias_index = _INPUT_WEIGHTS[gate], _RECURRENT_WEIGHTS[gate], _BIASES[gate]
    in_scale, in_zp = scalar_quant(ctx, ctx.input(_INPUT))
    h_scale, h_zp = scalar_quant(ctx, ctx.input(_HIDDEN))
    bias = ctx.input(bias_index)
    if bias is not None and bias.dtype != "int32":
        raise ctx.fail(f"{bias.dtype} gate bias with int8 activations (int32 expected)")
    input_weights = ctx.input(w_in).data.astype(np.int64).reshape(ctx.input(w_in).shape)
    recurrent_weights = ctx.input(w_rec).data.astype(np.int64).reshape(ctx.input(w_rec).shape)
    raw = bias.data.astype(np.int64) if bias is not None else np.zeros(input_weights.shape[0], np.int64)
    return GateTerms(input_weights, recurrent_weights, _wrap32(raw - in_zp * input_weights.sum(axis=1)),
                     _wrap32(-h_zp * recurrent_weights.sum(axis=1)) if h_zp else None,
                     _fc_multiplier(in_scale, _weight_scale(ctx, w_in)),
                     _fc_multiplier(h_scale, _weight_scale(ctx, w_rec)))


def _gate_q(ctx: OpContext, gate: int, int16: bool) -> tuple[dict, tuple[ConstArray, ...]]:
    w_in, w_rec, bias_index = _INPUT_WEIGHTS[gate], _RECURRENT_WEIGHTS[gate], _BIASES[gate]
    arrays = [ctx.weights(w_in), ctx.weights(w_rec)]
    if int16:
        in_scale, in_zp = scalar_quant(ctx, ctx.input(_INPUT))
        h_scale, h_zp = scalar_quant(ctx, ctx.input(_HIDDEN))
        (in_m, in_s), (rec_m, rec_s) = (_fc_multiplier(in_scale, _weight_scale(ctx, w_in)),
                                        _fc_multiplier(h_scale, _weight_scale(ctx, w_rec)))
        bias = ctx.input(bias_index)
        if in_zp or h_zp:
            raise ctx.fail("int16 LSTM activations must have zero point 0")
        if bias is not None and bias.dtype != "int64":
            raise ctx.fail(f"{bias.dtype} gate bias with int16 activations (int64 expected)")
        input_bias = ctx.const_array(f"g{gate}_input_bias", "int64_t", bias.data) if bias is not None else None
        recurrent_bias = None
    else:
        terms = gate_terms_s8(ctx, gate)
        (in_m, in_s), (rec_m, rec_s) = terms.input_rescale, terms.recurrent_rescale
        input_bias = ctx.const_array(f"g{gate}_input_bias", "int32_t", terms.input_bias)
        recurrent_bias = (ctx.const_array(f"g{gate}_recurrent_bias", "int32_t", terms.recurrent_bias)
                          if terms.recurrent_bias is not None else None)
    arrays += [a for a in (input_bias, recurrent_bias) if a is not None]
    fields = {"input_weights": arrays[0].name, "recurrent_weights": arrays[1].name,
              "input_bias": input_bias.name if input_bias is not None else "NULL",
              "recurrent_bias": recurrent_bias.name if recurrent_bias is not None else "NULL",
              "input_multiplier": in_m, "input_shift": in_s, "recurrent_multiplier": rec_m, "recurrent_shift": rec_s,
              "input_rounding": 0 if int16 else _fast_rounding(ctx.input(w_in), input_bias, in_s),
              "recurrent_rounding": 0 if int16 else _fast_rounding(ctx.input(w_rec), recurrent_bias, rec_s)}
    return fields, tuple(arrays)


def _fast_rounding(weights, bias: ConstArray | None, shift: int) -> int:
    """2^(r-1) when the int8 gate FC's rescale can take the SMMULR form (right shift r = -shift >= 1 and every
    accumulator, bias + sum of int8 x int8 products, provably below 2^30 in magnitude), else 0 (exact path)."""
    if shift > -1:
        return 0
    depth = weights.shape[1]
    worst = (int(np.abs(bias.values.astype(np.int64)).max()) if bias is not None else 0) + 128 * 128 * depth
    return 1 << (-shift - 1) if worst < (1 << 30) else 0


def _mul_q(scale_a: float, scale_b: float, scale_out: float, zero_point: int = 0) -> dict:
    """CreateInterGateMulParams: QuantizeMultiplier(a * b / out) in double. Each product has a sigmoid gate
    (in [0, 32767]) as one factor, so |a * b| < 2^30 and, for a right shift r >= 1, the kernel's SMMULR form
    with rounding 2^(r-1) + zero point * 2^r is exact when that constant stays below 2^30 (else 0: exact path)."""
    multiplier, shift = quantize_multiplier(scale_a * scale_b / scale_out)
    rounding = (1 << (-shift - 1)) + zero_point * (1 << -shift) if shift <= -1 else 0
    return {"multiplier": multiplier, "shift": shift, "output_zero_point": zero_point,
            "rounding": rounding if 0 < abs(rounding) < (1 << 30) else 0}


def _cell_tanh(cell_scale: float) -> tuple[int, int]:
    """lstm_eval.cc's Tanh(cell_state_scale_power): (multiplier, left shift) as edgeq_tanh_s16 takes them."""
    power = int(np.round(np.float32(math.log(cell_scale)) * np.float32(1.0 / math.log(2.0))))  # CheckedLog2
    left_shift = 15 + power - 3
    if left_shift < 0:
        return 3, -left_shift
    return 3 << left_shift, 0  # multiplier 0 means "3 << left_shift, no shift" in TFLM's int16 Tanh


def cell_fields(ctx: OpContext, int16: bool) -> dict:
    """The edgeq_lstm_cell_q_t initializer's fields (checking the state and output types)."""
    hidden, cell, out = ctx.input(_HIDDEN), ctx.input(_CELL), ctx.output()
    activation = "int16" if int16 else "int8"
    if hidden.dtype != activation or out.dtype != activation or cell.dtype != "int16":
        raise ctx.fail(f"{activation} LSTM needs {activation} hidden state and output and an int16 cell state "
                       f"(got {hidden.dtype}, {out.dtype}, {cell.dtype})")
    cell_scale, cell_zp = scalar_quant(ctx, cell)
    h_scale, h_zp = scalar_quant(ctx, hidden)
    if cell_zp:
        raise ctx.fail("the int16 cell state must have zero point 0")
    clip = float(ctx.option("cell_clip", 0.0) or 0.0)
    tanh_multiplier, tanh_shift = _cell_tanh(cell_scale)
    return {"forget_cell": _fields(_mul_q(_GATE_OUT_SCALE, cell_scale, cell_scale)),
            "input_cell": _fields(_mul_q(_GATE_OUT_SCALE, _GATE_OUT_SCALE, cell_scale)),
            "output_hidden": _fields(_mul_q(_GATE_OUT_SCALE, _GATE_OUT_SCALE, h_scale, h_zp)),
            "cell_tanh_multiplier": tanh_multiplier, "cell_tanh_left_shift": tanh_shift,
            "cell_clip": int(min(max(clip / cell_scale, -32768.0), 32767.0)) if clip > 0 else -1}


def _emit_integer(ctx: OpContext, int16: bool) -> KernelCall:
    geom = _geometry(ctx)
    cell = cell_fields(ctx, int16)
    gates, arrays = [], []
    for gate in range(4):
        fields, gate_arrays = _gate_q(ctx, gate, int16)
        gates.append(_fields(fields))
        arrays += gate_arrays
    q = {"gates": "{" + ", ".join(gates) + "}", "cell": _fields(cell)}
    rows = geom["batches"] if geom["time_major"] else 1
    name = "edgeq_lstm_s16" if int16 else "edgeq_lstm_s8"
    return KernelCall(
        statements=(struct("edgeq_lstm_geom_t", "geom", geom),
                    struct("edgeq_lstm_q_t", "q", q),
                    f"{name}(&geom, &q, {ctx.input_ptr(_INPUT)}, {ctx.input_ptr(_HIDDEN)}, {ctx.input_ptr(_CELL)}, "
                    f"{ctx.output_ptr()}, (int16_t *){ctx.scratch_ptr()});"),
        kernels=(kernel(name), kernel("edgeq_logistic_s16"), kernel("edgeq_tanh_s16"),
                 kernel("edgeq_sigmoid_table_s16")),
        arrays=tuple(arrays),
        scratch_bytes=4 * rows * geom["state_size"] * 2,
    )


@register("UNIDIRECTIONAL_SEQUENCE_LSTM", "int8")
def emit_lstm_s8(ctx: OpContext) -> KernelCall:
    return _emit_integer(ctx, int16=False)


@register("UNIDIRECTIONAL_SEQUENCE_LSTM", "int16")
def emit_lstm_s16(ctx: OpContext) -> KernelCall:
    return _emit_integer(ctx, int16=True)


@register("UNIDIRECTIONAL_SEQUENCE_LSTM", "float32")
def emit_lstm_f32(ctx: OpContext) -> KernelCall:
    geom = _geometry(ctx)
    for k in _INPUT_WEIGHTS + _RECURRENT_WEIGHTS + (_HIDDEN, _CELL):
        if ctx.input(k).dtype != "float32":
            raise ctx.fail(f"{ctx.input(k).dtype} tensor in a float32 LSTM (hybrid LSTMs are not supported)")
    weights_in = [ctx.weights(k) for k in _INPUT_WEIGHTS]
    weights_rec = [ctx.weights(k) for k in _RECURRENT_WEIGHTS]
    biases = [ctx.weights(k) if ctx.input(k) is not None else None for k in _BIASES]
    clip = float(ctx.option("cell_clip", 0.0) or 0.0)

    def names(arrays) -> str:
        return "{" + ", ".join(a.name if a is not None else "NULL" for a in arrays) + "}"

    params = {"input_weights": names(weights_in), "recurrent_weights": names(weights_rec), "bias": names(biases),
              "cell_clip": c_float(clip)}
    rows = geom["batches"] if geom["time_major"] else 1
    return KernelCall(
        statements=(struct("edgeq_lstm_geom_t", "geom", geom),
                    struct("edgeq_lstm_f32_t", "p", params),
                    f"edgeq_lstm_f32(&geom, &p, {ctx.input_ptr(_INPUT)}, {ctx.input_ptr(_HIDDEN)}, "
                    f"{ctx.input_ptr(_CELL)}, {ctx.output_ptr()}, (float *){ctx.scratch_ptr()});"),
        kernels=(kernel("edgeq_lstm_f32"), kernel("edgeq_logistic_f32"), kernel("edgeq_tanh_f32")),
        arrays=tuple(weights_in + weights_rec + [b for b in biases if b is not None]),
        scratch_bytes=4 * rows * geom["state_size"] * 4,
    )
