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

/*
 * One output pixel, planned once for all its output channels: the valid taps as `rows` x `runs` runs of n
 * bytes (strides in bytes, input and filter), and the taps in the padding. With dilation_w == 1 a filter
 * row's valid taps are one run, and all rows fold into runs of one row when their sum fits one int32 partial
 * sum (edgeq_mac4_rows_s8).
 */
typedef struct {
    const int8_t *in;            /* the first valid tap (unused without one) */
    int32_t filter_offset;       /* filter bytes from tap (0, 0) to the first valid tap */
    int32_t rows, runs, n;
    int32_t in_row, in_run, filter_row, filter_run;
    int32_t fy0, fy1, fx0, fx1;  /* the valid taps */
    int32_t padded;              /* taps in the padding add zero_point x weight */
    int32_t zero_point, stride;  /* input zero point; filter bytes per output channel */
} pixel_t;

/* a[l] += the pixel's dot product with output channel l's filter (l < lanes, 1 or 4; filters p->stride
 * apart, the first at `filter`). */
EDGEQ_INLINE void accumulate_lanes(const edgeq_conv_geom_t *g, const pixel_t *p, const int8_t *filter,
                                   int32_t lanes, uint32_t *a)
{
    const int32_t row_taps = g->filter_w * g->input_c;
    int32_t r, fy;
    if (p->runs * p->n <= EDGEQ_MAC_CHUNK) {
        const int8_t *in = p->in, *w = filter + p->filter_offset;
        for (r = 0; r < p->rows; ++r) {
            if (lanes == 4) {
                edgeq_mac4_rows_s8(in, p->in_run, w, p->filter_run, p->stride, p->runs, p->n, a);
            } else {
                edgeq_mac1_rows_s8(in, p->in_run, w, p->filter_run, p->runs, p->n, a);
            }
            if (r + 1 < p->rows) { /* no pointer is moved past the last row */
                in += p->in_row;
                w += p->filter_row;
            }
        }
    } else { /* runs too long for one partial sum: one run at a time, each chunked */
        for (r = 0; r < p->rows * p->runs; ++r) {
            const int8_t *in = p->in + (r / p->runs) * p->in_row + (r % p->runs) * p->in_run;
            const int8_t *w = filter + p->filter_offset + (r / p->runs) * p->filter_row + (r % p->runs) * p->filter_run;
            if (lanes == 4) {
                edgeq_mac4_s8(in, w, p->stride, p->n, a);
            } else {
                edgeq_mac1_s8(in, w, p->n, a);
            }
        }
    }
    if (p->padded) {
        for (fy = 0; fy < g->filter_h; ++fy) {
            const int8_t *w = filter + fy * row_taps;
            if (fy < p->fy0 || fy >= p->fy1 || p->fx1 <= p->fx0) {
                edgeq_mac_const_s8(p->zero_point, w, p->stride, row_taps, lanes, a);
            } else {
                edgeq_mac_const_s8(p->zero_point, w, p->stride, p->fx0 * g->input_c, lanes, a);
                edgeq_mac_const_s8(p->zero_point, w + p->fx1 * g->input_c, p->stride, row_taps - p->fx1 * g->input_c,
                                   lanes, a);
            }
        }
    }
}

/* accumulate_lanes() for four and for one output channel, each out of line with the MAC loops inlined, so
 * the loops get the registers and a pixel's channel block costs one call. */
static EDGEQ_NOINLINE void accumulate4(const edgeq_conv_geom_t *g, const pixel_t *p, const int8_t *filter,
                                       uint32_t *a)
{
    accumulate_lanes(g, p, filter, 4, a);
}

static EDGEQ_NOINLINE void accumulate1(const edgeq_conv_geom_t *g, const pixel_t *p, const int8_t *filter,
                                       uint32_t *a)
{
    accumulate_lanes(g, p, filter, 1, a);
}

