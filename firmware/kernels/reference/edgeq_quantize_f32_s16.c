/* QUANTIZE float32 -> int16 (TFLite's AffineQuantize: float division, round half away from zero).
 *
 * The quotient q is clamped to +-65536 first: anything beyond saturates the int16 output either way (the
 * zero point is an int16). Inside it the rounding needs no roundf: round half away from zero is
 * trunc(2q) - trunc(q) for every q (for q >= 0, trunc(2q) - 2 trunc(q) is 1 exactly when the fraction is
 * at least a half; trunc is odd, so negative q follow), 2q is exact, and each trunc is one VCVT. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_f32_s16(int32_t count, float scale, int32_t zero_point, const float *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const float q = edgeq_clamp_f32(input[i] / scale, -65536.0f, 65536.0f);
        const int32_t v = (int32_t)(q + q) - (int32_t)q;
        output[i] = (int16_t)edgeq_clamp_s32(v + zero_point, -32768, 32767);
    }
}
