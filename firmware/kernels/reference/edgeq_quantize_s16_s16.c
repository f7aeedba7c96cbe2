/* QUANTIZE int16_t -> int16_t: TFLite's Requantize (one double-rounding rescale between zero points), clamped to
 * the output type. Element-wise, output may alias input when the element sizes agree. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_quantize_s16_s16(int32_t count, const edgeq_requant_params_t *p, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        const int32_t v = edgeq_requantize((int32_t)input[i] - p->input_zero_point, p->multiplier, p->shift)
                          + p->output_zero_point;
        output[i] = (int16_t)edgeq_clamp_s32(v, -32768, 32767);
    }
}
