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
