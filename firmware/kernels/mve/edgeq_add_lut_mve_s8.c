/*
 * edgeq_add_lut_mve_s8.c — int8 ADD / SUB of two same-shape tensors on Helium, through the per-input tables of
 * edgeq_add_lut_s8 (elementwise_variants.py: TFLM's rescale of each input value, tabulated): four elements
 * per step, each input's bytes widened as unsigned table indices (VLDRB.U32) and looked up with one VLDRW
 * gather, the sum requantized as the convolutions' outputs (edgeq_mve_requant4q, its fast form or per lane
 * TFLM's full range). The last step is tail-predicated (VCTP). Reads four elements before writing them: may
 * run in place.
 */
#include "edgeq_mve_util.h"

void edgeq_add_lut_mve_s8(const edgeq_add_lut_mve_s8_t *p, const int8_t *a, const int8_t *b, int8_t *output)
{
    const edgeq_mve_act_t act = edgeq_mve_act(p->act_min, p->act_max);
    const edgeq_mve_rq4_t q = edgeq_mve_rq4(p->requant, p->exact);
    int32_t i;
    for (i = 0; i < p->elements; i += 4) {
        const int32_t n = p->elements - i < 4 ? p->elements - i : 4;
        const mve_pred16_t lanes = vctp32q((uint32_t)n);
        const uint32x4_t ia = vldrbq_z_u32((const uint8_t *)(a + i), lanes);
        const uint32x4_t ib = vldrbq_z_u32((const uint8_t *)(b + i), lanes);
        const int32x4_t sum = vaddq_s32(vldrwq_gather_shifted_offset_s32(p->table1, ia),
                                        vldrwq_gather_shifted_offset_s32(p->table2, ib));
        edgeq_mve_requant4q(sum, &q, act, output + i, n);
    }
}
