/* RELU, int8 (TFLM ReluQuantized): requantize to the output scale, clamp to [max(-128, zp_out), 127]. */
#include "edgeq_activations.h"
#include "edgeq_requant.h"

void edgeq_relu_s8(const edgeq_relu_params_s8_t *params, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = params->output_zero_point +
                              edgeq_requantize((int32_t)input[i] - params->input_zero_point, params->multiplier,
                                               params->shift);
        output[i] = (int8_t)edgeq_clamp_s32(value, params->act_min, params->act_max);
    }
}
