/* RELU6, int8 (TFLM Relu6Quantized): a clamp in the input's quantized domain, no requantization. */
#include "edgeq_activations.h"

void edgeq_relu6_s8(int32_t lower, int32_t upper, int32_t size, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const int32_t value = input[i];
        output[i] = (int8_t)(value > upper ? upper : (value < lower ? lower : value));
    }
}
