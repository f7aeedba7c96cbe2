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

/* Most runs of padded taps a pixel lists (at most two per filter row); more take the slow walk. */
#define PAD_RUNS 32

/* One output pixel: its valid taps as strides over the input and the filter, the filter offsets of its taps
 * in the padding, and what every output channel of the call shares (read once: int8 stores may alias the
 * parameter structs). */
typedef struct {
    int32_t rows, cols;          /* valid filter rows and columns (cols 0: no valid tap) */
    int32_t in_offset;           /* input bytes from channel 0 of pixel (0, 0) to the first valid tap */
    int32_t filter_offset;       /* filter bytes from tap (0, 0) to the first valid tap */
    int32_t in_step, filter_step;         /* bytes between horizontal taps */
    int32_t in_row_skip, filter_row_skip; /* bytes from after a row's last valid tap to the next row's first */
    int32_t pads;                /* runs of taps in the padding (they read the input zero point); -1: too many */
    int32_t pad[PAD_RUNS];       /* a run's filter offset from tap (0, 0); its taps lie out_c bytes apart */
    int32_t pad_taps[PAD_RUNS];  /* a run's taps */
    int32_t zero_point;
    const int32_t *bias;
    edgeq_out_s8_t out;
} pixel_t;

/* a[l] += zero_point * (sum of filter[tap][l] over the pixel's taps in the padding), l < lanes (1 or 4);
 * `filter` points at the first lane's channel of tap (0, 0). */
static void padded_taps(const edgeq_conv_geom_t *g, const pixel_t *p, int32_t y0, int32_t x0,
                        const int8_t *filter, int32_t lanes, uint32_t *a)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, k, fy, fx;
    if (p->pads >= 0) {
        for (k = 0; k < p->pads; ++k) {
            const int8_t *w = filter + p->pad[k];
            int32_t n;
            for (n = p->pad_taps[k]; n > 0; --n, w += g->output_c) {
                s0 += w[0];
                if (lanes == 4) {
                    s1 += w[1];
                    s2 += w[2];
                    s3 += w[3];
                }
            }
        }
    } else {
        for (fy = 0; fy < g->filter_h; ++fy) {
            const int32_t y = y0 + fy * g->dilation_h;
            for (fx = 0; fx < g->filter_w; ++fx) {
                const int32_t x = x0 + fx * g->dilation_w;
                if (y < 0 || y >= g->input_h || x < 0 || x >= g->input_w) {
                    const int8_t *w = filter + (fy * g->filter_w + fx) * g->output_c;
                    s0 += w[0];
                    if (lanes == 4) {
                        s1 += w[1];
                        s2 += w[2];
                        s3 += w[3];
                    }
                }
            }
        }
    }
    a[0] += (uint32_t)p->zero_point * (uint32_t)s0;
    if (lanes == 4) {
        a[1] += (uint32_t)p->zero_point * (uint32_t)s1;
        a[2] += (uint32_t)p->zero_point * (uint32_t)s2;
        a[3] += (uint32_t)p->zero_point * (uint32_t)s3;
    }
}

/*
 * Output channels [oc, oc + lanes) of one pixel, lanes 4 or 1: bias, taps, padding, requantize, store.
 * `in` points at the first lane's input channel at the first valid tap, `filter` at channel oc of tap (0, 0);
 * lane t reads input channel +t when `shared` is 0 (depth multiplier 1), the same channel when it is 1.
 */
