/* TANH, float32 (TFLite reference: the C library's tanh in float). */
#include <math.h>

#include "edgeq_activations.h"

void edgeq_tanh_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = tanhf(input[i]);
    }
}
