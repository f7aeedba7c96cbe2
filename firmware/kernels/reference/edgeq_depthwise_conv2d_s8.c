/*
 * DEPTHWISE_CONV_2D, int8, any depth multiplier and dilation, per-channel requantization; portable C99 (the
 * semantic reference, and the kernel of cores without the DSP extension). Output channel
 * oc = ic * depth_multiplier + m reads input channel ic. Padding as in edgeq_conv2d_s8.
 *
 * How it is fast without SIMD: per output pixel the filter window is clipped to the image once, so the tap
 * loops carry no bounds checks, and four output channels are computed together: with depth multiplier 1
 * they are four neighbouring channels (one tap = four input and four filter loads, four MACs); with a
 * larger multiplier they are four multiples of one input channel, which share one input load per tap. No
 * division per output: the input channel is a loop counter. Taps in the padding add input_zero_point x
 * weight. Accumulation wraps modulo 2^32 like TFLM's int32 (see edgeq_mac_s8.h).
 */
#include "edgeq_kernels.h"
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
    int32_t y0, x0;
    int32_t fy0, fy1, fx0, fx1;
    int32_t in_offset, filter_offset; /* bytes to the first valid tap from input channel / filter tap (0, 0) */
} window_t;

/* What every output channel of one call shares, read once (int8 stores may alias the parameter structs). */
typedef struct {
    const int32_t *bias, *multiplier, *shift;
    int32_t zero_point, output_zero_point, act_min, act_max;
    int32_t in_step, out_c;        /* bytes between horizontal taps: input (dilation_w * input_c), filter */
    int32_t in_row, filter_row;    /* bytes between filter rows: input, filter */
} params_t;

/*
 * Output channels [oc, oc + lanes) of one pixel (lanes 1 or 4). `image` points at the first lane's input
 * channel of this batch's image, `filter` at filter channel oc of tap (0, 0); lane t reads input channel
 * +t when `shared` is 0 (depth multiplier 1) and the same channel when it is 1.
 */
static inline void channels(const params_t *p, const edgeq_conv_geom_t *g, const window_t *win,
                            const int8_t *image, const int8_t *filter, int32_t oc, int32_t lanes, int32_t shared,
                            int8_t *out)
{
    const int32_t rows = win->fy1 - win->fy0, cols = win->fx1 - win->fx0;
    const int8_t *in = image + win->in_offset, *w = filter + win->filter_offset;
    uint32_t a0 = 0u, a1 = 0u, a2 = 0u, a3 = 0u;
    int32_t r, c, t;
    if (p->bias != 0) {
        a0 = (uint32_t)p->bias[oc];
        if (lanes == 4) {
            a1 = (uint32_t)p->bias[oc + 1];
            a2 = (uint32_t)p->bias[oc + 2];
            a3 = (uint32_t)p->bias[oc + 3];
        }
    }
    for (r = cols > 0 ? rows : 0; r > 0; --r, in += p->in_row, w += p->filter_row) {
        const int8_t *x = in, *f = w;
        for (c = cols; c > 0; --c, x += p->in_step, f += p->out_c) {
            if (lanes == 1) {
                a0 += (uint32_t)(x[0] * f[0]);
            } else if (shared) {
                const int32_t v = x[0];
                a0 += (uint32_t)(v * f[0]);
                a1 += (uint32_t)(v * f[1]);
                a2 += (uint32_t)(v * f[2]);
                a3 += (uint32_t)(v * f[3]);
            } else {
                a0 += (uint32_t)(x[0] * f[0]);
                a1 += (uint32_t)(x[1] * f[1]);
                a2 += (uint32_t)(x[2] * f[2]);
                a3 += (uint32_t)(x[3] * f[3]);
            }
        }
    }
    if (p->zero_point != 0 && rows * cols != g->filter_h * g->filter_w) {
        /* Taps in the padding read the input zero point: add zero_point * weight for each. */
        int32_t fy, fx;
        for (fy = 0; fy < g->filter_h; ++fy) {
            const int row_inside = fy >= win->fy0 && fy < win->fy1;
            for (fx = 0; fx < g->filter_w; ++fx) {
                if (!row_inside || fx < win->fx0 || fx >= win->fx1) {
                    const int8_t *f = filter + (fy * g->filter_w + fx) * p->out_c;
                    const uint32_t zp = (uint32_t)p->zero_point;
                    a0 += zp * (uint32_t)(int32_t)f[0];
                    if (lanes == 4) {
                        a1 += zp * (uint32_t)(int32_t)f[1];
                        a2 += zp * (uint32_t)(int32_t)f[2];
                        a3 += zp * (uint32_t)(int32_t)f[3];
                    }
                }
            }
        }
    }
    for (t = 0; t < lanes; ++t) {
        const uint32_t acc = t == 0 ? a0 : t == 1 ? a1 : t == 2 ? a2 : a3;
        const int32_t v = edgeq_requantize((int32_t)acc, p->multiplier[oc + t], p->shift[oc + t]) + p->output_zero_point;
        out[oc + t] = (int8_t)edgeq_clamp_s32(v, p->act_min, p->act_max);
    }
}