static EDGEQ_NOINLINE void channels(const edgeq_conv_geom_t *g, const pixel_t *p, int32_t y0, int32_t x0,
                                    const int8_t *in, const int8_t *filter, int32_t oc, int32_t lanes,
                                    int32_t shared, int8_t *out)
{
    const int8_t *w = filter + p->filter_offset;
    uint32_t a0 = 0u, a1 = 0u, a2 = 0u, a3 = 0u;
    uint32_t a[4];
    int32_t r, c;
    if (p->bias != 0) {
        a0 = (uint32_t)p->bias[oc];
        if (lanes == 4) {
            a1 = (uint32_t)p->bias[oc + 1];
            a2 = (uint32_t)p->bias[oc + 2];
            a3 = (uint32_t)p->bias[oc + 3];
        }
    }
    for (r = p->rows; r > 0; --r, in += p->in_row_skip, w += p->filter_row_skip) {
        if (lanes == 1) {
            for (c = p->cols; c > 0; --c, in += p->in_step, w += p->filter_step) {
                a0 += (uint32_t)(in[0] * w[0]);
            }
        } else if (shared) {
            for (c = p->cols; c > 0; --c, in += p->in_step, w += p->filter_step) {
                const int32_t x = in[0];
                a0 += (uint32_t)(x * w[0]);
                a1 += (uint32_t)(x * w[1]);
                a2 += (uint32_t)(x * w[2]);
                a3 += (uint32_t)(x * w[3]);
            }
        } else {
            for (c = p->cols; c > 0; --c, in += p->in_step, w += p->filter_step) {
                a0 += (uint32_t)(in[0] * w[0]);
                a1 += (uint32_t)(in[1] * w[1]);
                a2 += (uint32_t)(in[2] * w[2]);
                a3 += (uint32_t)(in[3] * w[3]);
            }
        }
    }
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
    if (p->pads != 0) {
        padded_taps(g, p, y0, x0, filter, lanes, a);
    }
    out[oc] = edgeq_out_s8(&p->out, a[0], oc);
    if (lanes == 4) {
        out[oc + 1] = edgeq_out_s8(&p->out, a[1], oc + 1);
        out[oc + 2] = edgeq_out_s8(&p->out, a[2], oc + 2);
        out[oc + 3] = edgeq_out_s8(&p->out, a[3], oc + 3);
    }
}

/* Eight output channels of one pixel in one call and one row walk (half the per-block cost of two
 * four-channel blocks): neighbouring input channels with depth multiplier 1 (`shared` 0), or eight multiples
 * of one input channel (`shared` 1). Padding and requantization as channels(). */
EDGEQ_INLINE void channels8(const edgeq_conv_geom_t *g, const pixel_t *p, int32_t y0, int32_t x0, const int8_t *in,
                            const int8_t *filter, int32_t oc, int32_t shared, int8_t *out)
{
    const int8_t *w = filter + p->filter_offset;
    const int32_t in_step = p->in_step, filter_step = p->filter_step;
    uint32_t a[8] = {0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u};
    uint32_t a0, a1, a2, a3, a4, a5, a6, a7;
    int32_t r, c, l;
    if (p->bias != 0) {
        for (l = 0; l < 8; ++l) {
            a[l] = (uint32_t)p->bias[oc + l];
        }
    }
    a0 = a[0]; a1 = a[1]; a2 = a[2]; a3 = a[3]; a4 = a[4]; a5 = a[5]; a6 = a[6]; a7 = a[7];
    for (r = p->rows; r > 0; --r, in += p->in_row_skip, w += p->filter_row_skip) {
        if (shared) {
            for (c = p->cols; c > 0; --c, in += in_step, w += filter_step) {
                const int32_t x = in[0];
                a0 += (uint32_t)(x * w[0]);
                a1 += (uint32_t)(x * w[1]);
                a2 += (uint32_t)(x * w[2]);
                a3 += (uint32_t)(x * w[3]);
                a4 += (uint32_t)(x * w[4]);
                a5 += (uint32_t)(x * w[5]);
                a6 += (uint32_t)(x * w[6]);
                a7 += (uint32_t)(x * w[7]);
            }
        } else {
            for (c = p->cols; c > 0; --c, in += in_step, w += filter_step) {
                a0 += (uint32_t)(in[0] * w[0]);
                a1 += (uint32_t)(in[1] * w[1]);
                a2 += (uint32_t)(in[2] * w[2]);
                a3 += (uint32_t)(in[3] * w[3]);
                a4 += (uint32_t)(in[4] * w[4]);
                a5 += (uint32_t)(in[5] * w[5]);
                a6 += (uint32_t)(in[6] * w[6]);
                a7 += (uint32_t)(in[7] * w[7]);
            }
        }
    }
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3; a[4] = a4; a[5] = a5; a[6] = a6; a[7] = a7;
    if (p->pads != 0) {
        padded_taps(g, p, y0, x0, filter, 4, a);
        padded_taps(g, p, y0, x0, filter + 4, 4, a + 4);
    }
    for (l = 0; l < 8; ++l) {
        out[oc + l] = edgeq_out_s8(&p->out, a[l], oc + l);
    }
}

static EDGEQ_NOINLINE void channels8_distinct(const edgeq_conv_geom_t *g, const pixel_t *p, int32_t y0, int32_t x0,
                                              const int8_t *in, const int8_t *filter, int32_t oc, int8_t *out)
{
    channels8(g, p, y0, x0, in, filter, oc, 0, out);
}

