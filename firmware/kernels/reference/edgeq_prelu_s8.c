/* PRELU, int8 (TFLM's BroadcastPrelu4DSlow): non-negative inputs rescaled by the identity multiplier,
 * negative ones multiplied by alpha (offset) and rescaled by the alpha multiplier; saturated to int8. */
#include "edgeq_broadcast.h"
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_prelu_s8(const edgeq_broadcast_t *shape, const edgeq_prelu_params_t *p, const int8_t *input,
                    const int8_t *alpha, int8_t *output)
{
    /* A local copy: stores to the output (a char type for int8) cannot alias it, so the index arithmetic
     * stays in registers. */
    const edgeq_broadcast_t local = *shape;
    EDGEQ_BROADCAST_LOOP(&local, i1, i2, o, {
        const int32_t v = p->input_offset + input[i1];
        const int32_t scaled = v >= 0 ? edgeq_requantize(v, p->identity_multiplier, p->identity_shift)
                                      : edgeq_requantize(v * (p->alpha_offset + alpha[i2]), p->alpha_multiplier,
                                                         p->alpha_shift);
        output[o] = (int8_t)edgeq_clamp_s32(scaled + p->output_offset, -128, 127);
    });
}
