/*
 * Loads input rows into the ring of edgeq_kernels_packed.h (edgeq_ring_rows(g) rows: the dilated filter
 * height). Rows are loaded in increasing order and only when an output row first needs them, which is
 * what makes the convolutions safe in place: when output row oy (stride 1, output shape == input shape)
 * is written, every input row it or a later output row still reads is either in the ring or at index
 * > oy, not yet overwritten. Rows a stride larger than the ring skips are never loaded.
 */
#include <string.h>

#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

void edgeq_ring_load_s8(const edgeq_conv_geom_t *g, int32_t pad_value, const int8_t *image, int8_t *ring,
                        int32_t oy, int32_t *next_row)
{
    const int32_t row_bytes = edgeq_ring_row_bytes(g);
    const int32_t ring_h = edgeq_ring_rows(g);
    const int32_t first = oy * g->stride_h - g->pad_top;
    const int32_t last = first + ring_h - 1;
    const int32_t ring_w = row_bytes / g->input_c;
    const int32_t copy_w = g->input_w < ring_w - g->pad_left ? g->input_w : ring_w - g->pad_left;
    int32_t r = *next_row > first ? *next_row : first;
    if (oy == 0) {
        memset(ring, (int)(int8_t)pad_value, (size_t)(row_bytes * ring_h));
        r = first;
    }
    for (; r <= last; ++r) {
        int8_t *dst = ring + ((r + g->pad_top) % ring_h) * row_bytes + g->pad_left * g->input_c;
        if (r >= 0 && r < g->input_h) {
            edgeq_copy_s8(dst, image + r * g->input_w * g->input_c, copy_w * g->input_c);
        } else {
            memset(dst, (int)(int8_t)pad_value, (size_t)(copy_w * g->input_c));
        }
    }
    *next_row = last + 1;
}
