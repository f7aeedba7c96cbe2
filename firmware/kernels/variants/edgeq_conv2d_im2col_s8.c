/*
 * CONV_2D as im2col + packed GEMM: each output pixel's filter window (for each filter row, the taps'
 * input_c bytes from the zero-point-padded row ring, in the filter's [fy][fx][ic] order) is expanded to
 * int16 pairs in scratch, four pixels at a time for the 4-row GEMM tile. Any kernel size, stride,
 * padding and batch; with dilation the ring holds the dilated window's rows (edgeq_ring_rows) and the
 * taps sit dilation_w columns apart. A DEPTHWISE_CONV_2D with one input channel is this convolution
 * with depth_multiplier filters of depth filter_h * filter_w (the generator packs them so).
 * A tile may span output rows (the window is expanded while its row's ring is loaded, the tile runs
 * when its fourth pixel is in), so an output width that is not a multiple of 4 (kws: 5) still runs
 * every pixel through the tile except the image's last (output_h * output_w) % 4, which take the
 * single-row GEMM. Runs of contiguous window bytes whose length is a multiple of 4 are expanded
 * straight from the ring; others are gathered into a byte column first. Safe in place (see
 * edgeq_ring_load_s8.c): a tile's outputs are written after the ring rows of its last pixel are
 * loaded, which only delays writes to rows the ring already holds.
 */
#include <string.h>

#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

/* The ring slot `step` rows after `slot` (step may exceed the ring only when filter_h is 1). */
static inline int32_t next_slot(int32_t slot, int32_t step, int32_t rows)
{
    for (slot += step; slot >= rows; slot -= rows) {
    }
    return slot;
}

/* Expands the window of the pixel starting at byte `x0` of each ring row into dst (stride `stride`). */
static int32_t expand_window(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, const int8_t *ring,
                             int32_t slot0, int32_t x0, int8_t *col, uint32_t *dst, int32_t stride)
{
    const int32_t row_bytes = edgeq_ring_row_bytes(g);
    const int32_t ring_h = edgeq_ring_rows(g);
    /* contiguous runs of window bytes per filter row: one of filter_w * input_c bytes, or (dilated) one
     * per tap, `gap` bytes apart */
    const int32_t dilated = g->dilation_w != 1;
    const int32_t run = dilated ? g->input_c : g->filter_w * g->input_c;
    const int32_t runs = dilated ? g->filter_w : 1;
    const int32_t gap = g->dilation_w * g->input_c;
    int32_t slot = slot0, fy, k, sum = 0;
    if ((run & 3) == 0) {
        const int32_t run_words = run >> 2;
        for (fy = 0; fy < g->filter_h; ++fy) {
            const int8_t *src = ring + slot * row_bytes + x0;
            for (k = 0; k < runs; ++k, src += gap, dst += 2 * run_words * stride) {
                sum += edgeq_gemm_expand_s8(src, run_words, dst, stride);
            }
            slot = next_slot(slot, g->dilation_h, ring_h);
        }
        return sum;
    }
    for (fy = 0; fy < g->filter_h; ++fy) {
        const int8_t *src = ring + slot * row_bytes + x0;
        for (k = 0; k < runs; ++k, src += gap, col += run) {
            edgeq_copy_s8(col, src, run);
        }
        slot = next_slot(slot, g->dilation_h, ring_h);
    }
    col -= g->filter_h * g->filter_w * g->input_c;
    return edgeq_gemm_expand_s8(col, p->depth_words, dst, stride);
}

void edgeq_conv2d_im2col_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, void *scratch)
{
    int8_t *ring = (int8_t *)scratch;
    int8_t *col = ring + edgeq_ring_row_bytes(g) * edgeq_ring_rows(g);
    uint32_t *xq = (uint32_t *)(void *)(col + p->depth_words * 4);
    const int32_t step = g->stride_w * g->input_c;
    const int32_t n_ch = p->channels;
    const int32_t tiled = (g->output_h * g->output_w) & ~3; /* pixels that go through the 4-row tile */
    int32_t b, oy, ox, i;
    /* Bytes past the window's depth stay zero: their weights are zero, and the input sum must not see
     * them. */
    memset(col, 0, (size_t)(p->depth_words * 4));
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * g->input_c;
        int8_t *out = output + b * g->output_h * g->output_w * g->output_c;
        int32_t next_row = 0;
        int32_t pending = 0; /* pixels of a tile begun on an earlier output row */
        int32_t sums[4];
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t slot0 = (oy * g->stride_h) % edgeq_ring_rows(g); /* slot of row oy*stride - pad_top */
            const int32_t row_start = oy * g->output_w;             /* index of pixel (oy, 0) */
            edgeq_ring_load_s8(g, pad_value, image, ring, oy, &next_row);
            /* Complete the pending tile (tiles start at multiples of 4 below `tiled`, so it fits). */
            for (ox = 0; pending != 0 && ox < g->output_w; ++ox) {
                sums[pending] = expand_window(g, p, ring, slot0, ox * step, col, xq + pending, 4);
                if (++pending == 4) {
                    edgeq_gemm_tile4_s8(p, xq, sums, out);
                    out += 4 * n_ch;
                    pending = 0;
                }
            }
            for (; ox + 4 <= g->output_w && row_start + ox < tiled; ox += 4) {
                for (i = 0; i < 4; ++i) {
                    sums[i] = expand_window(g, p, ring, slot0, (ox + i) * step, col, xq + i, 4);
                }
                edgeq_gemm_tile4_s8(p, xq, sums, out);
                out += 4 * n_ch;
            }
            /* Fewer than 4 pixels left in the row: begin a tile the next rows complete, or, past
             * `tiled`, the single-row GEMM. */
            for (; ox < g->output_w; ++ox) {
                if (row_start + ox < tiled) {
                    sums[pending] = expand_window(g, p, ring, slot0, ox * step, col, xq + pending, 4);
                    ++pending;
                } else {
                    const int32_t sum = expand_window(g, p, ring, slot0, ox * step, col, xq, 1);
                    edgeq_gemm_row_s8(p, xq, sum, out);
                    out += n_ch;
                }
            }
        }
    }
}
