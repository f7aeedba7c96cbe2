/* QUANTIZE int16 -> int8: TFLite's Requantize, requant(x - input_zero_point) + output_zero_point, clamped
 * (one double-rounding rescale by input_scale / output_scale). Contract in edgeq_kernels_mixed.h.
 *
 * With a right shift r >= 1 (a rescale below 1/2, the usual case) each element takes a short exact form:
 * x = in - input_zero_point has |x| < 2^17, TFLM's doubling high multiply is (x * m + 2^30) >> 31 (one 64-bit
 * multiply-add; m is never INT32_MIN, so its one saturating case cannot occur), and its rounding divide by 2^r
 * (half away from zero) plus the zero point is (y + 2^(r-1) + zp * 2^r - [y < 0]) >> r, adding a multiple of
 * 2^r before the shift; |y| <= |x| keeps that sum in int32 whenever the rounding term itself is (checked once).
 * Other rescales take edgeq_requantize, exact for every int32. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

#if defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
#endif

void edgeq_quantize_s16_s8(int32_t count, const edgeq_requant_params_t *p, const int16_t *input, int8_t *output)
{
    const int32_t right = -p->shift;
    int32_t i;
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
