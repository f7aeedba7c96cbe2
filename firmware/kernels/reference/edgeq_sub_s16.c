/*
 * SUB, int16 (TFLite's general int16 path, left_shift 15): both inputs are offset, shifted left and rescaled
 * to a common scale, combined, then rescaled to the output, as the int8 kernel does with left_shift 20.
 * Broadcasting via edgeq_broadcast_t; element-wise, so output may alias either input.
 */
#include "edgeq_broadcast.h"
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_sub_s16(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *p, const int16_t *input1,
                   const int16_t *input2, int16_t *output)
{
    EDGEQ_BROADCAST_LOOP(shape, i1, i2, o, {
        const int32_t a = (int32_t)((uint32_t)(p->input1_offset + input1[i1]) << p->left_shift);
        const int32_t b = (int32_t)((uint32_t)(p->input2_offset + input2[i2]) << p->left_shift);
        const int32_t sa = edgeq_requantize(a, p->input1_multiplier, p->input1_shift);
        const int32_t sb = edgeq_requantize(b, p->input2_multiplier, p->input2_shift);
        const int32_t raw = edgeq_requantize(sa - sb, p->output_multiplier, p->output_shift) + p->output_zero_point;
        output[o] = (int16_t)edgeq_clamp_s32(raw, p->act_min, p->act_max);
    });
}
