/* QUANTIZE float32 -> int16 (TFLite's AffineQuantize: float division, round half away from zero).
 *
 * The quotient is clamped to +-65536 first: anything beyond saturates the int16 output either way (the
 * zero point is an int16), and inside it the rounding is done without roundf: t = the quotient truncated
 * toward zero (one VCVT), its fraction q - t is exact (|q| < 2^24), and t moves one away from zero when
 * the fraction reaches a half — roundf's result, in a few instructions instead of a library call. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_f32_s16(int32_t count, float scale, int32_t zero_point, const float *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const float q = edgeq_clamp_f32(input[i] / scale, -65536.0f, 65536.0f);
        int32_t v = (int32_t)q;
        const float fraction = q - (float)v;
        v += (fraction >= 0.5f) - (fraction <= -0.5f);
        output[i] = (int16_t)edgeq_clamp_s32(v + zero_point, -32768, 32767);
    }
}
