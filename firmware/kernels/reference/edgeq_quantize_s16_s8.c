/* QUANTIZE int16 -> int8: TFLite's Requantize, requant(x - input_zero_point) + output_zero_point, clamped
 * (one double-rounding rescale by input_scale / output_scale). Contract in edgeq_kernels_mixed.h.
 *
 * With a right shift r >= 1 (a rescale below 1/2, the usual case) each element takes a short exact form:
 * x = in - input_zero_point has |x| < 2^17, TFLM's doubling high multiply is (x * m + 2^30) >> 31 (one 64-bit
 * multiply-add; m is never INT32_MIN, so its one saturating case cannot occur), and its rounding divide by 2^r
 * (half away from zero) plus the zero point is (y + 2^(r-1) + zp * 2^r - [y < 0]) >> r, adding a multiple of
 * 2^r before the shift; |y| <= |x| keeps that sum in int32 whenever the rounding term itself is (checked once).
 * Other rescales take edgeq_requantize, exact for every int32. On Helium cores four elements per vector:
 * VQRDMULH is TFLM's doubling high multiply for every int32 (its one saturating case needs a multiplier of
 * INT32_MIN), then VRSHL by -r (half up) of y - [y < 0] is the half-away-from-zero divide. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

#if defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
#endif
#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#endif

#if defined(__ARM_FEATURE_MVE)
static void quantize_mve(int32_t count, const edgeq_requant_params_t *p, const int16_t *input, int8_t *output)
{
    const int32x4_t in_zp = vdupq_n_s32(p->input_zero_point), out_zp = vdupq_n_s32(p->output_zero_point);
    const int32x4_t left = vdupq_n_s32(p->shift > 0 ? p->shift : 0);
    const int32x4_t right = vdupq_n_s32(p->shift < 0 ? p->shift : 0); /* VRSHL by a negative count */
    const int32x4_t lo = vdupq_n_s32(-128), hi = vdupq_n_s32(127);
    for (; count > 0; count -= 4, input += 4, output += 4) {
        const mve_pred16_t tail = vctp32q((uint32_t)count);
        int32x4_t x = vshlq_s32(vsubq_s32(vldrhq_z_s32(input, tail), in_zp), left); /* wraps, as TFLM's */
        x = vqrdmulhq_n_s32(x, p->multiplier);
        if (p->shift < 0) {
            x = vrshlq_s32(vaddq_s32(x, vshrq_n_s32(x, 31)), right);
        }
        vstrbq_p_s32(output, vminq_s32(vmaxq_s32(vaddq_s32(x, out_zp), lo), hi), tail);
    }
}
#endif

void edgeq_quantize_s16_s8(int32_t count, const edgeq_requant_params_t *p, const int16_t *input, int8_t *output)
{
    const int32_t right = -p->shift;
    int32_t i;
#if defined(__ARM_FEATURE_MVE)
    if (count > 0) {
        quantize_mve(count, p, input, output);
        return;
    }
#endif
    if (right >= 1 && right <= 31) {
        const int64_t rounding = ((int64_t)1 << (right - 1)) + (int64_t)p->output_zero_point * ((int64_t)1 << right);
        if (rounding > -(1 << 30) && rounding < (1 << 30)) {
            const int64_t multiplier = p->multiplier;
            const int32_t in_zp = p->input_zero_point, add = (int32_t)rounding;
            for (i = 0; i < count; ++i) {
                const int32_t y = (int32_t)((((int32_t)input[i] - in_zp) * multiplier + ((int64_t)1 << 30)) >> 31);
                const int32_t v = (y + add - (int32_t)((uint32_t)y >> 31)) >> right;
#if defined(__ARM_FEATURE_SAT)
                output[i] = (int8_t)__ssat(v, 8);
#else
                output[i] = (int8_t)edgeq_clamp_s32(v, -128, 127);
#endif
            }
            return;
        }
    }
    for (i = 0; i < count; ++i) {
        const int32_t v = edgeq_requantize((int32_t)input[i] - p->input_zero_point, p->multiplier, p->shift)
                          + p->output_zero_point;
        output[i] = (int8_t)edgeq_clamp_s32(v, -128, 127);
    }
}
