"""Fast integer SVDF: the feature FC as a packed GEMM, then one pass over the state that shifts, appends and
reduces it (firmware/kernels/variants/edgeq_svdf_state_*.c; contract in edgeq_kernels_recurrent.h).

The reference kernels (svdf.py) spend most of their time on overhead, not MACs: a separate shift of the whole
state, a full-range requantization per filter and per unit, one dot-product call per filter. Here:

* int8 state: the FC is `edgeq_gemm_rows_direct_s8` (Helium: `edgeq_gemm_mve_s8`) over the feature weights in
  the packed layout, with output zero point 0 and the int8 range as activation, so it yields TFLM's clamped
  FC value per filter in scratch; int16 state: `edgeq_svdf_feature_s16` (four filters per input load, clamp to
  int16). The state zero point is added afterwards, with TFLM's wrap-around narrowing.
* `edgeq_svdf_state_s8/_s16` shift each filter's memory row while reading it for the time dot, so the state
  stays in TFLM's layout (edgeq_model_reset and every observer see what TFLM holds), and sum each unit's rank
  rows at once from a bias with the state zero point's time-weight sums folded in.
* Every requantization is a per-filter / per-unit triple from `dsp_variants._requant_triple`: the branch-free
  SMMULR form where the accumulator bound proves it exact (FC: |bias| + 128 * sum|w|; time: |unit bias| +
  128 or 32768 * sum|w|), TFLM's full-range form for the others (named in `--per-op`), so no weights or
  quantization send the op to the reference kernel.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, isa_enabled, register_variant
from edgeq.codegen.ops import svdf as svdf_ops
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import (RQ_EXACT, PackedQuant, _requant_triple, exact_notes, pack_gemm,
                                            packed_struct, round4)
from edgeq.codegen.ops.mve_variants import gemm_struct
from edgeq.codegen.ops.svdf import SvdfQuant

_INPUT, _FEATURE, _TIME, _BIAS, _STATE = range(5)
_STATE_KERNELS = {"int8": "variants/edgeq_svdf_state_s8.c", "int16": "variants/edgeq_svdf_state_s16.c"}


@dataclass(frozen=True)
class Triples:
    """Requantization triples [n][3] (edgeq_simd.h), the rows in the exact form and why (first few)."""

    values: np.ndarray
    exact: tuple[int, ...]
    notes: tuple[str, ...]

    def describe(self, what: str) -> tuple[str, ...]:
        if not self.exact:
            return ()
        more = len(self.exact) - len(self.notes)
        return (f"exact requantization for {len(self.exact)} {what}(s): " + "; ".join(self.notes)
                + (f"; +{more} more" if more > 0 else ""),)


def triples(real: float, zero_point: int, bounds: np.ndarray, what: str, wide: bool = False) -> Triples:
    """One triple per row of accumulator `bounds`: edgeq_simd.h's forms, or with `wide` the 64-bit fast form
    of edgeq_svdf_requant.h (exact for any accumulator whose rescaled value keeps the rounding sum in int32)."""
    values, exact, notes = [], [], []
    for row, bound in enumerate(bounds.tolist()):
        triple, why = _requant_triple(real, zero_point, 0 if wide else int(bound))
        if wide and not why and (int(bound) * triple[0] >> 31) + 1 + abs(triple[2]) >= 1 << 31:
            triple = (triple[0], RQ_EXACT - triple[1], zero_point)
            why = f"accumulator may reach 2^{int(bound).bit_length() - 1} (bias + state range·Σ|w|): rescaled, too near 2^31"
        values.append(triple)
        if why:
            exact.append(row)
            if len(notes) < 3:
                notes.append(f"{what} {row}: {why}")
    return Triples(np.asarray(values, dtype=np.int64).reshape(-1, 3), tuple(exact), tuple(notes))


def feature_triples(quant: SvdfQuant, w2d: np.ndarray) -> Triples:
    """The FC's per-filter triples: output zero point 0 (the state's is added after the clamp)."""
    bounds = np.abs(quant.feature_offset) + 128 * np.abs(w2d).sum(axis=1)
    return triples(quant.scale_1, 0, bounds, "filter")


def packed_feature(quant: SvdfQuant, w2d: np.ndarray) -> PackedQuant:
    """The FC as a packed GEMM's constants (channels padded to 4 as dsp_variants.packed_quant pads them)."""
    rq = feature_triples(quant, w2d)
    padded = round4(w2d.shape[0])
    bias = np.zeros(padded, dtype=np.int64)
    bias[:w2d.shape[0]] = quant.feature_offset
    requant = np.tile(np.array([1 << 30, 1, 0], dtype=np.int64), (padded, 1))  # harmless padding triples
    requant[:w2d.shape[0]] = rq.values
    return PackedQuant(bias, requant.reshape(-1), rq.exact, rq.notes, -128, 127, quant.input_zero_point)


