/* QUANTIZE int8_t -> uint8_t: TFLite's Requantize (one double-rounding rescale between zero points). */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_s8_u8(int32_t count, const edgeq_requant_params_t *p, const int8_t *input, uint8_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const int32_t v = edgeq_requantize((int32_t)input[i] - p->input_zero_point, p->multiplier, p->shift)
                          + p->output_zero_point;
        output[i] = (uint8_t)edgeq_clamp_s32(v, 0, 255);
    }
}
