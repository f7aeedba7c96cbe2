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
 * loaded, which only delays writes to rows the ring already holds. The same order lets the output
 * overlap the input from below (edgeq.plan.overlap, im2col_variants.ring_output_gap): every byte of
 * output row oy (and of a tile completed in it) is written after edgeq_ring_load_s8 has copied the input
 * rows up to oy * stride_h - pad_top + edgeq_ring_rows(g) - 1, and no input row is read after it is copied.
 */
#include <string.h>

#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

/* What expanding one pixel's window needs, computed once per call (the per-pixel work is then a few
 * loads and the expansion itself). */
typedef struct {
    int8_t *col;          /* gathered window bytes (depth_words * 4 + 4 spare, the tail kept zero) */
    int32_t row_bytes;    /* ring row stride */
    int32_t ring_h;       /* ring rows */
    int32_t filter_h, dilation_h;
    int32_t run, runs;    /* contiguous window bytes per run, runs per filter row */
    int32_t gap;          /* bytes between the runs of a filter row */
    int32_t run_words;    /* undilated and run a multiple of 4: run / 4 (expanded straight from the ring), else 0
                           * (gathered into col first) */
    int32_t depth_words;
} window_t;

static void window_init(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int8_t *col, window_t *w)
{
    const int32_t dilated = g->dilation_w != 1;
    w->col = col;
    w->row_bytes = edgeq_ring_row_bytes(g);
    w->ring_h = edgeq_ring_rows(g);
    w->filter_h = g->filter_h;
    w->dilation_h = g->dilation_h;
    w->run = dilated ? g->input_c : g->filter_w * g->input_c;
    w->runs = dilated ? g->filter_w : 1;
    w->gap = g->dilation_w * g->input_c;
    w->run_words = !dilated && (w->run & 3) == 0 ? w->run >> 2 : 0;
    w->depth_words = p->depth_words;
}

/* edgeq_gemm_expand_s8 inlined: `words` words at x into dst[0], dst[stride], ...; adds the bytes to sum. */
static inline int32_t expand_words(const int8_t *x, int32_t words, uint32_t *dst, int32_t stride, int32_t sum)
{
    const uint32_t ones = 0x00010001u;
    for (; words > 0; --words, x += 4, dst += 2 * stride) {
        const uint32_t v = edgeq_read_u32(x);
        const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
        dst[0] = even;
        dst[stride] = odd;
        sum = edgeq_smlad(even, ones, sum);
        sum = edgeq_smlad(odd, ones, sum);
    }
    return sum;
}

/* Expands the window of the pixel starting at byte `x0` of ring slot `slot` (its first filter row) into
 * dst (stride `stride`); returns the sum of its bytes. The window's fields are copied to locals first:
 * the stores through dst and col could alias them as far as C is concerned. */
static int32_t expand_window(const window_t *w, const int8_t *ring, int32_t slot, int32_t x0, uint32_t *dst,
                             int32_t stride)
{
    const int32_t filter_h = w->filter_h, row_bytes = w->row_bytes, ring_h = w->ring_h, dil_h = w->dilation_h;
    const int32_t runs = w->runs, gap = w->gap, run = w->run, run_words = w->run_words;
    const int32_t ring_step = dil_h * row_bytes, ring_bytes = ring_h * row_bytes;
    const int8_t *row = ring + slot * row_bytes + x0;
    const int8_t *ring_end = ring + ring_bytes;
    int32_t fy, k, i, sum = 0;
    if (run_words != 0) { /* undilated: one run per filter row, expanded straight from the ring */
        const int32_t run_step = 2 * run_words * stride;
        for (fy = 0; fy < filter_h; ++fy, dst += run_step) {
            sum = expand_words(row, run_words, dst, stride, sum);
            row += ring_step;
            row = row >= ring_end ? row - ring_bytes : row;
        }
        return sum;
    }
    {
        /* Each run is copied a word at a time: up to 3 bytes past it, which the next run overwrites; the
         * last run's are cleared with one zero word, restoring the zero tail (col has 4 spare bytes). The
         * over-read stays in scratch (ring rows are followed by ring rows, the last by col). */
        const int32_t run_words4 = (run + 3) >> 2;
        int8_t *col = w->col;
        for (fy = 0; fy < filter_h; ++fy) {
            if (runs == 1 && run_words4 == 1) { /* first layers (input_c * filter_w <= 4): one word */
                edgeq_write_u32(col, edgeq_read_u32(row));
                col += run;
            } else {
                const int8_t *src = row;
                for (k = 0; k < runs; ++k, src += gap, col += run) {
                    for (i = 0; i < run_words4; ++i) {
                        edgeq_write_u32(col + 4 * i, edgeq_read_u32(src + 4 * i));
                    }
                }
            }
            row += ring_step;
            row = row >= ring_end ? row - ring_bytes : row;
        }
        edgeq_write_u32(col, 0u);
    }
    return edgeq_gemm_expand_s8(w->col, w->depth_words, dst, stride);
}

void edgeq_conv2d_im2col_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, void *scratch)
{
    int8_t *ring = (int8_t *)scratch;
    int8_t *col = ring + edgeq_ring_row_bytes(g) * edgeq_ring_rows(g);
    uint32_t *xq = (uint32_t *)(void *)(col + p->depth_words * 4 + 4);
    const int32_t step = g->stride_w * g->input_c;
    const int32_t n_ch = p->channels;
    const int32_t tiled = (g->output_h * g->output_w) & ~3; /* pixels that go through the 4-row tile */
    int32_t b, oy, ox, i;
    window_t win;
    window_init(g, p, col, &win);
    /* Bytes past the window's depth stay zero: their weights are zero, and the input sum must not see
     * them. */
    memset(col, 0, (size_t)(p->depth_words * 4 + 4));
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
                sums[pending] = expand_window(&win, ring, slot0, ox * step, xq + pending, 4);
                if (++pending == 4) {
                    edgeq_gemm_tile4_s8(p, xq, sums, out);
                    out += 4 * n_ch;
                    pending = 0;
                }
            }
            for (; ox + 4 <= g->output_w && row_start + ox < tiled; ox += 4) {
                for (i = 0; i < 4; ++i) {
                    sums[i] = expand_window(&win, ring, slot0, (ox + i) * step, xq + i, 4);
                }
                edgeq_gemm_tile4_s8(p, xq, sums, out);
                out += 4 * n_ch;
            }
            /* Fewer than 4 pixels left in the row: begin a tile the next rows complete, or, past
             * `tiled`, the single-row GEMM. */
            for (; ox < g->output_w; ++ox) {
                if (row_start + ox < tiled) {
                    sums[pending] = expand_window(&win, ring, slot0, ox * step, xq + pending, 4);
                    ++pending;
                } else {
                    const int32_t sum = expand_window(&win, ring, slot0, ox * step, xq, 1);
                    edgeq_gemm_row_s8(p, xq, sum, out);
                    out += n_ch;
                }
            }
        }
    }
}
