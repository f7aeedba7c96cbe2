/*
 * MUL, int16 (TFLite's int16 path; zero points are 0): one double-rounding requantization of the int32
 * product. |x1 * x2| <= 2^30 fits. Broadcasting via edgeq_broadcast_t; output may alias either input.
 */
#include "edgeq_broadcast.h"
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_mul_s16(const edgeq_broadcast_t *shape, const edgeq_mul_params_s8_t *p, const int16_t *input1,
                   const int16_t *input2, int16_t *output)
{
    EDGEQ_BROADCAST_LOOP(shape, i1, i2, o, {
        const int32_t prod = (p->input1_offset + input1[i1]) * (p->input2_offset + input2[i2]);
        const int32_t raw = edgeq_requantize(prod, p->output_multiplier, p->output_shift) + p->output_zero_point;
        output[o] = (int16_t)edgeq_clamp_s32(raw, p->act_min, p->act_max);
    });
}
