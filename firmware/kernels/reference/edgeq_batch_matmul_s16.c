/*
 * BATCH_MATMUL, int16 (zero points 0): int64 accumulator of lhs * rhs products and TFLM's int64
 * requantization, as its reference BatchMatMul<int16_t, int64_t>. Both rows are contiguous in k.
 */
#include "edgeq_kernels_math.h"
#include "edgeq_requant_s16.h"

void edgeq_batch_matmul_s16(const edgeq_bmm_geom_t *g, const edgeq_bmm_quant_t *q, const int16_t *lhs,
                            const int16_t *rhs_t, int16_t *output)
{
    int32_t b0, b1, b2, i, j, k;
    for (b0 = 0; b0 < g->batch_dims[0]; ++b0) {
        for (b1 = 0; b1 < g->batch_dims[1]; ++b1) {
            for (b2 = 0; b2 < g->batch_dims[2]; ++b2) {
                const int16_t *l = lhs + b0 * g->lhs_batch_strides[0] + b1 * g->lhs_batch_strides[1]
                                 + b2 * g->lhs_batch_strides[2];
                const int16_t *r = rhs_t + b0 * g->rhs_batch_strides[0] + b1 * g->rhs_batch_strides[1]
                                 + b2 * g->rhs_batch_strides[2];
                for (i = 0; i < g->rows; ++i) {
                    const int16_t *lrow = l + i * g->depth;
                    for (j = 0; j < g->cols; ++j) {
                        const int16_t *rrow = r + j * g->depth;
                        int64_t acc = 0;
                        for (k = 0; k < g->depth; ++k) {
                            acc += (int32_t)lrow[k] * rrow[k];
                        }
                        *output++ = edgeq_clamp_to_s16(edgeq_requantize_s64(acc, q->multiplier, q->shift),
                                                       q->act_min, q->act_max);
                    }
                }
            }
        }
    }
}
