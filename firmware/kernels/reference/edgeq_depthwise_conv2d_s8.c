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

/* The valid taps of one output pixel, as strides over the input and the filter. */
typedef struct {
    int32_t rows, cols;          /* valid filter rows and columns (cols 0: no valid tap) */
    int32_t in_offset;           /* input bytes from channel 0 of pixel (0, 0) to the first valid tap */
    int32_t filter_offset;       /* filter bytes from tap (0, 0) to the first valid tap */
    int32_t in_step, filter_step;         /* bytes between horizontal taps */
    int32_t in_row_skip, filter_row_skip; /* bytes from after a row's last valid tap to the next row's first */
} taps_t;

/* a[0..3] += the taps of four output channels whose input channels are +0..+3 from `in` (multiplier 1). */
static EDGEQ_NOINLINE void taps4_distinct(const taps_t *t, const int8_t *in, const int8_t *w, uint32_t a[4])
{
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int32_t r, c;
    for (r = t->rows; r > 0; --r, in += t->in_row_skip, w += t->filter_row_skip) {
        for (c = t->cols; c > 0; --c, in += t->in_step, w += t->filter_step) {
            a0 += (uint32_t)(in[0] * w[0]);
            a1 += (uint32_t)(in[1] * w[1]);
            a2 += (uint32_t)(in[2] * w[2]);
            a3 += (uint32_t)(in[3] * w[3]);
        }
    }
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
}

/* a[0..3] += the taps of four output channels that all read input channel `in` (multiplier >= 4). */
static EDGEQ_NOINLINE void taps4_shared(const taps_t *t, const int8_t *in, const int8_t *w, uint32_t a[4])
{
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int32_t r, c;
    for (r = t->rows; r > 0; --r, in += t->in_row_skip, w += t->filter_row_skip) {
        for (c = t->cols; c > 0; --c, in += t->in_step, w += t->filter_step) {
            const int32_t x = in[0];
            a0 += (uint32_t)(x * w[0]);
            a1 += (uint32_t)(x * w[1]);
            a2 += (uint32_t)(x * w[2]);
            a3 += (uint32_t)(x * w[3]);
        }
    }
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
}

/* *a += the taps of one output channel reading input channel `in`. */
static EDGEQ_NOINLINE void taps1(const taps_t *t, const int8_t *in, const int8_t *w, uint32_t *a)
{
    uint32_t a0 = *a;
    int32_t r, c;
    for (r = t->rows; r > 0; --r, in += t->in_row_skip, w += t->filter_row_skip) {
        for (c = t->cols; c > 0; --c, in += t->in_step, w += t->filter_step) {
            a0 += (uint32_t)(in[0] * w[0]);
        }
    }
    *a = a0;
}

/* a[l] += zero_point * w[k * step + l] for k < count, l < lanes (1 or 4): taps in the padding. */
static void pad_run(const int8_t *w, int32_t step, int32_t count, int32_t zero_point, int32_t lanes, uint32_t *a)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (; count > 0; --count, w += step) {
        s0 += w[0];
        if (lanes == 4) {
            s1 += w[1];
            s2 += w[2];
            s3 += w[3];
        }
    }
    a[0] += (uint32_t)zero_point * (uint32_t)s0;
    if (lanes == 4) {
        a[1] += (uint32_t)zero_point * (uint32_t)s1;
        a[2] += (uint32_t)zero_point * (uint32_t)s2;
        a[3] += (uint32_t)zero_point * (uint32_t)s3;
    }
}

/* a[l] += zero_point * filter[tap][l] over the window's taps outside the image [fy0, fy1) x [fx0, fx1);
 * `filter` points at the first lane's channel of tap (0, 0). Only clipped windows get here. */
static EDGEQ_NOINLINE void padded_taps(const edgeq_conv_geom_t *g, int32_t fy0, int32_t fy1, int32_t fx0,
                                       int32_t fx1, int32_t zero_point, const int8_t *filter, int32_t lanes,
                                       uint32_t *a)
{
    const int32_t step = g->output_c;
    int32_t fy;
    if (fx1 <= fx0 || fy1 <= fy0) {
        fy0 = fy1 = fx0 = fx1 = 0; /* no valid tap: every tap is padding */
    }
    for (fy = 0; fy < g->filter_h; ++fy) {
        const int8_t *row = filter + fy * g->filter_w * step;
        if (fy < fy0 || fy >= fy1) {
            pad_run(row, step, g->filter_w, zero_point, lanes, a);
        } else {
            pad_run(row, step, fx0, zero_point, lanes, a);
            pad_run(row + fx1 * step, step, g->filter_w - fx1, zero_point, lanes, a);
        }
    }
}

