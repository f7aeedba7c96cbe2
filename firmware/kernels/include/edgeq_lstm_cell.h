/*
 * edgeq_lstm_cell.h — the int16 cell-state arithmetic shared by the integer LSTM kernels (edgeq_lstm_s8.c,
 * edgeq_lstm_s16.c): saturating adds, requantized element-wise products, clipping, and the cell/hidden
 * updates of one time step, as TFLM's lstm_eval.cc (AddElementWise, MulElementwise, Clipping,
 * UpdateLstmCell, UpdateLstmHidden). Gate values are Q0.15 after their sigmoid/tanh. Internal header of
 * those kernels; not part of the generated-code API.
 */
#ifndef EDGEQ_LSTM_CELL_H
#define EDGEQ_LSTM_CELL_H

#include <stdint.h>

#include "edgeq_kernels.h"
#include "edgeq_requant.h"
#include "edgeq_simd.h"

/* out = saturate_int16(a + b); out may alias a or b. */
static inline void edgeq_lstm_add_sat(int32_t n, const int16_t *a, const int16_t *b, int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)edgeq_clamp_s32((int32_t)a[i] + (int32_t)b[i], -32768, 32767);
    }
}

/* TFLM MulElementwise with zero input offsets: requant(a * b) + zero point, clamped to [lo, hi]. */
static inline int32_t edgeq_lstm_mul_one(const edgeq_lstm_mul_q_t *q, int16_t a, int16_t b, int32_t lo,
                                         int32_t hi)
{
    const int32_t product = (int32_t)a * (int32_t)b; /* |product| <= 2^30: no overflow */
    if (q->rounding != 0) {
        const int32_t x = edgeq_smmulr((int32_t)((uint32_t)product << 1), q->multiplier);
        return edgeq_clamp_s32((x + q->rounding - (int32_t)((uint32_t)x >> 31)) >> -q->shift, lo, hi);
    }
    return edgeq_clamp_s32(edgeq_requantize(product, q->multiplier, q->shift) + q->output_zero_point, lo, hi);
}

static inline void edgeq_lstm_mul_s16(int32_t n, const edgeq_lstm_mul_q_t *q, const int16_t *a, const int16_t *b,
                                      int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)edgeq_lstm_mul_one(q, a[i], b[i], -32768, 32767);
    }
}

/* Cell update: c = sat(f * c + i * g), then |c| <= clip unless clip is -1. `input_gate` is overwritten. */
static inline void edgeq_lstm_update_cell(int32_t n, const edgeq_lstm_q_t *q, const int16_t *forget_gate,
                                          int16_t *input_gate, const int16_t *cell_gate, int16_t *cell)
{
    int32_t i;
    edgeq_lstm_mul_s16(n, &q->forget_cell, forget_gate, cell, cell);
    edgeq_lstm_mul_s16(n, &q->input_cell, input_gate, cell_gate, input_gate);
    edgeq_lstm_add_sat(n, cell, input_gate, cell);
    if (q->cell_clip >= 0) {
        for (i = 0; i < n; ++i) {
            cell[i] = (int16_t)edgeq_clamp_s32(cell[i], -q->cell_clip, q->cell_clip);
        }
    }
}

/* A gate's activation of its Q3.12 pre-activation: TFLM calls its int16 Logistic/Tanh with multiplier 0 and
 * shift 0, which the kernels take as multiplier 3 << 0. */
static inline void edgeq_lstm_gate_activation(int32_t n, int32_t tanh_gate, int16_t *gate)
{
    if (tanh_gate) {
        edgeq_tanh_s16(3, 0, n, gate, gate);
    } else {
        edgeq_logistic_s16(3, 0, n, gate, gate);
    }
}

#endif /* EDGEQ_LSTM_CELL_H */
