/*
 * edgeq_inv_sqrt.h — TFLM's GetInvSqrtQuantizedMultiplierExp in C99: 1/sqrt(x) for an int32 x > 1 as a
 * Q0.31 multiplier and a right shift, by five Newton-Raphson steps in gemmlowp's Q3.28 fixed point (x
 * normalised into [2^27, 2^29) by pairs of bits). The iteration, its constants and its rounding are
 * gemmlowp's; x <= 1 gives (INT32_MAX, 0) as in TFLM. Used by RSQRT and L2_NORMALIZATION.
 * Internal header of the math kernels; not part of the generated-code API.
 */
#ifndef EDGEQ_INV_SQRT_H
#define EDGEQ_INV_SQRT_H

#include <stdint.h>

#include "edgeq_fixedpoint.h"
#include "edgeq_requant.h"

/* *multiplier * 2^(*shift - 31) ≈ 1 / sqrt(x): TFLM's result with reverse_shift = -1 (shift <= 0 here
 * means a right shift, as MultiplyByQuantizedMultiplier reads it). */
static inline void edgeq_inv_sqrt_multiplier(int32_t x, int32_t *multiplier, int32_t *shift)
{
    const int32_t three_halves = (1 << 28) + (1 << 27); /* 1.5 in Q3.28 */
    const int32_t half_sqrt2 = 1518500250;             /* sqrt(2) / 2 in Q0.31 */
    int32_t right_shift = 11;
    int32_t pairs, half_input, y, i;
    if (x <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    while (x >= (1 << 29)) {
        x /= 4;
        ++right_shift;
    }
    pairs = (edgeq_count_leading_zeros_u32((uint32_t)x) - 1) / 2 - 1;
    right_shift -= pairs;
    x <<= 2 * pairs;
    half_input = edgeq_rounding_divide_by_pot(x >> 1, 1);
    y = 1 << 28; /* 1.0 in Q3.28 */
    for (i = 0; i < 5; ++i) {
        /* y3 = y^3 (Q9 rescaled to Q3); y = 1.5 y - (x/2) y^3 (Q6 rescaled to Q3) */
        const int32_t y2 = edgeq_sat_rounding_doubling_high_mul(y, y);
        const int32_t y3 = edgeq_fp_sat_shl(edgeq_sat_rounding_doubling_high_mul(y2, y), 6);
        const int32_t a = edgeq_sat_rounding_doubling_high_mul(three_halves, y);
        const int32_t b = edgeq_sat_rounding_doubling_high_mul(half_input, y3);
        y = edgeq_fp_sat_shl((int32_t)((uint32_t)a - (uint32_t)b), 3);
    }
    y = edgeq_sat_rounding_doubling_high_mul(y, half_sqrt2);
    if (right_shift < 0) {
        y = (int32_t)((uint32_t)y << -right_shift);
        right_shift = 0;
    }
    *multiplier = y;
    *shift = -right_shift;
}

#endif /* EDGEQ_INV_SQRT_H */
