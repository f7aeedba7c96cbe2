/*
 * edgeq_dot.h — dot products of the recurrent kernels (LSTM gates, SVDF feature and time weights): int8 x int8
 * and int16 x int16 into an int32 sum that wraps modulo 2^32 like TFLM's int32 accumulators. Four int8 (two
 * int16) products per step with SXTB16 + SMLAD on cores with the DSP extension, the same sums in portable C
 * elsewhere (edgeq_simd.h), so results are identical everywhere. Internal header of the kernels.
 */
#ifndef EDGEQ_DOT_H
#define EDGEQ_DOT_H

#include <stdint.h>

#include "edgeq_simd.h"

/* acc + sum_i a[i] * b[i] over n int8 pairs (any alignment). */
static inline int32_t edgeq_dot_s8(const int8_t *a, const int8_t *b, int32_t n, int32_t acc)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t va = edgeq_read_u32(a + i), vb = edgeq_read_u32(b + i);
        acc = edgeq_smlad(edgeq_sxtb16(va), edgeq_sxtb16(vb), acc);
        acc = edgeq_smlad(edgeq_sxtb16_ror8(va), edgeq_sxtb16_ror8(vb), acc);
    }
    for (; i < n; ++i) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)a[i] * (int32_t)b[i]));
    }
    return acc;
}

/* acc[r] += sum_i x[i] * w[r * stride + i] for the four rows r = 0..3 of w: each word of x is loaded and
 * sign-extended once for four rows (the gate FCs of the LSTM, 4 output units at a time). */
static inline void edgeq_dot4_s8(const int8_t *x, const int8_t *w, int32_t stride, int32_t n, int32_t acc[4])
{
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w + 2 * stride, *w3 = w + 3 * stride;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t vx = edgeq_read_u32(x + i);
        const uint32_t xe = edgeq_sxtb16(vx), xo = edgeq_sxtb16_ror8(vx);
        uint32_t vw = edgeq_read_u32(w0 + i);
        a0 = edgeq_smlad(xo, edgeq_sxtb16_ror8(vw), edgeq_smlad(xe, edgeq_sxtb16(vw), a0));
        vw = edgeq_read_u32(w1 + i);
        a1 = edgeq_smlad(xo, edgeq_sxtb16_ror8(vw), edgeq_smlad(xe, edgeq_sxtb16(vw), a1));
        vw = edgeq_read_u32(w2 + i);
        a2 = edgeq_smlad(xo, edgeq_sxtb16_ror8(vw), edgeq_smlad(xe, edgeq_sxtb16(vw), a2));
        vw = edgeq_read_u32(w3 + i);
        a3 = edgeq_smlad(xo, edgeq_sxtb16_ror8(vw), edgeq_smlad(xe, edgeq_sxtb16(vw), a3));
    }
    for (; i < n; ++i) {
        const int32_t xi = x[i];
        a0 = (int32_t)((uint32_t)a0 + (uint32_t)(xi * w0[i]));
        a1 = (int32_t)((uint32_t)a1 + (uint32_t)(xi * w1[i]));
        a2 = (int32_t)((uint32_t)a2 + (uint32_t)(xi * w2[i]));
        a3 = (int32_t)((uint32_t)a3 + (uint32_t)(xi * w3[i]));
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* acc + sum_i a[i] * b[i] over n int16 pairs (any alignment). */
static inline int32_t edgeq_dot_s16(const int16_t *a, const int16_t *b, int32_t n, int32_t acc)
{
    int32_t i = 0;
    for (; i + 2 <= n; i += 2) {
        acc = edgeq_smlad(edgeq_read_u32(a + i), edgeq_read_u32(b + i), acc);
    }
    for (; i < n; ++i) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)a[i] * (int32_t)b[i]));
    }
    return acc;
}

#endif /* EDGEQ_DOT_H */
