"""ADD and SUB variants: int8 through per-input tables (`edgeq_add_lut_s8`), int16 with every rescale in
the SMMULR form (`edgeq_add_fast_s16`); kernels in firmware/kernels/variants/.

TFLite rescales each input of an int8 ADD/SUB on its own before summing (elementwise.py has the
constants): scaled_i(v) = MultiplyByQuantizedMultiplier((v - zp_i) << 20, m_i, s_i) depends on one int8
value, so it is tabulated here for all 256 values with TFLM's exact integer arithmetic
(edgeq.codegen.quantize.multiply_by_quantized_multiplier), input 2's table negated for SUB. The kernel then does two loads, a
sum and the output rescale per element. Constant operands and broadcasting work as in the base kernel.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, register_variant
from edgeq.codegen.ops import elementwise as base
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import ACC_LIMIT, RQ_EXACT
from edgeq.codegen.quantize import multiply_by_quantized_multiplier

_KERNEL = ("variants/edgeq_add_lut_s8.c",)


def _table(offset: int, left_shift: int, multiplier: int, shift: int, negate: bool) -> np.ndarray:
    """scaled(v) for v = -128..127; negated for SUB's input 2 (|scaled| < 2^31, so negation is exact)."""
    table = np.array([multiply_by_quantized_multiplier((v + offset) << left_shift, multiplier, shift)
                      for v in range(-128, 128)], dtype=np.int64)
    return -table if negate else table


def _output_triple(multiplier: int, shift: int, zero_point: int, table1: np.ndarray, table2: np.ndarray) -> list[int]:
    """The fast triple when every sum stays below 2^30 and the shift is a right shift in [1, 31]."""
    bound = int(np.abs(table1).max()) + int(np.abs(table2).max())
    if -31 <= shift <= -1:
        r = -shift
        rounding = (1 << (r - 1)) + zero_point * (1 << r)
        if bound < ACC_LIMIT and abs(rounding) < ACC_LIMIT:
            return [multiplier, r, rounding]
    return [multiplier, RQ_EXACT + shift, zero_point]


def _lut(ctx: OpContext, subtract: bool) -> KernelCall:
    params = base.add_sub_constants(ctx, single_precision=subtract)
    table1 = _table(params["input1_offset"], params["left_shift"], params["input1_multiplier"],
                    params["input1_shift"], negate=False)
    table2 = _table(params["input2_offset"], params["left_shift"], params["input2_multiplier"],
                    params["input2_shift"], negate=subtract)
    rq = _output_triple(params["output_multiplier"], params["output_shift"], params["output_zero_point"],
                        table1, table2)
    arrays = (ctx.const_array("table1", "int32_t", table1), ctx.const_array("table2", "int32_t", table2),
              ctx.const_array("requant", "int32_t", rq))
    same = tuple(ctx.input(0).shape) == tuple(ctx.input(1).shape) == tuple(ctx.output().shape)
    text = struct("edgeq_add_lut_s8_t", "lut", {
        "flat_elements": ctx.output().num_elements if same else 0,
        "act_min": params["act_min"], "act_max": params["act_max"],
        "table1": arrays[0].name, "table2": arrays[1].name, "requant": arrays[2].name})
    a, arrays_a = base._operand(ctx, 0)
    b, arrays_b = base._operand(ctx, 1)
    return KernelCall(
        statements=(base._broadcast(ctx), text, f"edgeq_add_lut_s8(&shape, &lut, {a}, {b}, {ctx.output_ptr()});"),
        kernels=_KERNEL,
        arrays=arrays + arrays_a + arrays_b,
        output_bytes=ctx.output().num_elements,
    )


@register_variant("ADD", "int8")
def add_lut(ctx: OpContext) -> KernelCall:
    return _lut(ctx, subtract=False)


@register_variant("SUB", "int8")
def sub_lut(ctx: OpContext) -> KernelCall:
    return _lut(ctx, subtract=True)


def _rescale(multiplier: int, shift: int, zero_point: int = 0) -> dict | None:
    """An edgeq_rescale_t for a right or zero shift (None for a left shift: the base kernel runs)."""
    if not -31 <= shift <= 0:
        return None
    right = -shift
    rounding = ((1 << right) >> 1) + zero_point * (1 << right)
    if abs(rounding) >= ACC_LIMIT:
        return None
    return {"multiplier": multiplier, "right": right, "rounding": rounding, "negative_rounds": int(right != 0)}


def _add_sub_s16(ctx: OpContext, subtract: bool, function: str = "edgeq_add_fast_s16",
                 source: str = "variants/edgeq_add_fast_s16.c") -> KernelCall | None:
    """Same-shape int16 ADD/SUB whose rescales are all right shifts; None otherwise (base kernel). `function`
    (in `source`) takes edgeq_add_fast_s16's parameters (the Helium variant passes its own)."""
    from edgeq.codegen.ops import int16_elementwise as s16
    from edgeq.codegen.ops.int16 import _act_range_s16

    out = ctx.output()
    if not tuple(ctx.input(0).shape) == tuple(ctx.input(1).shape) == tuple(out.shape) or out.dtype != "int16":
        return None
    quants = [base.scalar_quant(ctx, t) for t in (ctx.input(0), ctx.input(1), out)]
    if any(zero_point != 0 for _, zero_point in quants):
        return None  # the base emitter refuses it with TFLM's reason
    params = s16.add_sub_params_s16(*quants[0], *quants[1], *quants[2])
    rescales = [_rescale(params[f"{k}_multiplier"], params[f"{k}_shift"]) for k in ("input1", "input2", "output")]
    if None in rescales:
        return None
    act_min, act_max = _act_range_s16(ctx)

    def fields(r: dict) -> str:
        return "{" + ", ".join(str(r[k]) for k in ("multiplier", "right", "rounding", "negative_rounds")) + "}"

    text = struct("edgeq_add_fast_s16_t", "params", {
        "elements": out.num_elements, "subtract": int(subtract), "input1": fields(rescales[0]),
        "input2": fields(rescales[1]), "output": fields(rescales[2]), "act_min": act_min, "act_max": act_max})
    a, arrays_a = base._operand(ctx, 0)
    b, arrays_b = base._operand(ctx, 1)
    return KernelCall(
        statements=(text, f"{function}(&params, {a}, {b}, {ctx.output_ptr()});"),
        kernels=(source,),
        arrays=arrays_a + arrays_b,
        inplace=not ctx.input(0).is_constant,
        output_bytes=out.num_elements * 2,
    )


@register_variant("ADD", "int16")
def add_fast_s16(ctx: OpContext) -> KernelCall | None:
    return _add_sub_s16(ctx, subtract=False)


@register_variant("SUB", "int16")
def sub_fast_s16(ctx: OpContext) -> KernelCall | None:
    return _add_sub_s16(ctx, subtract=True)
