/*
 * edgeq_conv2d_mve_s8.c — CONV_2D int8 on Helium as im2col + GEMM rows, two output pixels at a time (each
 * weight load serves both: edgeq_gemm_row_mve_s8).
 *
 * Windows are gathered from padded input rows, not from the image: the input rows the output rows read are
 * copied into a ring of slots in scratch, each padded left and right with pad_value (the input zero point,
 * which the folded bias makes contribute nothing, as in TFLM), and rows outside the image read one all-padding
 * slot. So no window needs a border case: a window is filter_h runs of filter_w * input_c bytes (dilation_w
 * 1: one predicated vector move per run of up to 16 bytes) or filter_h * filter_w runs of input_c bytes.
 * Image row iy lives in slot iy mod `span` (edgeq_conv2d_mve_span): the rows of one output row, or of two
 * consecutive ones where a pixel pair straddles them (an odd output width), never share a slot, and each row
 * is copied once. Per output row a table of its filter_h row pointers is built once (one table per output row
 * a pair can touch: edgeq_conv2d_mve_tables).
 *
 * Scratch (edgeq_conv2d_mve_s8_scratch_size): two windows, span + 1 slots, span tags, the pointer tables.
 */
#include "edgeq_mve_util.h"

#define NO_ROW (-1) /* tag of a slot not loaded yet */

typedef struct {
    int8_t *win0, *win1;
    int8_t *slots;       /* span image slots, then the padding slot */
    int32_t *tags;       /* [span]: the image row each slot holds */
    const int8_t **rows; /* [2][filter_h]: row pointers of output rows with even / odd index */
    int32_t table_oy[2]; /* which output row each table holds */
    int32_t span, cols, slot_bytes, table_mask; /* table of output row oy: oy & table_mask */
} conv_rows_t;

/* Image row iy into its slot, padded: left padding, the image columns the output reads, right padding. */
static const int8_t *load_row(const edgeq_conv_geom_t *g, conv_rows_t *r, int8_t pad, const int8_t *image, int32_t iy)
{
    const int32_t ch = g->input_c;
    const int32_t slot = iy % r->span;
    int8_t *row = r->slots + slot * r->slot_bytes;
    if (r->tags[slot] != iy) {
        const int32_t left = g->pad_left < r->cols ? g->pad_left : r->cols;
        const int32_t avail = g->input_w < r->cols - left ? g->input_w : r->cols - left;
        edgeq_mve_fill_s8(row, pad, left * ch);
        edgeq_mve_copy_s8(row + left * ch, image + iy * g->input_w * ch, avail * ch);
        edgeq_mve_fill_s8(row + (left + avail) * ch, pad, (r->cols - left - avail) * ch);
        r->tags[slot] = iy;
    }
    return row;
}

/* The filter_h row pointers of output row oy (loading its rows), cached in its table. */
static const int8_t *const *row_table(const edgeq_conv_geom_t *g, conv_rows_t *r, int8_t pad, const int8_t *image,
                                      int32_t oy)
{
    const int32_t t = oy & r->table_mask;
    const int8_t **table = r->rows + t * g->filter_h;
    int32_t ky;
    if (r->table_oy[t] != oy) {
        for (ky = 0; ky < g->filter_h; ++ky) {
            const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
            table[ky] = iy < 0 || iy >= g->input_h ? r->slots + r->span * r->slot_bytes
                                                   : load_row(g, r, pad, image, iy);
        }
        r->table_oy[t] = oy;
    }
    return table;
}

