/* SQUARED_DIFFERENCE, float32: (x1 - x2)^2. */
#include "edgeq_broadcast.h"
#include "edgeq_kernels_math.h"

void edgeq_squared_difference_f32(const edgeq_broadcast_t *shape, const float *input1, const float *input2,
                                  float *output)
{
    /* A local copy: stores to the output (a char type for int8) cannot alias it, so the index arithmetic
     * stays in registers. */
    const edgeq_broadcast_t local = *shape;
    EDGEQ_BROADCAST_LOOP(&local, i1, i2, o, {
        const float d = input1[i1] - input2[i2];
        output[o] = d * d;
    });
}
