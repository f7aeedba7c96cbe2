/*
 * edgeq_conv2d_mve_s16.c — int16x8 CONV_2D of any kernel size, stride, dilation, padding and batch on Helium:
 * each output pixel's window (filter_h * filter_w * input_c int16, zeros for taps outside the image: int16
 * activations have zero point 0) gathered into scratch with predicated 16-byte copies (a whole filter row
 * at once where it lies inside the image; a 1x1 filter without padding reads its pixel in place), then one
 * GEMM row of edgeq_gemm_rows_mve_s16 (VMLALDAVA.S16 into exact 64-bit sums, four channels per input vector).
 */
#include "edgeq_mve_util.h"

/* Gathers the window of output pixel (oy, ox) of `image` into col; a filter row whose taps are all inside and
 * adjacent (dilation_w 1) is one copy. */
static void gather_window(const edgeq_conv_geom_t *g, const int16_t *image, int32_t oy, int32_t ox, int16_t *col)
{
    const int32_t bytes = 2 * g->input_c; /* per filter tap */
    const int32_t y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
    const int whole_rows = g->dilation_w == 1 && x0 >= 0 && x0 + g->filter_w <= g->input_w;
    int32_t fy, fx;
    for (fy = 0; fy < g->filter_h; ++fy) {
        const int32_t y = y0 + fy * g->dilation_h;
        if (whole_rows && y >= 0 && y < g->input_h) {
            edgeq_mve_copy_s8((int8_t *)col, (const int8_t *)(image + (y * g->input_w + x0) * g->input_c),
                              bytes * g->filter_w);
            col += g->input_c * g->filter_w;
            continue;
        }
        for (fx = 0; fx < g->filter_w; ++fx, col += g->input_c) {
            const int32_t x = x0 + fx * g->dilation_w;
            if (y < 0 || y >= g->input_h || x < 0 || x >= g->input_w) {
                edgeq_mve_fill_s8((int8_t *)col, 0, bytes);
            } else {
                edgeq_mve_copy_s8((int8_t *)col, (const int8_t *)(image + (y * g->input_w + x) * g->input_c), bytes);
            }
        }
    }
}

void edgeq_conv2d_mve_s16(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s16_t *p, const int16_t *input,
                          int16_t *output, void *scratch)
{
    /* A 1x1 filter without padding reads each output pixel's input pixel in place. */
    const int direct = g->filter_h == 1 && g->filter_w == 1 && g->pad_top == 0 && g->pad_left == 0;
    int16_t *col = (int16_t *)scratch;
    int32_t b, oy, ox;
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * g->input_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            for (ox = 0; ox < g->output_w; ++ox, output += p->channels) {
                const int16_t *row = col;
                if (direct) {
                    row = image + (oy * g->stride_h * g->input_w + ox * g->stride_w) * g->input_c;
                } else {
                    gather_window(g, image, oy, ox, col);
                }
                edgeq_gemm_rows_mve_s16(p, 1, row, output);
            }
        }
    }
}
