/* SOFTMAX, int8 in, int16 out (TFLM reference_ops::Softmax<int8_t, int16_t>): exponentials of the differences
 * to the row maximum in Q5.26 → Q0, summed in Q12.19, scaled by a fixed-point reciprocal; output scale
 * 1/65536, zero point -32768.
 * Contract in edgeq_kernels_mixed.h. */
#include "edgeq_kernels.h"
#include "edgeq_fixedpoint.h"

static int32_t count_leading_zeros(uint32_t x)
{
    int32_t n = 0;
    if (x == 0u) {
        return 32;
    }
    while (!(x & 0x80000000u)) {
        x <<= 1;
        ++n;
    }
    return n;
}

void edgeq_softmax_s8_s16(const edgeq_softmax_params_s8_t *params, const int8_t *input, int16_t *output)
{
    int32_t i, c;
    for (i = 0; i < params->outer_size; ++i) {
        const int8_t *in = input + i * params->depth;
        int16_t *out = output + i * params->depth;
        int32_t max_in_row = INT8_MIN;
        int32_t sum_of_exps = 0; /* Q12.19 */
        int32_t headroom_plus_one, num_bits_over_unit, shifted_scale, exponent;
        for (c = 0; c < params->depth; ++c) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        for (c = 0; c < params->depth; ++c) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= params->diff_min) {
                const int32_t scaled = edgeq_requantize(diff, params->input_multiplier, params->input_left_shift);
                sum_of_exps += edgeq_rounding_divide_by_pot(edgeq_fp_exp_on_negative_values(scaled, 5), 12);
            }
        }
        /* GetReciprocal: 1 / sum as a Q0 scale and a power of two. */
        headroom_plus_one = count_leading_zeros((uint32_t)sum_of_exps);
        num_bits_over_unit = 12 - headroom_plus_one;
        shifted_scale = edgeq_fp_one_over_one_plus_x(
            (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31)));
        exponent = num_bits_over_unit + 31 - 16;
        for (c = 0; c < params->depth; ++c) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= params->diff_min) {
                const int32_t scaled = edgeq_requantize(diff, params->input_multiplier, params->input_left_shift);
                const int32_t exp_q0 = edgeq_fp_exp_on_negative_values(scaled, 5);
                const int32_t unsat = edgeq_rounding_divide_by_pot(
                    edgeq_sat_rounding_doubling_high_mul(shifted_scale, exp_q0), exponent);
                out[c] = (int16_t)edgeq_clamp_s32(unsat - 32768, -32768, 32767);
            } else {
                out[c] = -32768;
            }
        }
    }
}
