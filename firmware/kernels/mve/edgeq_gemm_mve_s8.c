/*
 * edgeq_gemm_mve_s8.c — FULLY_CONNECTED / 1x1 stride-1 CONV_2D on Helium: `rows` GEMM rows read straight from
 * the int8 input (no scratch), each through edgeq_gemm_row_mve_s8.
 */
#include "edgeq_mve_util.h"

void edgeq_gemm_mve_s8(const edgeq_mve_gemm_s8_t *p, int32_t rows, const int8_t *input, int8_t *output)
{
    int32_t r;
    for (r = 0; r < rows; ++r) {
        edgeq_gemm_row_mve_s8(p, input + r * p->depth, output + r * p->channels);
    }
}
