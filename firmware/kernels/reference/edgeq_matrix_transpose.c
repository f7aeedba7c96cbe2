/* Transposes `matrices` row-major [rows][cols] matrices of 1-, 2- or 4-byte elements (BATCH_MATMUL's
 * activation operands into the k-contiguous layout its kernels read). Output must not overlap input. */
#include "edgeq_kernels_math.h"

#define EDGEQ_TRANSPOSE_AS(type)                                                                  \
    do {                                                                                          \
        const type *in = (const type *)input;                                                     \
        type *out = (type *)output;                                                               \
        for (m = 0; m < matrices; ++m, in += rows * cols, out += rows * cols) {                   \
            for (r = 0; r < rows; ++r) {                                                          \
                for (c = 0; c < cols; ++c) {                                                      \
                    out[c * rows + r] = in[r * cols + c];                                         \
                }                                                                                 \
            }                                                                                     \
        }                                                                                         \
    } while (0)

void edgeq_matrix_transpose(int32_t matrices, int32_t rows, int32_t cols, int32_t element_bytes,
                            const void *input, void *output)
{
    int32_t m, r, c;
    if (element_bytes == 1) {
        EDGEQ_TRANSPOSE_AS(int8_t);
    } else if (element_bytes == 2) {
        EDGEQ_TRANSPOSE_AS(int16_t);
    } else {
        EDGEQ_TRANSPOSE_AS(uint32_t);
    }
}
