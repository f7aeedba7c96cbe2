/* L2_NORMALIZATION, int8 (TFLM's reference_integer_ops::L2Normalization): per row, the sum of squared
 * offsets gets an inverse square root multiplier; each offset is rescaled by it into the output scale 1/128
 * (zero point 0) and saturated. The sum fits int32 for depth < 2^15. */
#include "edgeq_inv_sqrt.h"
#include "edgeq_kernels_math.h"

void edgeq_l2norm_s8(int32_t outer, int32_t depth, int32_t input_zero_point, const int8_t *input,
                     int8_t *output)
{
    int32_t r, c;
    for (r = 0; r < outer; ++r) {
        const int8_t *row = input + r * depth;
        int8_t *out = output + r * depth;
        int32_t sum = 0, multiplier, shift;
        for (c = 0; c < depth; ++c) {
            const int32_t v = row[c] - input_zero_point;
            sum += v * v;
        }
        edgeq_inv_sqrt_multiplier(sum, &multiplier, &shift);
        for (c = 0; c < depth; ++c) {
            const int32_t v = edgeq_requantize(row[c] - input_zero_point, multiplier, shift + 7);
            out[c] = (int8_t)edgeq_clamp_s32(v, -128, 127);
        }
    }
}
