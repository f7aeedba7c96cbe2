/*
 * TANH, int16 (TFLM reference_integer_ops::Tanh for int16): tanh(x) = 2 * sigmoid(2x) - 1 read from the
 * sigmoid table with 8 fractional bits (the doubling), after the same input rescaling as LOGISTIC; the
 * result is recentred, mirrored for x < 0 and rounded to Q0.15. Element-wise: output may alias input.
 */
#include "edgeq_kernels.h"

void edgeq_tanh_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
                    int16_t *output)
{
    const int32_t round = input_left_shift > 0 ? (int32_t)1 << (input_left_shift - 1) : 0;
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t x = ((int32_t)input[i] * input_multiplier + round) >> input_left_shift;
        const uint32_t abs_x = (uint32_t)(x < 0 ? -x : x);
        const uint32_t index = abs_x >> 8;
        int32_t result;
        if (index >= 255) {
            result = 0xFFFF << 8;
        } else {
            const uint32_t a = edgeq_sigmoid_table_u16[index];
            const uint32_t b = edgeq_sigmoid_table_u16[index + 1];
            result = (int32_t)((a << 8) + (abs_x & 0xFF) * (b - a)); /* b >= a: the table increases */
        }
        result = x >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2))
                        : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        /* >> of a negative int is arithmetic on every compiler edgeq targets, as TFLM assumes too. */
        output[i] = (int16_t)(result >> (9 - 1));
    }
}
