/* LEAKY_RELU, int8 (TFLite QuantizeLeakyRelu): one requantization for x >= 0, another (alpha) below. */
#include "edgeq_activations.h"
#include "edgeq_requant.h"

void edgeq_leaky_relu_s8(const edgeq_leaky_relu_params_s8_t *params, int32_t size, const int8_t *input,
                         int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = (int32_t)input[i] - params->input_zero_point;
        const int32_t scaled = value >= 0
                                   ? edgeq_requantize(value, params->identity_multiplier, params->identity_shift)
                                   : edgeq_requantize(value, params->alpha_multiplier, params->alpha_shift);
        output[i] = (int8_t)edgeq_clamp_s32(params->output_zero_point + scaled, INT8_MIN, INT8_MAX);
    }
}