void edgeq_depthwise_conv2d_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *quant,
                               const int8_t *input, const int8_t *filter, const int32_t *bias,
                               int8_t *output)
{
    const int32_t in_c = g->input_c, out_c = g->output_c, multiplier = g->depth_multiplier;
    params_t p;
    window_t win;
    int32_t b, oy, ox, ic, m, oc;
    p.bias = bias;
    p.multiplier = quant->multiplier;
    p.shift = quant->shift;
    p.zero_point = quant->input_zero_point;
    p.output_zero_point = quant->output_zero_point;
    p.act_min = quant->act_min;
    p.act_max = quant->act_max;
    p.in_step = g->dilation_w * in_c;
    p.out_c = out_c;
    p.in_row = g->dilation_h * g->input_w * in_c;
    p.filter_row = g->filter_w * out_c;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * in_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            win.y0 = oy * g->stride_h - g->pad_top;
            valid_taps(win.y0, g->dilation_h, g->filter_h, g->input_h, &win.fy0, &win.fy1);
            for (ox = 0; ox < g->output_w; ++ox, output += out_c) {
                win.x0 = ox * g->stride_w - g->pad_left;
                valid_taps(win.x0, g->dilation_w, g->filter_w, g->input_w, &win.fx0, &win.fx1);
                /* With no valid tap the offsets stay 0 (no pointer outside the tensors is formed). */
                win.in_offset = win.filter_offset = 0;
                if (win.fy1 > win.fy0 && win.fx1 > win.fx0) {
                    win.in_offset = ((win.y0 + win.fy0 * g->dilation_h) * g->input_w + win.x0
                                     + win.fx0 * g->dilation_w) * in_c;
                    win.filter_offset = (win.fy0 * g->filter_w + win.fx0) * out_c;
                }
                if (multiplier == 1) {
                    for (oc = 0; oc + 4 <= out_c; oc += 4) {
                        channels(&p, g, &win, image + oc, filter + oc, oc, 4, 0, output);
                    }
                    for (; oc < out_c; ++oc) {
                        channels(&p, g, &win, image + oc, filter + oc, oc, 1, 0, output);
                    }
                } else {
                    for (ic = 0, oc = 0; ic < in_c; ++ic) {
                        for (m = 0; m + 4 <= multiplier; m += 4, oc += 4) {
                            channels(&p, g, &win, image + ic, filter + oc, oc, 4, 1, output);
                        }
                        for (; m < multiplier; ++m, ++oc) {
                            channels(&p, g, &win, image + ic, filter + oc, oc, 1, 1, output);
                        }
                    }
                }
            }
        }
    }
}
