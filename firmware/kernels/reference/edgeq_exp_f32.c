/* EXP, float32: exp(x), element by element (may run in place). */
#include <math.h>

#include "edgeq_kernels_math.h"

void edgeq_exp_f32(int32_t size, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = expf(input[i]);
    }
}