/* Plans output pixel (y0, x0) (input position of tap (0, 0)) of `image`. */
static void plan_pixel(const edgeq_conv_geom_t *g, const int8_t *image, int32_t y0, int32_t fy0, int32_t fy1,
                       int32_t x0, pixel_t *p)
{
    const int32_t in_c = g->input_c, row_taps = g->filter_w * in_c;
    int32_t cols;
    p->fy0 = fy0;
    p->fy1 = fy1;
    valid_taps(x0, g->dilation_w, g->filter_w, g->input_w, &p->fx0, &p->fx1);
    cols = p->fx1 - p->fx0;
    p->rows = fy1 - fy0;
    if (p->rows <= 0 || cols <= 0) {
        p->rows = 0; /* no valid tap: every tap is padding */
        cols = 0;
    }
    p->padded = p->zero_point != 0 && p->rows * cols != g->filter_h * g->filter_w;
    p->in = image;
    p->filter_offset = 0;
    if (p->rows > 0) {
        p->in = image + ((y0 + fy0 * g->dilation_h) * g->input_w + x0 + p->fx0 * g->dilation_w) * in_c;
        p->filter_offset = fy0 * row_taps + p->fx0 * in_c;
    }
    p->in_row = g->dilation_h * g->input_w * in_c;
    p->filter_row = row_taps;
    if (g->dilation_w == 1) { /* a row's valid taps are one contiguous run */
        p->runs = 1;
        p->n = cols * in_c;
        p->in_run = p->filter_run = 0;
        if (p->rows * p->n <= EDGEQ_MAC_CHUNK) { /* all rows as the runs of one row */
            p->runs = p->rows;
            p->rows = p->rows > 0 ? 1 : 0;
            p->in_run = p->in_row;
            p->filter_run = p->filter_row;
        }
    } else {
        p->runs = cols;
        p->n = in_c;
        p->in_run = g->dilation_w * in_c;
        p->filter_run = in_c;
    }
}

void edgeq_conv2d_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *quant, const int8_t *input,
                     const int8_t *filter, const int32_t *bias, int8_t *output)
{
    const int32_t out_c = g->output_c;
    edgeq_out_s8_t o;
    pixel_t p;
    int32_t b, oy, ox, oc, fy0, fy1;
    o.multiplier = quant->multiplier;
    o.shift = quant->shift;
    o.output_zero_point = quant->output_zero_point;
    o.act_min = quant->act_min;
    o.act_max = quant->act_max;
    p.zero_point = quant->input_zero_point;
    p.stride = g->filter_h * g->filter_w * g->input_c;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * g->input_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            valid_taps(y0, g->dilation_h, g->filter_h, g->input_h, &fy0, &fy1);
            for (ox = 0; ox < g->output_w; ++ox, output += out_c) {
                plan_pixel(g, image, y0, fy0, fy1, ox * g->stride_w - g->pad_left, &p);
                for (oc = 0; oc + 4 <= out_c; oc += 4) {
                    uint32_t a[4] = {0u, 0u, 0u, 0u};
                    if (bias != 0) {
                        a[0] = (uint32_t)bias[oc];
                        a[1] = (uint32_t)bias[oc + 1];
                        a[2] = (uint32_t)bias[oc + 2];
                        a[3] = (uint32_t)bias[oc + 3];
                    }
                    accumulate4(g, &p, filter + oc * p.stride, a);
                    output[oc] = edgeq_out_s8(&o, a[0], oc);
                    output[oc + 1] = edgeq_out_s8(&o, a[1], oc + 1);
                    output[oc + 2] = edgeq_out_s8(&o, a[2], oc + 2);
                    output[oc + 3] = edgeq_out_s8(&o, a[3], oc + 3);
                }
                for (; oc < out_c; ++oc) {
                    uint32_t a = bias != 0 ? (uint32_t)bias[oc] : 0u;
                    accumulate1(g, &p, filter + oc * p.stride, &a);
                    output[oc] = edgeq_out_s8(&o, a, oc);
                }
            }
        }
    }
}