static EDGEQ_NOINLINE void channels8_shared(const edgeq_conv_geom_t *g, const pixel_t *p, int32_t y0, int32_t x0,
                                            const int8_t *in, const int8_t *filter, int32_t oc, int8_t *out)
{
    channels8(g, p, y0, x0, in, filter, oc, 1, out);
}

void edgeq_depthwise_conv2d_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *quant,
                               const int8_t *input, const int8_t *filter, const int32_t *bias,
                               int8_t *output)
{
    const int32_t in_c = g->input_c, out_c = g->output_c, multiplier = g->depth_multiplier;
    pixel_t p;
    int32_t b, oy, ox, ic, m, oc, fy, fy0, fy1, fx0, fx1, l;
    p.out.multiplier = quant->multiplier;
    p.out.shift = quant->shift;
    p.out.output_zero_point = quant->output_zero_point;
    p.out.act_min = quant->act_min;
    p.out.act_max = quant->act_max;
    p.zero_point = quant->input_zero_point;
    p.bias = bias;
    p.in_step = g->dilation_w * in_c;
    p.filter_step = out_c;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * in_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            valid_taps(y0, g->dilation_h, g->filter_h, g->input_h, &fy0, &fy1);
            for (ox = 0; ox < g->output_w; ++ox, output += out_c) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                valid_taps(x0, g->dilation_w, g->filter_w, g->input_w, &fx0, &fx1);
                p.rows = fy1 - fy0;
                p.cols = fx1 - fx0;
                if (p.rows <= 0 || p.cols <= 0) {
                    p.rows = p.cols = 0;
                }
                /* With no valid tap the offsets stay 0: no pointer outside the tensors is formed. */
                p.in_offset = p.filter_offset = 0;
                if (p.cols > 0) {
                    p.in_offset = ((y0 + fy0 * g->dilation_h) * g->input_w + x0 + fx0 * g->dilation_w) * in_c;
                    p.filter_offset = (fy0 * g->filter_w + fx0) * out_c;
                }
                p.in_row_skip = g->dilation_h * g->input_w * in_c - p.cols * p.in_step;
                p.filter_row_skip = (g->filter_w - p.cols) * out_c;
                /* The taps in the padding (a clipped window with a non-zero input zero point). */
                p.pads = 0;
                if (p.zero_point != 0 && p.rows * p.cols != g->filter_h * g->filter_w) {
                    for (fy = 0; fy < g->filter_h && p.pads >= 0; ++fy) {
                        /* A row outside the image is one run; a row inside has a run left and right of its
                         * valid taps [fx0, fx0 + cols). */
                        const int inside = fy >= fy0 && fy < fy0 + p.rows;
                        const int32_t first[2] = {0, fx0 + p.cols};
                        const int32_t taps[2] = {inside ? fx0 : g->filter_w, inside ? g->filter_w - fx0 - p.cols : 0};
                        int32_t k;
                        for (k = 0; k < 2; ++k) {
                            if (taps[k] <= 0) {
                                continue;
                            }
                            if (p.pads == PAD_RUNS) {
                                p.pads = -1; /* too many to list: padded_taps() walks the window */
                                break;
                            }
                            p.pad[p.pads] = (fy * g->filter_w + first[k]) * out_c;
                            p.pad_taps[p.pads++] = taps[k];
                        }
                    }
                }
                ic = oc = 0;
                if (multiplier == 1) {
                    for (; ic + 8 <= in_c; ic += 8, oc += 8) {
                        channels8_distinct(g, &p, y0, x0, image + p.in_offset + ic, filter + oc, oc, output);
                    }
                }
                for (; ic < in_c; ic += multiplier == 1 ? 4 : 1) {
                    /* Multiplier 1: channels ic..ic+3 (oc == ic); otherwise the multiples of channel ic. */
                    const int32_t end = multiplier == 1 ? (in_c - ic < 4 ? in_c - ic : 4) : multiplier;
                    const int8_t *in = image + p.in_offset + ic;
                    for (m = 0; multiplier != 1 && m + 8 <= end; m += 8, oc += 8) {
                        channels8_shared(g, &p, y0, x0, in, filter + oc, oc, output);
                    }
                    for (; m < end; m += l, oc += l) {
                        l = end - m >= 4 ? 4 : 1;
                        channels(g, &p, y0, x0, multiplier == 1 ? in + m : in, filter + oc, oc, l, multiplier != 1,
                                 output);
                    }
                }
            }
        }
    }
}