def state_statements(ctx: OpContext, geom: dict[str, int], quant: SvdfQuant, newest: str):
    """The state kernel's struct, call, const arrays and `--per-op` notes."""
    units, rank = geom["units"], geom["rank"]
    time = ctx.input(_TIME).data.astype(np.int64)
    bias = ctx.input(_BIAS)
    unit_bias = svdf_ops.wrap32((bias.data.astype(np.int64) if bias is not None else np.zeros(units, np.int64))
                                 + quant.time_offset.reshape(units, rank).sum(axis=1))
    state_limit = 128 if quant.state_dtype == "int8" else 32768
    bounds = np.abs(unit_bias) + state_limit * np.abs(time).reshape(units, -1).sum(axis=1)
    rq = triples(quant.scale_2, quant.output_zero_point, bounds, "unit", wide=True)
    params = np.concatenate([unit_bias.reshape(-1, 1), rq.values], axis=1)  # [units][bias, m, r, rounding]
    arrays = (ctx.weights(_TIME), ctx.const_array("units", "int32_t", params.reshape(-1)))
    name = "edgeq_svdf_state_s8" if quant.state_dtype == "int8" else "edgeq_svdf_state_s16"
    statements = (
        struct("edgeq_svdf_state_q_t", "state_q", {
            "state_zero_point": quant.state_zero_point, "exact_units": int(bool(rq.exact)),
            "units": arrays[1].name}),
        f"{name}(&geom, &state_q, {newest}, {arrays[0].name}, {ctx.input_ptr(_STATE)}, {ctx.output_ptr()});",
    )
    return statements, arrays, rq.describe("unit")


def int8_feature(ctx: OpContext, geom: dict[str, int], quant: SvdfQuant, newest: str):
    """The int8-state FC as a packed GEMM (Helium on MVE cores) into `newest`."""
    w2d = ctx.input(_FEATURE).data.astype(np.int64)
    packed = packed_feature(quant, w2d)
    if isa_enabled("mve"):
        text, arrays = gemm_struct(ctx, w2d, packed)
        call = f"edgeq_gemm_mve_s8(&gemm, {geom['batches']}, {ctx.input_ptr(_INPUT)}, {newest});"
        kernels = ("mve/edgeq_gemm_mve_s8.c", "mve/edgeq_gemm_row_mve_s8.c")
    else:
        text, arrays = packed_struct(ctx, geom["filters"], round4(geom["input_size"]) // 4, pack_gemm(w2d, pairs=4),
                                     packed)
        call = (f"edgeq_gemm_rows_direct_s8(&packed, {geom['batches']}, {geom['input_size']}, "
                f"{ctx.input_ptr(_INPUT)}, {newest});")
        kernels = ("variants/edgeq_gemm_rows_direct_s8.c",)
    return (text, call), arrays, kernels, exact_notes(packed)


def int16_feature(ctx: OpContext, quant: SvdfQuant, newest: str):
    w2d = ctx.input(_FEATURE).data.astype(np.int64)
    rq = feature_triples(quant, w2d)
    arrays = (ctx.weights(_FEATURE), ctx.const_array("feature_bias", "int32_t", quant.feature_offset),
              ctx.const_array("feature_requant", "int32_t", rq.values.reshape(-1)))
    statements = (
        struct("edgeq_svdf_feature_q_t", "feature_q", {
            "exact_filters": int(bool(rq.exact)), "bias": arrays[1].name, "requant": arrays[2].name}),
        f"edgeq_svdf_feature_s16(&geom, &feature_q, {ctx.input_ptr(_INPUT)}, {arrays[0].name}, {newest});",
    )
    return statements, arrays, ("variants/edgeq_svdf_feature_s16.c",), rq.describe("filter")


@register_variant("SVDF", "int8")
def svdf_fast(ctx: OpContext) -> KernelCall:
    geom = svdf_ops.geometry(ctx)
    quant = svdf_ops.svdf_quant(ctx)
    wide = quant.state_dtype == "int16"
    ctype = "int16_t" if wide else "int8_t"
    newest = f"(({ctype} *){ctx.scratch_ptr()})"  # [batches][filters] newest state values, clamped
    if wide:
        fc, fc_arrays, fc_kernels, fc_notes = int16_feature(ctx, quant, newest)
    else:
        fc, fc_arrays, fc_kernels, fc_notes = int8_feature(ctx, geom, quant, newest)
    state, state_arrays, state_notes = state_statements(ctx, geom, quant, newest)
    return KernelCall(
        statements=(struct("edgeq_svdf_geom_t", "geom", geom),) + fc + state,
        kernels=fc_kernels + (_STATE_KERNELS[quant.state_dtype],),
        arrays=fc_arrays + state_arrays,
        scratch_bytes=geom["batches"] * geom["filters"] * (2 if wide else 1),
        declined=fc_notes + state_notes,
    )
