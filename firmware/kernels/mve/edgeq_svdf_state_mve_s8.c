/*
 * SVDF state update and time reduction on Helium, int8 state and time weights (contract:
 * edgeq_svdf_state_mve_t in edgeq_kernels_recurrent.h; same results as variants/edgeq_svdf_state_s8.c). The
 * state moves one element towards the front 16 bytes per step, each filter's last slot receives its newest value
 * (int16, from edgeq_svdf_feature_mve_s8) plus the state zero point four rows per scatter store, and each unit's
 * rank consecutive rows are one dot product: four units per block of VMLADAVAs (edgeq_svdf_mve.h), their sums
 * requantized as one vector. Sums wrap modulo 2^32 like TFLM's int32 ones, in any order.
 */
#include "edgeq_svdf_mve.h"

void edgeq_svdf_state_mve_s8(const edgeq_svdf_geom_t *geom, const edgeq_svdf_state_mve_t *p, const int16_t *newest,
                             const int8_t *weights_time, int8_t *state, int8_t *output)
{
    const int32_t memory = geom->memory, rows = geom->batches * geom->filters, units = geom->units;
    const int32_t length = geom->rank * memory;
    const edgeq_svdf_rescale_mve_t rescale = {p->multiplier, p->left_shift, p->right_shift, p->output_zero_point};
    const int32_t *bias = p->bias;
    const int32x4_t zp = vdupq_n_s32(p->state_zero_point);
    uint32x4_t slots = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)memory); /* rows i .. i+3, in elements */
    int32_t i, b, u;
    edgeq_svdf_shift_mve((int8_t *)state, (int32_t)sizeof(*state), (int32_t)sizeof(*state) * (rows * memory - 1));
    /* last slot of each row = newest + the state zero point, narrowed modulo 2^8 as TFLM does; four rows per
     * scatter store, the last ones predicated */
    for (i = 0; i + 4 <= rows; i += 4, newest += 4) {
        vstrbq_scatter_offset_s32(state + memory - 1, slots, vaddq_s32(vldrhq_s32(newest), zp));
        slots = vaddq_n_u32(slots, 4u * (uint32_t)memory);
    }
    if (i < rows) {
        const mve_pred16_t tail = vctp32q((uint32_t)(rows - i));
        vstrbq_scatter_offset_p_s32(state + memory - 1, slots, vaddq_s32(vldrhq_z_s32(newest, tail), zp), tail);
    }
    for (b = 0; b < geom->batches; ++b, state += units * length, output += units) {
        for (u = 0; u + 4 <= units; u += 4) {
            const int8_t *s0 = state + u * length, *w0 = weights_time + u * length;
            const int32x4_t sums = edgeq_svdf_dot4_rows_mve_s8(s0, length, w0, length, length);
            const int32x4_t acc = vaddq_s32(sums, vldrwq_s32(bias + u));
            vstrbq_s32(output + u, edgeq_svdf_requant4_mve(&rescale, acc, 8));
        }
        if (u < units) { /* 1-3 units: the missing lanes repeat the first unit and are not stored */
            const int32_t left = units - u;
            const int8_t *s0 = state + u * length, *w0 = weights_time + u * length;
            const int32_t d1 = left > 1 ? length : 0, d2 = left > 2 ? 2 * length : 0;
            const int32x4_t acc = vaddq_s32(edgeq_svdf_dot4_mve_s8(s0, w0, s0 + d1, w0 + d1, s0 + d2, w0 + d2, s0, w0,
                                                                   length),
                                            vldrwq_s32(bias + u));
            vstrbq_p_s32(output + u, edgeq_svdf_requant4_mve(&rescale, acc, 8), vctp32q((uint32_t)left));
        }
    }
}
