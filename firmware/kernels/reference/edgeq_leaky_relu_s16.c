/* LEAKY_RELU, int16 (TFLite QuantizeLeakyRelu<int16_t>): one requantization for x >= 0, another (alpha)
 * below, clamped to the int16 range. Element-wise: output may alias input. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_leaky_relu_s16(const edgeq_leaky_relu_params_s8_t *params, int32_t size, const int16_t *input,
                          int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = (int32_t)input[i] - params->input_zero_point;
        const int32_t scaled = value >= 0
                                   ? edgeq_requantize(value, params->identity_multiplier, params->identity_shift)
                                   : edgeq_requantize(value, params->alpha_multiplier, params->alpha_shift);
        output[i] = (int16_t)edgeq_clamp_s32(params->output_zero_point + scaled, -32768, 32767);
    }
}
