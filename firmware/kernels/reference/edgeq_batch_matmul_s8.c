/*
 * BATCH_MATMUL, int8: output[b][i][j] = requant(sum_k (lhs[b][i][k] + lhs_offset) * (rhs_t[b][j][k] +
 * rhs_offset)) + output zero point, as TFLM's reference (int32 accumulator). Both rows are contiguous in k.
 */
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_batch_matmul_s8(const edgeq_bmm_geom_t *g, const edgeq_bmm_quant_t *q, const int8_t *lhs,
                           const int8_t *rhs_t, int8_t *output)
{
    int32_t b0, b1, b2, i, j, k;
    for (b0 = 0; b0 < g->batch_dims[0]; ++b0) {
        for (b1 = 0; b1 < g->batch_dims[1]; ++b1) {
            for (b2 = 0; b2 < g->batch_dims[2]; ++b2) {
                const int8_t *l = lhs + b0 * g->lhs_batch_strides[0] + b1 * g->lhs_batch_strides[1]
                                + b2 * g->lhs_batch_strides[2];
                const int8_t *r = rhs_t + b0 * g->rhs_batch_strides[0] + b1 * g->rhs_batch_strides[1]
                                + b2 * g->rhs_batch_strides[2];
                for (i = 0; i < g->rows; ++i) {
                    const int8_t *lrow = l + i * g->depth;
                    for (j = 0; j < g->cols; ++j) {
                        const int8_t *rrow = r + j * g->depth;
                        uint32_t acc = 0u;
                        for (k = 0; k < g->depth; ++k) {
                            acc += (uint32_t)((lrow[k] + q->lhs_offset) * (rrow[k] + q->rhs_offset));
                        }
                        *output++ = (int8_t)edgeq_clamp_s32(
                            edgeq_requantize((int32_t)acc, q->multiplier, q->shift) + q->output_zero_point,
                            q->act_min, q->act_max);
                    }
                }
            }
        }
    }
}
