/*
 * edgeq_lstm_cell.h — the int16 cell-state arithmetic shared by the integer LSTM kernels (edgeq_lstm_s8.c,
 * edgeq_lstm_s16.c, variants/edgeq_lstm_packed_s8.c): saturating adds, requantized element-wise products,
 * clipping, and the cell/hidden updates of one time step, as TFLM's lstm_eval.cc (AddElementWise,
 * MulElementwise, Clipping, UpdateLstmCell, UpdateLstmHidden), for whole vectors and for one unit. Gate values
 * are Q0.15 after their sigmoid/tanh. Internal header of those kernels; not part of the generated-code API.
 */
#ifndef EDGEQ_LSTM_CELL_H
#define EDGEQ_LSTM_CELL_H

#include <stdint.h>

#include "edgeq_kernels.h"
#include "edgeq_requant.h"
#include "edgeq_simd.h"

static inline int32_t edgeq_lstm_sat_s16(int32_t v)
{
#if defined(__ARM_FEATURE_DSP)
    return __ssat(v, 16);
#else
    return edgeq_clamp_s32(v, -32768, 32767);
#endif
}

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

/* One unit's new cell state: sat(f * c + i * g), then |c| <= clip unless clip is -1 (each product rescaled
 * and clamped to int16 first, as TFLM's UpdateLstmCell). */
static inline int32_t edgeq_lstm_cell_one(const edgeq_lstm_cell_q_t *q, int32_t forget_gate, int32_t input_gate,
                                          int32_t cell_gate, int32_t cell)
{
    const int32_t kept = edgeq_lstm_mul_one(&q->forget_cell, (int16_t)forget_gate, (int16_t)cell, -32768, 32767);
    const int32_t added = edgeq_lstm_mul_one(&q->input_cell, (int16_t)input_gate, (int16_t)cell_gate, -32768, 32767);
    const int32_t c = edgeq_lstm_sat_s16(kept + added);
    if (q->cell_clip >= 0) {
        return edgeq_clamp_s32(c, -q->cell_clip, q->cell_clip);
    }
    return c;
}

/* Cell update of n units; `input_gate` is overwritten (as TFLM reuses it). */
static inline void edgeq_lstm_update_cell(int32_t n, const edgeq_lstm_cell_q_t *q, const int16_t *forget_gate,
                                          int16_t *input_gate, const int16_t *cell_gate, int16_t *cell)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        cell[i] = (int16_t)edgeq_lstm_cell_one(q, forget_gate[i], input_gate[i], cell_gate[i], cell[i]);
    }
}

/* One element of edgeq_logistic_s16 for a gate's Q3.12 pre-activation (input multiplier 3, no shift: |x| < 2^17
 * spans the table's [0, 10.7) with 9 fractional bits), result Q0.15. The two table entries are one word load. */
static inline int32_t edgeq_lstm_sigmoid_gate(int32_t pre)
{
    const int32_t x = pre * 3;
    const uint32_t abs_x = (uint32_t)(x < 0 ? -x : x);
    const uint32_t index = abs_x >> 9;
    uint32_t result = (uint32_t)0x7FFF << 10;
    if (index < 255) {
        const uint32_t ab = edgeq_read_u32(&edgeq_sigmoid_table_u16[index]);
        const uint32_t a = ab & 0xFFFFu, b = ab >> 16;
        result = (a << 9) + (abs_x & 0x1FF) * (b - a);
    }
    result = x >= 0 ? result + (1u << 9) : ((1u << (16 + 9)) - result + (1u << 9) - 1u);
    return (int32_t)(int16_t)(result >> 10);
}

/* One element of edgeq_tanh_s16 (tanh(x) = 2 * sigmoid(2x) - 1 with 8 fractional bits), same arguments. */
static inline int32_t edgeq_lstm_tanh_one(int32_t input, int32_t input_multiplier, int32_t input_left_shift)
{
    const int32_t round = input_left_shift > 0 ? (int32_t)1 << (input_left_shift - 1) : 0;
    const int32_t x = (input * input_multiplier + round) >> input_left_shift;
    const uint32_t abs_x = (uint32_t)(x < 0 ? -x : x);
    const uint32_t index = abs_x >> 8;
    int32_t result = 0xFFFF << 8;
    if (index < 255) {
        const uint32_t ab = edgeq_read_u32(&edgeq_sigmoid_table_u16[index]);
        const uint32_t a = ab & 0xFFFFu, b = ab >> 16;
        result = (int32_t)((a << 8) + (abs_x & 0xFF) * (b - a));
    }
    result = x >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
    return (int32_t)(int16_t)(result >> (9 - 1));
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
