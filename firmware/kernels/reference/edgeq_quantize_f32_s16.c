/* QUANTIZE float32 -> int16 (TFLite's AffineQuantize: float division, round half away from zero). */
#include <math.h>

#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_f32_s16(int32_t count, float scale, int32_t zero_point, const float *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        /* Saturate before the int conversion (out-of-range float -> int is undefined in C). */
        const float q = edgeq_clamp_f32(roundf(input[i] / scale), -2147483520.0f, 2147483520.0f);
        const int32_t v = (int32_t)q;
        output[i] = (int16_t)edgeq_clamp_s32(v + zero_point, -32768, 32767);
    }
}
