/* RELU6, int16 (TFLM Relu6Quantized<int16_t>): a clamp in the input's quantized domain, no requantization.
 * Element-wise: output may alias input. */
#include "edgeq_kernels.h"

void edgeq_relu6_s16(int32_t lower, int32_t upper, int32_t size, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = input[i];
        output[i] = (int16_t)(value > upper ? upper : (value < lower ? lower : value));
    }
}
