"""Fast int8 UNIDIRECTIONAL_SEQUENCE_LSTM kernels: `edgeq_lstm_packed_s8` (firmware/kernels/variants/, SMLAD on
cores with DSP, portable C elsewhere) and, on cores with Helium, `edgeq_lstm_mve_s8` (firmware/kernels/mve/).
Contracts in edgeq_kernels_recurrent.h; both bit-exact with the base emitter's edgeq_lstm_s8.

Everything lstm.py's base emitter computes for TFLM's Prepare is reused (`gate_terms_s8`, `cell_fields`); what
changes is the layout.

Packed: the 4 gates' input weights (and, separately, their recurrent weights) become one GEMM of 4 x units rows
ordered unit by unit (row 4u + g: gate g of unit u), packed in the channel-pair layout of edgeq_kernels_packed.h
(`dsp_variants.pack_gemm`), so one unit's four gates are one block of two channel pairs and the kernel finishes
the unit's cell and hidden value right after its dot products. Per unit the biases (zero points folded in
modulo 2^32) and the Q3.12 requantization triples of its 8 FCs follow each other in one parameter block. A
triple is an SMMULR form where the row's accumulator provably stays small enough (|bias| + 128 * sum|w| below
2^30, or below 2^(30 - s) for a left shift s), the full-range form otherwise (that row only: the op's
`exact_channels` flag switches on a per-value check of the form).

Helium: rows ordered gate by gate, four units of one gate per block (`pack_mve_gemm`), each FC's rescale as
per-lane words of a vector form that is exact for every accumulator (`block_params`).

Neither declines: every int8 LSTM the base emitter takes runs on one of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, isa_enabled, kernel, register_variant
from edgeq.codegen.ops import lstm
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import ACC_LIMIT, RQ_EXACT, pack_gemm, round4
from edgeq.codegen.ops.mve_variants import pack_mve_gemm


def _triple(rescale: tuple[int, int], bound: int) -> tuple[int, int, int]:
    """(m, r, 2^(r-1)) for a right shift r with |acc| < 2^30; (m, -s, 0) for a left shift s >= 0 with
    |acc| < 2^(30 - s) (SMMULR(acc << (1 + s), m), no divide); else the full-range (m, RQ_EXACT + shift, 0)."""
    multiplier, shift = rescale
    if shift <= -1 and bound < ACC_LIMIT:
        return multiplier, -shift, 1 << (-shift - 1)
    if shift >= 0 and bound << shift < ACC_LIMIT:
        return multiplier, -shift, 0
    return multiplier, RQ_EXACT + shift, 0


@dataclass(frozen=True)
class ChannelTerms:
    """Per gate and unit ([4][units]): folded input and recurrent biases, and the (m, r | RQ_EXACT + shift,
    rounding) triples of both FCs ([4][units][3]); `exact`: some triple is not the right-shift SMMULR form (the
    kernel then checks each value's form); `full_range`: some triple is TFLM's full-range one."""

    input_bias: np.ndarray
    recurrent_bias: np.ndarray
    input_rq: np.ndarray
    recurrent_rq: np.ndarray
    exact: bool
    full_range: bool


def channel_terms(terms: list[lstm.GateTerms]) -> ChannelTerms:
    units = terms[0].input_weights.shape[0]
    input_bias = np.stack([t.input_bias for t in terms])
    recurrent_bias = np.stack([t.recurrent_bias if t.recurrent_bias is not None else np.zeros(units, np.int64)
                               for t in terms])

    def triples(bias: np.ndarray, weights: str, rescale: str) -> np.ndarray:
        return np.asarray([[_triple(getattr(t, rescale), abs(int(bias[g, u])) +
                                    128 * int(np.abs(getattr(t, weights)[u]).sum()))
                            for u in range(units)] for g, t in enumerate(terms)], np.int64)

    input_rq = triples(input_bias, "input_weights", "input_rescale")
    recurrent_rq = triples(recurrent_bias, "recurrent_weights", "recurrent_rescale")
    shifts = np.concatenate([input_rq[..., 1].reshape(-1), recurrent_rq[..., 1].reshape(-1)])
    return ChannelTerms(input_bias, recurrent_bias, input_rq, recurrent_rq, exact=bool((shifts <= 0).any() or
                        (shifts >= RQ_EXACT - 31).any()), full_range=bool((shifts >= RQ_EXACT - 31).any()))


def unit_major(per_gate: list[np.ndarray]) -> np.ndarray:
    """Gate-major arrays [4][units](...) → unit-major [4 * units](...): row 4u + g."""
    stacked = np.stack(per_gate, axis=1)
    return stacked.reshape(-1, *stacked.shape[2:])


def unit_params(c: ChannelTerms) -> np.ndarray:
    """edgeq_lstm_packed_s8_t's EDGEQ_LSTM_UNIT_PARAMS int32 per unit."""
    return np.concatenate([c.input_bias.T, c.recurrent_bias.T, c.input_rq.transpose(1, 0, 2).reshape(-1, 12),
                           c.recurrent_rq.transpose(1, 0, 2).reshape(-1, 12)], axis=1).reshape(-1)


def _exact_note(c: ChannelTerms) -> tuple[str, ...]:
    return ("exact requantization for some gate rows (accumulator bound or shift)",) if c.full_range else ()


def _lstm_inputs(ctx: OpContext) -> tuple[dict, dict, list[lstm.GateTerms]]:
    return lstm._geometry(ctx), lstm.cell_fields(ctx, int16=False), [lstm.gate_terms_s8(ctx, g) for g in range(4)]


def _call(ctx: OpContext, function: str, struct_type: str, geom: dict, cell: dict, fields: dict,
          scratch_type: str) -> tuple[str, ...]:
    return (struct("edgeq_lstm_geom_t", "geom", geom), struct("edgeq_lstm_cell_q_t", "q", cell),
            struct(struct_type, "p", fields),
            f"{function}(&geom, &q, &p, {ctx.input_ptr(lstm._INPUT)}, {ctx.input_ptr(lstm._HIDDEN)}, "
            f"{ctx.input_ptr(lstm._CELL)}, {ctx.output_ptr()}, ({scratch_type} *){ctx.scratch_ptr()});")


@register_variant("UNIDIRECTIONAL_SEQUENCE_LSTM", "int8")
def lstm_packed(ctx: OpContext) -> KernelCall:
    geom, cell, terms = _lstm_inputs(ctx)
    channels = channel_terms(terms)
    arrays = (ctx.const_array("lstm_input_w", "int8_t", pack_gemm(unit_major([t.input_weights for t in terms]))),
              ctx.const_array("lstm_recurrent_w", "int8_t",
                              pack_gemm(unit_major([t.recurrent_weights for t in terms]))),
              ctx.const_array("lstm_params", "int32_t", unit_params(channels)))
    fields = {"input_weights": arrays[0].name, "recurrent_weights": arrays[1].name, "params": arrays[2].name,
              "input_words": round4(geom["input_size"]) // 4, "recurrent_words": round4(geom["state_size"]) // 4,
              "exact_channels": int(channels.exact)}
    return KernelCall(
        statements=_call(ctx, "edgeq_lstm_packed_s8", "edgeq_lstm_packed_s8_t", geom, cell, fields, "uint32_t"),
        kernels=("variants/edgeq_lstm_packed_s8.c", kernel("edgeq_sigmoid_table_s16")),
        arrays=arrays,
        scratch_bytes=8 * (fields["input_words"] + fields["recurrent_words"]),
        declined=_exact_note(channels),
    )


def gate_major_blocks(per_gate: list[np.ndarray], padded_units: int) -> np.ndarray:
    """Gate-major arrays [4][units](...) with each gate's units padded to `padded_units` (zeros)."""
    out = np.zeros((4, padded_units, *per_gate[0].shape[1:]), np.int64)
    for g, values in enumerate(per_gate):
        out[g, :values.shape[0]] = values
    return out.reshape(4 * padded_units, *per_gate[0].shape[1:])


def block_params(terms: list[lstm.GateTerms], padded_units: int) -> np.ndarray:
    """edgeq_lstm_mve_s8_t's EDGEQ_LSTM_MVE_BLOCK_PARAMS int32 per block of 4 units of one gate (padding lanes:
    bias 0, multiplier 0). Each FC's rescale is one (multiplier, shift) per gate, stored per lane as the multiplier,
    the left shift, the negated right shift and the rounding mask (edgeq_kernels_recurrent.h)."""
    units = terms[0].input_weights.shape[0]

    def lanes(per_gate: list[np.ndarray]) -> np.ndarray:  # [4][units] -> [blocks][4]
        out = np.zeros((4, padded_units), np.int64)
        for g, values in enumerate(per_gate):
            out[g, :units] = values
        return out.reshape(-1, 4)

    def rescale_words(rescales: list[tuple[int, int]]) -> np.ndarray:
        words = []
        for pick in (lambda m, s: m, lambda m, s: max(s, 0), lambda m, s: -max(-s, 0), lambda m, s: -1 if s < 0 else 0):
            words.append(lanes([np.full(units, pick(m, s), np.int64) for m, s in rescales]))
        return np.concatenate(words, axis=1)  # [blocks][16]

    recurrent_bias = [t.recurrent_bias if t.recurrent_bias is not None else np.zeros(units, np.int64) for t in terms]
    return np.concatenate([lanes([t.input_bias for t in terms]), lanes(recurrent_bias),
                           rescale_words([t.input_rescale for t in terms]),
                           rescale_words([t.recurrent_rescale for t in terms])], axis=1).reshape(-1)


@register_variant("UNIDIRECTIONAL_SEQUENCE_LSTM", "int8", first=True)
def lstm_mve(ctx: OpContext) -> KernelCall | None:
    if not isa_enabled("mve"):
        return None
    geom, cell, terms = _lstm_inputs(ctx)
    padded_units = (geom["state_size"] + 3) // 4 * 4
    arrays = (ctx.const_array("lstm_mve_input_w", "int8_t",
                              pack_mve_gemm(gate_major_blocks([t.input_weights for t in terms], padded_units))),
              ctx.const_array("lstm_mve_recurrent_w", "int8_t",
                              pack_mve_gemm(gate_major_blocks([t.recurrent_weights for t in terms], padded_units))),
              ctx.const_array("lstm_mve_params", "int32_t", block_params(terms, padded_units)))
    fields = {"input_weights": arrays[0].name, "recurrent_weights": arrays[1].name, "params": arrays[2].name,
              "input_left_shifts": int(any(t.input_rescale[1] >= 0 for t in terms)),
              "recurrent_left_shifts": int(any(t.recurrent_rescale[1] >= 0 for t in terms))}
    return KernelCall(
        statements=_call(ctx, "edgeq_lstm_mve_s8", "edgeq_lstm_mve_s8_t", geom, cell, fields, "int16_t"),
        kernels=("mve/edgeq_lstm_mve_s8.c", kernel("edgeq_sigmoid_table_s16")),
        arrays=arrays,
        scratch_bytes=8 * padded_units + 16 * ((geom["input_size"] + 15) // 16 + (geom["state_size"] + 15) // 16),
    )
