/* ELU, float32: x < 0 ? exp(x) - 1 : x (expm1f, as TFLM's reference), element by element (may run in place). */
#include <math.h>

#include "edgeq_kernels_math.h"

void edgeq_elu_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = input[i] < 0.0f ? expm1f(input[i]) : input[i];
    }
}
