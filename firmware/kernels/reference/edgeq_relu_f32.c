/* RELU and RELU6, float32 (TFLM ReluFloat / Relu6Float); NaN passes through unchanged, as there. */
#include "edgeq_activations.h"

void edgeq_relu_f32(float lower, float upper, int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float value = input[i];
        output[i] = value > upper ? upper : (value < lower ? lower : value);
    }
}
