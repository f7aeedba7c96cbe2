/* CONCATENATION, int16_t: interleave slices of the inputs along the concatenation axis. */
#include <string.h>

#include "edgeq_kernels.h"

void edgeq_concat_s16(int32_t outer, int32_t num_inputs, const int16_t *const *inputs, const int32_t *copy_sizes,
                     int16_t *output)
{
    int32_t o, k;
    for (o = 0; o < outer; ++o) {
        for (k = 0; k < num_inputs; ++k) {
            memcpy(output, inputs[k] + o * copy_sizes[k], (size_t)copy_sizes[k] * sizeof(*output));
            output += copy_sizes[k];
        }
    }
}