/* The window of output pixel (oy, ox) into win, in the weights' order [ky][kx][c]. */
static void gather_window(const edgeq_conv_geom_t *g, const int8_t *const *table, int32_t ox, int8_t *win)
{
    const int32_t ch = g->input_c;
    const int32_t x0 = ox * g->stride_w * ch;
    int32_t ky, kx;
    if (g->dilation_w == 1) {
        const int32_t run = g->filter_w * ch;
        if (run <= 16) {
            /* one predicated move per filter row (in assembly: GCC reloads the predicate and the row count
             * every row, 12 instructions instead of 8) */
            const int8_t *const *row = table;
            const int8_t *src;
            int8x16_t v;
            int32_t n = g->filter_h;
            __asm__ volatile("vctp.8 %[run]\n\t"
                             "1:\n\t"
                             "ldr %[src], [%[row]], #4\n\t"
                             "add %[src], %[src], %[x0]\n\t"
                             "vpstt\n\t"
                             "vldrbt.8 %q[v], [%[src]]\n\t"
                             "vstrbt.8 %q[v], [%[win]]\n\t"
                             "add %[win], %[win], %[run]\n\t"
                             "subs %[n], %[n], #1\n\t"
                             "bne 1b\n\t"
                             : [src] "=&r"(src), [v] "=&w"(v), [row] "+r"(row), [win] "+r"(win), [n] "+r"(n)
                             : [run] "r"(run), [x0] "r"(x0)
                             : "memory", "cc");
        } else {
            for (ky = 0; ky < g->filter_h; ++ky, win += run) {
                edgeq_mve_copy_s8(win, table[ky] + x0, run);
            }
        }
        return;
    }
    for (ky = 0; ky < g->filter_h; ++ky) {
        for (kx = 0; kx < g->filter_w; ++kx, win += ch) {
            edgeq_mve_copy_s8(win, table[ky] + x0 + kx * g->dilation_w * ch, ch);
        }
    }
}

void edgeq_conv2d_mve_s8(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, int32_t pad_value,
                         const int8_t *input, int8_t *output, void *scratch)
{
    const int32_t window = (p->depth + 15) & ~15;
    const int32_t image_bytes = g->input_h * g->input_w * g->input_c;
    const int32_t pixels = g->output_h * g->output_w;
    const int8_t pad = (int8_t)pad_value;
    conv_rows_t r;
    int32_t b, i, k;
    r.span = edgeq_conv2d_mve_span(g);
    r.table_mask = edgeq_conv2d_mve_tables(g) - 1;
    r.cols = edgeq_conv2d_mve_cols(g);
    r.slot_bytes = (r.cols * g->input_c + 3) & ~3;
    r.win0 = (int8_t *)scratch;
    r.win1 = r.win0 + window;
    r.slots = r.win1 + window;
    r.tags = (int32_t *)(void *)(r.slots + (r.span + 1) * r.slot_bytes);
    r.rows = (const int8_t **)(void *)(r.tags + r.span);
    edgeq_mve_fill_s8(r.slots + r.span * r.slot_bytes, pad, r.cols * g->input_c);
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * image_bytes;
        for (k = 0; k < r.span; ++k) {
            r.tags[k] = NO_ROW; /* a new image */
        }
        r.table_oy[0] = r.table_oy[1] = -1;
        for (i = 0; i + 1 < pixels; i += 2) {
            const int32_t oy0 = i / g->output_w, ox0 = i - oy0 * g->output_w;
            const int32_t oy1 = ox0 + 1 < g->output_w ? oy0 : oy0 + 1;
            const int32_t ox1 = ox0 + 1 < g->output_w ? ox0 + 1 : 0;
            const int32_t t0 = oy0 & r.table_mask, t1 = oy1 & r.table_mask;
            gather_window(g, r.table_oy[t0] == oy0 ? r.rows + t0 * g->filter_h : row_table(g, &r, pad, image, oy0),
                          ox0, r.win0);
            gather_window(g, r.table_oy[t1] == oy1 ? r.rows + t1 * g->filter_h : row_table(g, &r, pad, image, oy1),
                          ox1, r.win1);
            edgeq_gemm_row_mve_s8(p, r.win0, r.win1, output, output + g->output_c);
            output += 2 * g->output_c;
        }
        if (i < pixels) {
            const int32_t oy0 = i / g->output_w;
            gather_window(g, row_table(g, &r, pad, image, oy0), i - oy0 * g->output_w, r.win0);
            edgeq_gemm_row_mve_s8(p, r.win0, 0, output, 0);
            output += g->output_c;
        }
    }
}
