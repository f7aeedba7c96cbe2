/*
 * edgeq_svdf_requant.h — the per-unit output requantization of the fast SVDF state kernels
 * (variants/edgeq_svdf_state_*.c). Internal header of the kernels.
 *
 * A unit's accumulator is its folded bias plus the time dots, and real biases (and the scrambled ones of
 * keyword_scrambled_8bit) span the whole int32 range, so the SMMULR form of edgeq_simd.h (|acc| < 2^30) rarely
 * applies. The 64-bit form here does: x = (acc * m + 2^30) >> 31 is TFLM's saturating rounding doubling high
 * multiply for every int32 acc (m in [2^30, 2^31) is never INT32_MIN, so nothing saturates), one SMLAL; then
 * (x + 2^(r-1) + zp * 2^r - [x < 0]) >> r is the rounding divide by 2^r plus the zero point, exact when the
 * sum cannot overflow. The generator proves |x| + |2^(r-1) + zp * 2^r| < 2^31 from the unit's accumulator
 * bound and right shift r in [1, 31] (edgeq/codegen/ops/svdf_variants.py); other units carry the full-range
 * triple (m, EDGEQ_RQ_EXACT + shift, zp) and the kernel's `exact_units` flag.
 */
#ifndef EDGEQ_SVDF_REQUANT_H
#define EDGEQ_SVDF_REQUANT_H

#include <stdint.h>

#include "edgeq_simd.h"

/* rq: the unit's triple, (m, r, 2^(r-1) + zp * 2^r) or, when exact_units, possibly (m, EDGEQ_RQ_EXACT + shift, zp) */
static inline int8_t edgeq_svdf_requant_unit(int32_t acc, const int32_t *rq, int32_t exact_units)
{
    if (exact_units && rq[1] >= EDGEQ_RQ_EXACT - 31) {
        return edgeq_requant_any(acc, rq, -128, 127);
    }
    {
        const int32_t x = (int32_t)(((int64_t)acc * rq[0] + ((int64_t)1 << 30)) >> 31);
        const int32_t v = (x + rq[2] - (int32_t)((uint32_t)x >> 31)) >> rq[1];
#if defined(__ARM_FEATURE_DSP)
        return (int8_t)__ssat(v, 8);
#else
        return (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
#endif
    }
}

#endif /* EDGEQ_SVDF_REQUANT_H */
