/* PRELU, float32: x >= 0 ? x : x * alpha (TFLM's BroadcastPrelu4DSlowFloat). */
#include "edgeq_broadcast.h"
#include "edgeq_kernels_math.h"

void edgeq_prelu_f32(const edgeq_broadcast_t *shape, const float *input, const float *alpha, float *output)
{
    /* A local copy: stores to the output (a char type for int8) cannot alias it, so the index arithmetic
     * stays in registers. */
    const edgeq_broadcast_t local = *shape;
    EDGEQ_BROADCAST_LOOP(&local, i1, i2, o, {
        const float x = input[i1];
        output[o] = x >= 0.0f ? x : x * alpha[i2];
    });
}
