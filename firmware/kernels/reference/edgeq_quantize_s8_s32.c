/* QUANTIZE int8 -> int32: TFLite's Requantize, requant(x - input_zero_point) + output_zero_point
 * (one double-rounding rescale by input_scale / output_scale). Contract in edgeq_kernels_mixed.h. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_s8_s32(int32_t count, const edgeq_requant_params_t *p, const int8_t *input, int32_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        /* int32 output: no clamp; the zero point is added modulo 2^32, as TFLM's int32 sum wraps. */
        output[i] = (int32_t)((uint32_t)edgeq_requantize((int32_t)input[i] - p->input_zero_point, p->multiplier,
                                                          p->shift) + (uint32_t)p->output_zero_point);
    }
}
