"""The int8 UNIDIRECTIONAL_SEQUENCE_LSTM over packed weights: `edgeq_lstm_packed_s8`
(firmware/kernels/variants/edgeq_lstm_packed_s8.c, contract in edgeq_kernels_recurrent.h).

Everything lstm.py's base emitter computes for TFLM's Prepare is reused (`gate_terms_s8`, `cell_fields`); what
changes is the layout. The 4 gates' input weights (and, separately, their recurrent weights) become one GEMM
of 4 x units rows ordered unit by unit (row 4u + g: gate g of unit u), packed in the channel-pair layout of
edgeq_kernels_packed.h (`dsp_variants.pack_gemm`), so one unit's four gates are one block of two channel pairs
and the kernel finishes the unit's cell and hidden value right after its dot products. Per unit the biases
(zero points folded in modulo 2^32) and the Q3.12 requantization triples of its 8 FCs follow each other in
one parameter block; each triple is the SMMULR form where the channel's accumulator provably stays below
2^30 (|bias| + 128 * sum|w|) and the shift is a right shift, the full-range form otherwise (the channel only:
the op's `exact_channels` flag switches on a per-value check). So every int8 LSTM the base emitter takes runs
here; nothing declines.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register_variant
from edgeq.codegen.ops import lstm
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import ACC_LIMIT, RQ_EXACT, pack_gemm, round4

UNIT_PARAMS = 32  # EDGEQ_LSTM_UNIT_PARAMS: 4 input biases, 4 recurrent biases, 4 + 4 triples


def _triple(rescale: tuple[int, int], bound: int) -> tuple[int, int, int]:
    multiplier, shift = rescale
    if shift <= -1 and -shift <= 31 and bound < ACC_LIMIT:
        return multiplier, -shift, 1 << (-shift - 1)
    return multiplier, RQ_EXACT + shift, 0


def unit_major(per_gate: list[np.ndarray]) -> np.ndarray:
    """Gate-major arrays [4][units](...) → unit-major [4 * units](...): row 4u + g."""
    stacked = np.stack(per_gate, axis=1)
    return stacked.reshape(-1, *stacked.shape[2:])


def unit_params(terms: list[lstm.GateTerms]) -> tuple[np.ndarray, bool]:
    """The EDGEQ_LSTM_UNIT_PARAMS int32 per unit, and whether any triple is the full-range form."""
    units = terms[0].input_weights.shape[0]
    blocks, exact = [], False
    for u in range(units):
        biases_in = [int(t.input_bias[u]) for t in terms]
        biases_rec = [int(t.recurrent_bias[u]) if t.recurrent_bias is not None else 0 for t in terms]
        triples = []
        for biases, weights, rescale in ((biases_in, "input_weights", "input_rescale"),
                                         (biases_rec, "recurrent_weights", "recurrent_rescale")):
            for g, t in enumerate(terms):
                bound = abs(biases[g]) + 128 * int(np.abs(getattr(t, weights)[u]).sum())
                triple = _triple(getattr(t, rescale), bound)
                exact |= triple[1] >= RQ_EXACT - 31
                triples += triple
        blocks.append(biases_in + biases_rec + triples)
    return np.asarray(blocks, np.int64).reshape(-1), exact


@register_variant("UNIDIRECTIONAL_SEQUENCE_LSTM", "int8")
def lstm_packed(ctx: OpContext) -> KernelCall:
    geom = lstm._geometry(ctx)
    cell = lstm.cell_fields(ctx, int16=False)
    terms = [lstm.gate_terms_s8(ctx, gate) for gate in range(4)]
    params, exact = unit_params(terms)
    input_size, units = geom["input_size"], geom["state_size"]
    arrays = (ctx.const_array("lstm_input_w", "int8_t", pack_gemm(unit_major([t.input_weights for t in terms]))),
              ctx.const_array("lstm_recurrent_w", "int8_t",
                              pack_gemm(unit_major([t.recurrent_weights for t in terms]))),
              ctx.const_array("lstm_params", "int32_t", params))
    packed = {"input_weights": arrays[0].name, "recurrent_weights": arrays[1].name, "params": arrays[2].name,
              "input_words": round4(input_size) // 4, "recurrent_words": round4(units) // 4,
              "exact_channels": int(exact)}
    return KernelCall(
        statements=(struct("edgeq_lstm_geom_t", "geom", geom),
                    struct("edgeq_lstm_cell_q_t", "q", cell),
                    struct("edgeq_lstm_packed_s8_t", "packed", packed),
                    f"edgeq_lstm_packed_s8(&geom, &q, &packed, {ctx.input_ptr(lstm._INPUT)}, "
                    f"{ctx.input_ptr(lstm._HIDDEN)}, {ctx.input_ptr(lstm._CELL)}, {ctx.output_ptr()}, "
                    f"(uint32_t *){ctx.scratch_ptr()});"),
        kernels=("variants/edgeq_lstm_packed_s8.c", kernel("edgeq_sigmoid_table_s16")),
        arrays=arrays,
        scratch_bytes=8 * (packed["input_words"] + packed["recurrent_words"]),
        declined=("exact requantization for some gate rows (accumulator bound or shift)",) if exact else (),
    )
