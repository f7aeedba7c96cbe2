/* SQUARED_DIFFERENCE, int16_t (TFLM's quantized SquaredDifference): both inputs offset, shifted left and
 * rescaled to a common scale, the difference squared in int32 (wrapping as TFLM's), rescaled to the output. */
#include "edgeq_broadcast.h"
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_squared_difference_s16(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *p,
                                  const int16_t *input1, const int16_t *input2, int16_t *output)
{
    /* A local copy: stores to the output (a char type for int8) cannot alias it, so the index arithmetic
     * stays in registers. */
    const edgeq_broadcast_t local = *shape;
    EDGEQ_BROADCAST_LOOP(&local, i1, i2, o, {
        const int32_t a = (int32_t)((uint32_t)(p->input1_offset + input1[i1]) << p->left_shift);
        const int32_t b = (int32_t)((uint32_t)(p->input2_offset + input2[i2]) << p->left_shift);
        const int32_t diff = edgeq_requantize(a, p->input1_multiplier, p->input1_shift)
                           - edgeq_requantize(b, p->input2_multiplier, p->input2_shift);
        const int32_t squared = (int32_t)((uint32_t)diff * (uint32_t)diff);
        const int32_t raw = edgeq_requantize(squared, p->output_multiplier, p->output_shift) + p->output_zero_point;
        output[o] = (int16_t)edgeq_clamp_s32(raw, p->act_min, p->act_max);
    });
}
