/* RESIZE_BILINEAR, int8: TFLite's ResizeBilinearInteger with the row/column taps precomputed (see
 * edgeq_kernels_movement.h). Each output is sum(value * row_weight * col_weight) in 1/2^20, rounded half
 * away from zero. The weights of a tap pair sum to 1024 and each lies in (-512, 1536), so every partial
 * sum stays below 4 * 128 * 1536 * 1536 < 2^31: int32 suffices for int8 values. */
#include "edgeq_kernels_movement.h"

void edgeq_resize_bilinear_s8(const edgeq_resize_geom_t *g, const edgeq_resize_tap_t *rows,
                              const edgeq_resize_tap_t *cols, const int8_t *input, int8_t *output)
{
    const int32_t depth = g->depth;
    const int32_t row_elems = g->input_w * depth;
    int32_t b, y, x, c;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * row_elems;
        for (y = 0; y < g->output_h; ++y) {
            const int8_t *top = image + rows[y].lower * row_elems;
            const int8_t *bottom = image + rows[y].upper * row_elems;
            const int32_t wy1 = rows[y].weight, wy0 = 1024 - wy1;
            for (x = 0; x < g->output_w; ++x) {
                const int32_t left = cols[x].lower * depth, right = cols[x].upper * depth;
                const int32_t wx1 = cols[x].weight, wx0 = 1024 - wx1;
                for (c = 0; c < depth; ++c) {
                    const int32_t sum = top[left + c] * wy0 * wx0 + bottom[left + c] * wy1 * wx0 +
                                        top[right + c] * wy0 * wx1 + bottom[right + c] * wy1 * wx1;
                    const int32_t round = sum > 0 ? (1 << 19) : -(1 << 19);
                    *output++ = (int8_t)((sum + round) / (1 << 20));
                }
            }
        }
    }
}
