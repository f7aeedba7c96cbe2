/*
 * SOFTMAX int16 (TFLM's SoftmaxInt16): per row, exp(x - max) from the exp LUT on differences rescaled so
 * that [-65535, 0] spans [-10, 0]; the Q16.15 sum is normalised by its leading zeros, its reciprocal read
 * from the 1/(1+x) LUT; outputs are exp * reciprocal rounded back to Q0.15 in [0, 32767].
 */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"
#include "edgeq_fixedpoint.h" /* edgeq_count_leading_zeros_u32 */

/* TFLM's LUTLookup for int16: interpolate between anchor 256 + (v >> 7) and the next one. */
static int16_t lut_lookup(int32_t value, const int16_t *lut)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7f;
    const int32_t base = lut[index];
    const int32_t slope = (int16_t)(lut[index + 1] - lut[index]);
    return (int16_t)(base + ((slope * offset + 64) >> 7));
}

void edgeq_softmax_s16(int32_t outer, int32_t depth, const edgeq_softmax_params_s16_t *p, const int16_t *input,
                       int16_t *output)
{
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const int16_t *in = input + i * depth;
        int16_t *out = output + i * depth;
        int32_t max_in_row = -32768;
        int32_t sum_of_exps = 0; /* Q16.15 */
        int32_t headroom_plus_one, shifted_sum, right_shift;
        int16_t reciprocal;
        int64_t round;
        for (c = 0; c < depth; ++c) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        /* The exp values are cached in the output row (in place is fine: each in[c] is read first). */
        for (c = 0; c < depth; ++c) {
            const int32_t scaled = edgeq_requantize((int32_t)in[c] - max_in_row, p->input_multiplier, p->input_shift);
            out[c] = lut_lookup(edgeq_clamp_s32(scaled + 32767, -32768, 32767), p->exp_lut);
            sum_of_exps += out[c];
        }
        headroom_plus_one = edgeq_count_leading_zeros_u32((uint32_t)sum_of_exps);
        shifted_sum = (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        /* The LUT computes 1/(1 + x): x = sum - 1, recentred from [0, 65535] to [-32768, 32767]. */
        reciprocal = lut_lookup(edgeq_clamp_s32(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767),
                                p->one_over_one_plus_x_lut);
        right_shift = 31 - headroom_plus_one;
        round = (int64_t)1 << (right_shift - 1);
        for (c = 0; c < depth; ++c) {
            const int32_t result = (int32_t)(((int64_t)out[c] * (int64_t)reciprocal + round) >> right_shift);
            out[c] = (int16_t)edgeq_clamp_s32(result, 0, 32767);
        }
    }
}
