/* QUANTIZE uint8_t -> int8_t: TFLite's Requantize (one double-rounding rescale between zero points). */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_u8_s8(int32_t count, const edgeq_requant_params_t *p, const uint8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const int32_t v = edgeq_requantize((int32_t)input[i] - p->input_zero_point, p->multiplier, p->shift)
                          + p->output_zero_point;
        output[i] = (int8_t)edgeq_clamp_s32(v, -128, 127);
    }
}
