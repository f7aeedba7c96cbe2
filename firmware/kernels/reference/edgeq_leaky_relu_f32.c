/* LEAKY_RELU, float32: x > 0 ? x : x * alpha (alpha may exceed 1 or be negative, so no max()). */
#include "edgeq_activations.h"

void edgeq_leaky_relu_f32(float alpha, int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float value = input[i];
        output[i] = value > 0.0f ? value : value * alpha;
    }
}
