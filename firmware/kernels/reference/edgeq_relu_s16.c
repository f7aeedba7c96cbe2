/* RELU, int16 (TFLM ReluQuantized<int16_t>): requantize to the output scale, clamp to [act_min, 32767].
 * Element-wise: output may alias input. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_relu_s16(const edgeq_relu_params_s8_t *params, int32_t size, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = params->output_zero_point +
                              edgeq_requantize((int32_t)input[i] - params->input_zero_point, params->multiplier,
                                               params->shift);
        output[i] = (int16_t)edgeq_clamp_s32(value, params->act_min, params->act_max);
    }
}
