/*
 * edgeq_conv2d_mve_s8.c — CONV_2D int8 on Helium as im2col + GEMM row per output pixel. The window is
 * gathered into scratch one filter row at a time: with dilation_w 1 a filter row is one contiguous input run
 * of filter_w * input_c bytes, clipped at the image border (the clipped taps and rows outside the image hold
 * pad_value, the input zero point, which the folded bias makes contribute nothing), copied 16 bytes per
 * predicated vector move. Windows are gathered two pixels at a time for the two-row GEMM.
 */
#include "edgeq_mve_util.h"

static void gather_window(const edgeq_conv_geom_t *g, int8_t pad, const int8_t *image, int32_t oy, int32_t ox,
                          int8_t *win)
{
    const int32_t c = g->input_c;
    const int32_t row_bytes = g->filter_w * c;
    const int32_t x0 = ox * g->stride_w - g->pad_left;
    const int32_t y0 = oy * g->stride_h - g->pad_top;
    int32_t ky;
    if (g->dilation_w == 1 && row_bytes <= 16 && x0 >= 0 && x0 + g->filter_w <= g->input_w && y0 >= 0 &&
        y0 + (g->filter_h - 1) * g->dilation_h < g->input_h) {
        /* inside the image, filter rows of at most 16 bytes (first layers): one predicated move per row */
        const mve_pred16_t run = vctp8q((uint32_t)row_bytes);
        const int32_t src_step = g->dilation_h * g->input_w * c;
        const int8_t *src = image + (y0 * g->input_w + x0) * c;
        for (ky = 0; ky < g->filter_h; ++ky, win += row_bytes, src += src_step) {
            vstrbq_p_s8(win, vldrbq_z_s8(src, run), run);
        }
        return;
    }
    for (ky = 0; ky < g->filter_h; ++ky, win += row_bytes) {
        const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
        if (iy < 0 || iy >= g->input_h) {
            edgeq_mve_fill_s8(win, pad, row_bytes);
        } else if (g->dilation_w == 1) {
            /* taps [first, end) are inside the image; the others are padding */
            const int32_t left = -x0 > g->filter_w ? g->filter_w : -x0;
            const int32_t first = left > 0 ? left : 0;
            const int32_t right = g->input_w - x0 < g->filter_w ? g->input_w - x0 : g->filter_w;
            const int32_t end = right > first ? right : first;
            edgeq_mve_fill_s8(win, pad, first * c);
            edgeq_mve_copy_s8(win + first * c, image + (iy * g->input_w + x0 + first) * c, (end - first) * c);
            edgeq_mve_fill_s8(win + end * c, pad, (g->filter_w - end) * c);
        } else {
            int32_t kx;
            for (kx = 0; kx < g->filter_w; ++kx) {
                const int32_t ix = x0 + kx * g->dilation_w;
                if (ix < 0 || ix >= g->input_w) {
                    edgeq_mve_fill_s8(win + kx * c, pad, c);
                } else {
                    edgeq_mve_copy_s8(win + kx * c, image + (iy * g->input_w + ix) * c, c);
                }
            }
        }
    }
}

void edgeq_conv2d_mve_s8(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, int32_t pad_value,
                         const int8_t *input, int8_t *output, void *scratch)
{
    /* two windows, so each weight load serves two output pixels (edgeq_gemm_row_mve_s8) */
    int8_t *win0 = (int8_t *)scratch;
    int8_t *win1 = win0 + ((p->depth + 15) & ~15);
    const int32_t image_bytes = g->input_h * g->input_w * g->input_c;
    const int32_t pixels = g->output_h * g->output_w;
    int32_t b, i;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * image_bytes;
        for (i = 0; i + 1 < pixels; i += 2) {
            gather_window(g, (int8_t)pad_value, image, i / g->output_w, i % g->output_w, win0);
            gather_window(g, (int8_t)pad_value, image, (i + 1) / g->output_w, (i + 1) % g->output_w, win1);
            edgeq_gemm_row_mve_s8(p, win0, win1, output, output + g->output_c);
            output += 2 * g->output_c;
        }
        if (i < pixels) {
            gather_window(g, (int8_t)pad_value, image, i / g->output_w, i % g->output_w, win0);
            edgeq_gemm_row_mve_s8(p, win0, 0, output, 0);
            output += g->output_c;
        }
    }
}
