/*
 * edgeq_mve_util.h — helpers shared by the Helium kernels in this directory (internal, not generated-code
 * API): tail-predicated copy/fill and the vector requantization of four channels (layout in
 * edgeq_kernels_mve.h). Only for __ARM_FEATURE_MVE builds.
 */
#ifndef EDGEQ_MVE_UTIL_H
#define EDGEQ_MVE_UTIL_H

#if !defined(__ARM_FEATURE_MVE)
#error "Helium kernels need an MVE core (-mcpu=cortex-m55 with a hardware-float ABI)"
#endif

#include <arm_mve.h>
#include <stdint.h>

#include "edgeq_compiler.h"
#include "edgeq_kernels_mve.h"
#include "edgeq_requant.h"
#include "edgeq_simd.h"

/* dst[0..n) = src[0..n), 16 bytes per step, the last step predicated (VCTP). */
static inline void edgeq_mve_copy_s8(int8_t *dst, const int8_t *src, int32_t n)
{
    while (n > 0) {
        const mve_pred16_t tail = vctp8q((uint32_t)n);
        vstrbq_p_s8(dst, vldrbq_z_s8(src, tail), tail);
        dst += 16;
        src += 16;
        n -= 16;
    }
}

/* dst[0..n) = value, predicated like the copy. */
static inline void edgeq_mve_fill_s8(int8_t *dst, int8_t value, int32_t n)
{
    const int8x16_t v = vdupq_n_s8(value);
    while (n > 0) {
        vstrbq_p_s8(dst, v, vctp8q((uint32_t)n));
        dst += 16;
        n -= 16;
    }
}

/* One lane of either requantization form (shift word s < 0: fast; s > 0: TFLM's full range). */
static inline int8_t edgeq_mve_requant_lane(int32_t acc, int32_t m, int32_t s, int32_t t, int32_t lo, int32_t hi)
{
    int32_t v;
    if (s < 0) {
        return edgeq_requant_val(acc, m, -s, t, lo, hi);
    }
    v = (int32_t)((uint32_t)edgeq_requantize(acc, m, s - EDGEQ_RQ_EXACT) + (uint32_t)t);
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    return (int8_t)v;
}

/* The activation range as vectors, built once per kernel call (not per output block). */
typedef struct {
    int32x4_t lo, hi;
} edgeq_mve_act_t;

static inline edgeq_mve_act_t edgeq_mve_act(int32_t act_min, int32_t act_max)
{
    const edgeq_mve_act_t act = {vdupq_n_s32(act_min), vdupq_n_s32(act_max)};
    return act;
}

/*
 * Stores the first `n` (1..4) of four accumulators (bias already added) requantized with the block's 12
 * words `rq`. Fast lanes: VQRDMULH(acc, m) equals SMMULR(2 * acc, m) for |acc| < 2^30 (no saturation), then
 * (x + offset - [x < 0]) >> r as in edgeq_requant_val: adding x's sign (VSHR #31 = -1 or 0) and shifting by
 * -s with VSHL (a negative count shifts right, truncating = arithmetic >>). `exact` (the op has full-range
 * lanes somewhere) makes the block check its shift words and take the per-lane scalar path if it holds one.
 */
static EDGEQ_NOINLINE void edgeq_mve_requant4_lanes(int32x4_t acc, const int32_t *rq, edgeq_mve_act_t act,
                                                    int8_t *out, int32_t n)
{
    int32_t lane[4];
    int32_t i;
    const int32_t lo = vgetq_lane_s32(act.lo, 0), hi = vgetq_lane_s32(act.hi, 0);
    vst1q_s32(lane, acc);
    for (i = 0; i < n; ++i) {
        out[i] = edgeq_mve_requant_lane(lane[i], rq[i], rq[4 + i], rq[8 + i], lo, hi);
    }
}

/* One block's requantization words loaded once for several accumulators (e.g. four pixels, two rows). */
typedef struct {
    int32x4_t multiplier, shift, offset;
    int32_t full_range; /* some lane holds TFLM's full-range form: per-lane scalar path */
    const int32_t *rq;
} edgeq_mve_rq4_t;

EDGEQ_INLINE edgeq_mve_rq4_t edgeq_mve_rq4(const int32_t *rq, int32_t exact)
{
    edgeq_mve_rq4_t q;
    q.multiplier = vld1q_s32(rq);
    q.shift = vld1q_s32(rq + 4);
    q.offset = vld1q_s32(rq + 8);
    q.full_range = exact && vmaxvq_s32(INT32_MIN, q.shift) > 0;
    q.rq = rq;
    return q;
}

EDGEQ_INLINE void edgeq_mve_requant4q(int32x4_t acc, const edgeq_mve_rq4_t *q, edgeq_mve_act_t act, int8_t *out,
                                      int32_t n)
{
    int32x4_t x, v;
    if (q->full_range) {
        edgeq_mve_requant4_lanes(acc, q->rq, act, out, n); /* out of line: off the hot path */
        return;
    }
    x = vqrdmulhq_s32(acc, q->multiplier);
    v = vaddq_s32(vaddq_s32(x, q->offset), vshrq_n_s32(x, 31));
    v = vminq_s32(vmaxq_s32(vshlq_s32(v, q->shift), act.lo), act.hi);
    if (n == 4) {
        vstrbq_s32(out, v);
    } else {
        vstrbq_p_s32(out, v, vctp32q((uint32_t)n));
    }
}

/* edgeq_mve_requant4q for a single accumulator. */
EDGEQ_INLINE void edgeq_mve_requant4(int32x4_t acc, const int32_t *rq, int32_t exact, edgeq_mve_act_t act,
                                     int8_t *out, int32_t n)
{
    const edgeq_mve_rq4_t q = edgeq_mve_rq4(rq, exact);
    edgeq_mve_requant4q(acc, &q, act, out, n);
}

#endif /* EDGEQ_MVE_UTIL_H */
