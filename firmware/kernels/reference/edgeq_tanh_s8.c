/* TANH, int8 (TFLM reference_integer_ops::Tanh): gemmlowp fixed-point tanh on Q4.27 inputs, output scale
 * 1/128, zero point 0. */
#include "edgeq_activations.h"
#include "edgeq_fixedpoint.h"

void edgeq_tanh_s8(const edgeq_q4_act_params_s8_t *params, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = (int32_t)input[i] - params->input_zero_point;
        if (value <= -params->input_range_radius) {
            output[i] = INT8_MIN;
        } else if (value >= params->input_range_radius) {
            output[i] = INT8_MAX;
        } else {
            const int32_t q4 = edgeq_requantize(value, params->input_multiplier, params->input_left_shift);
            const int32_t q0 = edgeq_fp_tanh_q4(q4);
            output[i] = (int8_t)edgeq_clamp_s32(edgeq_rounding_divide_by_pot(q0, 31 - 7), INT8_MIN, INT8_MAX);
        }
    }
}
