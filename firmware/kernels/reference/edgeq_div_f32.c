/* DIV, float32: x1 / x2 clamped to the fused activation's bounds. */
#include "edgeq_broadcast.h"
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_div_f32(const edgeq_broadcast_t *shape, const edgeq_act_f32_t *act, const float *input1,
                   const float *input2, float *output)
{
    /* A local copy: stores to the output (a char type for int8) cannot alias it, so the index arithmetic
     * stays in registers. */
    const edgeq_broadcast_t local = *shape;
    EDGEQ_BROADCAST_LOOP(&local, i1, i2, o, {
        output[o] = edgeq_clamp_f32(input1[i1] / input2[i2], act->act_min, act->act_max);
    });
}
