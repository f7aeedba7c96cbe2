/*
 * FULLY_CONNECTED and 1x1 stride-1 CONV_2D: input rows expanded to int16 pairs in scratch, four rows
 * at a time through the 4-row GEMM tile (each weight word loaded and sign-extended once for four
 * rows), the remaining rows one by one. Every row is read into scratch before any output row is
 * written, so the output may overwrite the input (in place).
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

/* Expands `depth` bytes (any count; the last word padded with zeros) with stride `stride`. */
static int32_t expand_row(const int8_t *x, int32_t depth, int32_t words, uint32_t *dst, int32_t stride)
{
    const int32_t full = depth >> 2;
    int32_t sum = edgeq_gemm_expand_s8(x, full, dst, stride);
    if (full < words) {
        int8_t tail[4] = {0, 0, 0, 0};
        int32_t i;
        for (i = 0; i < (depth & 3); ++i) {
            tail[i] = x[4 * full + i];
        }
        sum += edgeq_gemm_expand_s8(tail, 1, dst + 2 * full * stride, stride);
    }
    return sum;
}

void edgeq_pointwise_s8(const edgeq_packed_s8_t *p, int32_t rows, int32_t depth, const int8_t *input,
                        int8_t *output, void *scratch)
{
    uint32_t *xq = (uint32_t *)scratch;
    const int32_t words = p->depth_words;
    int32_t r = 0, i;
    for (; r + 4 <= rows; r += 4) {
        int32_t sums[4];
        for (i = 0; i < 4; ++i) {
            sums[i] = expand_row(input + (r + i) * depth, depth, words, xq + i, 4);
        }
        edgeq_gemm_tile4_s8(p, xq, sums, output + r * p->channels);
    }
    for (; r < rows; ++r) {
        const int32_t sum = expand_row(input + r * depth, depth, words, xq, 1);
        edgeq_gemm_row_s8(p, xq, sum, output + r * p->channels);
    }
}
