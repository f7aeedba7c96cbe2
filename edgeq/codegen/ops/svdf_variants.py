"""Fast integer SVDF (any rank, memory, filters, batches; int8 or int16 state): the feature FC, then one
state kernel that shifts the state, appends the newest values and reduces it (contract in
edgeq_kernels_recurrent.h). The state keeps TFLM's layout and content, so edgeq_model_reset and streaming
behave exactly as with the reference kernels (svdf.py), which spend their time on overhead, not MACs.

DSP cores (firmware/kernels/variants/):
* FC: int8 state: the packed SMLAD GEMM `edgeq_gemm_rows_direct_s8` with output zero point 0 and the int8
  range as activation, i.e. TFLM's clamped FC value per filter; int16 state: `edgeq_svdf_feature_s16` (four
  filters per input load, clamp to int16). Both into a [batches][filters] scratch; the state zero point is
  added afterwards with TFLM's wrap-around narrowing.
* `edgeq_svdf_state_s8/_s16`: the state moves one element a word at a time; each unit's rank filters are
  consecutive rows of the state and the time weights, so a unit is one SMLAD dot product from a bias with the
  state zero point's time-weight sums folded in.
* Requantization per filter / unit, proven at generation time: the FC's triples are `dsp_variants`' (SMMULR
  form where |bias| + 128 * sum|w| < 2^30); the units' take the 64-bit fast form of edgeq_svdf_requant.h
  wherever the rescaled bound keeps the rounding sum in int32 (real biases span the whole int32 range), TFLM's
  full-range form elsewhere (named in `--per-op`). No weights or quantization send the op to the reference
  kernel.

Helium cores (`isa_enabled("mve")`, firmware/kernels/mve/): `edgeq_svdf_feature_mve_s8` and
`edgeq_svdf_state_mve_s8/_s16`, four filters / units per vector; VQRDMULH makes both rescales exact for every
accumulator, so nothing is per-row there.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, isa_enabled, register_variant
from edgeq.codegen.ops import svdf as svdf_ops
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import (RQ_EXACT, PackedQuant, _requant_triple, exact_notes, pack_gemm,
                                            packed_struct, round4)
from edgeq.codegen.ops.svdf import SvdfQuant
from edgeq.codegen.quantize import quantize_multiplier

_INPUT, _FEATURE, _TIME, _BIAS, _STATE = range(5)


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
            why = (f"accumulator may reach 2^{int(bound).bit_length() - 1} (bias + state range·Σ|w|): rescaled, "
                   "too near 2^31")
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
    return PackedQuant(bias, requant.reshape(-1), rq.exact, rq.notes, (), -128, 127, quant.input_zero_point)


def unit_bias(ctx: OpContext, geom: dict[str, int], quant: SvdfQuant) -> np.ndarray:
    """Per unit: bias - state zero point * (sum of the unit's time weights), wrapped to int32."""
    units, rank = geom["units"], geom["rank"]
    bias = ctx.input(_BIAS)
    values = bias.data.astype(np.int64) if bias is not None else np.zeros(units, np.int64)
    return svdf_ops.wrap32(values + quant.time_offset.reshape(units, rank).sum(axis=1))


def state_statements(ctx: OpContext, geom: dict[str, int], quant: SvdfQuant, newest: str):
    """The DSP state kernel's struct, call, const arrays and `--per-op` notes."""
    biases = unit_bias(ctx, geom, quant)
    time = ctx.input(_TIME).data.astype(np.int64)
    state_limit = 128 if quant.state_dtype == "int8" else 32768
    bounds = np.abs(biases) + state_limit * np.abs(time).reshape(geom["units"], -1).sum(axis=1)
    rq = triples(quant.scale_2, quant.output_zero_point, bounds, "unit", wide=True)
    params = np.concatenate([biases.reshape(-1, 1), rq.values], axis=1)  # [units][bias, m, r, rounding]
    arrays = (ctx.weights(_TIME), ctx.const_array("units", "int32_t", params.reshape(-1)))
    name = "edgeq_svdf_state_s8" if quant.state_dtype == "int8" else "edgeq_svdf_state_s16"
    statements = (
        struct("edgeq_svdf_state_q_t", "state_q", {
            "state_zero_point": quant.state_zero_point, "exact_units": int(bool(rq.exact)),
            "units": arrays[1].name}),
        f"{name}(&geom, &state_q, {newest}, {arrays[0].name}, {ctx.input_ptr(_STATE)}, {ctx.output_ptr()});",
    )
    return statements, arrays, ("variants/" + name + ".c",), rq.describe("unit")


def pad4(values: np.ndarray) -> np.ndarray:
    padded = np.zeros(round4(len(values)), dtype=np.int64)
    padded[:len(values)] = values
    return padded


def rescale_fields(real: float) -> dict[str, int]:
    """TFLM's (multiplier, shift) of one per-tensor rescale, for the Helium kernels (edgeq_svdf_mve.h)."""
    multiplier, shift = quantize_multiplier(real)
    return {"multiplier": multiplier, "left_shift": max(shift, 0), "right_shift": max(-shift, 0)}


def mve_statements(ctx: OpContext, geom: dict[str, int], quant: SvdfQuant, newest: str):
    """The Helium feature FC and state kernel: one rescale each, exact for every accumulator (no notes)."""
    wide = quant.state_dtype == "int16"
    # biases padded to a multiple of 4: the kernels load them four lanes at a time
    arrays = (ctx.weights(_FEATURE), ctx.const_array("feature_bias", "int32_t", pad4(quant.feature_offset)),
              ctx.weights(_TIME), ctx.const_array("unit_bias", "int32_t", pad4(unit_bias(ctx, geom, quant))))
    state = "edgeq_svdf_state_mve_s16" if wide else "edgeq_svdf_state_mve_s8"
    statements = (
        struct("edgeq_svdf_feature_mve_t", "feature_p", {
            **rescale_fields(quant.scale_1), "state_bits": 16 if wide else 8, "bias": arrays[1].name}),
        f"edgeq_svdf_feature_mve_s8(&geom, &feature_p, {ctx.input_ptr(_INPUT)}, {arrays[0].name}, {newest});",
        struct("edgeq_svdf_state_mve_t", "state_p", {
            "state_zero_point": quant.state_zero_point, "output_zero_point": quant.output_zero_point,
            **rescale_fields(quant.scale_2), "bias": arrays[3].name}),
        f"{state}(&geom, &state_p, {newest}, {arrays[2].name}, {ctx.input_ptr(_STATE)}, {ctx.output_ptr()});",
    )
    return statements, arrays, ("mve/edgeq_svdf_feature_mve_s8.c", f"mve/{state}.c")


def int8_feature(ctx: OpContext, geom: dict[str, int], quant: SvdfQuant, newest: str):
    """The int8-state FC as a packed GEMM into `newest`."""
    w2d = ctx.input(_FEATURE).data.astype(np.int64)
    packed = packed_feature(quant, w2d)
    text, arrays = packed_struct(ctx, geom["filters"], round4(geom["input_size"]) // 4, pack_gemm(w2d, pairs=4), packed)
    call = (f"edgeq_gemm_rows_direct_s8(&packed, {geom['batches']}, {geom['input_size']}, {ctx.input_ptr(_INPUT)}, "
            f"{newest});")
    return (text, call), arrays, ("variants/edgeq_gemm_rows_direct_s8.c",), exact_notes(packed)


def int16_feature(ctx: OpContext, quant: SvdfQuant, newest: str):
    """The int16-state FC (edgeq_svdf_feature_s16) into `newest`."""
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
    mve = isa_enabled("mve")
    ctype = "int16_t" if wide or mve else "int8_t"
    newest = f"(({ctype} *){ctx.scratch_ptr()})"  # [batches][filters] newest state values, clamped
    scratch_bytes = geom["batches"] * geom["filters"] * (2 if wide or mve else 1)
    head = (struct("edgeq_svdf_geom_t", "geom", geom),)
    if mve:
        statements, arrays, kernels = mve_statements(ctx, geom, quant, newest)
        return KernelCall(statements=head + statements, kernels=kernels, arrays=arrays, scratch_bytes=scratch_bytes)
    if wide:
        fc, fc_arrays, fc_kernels, fc_notes = int16_feature(ctx, quant, newest)
    else:
        fc, fc_arrays, fc_kernels, fc_notes = int8_feature(ctx, geom, quant, newest)
    state, state_arrays, state_kernels, state_notes = state_statements(ctx, geom, quant, newest)
    return KernelCall(
        statements=head + fc + state,
        kernels=fc_kernels + state_kernels,
        arrays=fc_arrays + state_arrays,
        scratch_bytes=scratch_bytes,
        declined=fc_notes + state_notes,
    )
