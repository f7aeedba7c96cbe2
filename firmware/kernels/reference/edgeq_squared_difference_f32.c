/* SQUARED_DIFFERENCE, float32: (x1 - x2)^2. */
#include "edgeq_broadcast.h"
#include "edgeq_kernels_math.h"

void edgeq_squared_difference_f32(const edgeq_broadcast_t *shape, const float *input1, const float *input2,
                                  float *output)
{
    EDGEQ_BROADCAST_LOOP(shape, i1, i2, o, {
        const float d = input1[i1] - input2[i2];
        output[o] = d * d;
    });
}
