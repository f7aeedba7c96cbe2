/*
 * FULLY_CONNECTED and 1x1 stride-1 CONV_2D: one packed GEMM row per input row. With scratch, each
 * input row is copied first, so the output may overwrite the input (in place) and odd depths are
 * padded to whole words.
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

void edgeq_pointwise_s8(const edgeq_packed_s8_t *p, int32_t rows, int32_t depth, const int8_t *input,
                        int8_t *output, int8_t *scratch)
{
    int32_t r;
    for (r = 0; r < rows; ++r) {
        const int8_t *x = input + r * depth;
        if (scratch != 0) {
            edgeq_copy_s8(scratch, x, depth);
            x = scratch;
        }
        edgeq_gemm_row_s8(p, x, output + r * p->channels);
    }
}
