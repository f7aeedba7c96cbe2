/*
 * ADD, int8 — Cortex-M DSP version of reference/edgeq_add_s8.c (same name, same results; the build
 * picks this file when the core has DSP). TFLite's scheme: both inputs offset, shifted left by
 * left_shift, rescaled to a common scale, summed, rescaled to the output.
 *
 * Why it is faster: with left_shift <= 20 every intermediate stays below 2^30 in magnitude
 * (|x + offset| <= 255), so each of the three double-rounding rescales is SMMULR(2x, multiplier) plus
 * a branch-free rounding shift (edgeq_simd.h) instead of 64-bit arithmetic. Broadcasting, left_shift
 * > 20 and positive (left) rescale shifts take the reference arithmetic.
 */
#if !defined(__ARM_FEATURE_DSP)
#error "dsp/ kernels need a core with the DSP extension (-mcpu=cortex-m4/m7/m33/m55); use reference/"
#endif

#include "edgeq_broadcast.h"
#include "edgeq_kernels.h"
#include "edgeq_requant.h"
#include "edgeq_simd.h"

/* x * multiplier * 2^(shift - 31) for shift <= 0 and |x| < 2^30, TFLM's rounding; neg = shift != 0. */
static inline int32_t rescale(int32_t x, int32_t multiplier, int32_t right, int32_t rounding, uint32_t neg)
{
    const int32_t h = edgeq_smmulr((int32_t)((uint32_t)x << 1), multiplier);
    return (h + rounding - (int32_t)(((uint32_t)h >> 31) & neg)) >> right;
}

static int same_shape(const edgeq_broadcast_t *s)
{
    int d;
    for (d = 0; d < EDGEQ_MAX_DIMS - 1; ++d) {
        if (s->dims[d] != 1) {
            return 0;
        }
    }
    return s->stride1[EDGEQ_MAX_DIMS - 1] == 1 && s->stride2[EDGEQ_MAX_DIMS - 1] == 1;
}

void edgeq_add_s8(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *p, const int8_t *input1,
                  const int8_t *input2, int8_t *output)
{
    if (same_shape(shape) && p->left_shift <= 20 && p->input1_shift <= 0 && p->input2_shift <= 0 &&
        p->output_shift <= 0) {
        const int32_t n = shape->dims[EDGEQ_MAX_DIMS - 1];
        const int32_t l = p->left_shift, off1 = p->input1_offset, off2 = p->input2_offset;
        const int32_t m1 = p->input1_multiplier, r1 = -p->input1_shift, h1 = (int32_t)(((uint32_t)1 << r1) >> 1);
        const int32_t m2 = p->input2_multiplier, r2 = -p->input2_shift, h2 = (int32_t)(((uint32_t)1 << r2) >> 1);
        const int32_t mo = p->output_multiplier, ro = -p->output_shift;
        /* The output zero point joins the rounding term: adding zp * 2^ro before >> ro adds zp after. */
        const int32_t ho = (int32_t)(((uint32_t)1 << ro) >> 1) + (int32_t)((uint32_t)p->output_zero_point << ro);
        const uint32_t n1 = r1 != 0, n2 = r2 != 0, no = ro != 0;
        const int32_t lo = p->act_min, hi = p->act_max;
        int32_t i;
        if (ro <= 20) { /* |ho| < 2^29: the folded rounding term cannot overflow */
            for (i = 0; i < n; ++i) {
                const int32_t a = rescale((int32_t)((uint32_t)(input1[i] + off1) << l), m1, r1, h1, n1);
                const int32_t b = rescale((int32_t)((uint32_t)(input2[i] + off2) << l), m2, r2, h2, n2);
                int32_t v = rescale(a + b, mo, ro, ho, no);
                v = v < lo ? lo : v;
                output[i] = (int8_t)(v > hi ? hi : v);
            }
            return;
        }
    }
    EDGEQ_BROADCAST_LOOP(shape, i1, i2, o, {
        const int32_t a = (int32_t)((uint32_t)(p->input1_offset + input1[i1]) << p->left_shift);
        const int32_t b = (int32_t)((uint32_t)(p->input2_offset + input2[i2]) << p->left_shift);
        const int32_t sa = edgeq_requantize(a, p->input1_multiplier, p->input1_shift);
        const int32_t sb = edgeq_requantize(b, p->input2_multiplier, p->input2_shift);
        const int32_t raw = edgeq_requantize(sa + sb, p->output_multiplier, p->output_shift) + p->output_zero_point;
        output[o] = (int8_t)edgeq_clamp_s32(raw, p->act_min, p->act_max);
    });
}
