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
#include "edgeq_requant.h"

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

/* a[t] += the window's dot product with the filter of output channel t (t < lanes, filters `stride` apart). */
static inline void accumulate(const edgeq_conv_geom_t *g, const window_t *win, int32_t zero_point,
                              const int8_t *filter, int32_t stride, int32_t lanes, uint32_t *a)
{
    const int32_t in_c = g->input_c;
    const int32_t row_taps = g->filter_w * in_c;
    const int32_t run = (win->fx1 - win->fx0) * in_c;
    int32_t fy, fx;
    for (fy = run > 0 ? win->fy0 : win->fy1; fy < win->fy1; ++fy) {
        const int8_t *in = win->image
                         + ((win->y0 + fy * g->dilation_h) * g->input_w + win->x0 + win->fx0 * g->dilation_w) * in_c;
        const int8_t *w = filter + fy * row_taps + win->fx0 * in_c;
        if (g->dilation_w == 1) {
            if (lanes == 4) {
                edgeq_mac4_s8(in, w, stride, run, a);
            } else {
                edgeq_mac1_s8(in, w, run, a);
            }
        } else {
            for (fx = win->fx0; fx < win->fx1; ++fx, in += g->dilation_w * in_c, w += in_c) {
                if (lanes == 4) {
                    edgeq_mac4_s8(in, w, stride, in_c, a);
                } else {
                    edgeq_mac1_s8(in, w, in_c, a);
                }
            }
        }
    }
    if (zero_point != 0 && run * (win->fy1 - win->fy0) != row_taps * g->filter_h) {
        for (fy = 0; fy < g->filter_h; ++fy) {
            const int8_t *w = filter + fy * row_taps;
            if (fy < win->fy0 || fy >= win->fy1) {
                edgeq_mac_const_s8(zero_point, w, stride, row_taps, lanes, a);
            } else {
                edgeq_mac_const_s8(zero_point, w, stride, win->fx0 * in_c, lanes, a);
                edgeq_mac_const_s8(zero_point, w + win->fx1 * in_c, stride, row_taps - win->fx1 * in_c, lanes, a);
            }
        }
    }
}

static inline int8_t requantize(uint32_t acc, const edgeq_quant_s8_t *quant, int32_t oc)
{
    const int32_t v = edgeq_requantize((int32_t)acc, quant->multiplier[oc], quant->shift[oc])
                    + quant->output_zero_point;
    return (int8_t)edgeq_clamp_s32(v, quant->act_min, quant->act_max);
}

void edgeq_conv2d_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *quant, const int8_t *input,
                     const int8_t *filter, const int32_t *bias, int8_t *output)
{
    const int32_t out_c = g->output_c;
    const int32_t stride = g->filter_h * g->filter_w * g->input_c; /* filter bytes per output channel */
    const int32_t zero_point = quant->input_zero_point;
    window_t win;
    int32_t b, oy, ox, oc;
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
                    output[oc] = requantize(a[0], quant, oc);
                    output[oc + 1] = requantize(a[1], quant, oc + 1);
                    output[oc + 2] = requantize(a[2], quant, oc + 2);
                    output[oc + 3] = requantize(a[3], quant, oc + 3);
                }
                for (; oc < out_c; ++oc) {
                    uint32_t a = bias != 0 ? (uint32_t)bias[oc] : 0u;
                    accumulate(g, &win, zero_point, filter + oc * stride, stride, 1, &a);
                    output[oc] = requantize(a, quant, oc);
                }
            }
        }
    }
}
