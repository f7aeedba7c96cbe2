/* RESIZE_BILINEAR, float32: TFLite's reference expression, term for term and in the same order, with the
 * row/column taps (lower, upper, fraction) precomputed in float (see edgeq_kernels_movement.h). */
#include "edgeq_kernels_movement.h"

void edgeq_resize_bilinear_f32(const edgeq_resize_geom_t *g, const edgeq_resize_tap_f32_t *rows,
                               const edgeq_resize_tap_f32_t *cols, const float *input, float *output)
{
    const int32_t depth = g->depth;
    const int32_t row_elems = g->input_w * depth;
    int32_t b, y, x, c;
    for (b = 0; b < g->batches; ++b) {
        const float *image = input + b * g->input_h * row_elems;
        for (y = 0; y < g->output_h; ++y) {
            const float *top = image + rows[y].lower * row_elems;
            const float *bottom = image + rows[y].upper * row_elems;
            const float dy = rows[y].fraction;
            for (x = 0; x < g->output_w; ++x) {
                const int32_t left = cols[x].lower * depth, right = cols[x].upper * depth;
                const float dx = cols[x].fraction;
                for (c = 0; c < depth; ++c) {
                    *output++ = top[left + c] * (1 - dy) * (1 - dx) + bottom[left + c] * dy * (1 - dx) +
                                top[right + c] * (1 - dy) * dx + bottom[right + c] * dy * dx;
                }
            }
        }
    }
}
