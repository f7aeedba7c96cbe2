/*
 * SVDF state update and time reduction, int16 state and time weights (contract: edgeq_svdf_state_q_t in
 * edgeq_kernels_recurrent.h). As edgeq_svdf_state_s8.c with int16 elements: the state moves one element
 * towards the front (four elements per step, word loads at a halfword offset), the newest values plus the
 * state zero point go to each filter's last slot, and each unit is one SMLAD dot product of rank * memory
 * elements (edgeq_dot.h) from its folded bias, requantized once (edgeq_svdf_requant.h).
 */
#include "edgeq_dot.h"
#include "edgeq_kernels.h"
#include "edgeq_simd.h"
#include "edgeq_svdf_requant.h"

void edgeq_svdf_state_s16(const edgeq_svdf_geom_t *geom, const edgeq_svdf_state_q_t *q, const int16_t *newest,
                          const int16_t *weights_time, int16_t *state, int8_t *output)
{
    const int32_t memory = geom->memory, rows = geom->batches * geom->filters;
    const int32_t length = geom->rank * memory, total = rows * memory;
    const int32_t zp = q->state_zero_point, exact = q->exact_units, units = geom->units;
    int32_t i, b, u;
    for (i = 0; i + 4 < total; i += 4) { /* state[i] = state[i + 1], four at a time */
        const uint32_t lo = edgeq_read_u32(state + i + 1), hi = edgeq_read_u32(state + i + 3);
        edgeq_write_u32(state + i, lo);
        edgeq_write_u32(state + i + 2, hi);
    }
    for (; i + 1 < total; ++i) {
        state[i] = state[i + 1];
    }
    for (i = 0; i < rows; ++i) {
        /* the zero point is added after the FC's clamp and the sum narrowed modulo 2^16, as TFLM does */
        state[i * memory + memory - 1] = (int16_t)(uint16_t)(uint32_t)(newest[i] + zp);
    }
    for (b = 0; b < geom->batches; ++b) {
        const int16_t *w = weights_time;
        const int32_t *unit = q->units;
        for (u = 0; u < units; ++u, state += length, w += length, unit += 4) {
            *output++ = edgeq_svdf_requant_unit(edgeq_dot_s16(state, w, length, unit[0]), unit + 1, exact);
        }
    }
}