void edgeq_depthwise_conv2d_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *quant,
                               const int8_t *input, const int8_t *filter, const int32_t *bias,
                               int8_t *output)
{
    const int32_t in_c = g->input_c, out_c = g->output_c, multiplier = g->depth_multiplier;
    const int32_t zero_point = quant->input_zero_point;
    edgeq_out_s8_t o;
    taps_t t;
    int32_t b, oy, ox, ic, m, oc, fy0, fy1, fx0, fx1, l;
    o.multiplier = quant->multiplier;
    o.shift = quant->shift;
    o.output_zero_point = quant->output_zero_point;
    o.act_min = quant->act_min;
    o.act_max = quant->act_max;
    t.in_step = g->dilation_w * in_c;
    t.filter_step = out_c;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * in_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            valid_taps(y0, g->dilation_h, g->filter_h, g->input_h, &fy0, &fy1);
            for (ox = 0; ox < g->output_w; ++ox, output += out_c) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                int clipped;
                valid_taps(x0, g->dilation_w, g->filter_w, g->input_w, &fx0, &fx1);
                t.rows = fy1 - fy0;
                t.cols = fx1 - fx0;
                if (t.rows <= 0 || t.cols <= 0) {
                    t.rows = t.cols = 0;
                }
                clipped = zero_point != 0 && t.rows * t.cols != g->filter_h * g->filter_w;
                /* With no valid tap the offsets stay 0: no pointer outside the tensors is formed. */
                t.in_offset = t.filter_offset = 0;
                if (t.cols > 0) {
                    t.in_offset = ((y0 + fy0 * g->dilation_h) * g->input_w + x0 + fx0 * g->dilation_w) * in_c;
                    t.filter_offset = (fy0 * g->filter_w + fx0) * out_c;
                }
                t.in_row_skip = g->dilation_h * g->input_w * in_c - t.cols * t.in_step;
                t.filter_row_skip = (g->filter_w - t.cols) * out_c;
                for (ic = 0, oc = 0; ic < in_c; ic += multiplier == 1 ? 4 : 1) {
                    /* Multiplier 1: channels ic..ic+3 (oc == ic); otherwise the multiples of channel ic. */
                    const int32_t end = multiplier == 1 ? (in_c - ic < 4 ? in_c - ic : 4) : multiplier;
                    const int8_t *in = image + t.in_offset + ic;
                    for (m = 0; m < end; m += l, oc += l) {
                        const int8_t *w = filter + t.filter_offset + oc;
                        uint32_t a[4] = {0u, 0u, 0u, 0u};
                        l = end - m >= 4 ? 4 : 1;
                        if (bias != 0) {
                            a[0] = (uint32_t)bias[oc];
                            if (l == 4) {
                                a[1] = (uint32_t)bias[oc + 1];
                                a[2] = (uint32_t)bias[oc + 2];
                                a[3] = (uint32_t)bias[oc + 3];
                            }
                        }
                        if (l == 1) {
                            taps1(&t, multiplier == 1 ? in + m : in, w, a);
                        } else if (multiplier == 1) {
                            taps4_distinct(&t, in, w, a);
                        } else {
                            taps4_shared(&t, in, w, a);
                        }
                        if (clipped) {
                            padded_taps(g, fy0, fy1, fx0, fx1, zero_point, filter + oc, l, a);
                        }
                        output[oc] = edgeq_out_s8(&o, a[0], oc);
                        if (l == 4) {
                            output[oc + 1] = edgeq_out_s8(&o, a[1], oc + 1);
                            output[oc + 2] = edgeq_out_s8(&o, a[2], oc + 2);
                            output[oc + 3] = edgeq_out_s8(&o, a[3], oc + 3);
                        }
                    }
                }
            }
        }
    }
}
