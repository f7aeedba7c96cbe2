/* L2_NORMALIZATION, float32: each row divided by max(sqrt(sum of squares), 1e-6), summed in order. */
#include <math.h>

#include "edgeq_kernels_math.h"

void edgeq_l2norm_f32(int32_t outer, int32_t depth, const float *input, float *output)
{
    int32_t r, c;
    for (r = 0; r < outer; ++r) {
        const float *row = input + r * depth;
        float sum = 0.0f, norm;
        for (c = 0; c < depth; ++c) {
            sum += row[c] * row[c];
        }
        norm = sqrtf(sum);
        norm = norm > 1e-6f ? norm : 1e-6f;
        for (c = 0; c < depth; ++c) {
            output[r * depth + c] = row[c] / norm;
        }
    }
}
