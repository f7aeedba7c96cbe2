/*
 * CONV_2D, int8, per-channel requantization; portable C99 (the semantic reference, and the kernel of cores
 * without the DSP extension). Padded pixels read as input_zero_point, which with the generator's folded bias
 * (bias - zp * sum(filter)) makes them contribute nothing, as in TFLite.
 *
 * How it is fast without SIMD: per output pixel the filter window is clipped to the image once, so no loop
 * over taps checks bounds. With dilation_w == 1 the valid taps of one filter row are one contiguous run of
 * (valid columns x input_c) bytes in the input and in each output channel's filter, and that run is walked
 * for four output channels at once (edgeq_mac4_s8: one input load feeds four MACs). Taps that fall into the
 * padding add input_zero_point x (sum of their weights). Accumulation wraps modulo 2^32 like TFLM's int32
 * (see edgeq_mac_s8.h).
 */
#include "edgeq_kernels.h"
#include "edgeq_mac_s8.h"

/* The filter taps [first, last) whose input coordinate origin + tap * dilation lies in [0, size). */
static void valid_taps(int32_t origin, int32_t dilation, int32_t taps, int32_t size, int32_t *first, int32_t *last)
{
    int32_t lo = 0, hi = taps;
    while (lo < hi && origin + lo * dilation < 0) {
        ++lo;
    }
    while (hi > lo && origin + (hi - 1) * dilation >= size) {
        --hi;
    }
    *first = lo;
    *last = hi;
}

/* One output pixel's filter window: input coordinates of tap (0, 0) and the taps inside the image. */
typedef struct {
    const int8_t *image; /* this batch's input image */
    int32_t y0, x0;
    int32_t fy0, fy1, fx0, fx1;
} window_t;

/* a[t] += the taps of `rows` input rows x `runs` runs of n bytes (strides in bytes), lanes 4 or 1. */
static inline void mac_region(const int8_t *in, int32_t in_row, int32_t in_run, const int8_t *w, int32_t w_row,
                              int32_t w_run, int32_t stride, int32_t rows, int32_t runs, int32_t n, int32_t lanes,
                              uint32_t *a)
{
    int32_t r;
    if (runs == 1 && rows * n <= EDGEQ_MAC_CHUNK) { /* one row run each: all rows in one call */
        runs = rows;
        in_run = in_row;
        w_run = w_row;
        rows = 1;
    }
    if (runs * n > EDGEQ_MAC_CHUNK) { /* one run at a time, each chunked */
        for (r = 0; r < rows * runs; ++r) {
            const int8_t *x = in + (r / runs) * in_row + (r % runs) * in_run;
            const int8_t *f = w + (r / runs) * w_row + (r % runs) * w_run;
            if (lanes == 4) {
                edgeq_mac4_s8(x, f, stride, n, a);
            } else {
                edgeq_mac1_s8(x, f, n, a);
            }
        }
        return;
    }
    for (r = 0; r < rows; ++r, in += in_row, w += w_row) {
        /* runs * n <= 2^16 here: one int32 partial sum per input row */
        if (lanes == 4) {
            edgeq_mac4_rows_s8(in, in_run, w, w_run, stride, runs, n, a);
        } else {
            edgeq_mac1_rows_s8(in, in_run, w, w_run, runs, n, a);
        }
        if (r + 1 == rows) {
            break; /* no pointer is moved past the last row */
        }
    }
}

/* a[t] += the window's dot product with the filter of output channel t (t < lanes, filters `stride` apart). */
static inline void accumulate(const edgeq_conv_geom_t *g, const window_t *win, int32_t zero_point,
                              const int8_t *filter, int32_t stride, int32_t lanes, uint32_t *a)
{
    const int32_t in_c = g->input_c;
    const int32_t row_taps = g->filter_w * in_c;
    const int32_t rows = win->fy1 - win->fy0, cols = win->fx1 - win->fx0;
    int32_t fy;
    if (rows > 0 && cols > 0) {
        const int8_t *in = win->image
                         + ((win->y0 + win->fy0 * g->dilation_h) * g->input_w + win->x0 + win->fx0 * g->dilation_w) * in_c;
        const int8_t *w = filter + win->fy0 * row_taps + win->fx0 * in_c;
        const int32_t in_row = g->dilation_h * g->input_w * in_c;
        if (g->dilation_w == 1) { /* a row's valid taps are one contiguous run */
            mac_region(in, in_row, 0, w, row_taps, 0, stride, rows, 1, cols * in_c, lanes, a);
        } else {
            mac_region(in, in_row, g->dilation_w * in_c, w, row_taps, in_c, stride, rows, cols, in_c, lanes, a);
        }
    }
    if (zero_point != 0 && rows * cols != g->filter_h * g->filter_w) {
        for (fy = 0; fy < g->filter_h; ++fy) {
            const int8_t *w = filter + fy * row_taps;
            if (fy < win->fy0 || fy >= win->fy1 || cols <= 0) {
                edgeq_mac_const_s8(zero_point, w, stride, row_taps, lanes, a);
            } else {
                edgeq_mac_const_s8(zero_point, w, stride, win->fx0 * in_c, lanes, a);
                edgeq_mac_const_s8(zero_point, w + win->fx1 * in_c, stride, row_taps - win->fx1 * in_c, lanes, a);
            }
        }
    }
}

void edgeq_conv2d_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *quant, const int8_t *input,
                     const int8_t *filter, const int32_t *bias, int8_t *output)
{
    const int32_t out_c = g->output_c;
    const int32_t stride = g->filter_h * g->filter_w * g->input_c; /* filter bytes per output channel */
    const int32_t zero_point = quant->input_zero_point;
    edgeq_out_s8_t o;
    window_t win;
    int32_t b, oy, ox, oc;
    o.multiplier = quant->multiplier;
    o.shift = quant->shift;
    o.output_zero_point = quant->output_zero_point;
    o.act_min = quant->act_min;
    o.act_max = quant->act_max;
    for (b = 0; b < g->batches; ++b) {
        win.image = input + b * g->input_h * g->input_w * g->input_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            win.y0 = oy * g->stride_h - g->pad_top;
            valid_taps(win.y0, g->dilation_h, g->filter_h, g->input_h, &win.fy0, &win.fy1);
            for (ox = 0; ox < g->output_w; ++ox, output += out_c) {
                win.x0 = ox * g->stride_w - g->pad_left;
                valid_taps(win.x0, g->dilation_w, g->filter_w, g->input_w, &win.fx0, &win.fx1);
                for (oc = 0; oc + 4 <= out_c; oc += 4) {
                    uint32_t a[4] = {0u, 0u, 0u, 0u};
                    if (bias != 0) {
                        a[0] = (uint32_t)bias[oc];
                        a[1] = (uint32_t)bias[oc + 1];
                        a[2] = (uint32_t)bias[oc + 2];
                        a[3] = (uint32_t)bias[oc + 3];
                    }
                    accumulate(g, &win, zero_point, filter + oc * stride, stride, 4, a);
                    output[oc] = edgeq_out_s8(&o, a[0], oc);
                    output[oc + 1] = edgeq_out_s8(&o, a[1], oc + 1);
                    output[oc + 2] = edgeq_out_s8(&o, a[2], oc + 2);
                    output[oc + 3] = edgeq_out_s8(&o, a[3], oc + 3);
                }
                for (; oc < out_c; ++oc) {
                    uint32_t a = bias != 0 ? (uint32_t)bias[oc] : 0u;
                    accumulate(g, &win, zero_point, filter + oc * stride, stride, 1, &a);
                    output[oc] = edgeq_out_s8(&o, a, oc);
                }
            }
        }
    }
}
