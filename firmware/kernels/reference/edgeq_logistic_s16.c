/*
 * LOGISTIC, int16 (TFLM reference_integer_ops::Logistic for int16): the input is rescaled to 1/(3 * 4096)
 * per step, i.e. |x| < 2^17 spans [0, 10.7), by (x * input_multiplier + round) >> input_left_shift; |x| then
 * indexes the sigmoid table with 9 fractional bits, interpolated linearly; the result is mirrored for x < 0
 * and rounded to Q0.15. Element-wise: output may alias input.
 */
#include "edgeq_kernels.h"

void edgeq_logistic_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
                        int16_t *output)
{
    const int32_t round = input_left_shift > 0 ? (int32_t)1 << (input_left_shift - 1) : 0;
    int32_t i;
    for (i = 0; i < size; ++i) {
        /* |input * multiplier| < 2^30: no overflow; >> of a negative int is arithmetic on edgeq's targets. */
        const int32_t x = ((int32_t)input[i] * input_multiplier + round) >> input_left_shift;
        const uint32_t abs_x = (uint32_t)(x < 0 ? -x : x);
        const uint32_t index = abs_x >> 9;
        uint32_t result;
        if (index >= 255) {
            result = (uint32_t)0x7FFF << 10;
        } else {
            const uint32_t a = edgeq_sigmoid_table_u16[index];
            const uint32_t b = edgeq_sigmoid_table_u16[index + 1];
            result = (a << 9) + (abs_x & 0x1FF) * (b - a);
        }
        result = x >= 0 ? result + (1u << 9) : ((1u << (16 + 9)) - result + (1u << 9) - 1u);
        output[i] = (int16_t)(result >> 10);
    }
}
