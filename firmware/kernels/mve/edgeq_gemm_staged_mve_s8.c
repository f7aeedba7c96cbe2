/*
 * edgeq_gemm_staged_mve_s8.c — edgeq_gemm_mve_s8 for an output that may overlap its input (a 1x1 convolution
 * run in place): each pair of input rows is copied into scratch before its output rows are written, so the
 * output rows r, r + 1 may overwrite input rows up to r + 1 (edgeq_gemm_row_mve_s8 reads each row once per
 * channel block). Scratch: edgeq_gemm_staged_mve_s8_scratch_size(p) (two rows).
 */
#include "edgeq_mve_util.h"

void edgeq_gemm_staged_mve_s8(const edgeq_mve_gemm_s8_t *p, int32_t rows, const int8_t *input, int8_t *output,
                              void *scratch)
{
    int8_t *x = (int8_t *)scratch;
    int32_t r;
    for (r = 0; r + 1 < rows; r += 2) {
        edgeq_mve_copy_s8(x, input + r * p->depth, 2 * p->depth);
        edgeq_gemm_row_mve_s8(p, x, x + p->depth, output + r * p->channels, output + (r + 1) * p->channels);
    }
    if (r < rows) {
        edgeq_mve_copy_s8(x, input + r * p->depth, p->depth);
        edgeq_gemm_row_mve_s8(p, x, 0, output + r * p->channels, 0);
    }
}
