/*
 * SVDF state update and time reduction, int8 state and time weights (contract: edgeq_svdf_state_q_t in
 * edgeq_kernels_recurrent.h). As TFLM: the whole state moves one element towards the front (two words per
 * step, read at an odd offset), each filter's last slot receives its newest value plus the state zero point;
 * then, because a unit's rank filters are consecutive rows of both the state and the time weights, each unit
 * is one dot product of rank * memory elements (SXTB16 + SMLAD, edgeq_dot.h) from its folded bias, requantized
 * once (edgeq_svdf_requant.h). Sums wrap modulo 2^32 like TFLM's int32 ones, in any order.
 */
#include "edgeq_dot.h"
#include "edgeq_kernels.h"
#include "edgeq_simd.h"
#include "edgeq_svdf_requant.h"

void edgeq_svdf_state_s8(const edgeq_svdf_geom_t *geom, const edgeq_svdf_state_q_t *q, const int8_t *newest,
                         const int8_t *weights_time, int8_t *state, int8_t *output)
{
    const int32_t memory = geom->memory, rows = geom->batches * geom->filters;
    const int32_t length = geom->rank * memory, total = rows * memory;
    const int32_t zp = q->state_zero_point, exact = q->exact_units, units = geom->units;
    int32_t i, b, u;
    for (i = 0; i + 8 < total; i += 8) { /* state[i] = state[i + 1], eight at a time */
        const uint32_t lo = edgeq_read_u32(state + i + 1), hi = edgeq_read_u32(state + i + 5);
        edgeq_write_u32(state + i, lo);
        edgeq_write_u32(state + i + 4, hi);
    }
    for (; i + 1 < total; ++i) {
        state[i] = state[i + 1];
    }
    for (i = 0; i < rows; ++i) {
        /* the zero point is added after the FC's clamp and the sum narrowed modulo 2^8, as TFLM does */
        state[i * memory + memory - 1] = (int8_t)(uint8_t)(uint32_t)(newest[i] + zp);
    }
    for (b = 0; b < geom->batches; ++b) {
        const int8_t *w = weights_time;
        const int32_t *unit = q->units;
        for (u = 0; u < units; ++u, state += length, w += length, unit += 4) {
            *output++ = edgeq_svdf_requant_unit(edgeq_dot_s8(state, w, length, unit[0]), unit + 1, exact);
        }
    }
}
