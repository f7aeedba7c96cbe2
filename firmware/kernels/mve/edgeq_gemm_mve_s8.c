/*
 * edgeq_gemm_mve_s8.c — FULLY_CONNECTED / 1x1 stride-1 CONV_2D on Helium: `rows` GEMM rows read straight from
 * the int8 input (no scratch), two at a time through edgeq_gemm_row_mve_s8 (each weight load serves both).
 */
#include "edgeq_mve_util.h"

void edgeq_gemm_mve_s8(const edgeq_mve_gemm_s8_t *p, int32_t rows, const int8_t *input, int8_t *output)
{
    int32_t r;
    for (r = 0; r + 1 < rows; r += 2) {
        edgeq_gemm_row_mve_s8(p, input + r * p->depth, input + (r + 1) * p->depth, output + r * p->channels,
                              output + (r + 1) * p->channels);
    }
    if (r < rows) {
        edgeq_gemm_row_mve_s8(p, input + r * p->depth, 0, output + r * p->channels, 0);
    }
}
