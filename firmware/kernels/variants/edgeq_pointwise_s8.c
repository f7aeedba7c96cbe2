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

/* Four rows `depth` = 4 * words bytes apart expanded with stride 4 in one loop, their sums in
 * sums[]: the layout of four expand_row calls, without a call per row (on a shallow layer, e.g. 8 input
 * channels, the calls cost as much as the expansion). */
static void expand_4rows(const int8_t *x, int32_t depth, int32_t words, uint32_t *dst, int32_t sums[4])
{
    const uint32_t ones = 0x00010001u;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (; words > 0; --words, x += 4, dst += 8) {
        uint32_t v = edgeq_read_u32(x), even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
        dst[0] = even, dst[4] = odd;
        s0 = edgeq_smlad(odd, ones, edgeq_smlad(even, ones, s0));
        v = edgeq_read_u32(x + depth), even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
        dst[1] = even, dst[5] = odd;
        s1 = edgeq_smlad(odd, ones, edgeq_smlad(even, ones, s1));
        v = edgeq_read_u32(x + 2 * depth), even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
        dst[2] = even, dst[6] = odd;
        s2 = edgeq_smlad(odd, ones, edgeq_smlad(even, ones, s2));
        v = edgeq_read_u32(x + 3 * depth), even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
        dst[3] = even, dst[7] = odd;
        s3 = edgeq_smlad(odd, ones, edgeq_smlad(even, ones, s3));
    }
    sums[0] = s0, sums[1] = s1, sums[2] = s2, sums[3] = s3;
}

void edgeq_pointwise_s8(const edgeq_packed_s8_t *p, int32_t rows, int32_t depth, const int8_t *input,
                        int8_t *output, void *scratch)
{
    uint32_t *xq = (uint32_t *)scratch;
    const int32_t words = p->depth_words;
    int32_t r = 0, i;
    for (; r + 4 <= rows; r += 4) {
        int32_t sums[4];
        if (4 * words == depth) { /* no partial word */
            expand_4rows(input + r * depth, depth, words, xq, sums);
        } else {
            for (i = 0; i < 4; ++i) {
                sums[i] = expand_row(input + (r + i) * depth, depth, words, xq + i, 4);
            }
        }
        edgeq_gemm_tile4_s8(p, xq, sums, output + r * p->channels);
    }
    for (; r < rows; ++r) {
        const int32_t sum = expand_row(input + r * depth, depth, words, xq, 1);
        edgeq_gemm_row_s8(p, xq, sum, output + r * p->channels);
    }
}
