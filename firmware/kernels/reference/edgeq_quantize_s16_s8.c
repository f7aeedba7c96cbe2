/* QUANTIZE int16 -> int8: TFLite's Requantize, requant(x - input_zero_point) + output_zero_point, clamped
 * (one double-rounding rescale by input_scale / output_scale). Contract in edgeq_kernels_mixed.h. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_s16_s8(int32_t count, const edgeq_requant_params_t *p, const int16_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const int32_t v = edgeq_requantize((int32_t)input[i] - p->input_zero_point, p->multiplier, p->shift)
                          + p->output_zero_point;
        output[i] = (int8_t)edgeq_clamp_s32(v, -128, 127);
    }
}
