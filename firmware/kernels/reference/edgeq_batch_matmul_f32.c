/* BATCH_MATMUL, float32: each output sums lhs[i][k] * rhs_t[j][k] for k in order from 0, as TFLM's reference. */
#include "edgeq_kernels_math.h"

void edgeq_batch_matmul_f32(const edgeq_bmm_geom_t *g, const float *lhs, const float *rhs_t, float *output)
{
    int32_t b0, b1, b2, i, j, k;
    for (b0 = 0; b0 < g->batch_dims[0]; ++b0) {
        for (b1 = 0; b1 < g->batch_dims[1]; ++b1) {
            for (b2 = 0; b2 < g->batch_dims[2]; ++b2) {
                const float *l = lhs + b0 * g->lhs_batch_strides[0] + b1 * g->lhs_batch_strides[1]
                               + b2 * g->lhs_batch_strides[2];
                const float *r = rhs_t + b0 * g->rhs_batch_strides[0] + b1 * g->rhs_batch_strides[1]
                               + b2 * g->rhs_batch_strides[2];
                for (i = 0; i < g->rows; ++i) {
                    const float *lrow = l + i * g->depth;
                    for (j = 0; j < g->cols; ++j) {
                        const float *rrow = r + j * g->depth;
                        float acc = 0.0f;
                        for (k = 0; k < g->depth; ++k) {
                            acc += lrow[k] * rrow[k];
                        }
                        *output++ = acc;
                    }
                }
            }
        }
    }
}
