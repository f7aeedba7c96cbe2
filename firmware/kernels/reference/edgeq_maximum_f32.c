/* MAXIMUM, float: the larger stored value of each broadcast pair (TFLM's MaximumMinimumBroadcastSlow; one
 * quantization for inputs and output, so no rescaling). Element-wise: output may alias an input. */
#include "edgeq_broadcast.h"
#include "edgeq_kernels_math.h"

void edgeq_maximum_f32(const edgeq_broadcast_t *shape, const float *input1, const float *input2, float *output)
{
    /* A local copy: stores to the output (a char type for int8) cannot alias it, so the index arithmetic
     * stays in registers. */
    const edgeq_broadcast_t local = *shape;
    EDGEQ_BROADCAST_LOOP(&local, i1, i2, o, {
        const float a = input1[i1];
        const float b = input2[i2];
        output[o] = a > b ? a : b;
    });
}
