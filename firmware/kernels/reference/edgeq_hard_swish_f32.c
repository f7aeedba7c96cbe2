/* HARD_SWISH, float32: x * min(6, max(0, x + 3)) / 6, evaluated in float in TFLite's order. */
#include "edgeq_activations.h"

void edgeq_hard_swish_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float value = input[i];
        const float shifted = value + 3.0f;
        const float relu6 = shifted < 0.0f ? 0.0f : (shifted > 6.0f ? 6.0f : shifted);
        output[i] = value * relu6 / 6.0f;
    }
}
