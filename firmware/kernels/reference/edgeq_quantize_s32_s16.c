/* QUANTIZE int32 -> int16: TFLite's Requantize, requant(x - input_zero_point) + output_zero_point, clamped
 * (one double-rounding rescale by input_scale / output_scale). Contract in edgeq_kernels_mixed.h. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_s32_s16(int32_t count, const edgeq_requant_params_t *p, const int32_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        /* x - zero point and + zero point wrap modulo 2^32, as TFLM's int32 arithmetic does. */
        const int32_t centred = (int32_t)((uint32_t)input[i] - (uint32_t)p->input_zero_point);
        const int32_t v = (int32_t)((uint32_t)edgeq_requantize(centred, p->multiplier, p->shift)
                                    + (uint32_t)p->output_zero_point);
        output[i] = (int16_t)edgeq_clamp_s32(v, -32768, 32767);
    }
}
