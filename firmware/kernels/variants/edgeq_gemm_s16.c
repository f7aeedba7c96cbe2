/*
 * int16x8 GEMM over packed int8 weights (layout: edgeq_kernels_packed_s16.h).
 *
 * Single rows: per channel pair and quad of depths, two input words (four int16), one weight word per
 * channel, two SXTB16 and two SMLALD per channel, in TFLM's exact int64 accumulation.
 * Row pairs (`acc32`, when the generator proved every channel's |sum x * w| <= 32768 * sum|w| < 2^31):
 * each weight word is sign-extended once for two rows and SMLAD accumulates in 32 bits (exact there), the
 * int64 bias is added after: 16 MACs per 4 + 2 loads, 4 SXTB16 and 8 SMLAD.
 */
#include "edgeq_kernels_packed_s16.h"
#include "edgeq_requant_s16.h"
#include "edgeq_simd.h"

static inline int16_t requant_s16(const edgeq_packed_s16_t *p, int32_t ch, int64_t acc)
{
    if (p->bias != 0) {
        acc += p->bias[ch];
    }
    return edgeq_clamp_to_s16(edgeq_requantize_s64_reduced(acc, p->reduced[ch], p->total_shift[ch]), p->act_min, p->act_max);
}

/* out[n] for every channel from row x: `quads` whole quads read from x, then, if `tail` is not NULL, one
 * more quad given as its two input words (the row's last, zero-padded elements). */
static void gemm_row(const edgeq_packed_s16_t *p, const int16_t *x, int32_t quads, const uint32_t *tail,
                     int16_t *out)
{
    const int32_t *w = (const int32_t *)(const void *)p->weights;
    int32_t n, q;
    for (n = 0; n < p->channels; n += 2) {
        int64_t a0 = 0, a1 = 0;
        const int16_t *xp = x;
        for (q = 0; q < quads; ++q, xp += 4, w += 2) {
            const uint32_t x01 = edgeq_read_u32(xp), x23 = edgeq_read_u32(xp + 2);
            const uint32_t w0 = (uint32_t)w[0], w1 = (uint32_t)w[1];
            a0 = edgeq_smlald(x01, edgeq_sxtb16(w0), a0);
            a0 = edgeq_smlald(x23, edgeq_sxtb16_ror8(w0), a0);
            a1 = edgeq_smlald(x01, edgeq_sxtb16(w1), a1);
            a1 = edgeq_smlald(x23, edgeq_sxtb16_ror8(w1), a1);
        }
        if (tail != 0) {
            const uint32_t w0 = (uint32_t)w[0], w1 = (uint32_t)w[1];
            a0 = edgeq_smlald(tail[0], edgeq_sxtb16(w0), a0);
            a0 = edgeq_smlald(tail[1], edgeq_sxtb16_ror8(w0), a0);
            a1 = edgeq_smlald(tail[0], edgeq_sxtb16(w1), a1);
            a1 = edgeq_smlald(tail[1], edgeq_sxtb16_ror8(w1), a1);
            w += 2;
        }
        out[n] = requant_s16(p, n, a0);
        if (n + 1 < p->channels) {
            out[n + 1] = requant_s16(p, n + 1, a1);
        }
    }
}

/* Rows x0 and x1 (`quads` whole quads each) through every channel pair, 32-bit accumulators. */
static void gemm_row_pair32(const edgeq_packed_s16_t *p, const int16_t *x0, const int16_t *x1, int32_t quads,
                            int16_t *out0, int16_t *out1)
{
    const int32_t *w = (const int32_t *)(const void *)p->weights;
    int32_t n, q;
    for (n = 0; n < p->channels; n += 2) {
        int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0; /* a<row><channel of the pair> */
        const int16_t *r0 = x0, *r1 = x1;
        for (q = 0; q < quads; ++q, r0 += 4, r1 += 4, w += 2) {
            const uint32_t w0 = (uint32_t)w[0], w1 = (uint32_t)w[1];
            const uint32_t w0k = edgeq_sxtb16(w0), w0m = edgeq_sxtb16_ror8(w0);
            const uint32_t w1k = edgeq_sxtb16(w1), w1m = edgeq_sxtb16_ror8(w1);
            uint32_t xa = edgeq_read_u32(r0), xb = edgeq_read_u32(r0 + 2);
            a00 = edgeq_smlad(xb, w0m, edgeq_smlad(xa, w0k, a00));
            a01 = edgeq_smlad(xb, w1m, edgeq_smlad(xa, w1k, a01));
            xa = edgeq_read_u32(r1);
            xb = edgeq_read_u32(r1 + 2);
            a10 = edgeq_smlad(xb, w0m, edgeq_smlad(xa, w0k, a10));
            a11 = edgeq_smlad(xb, w1m, edgeq_smlad(xa, w1k, a11));
        }
        out0[n] = requant_s16(p, n, a00);
        out1[n] = requant_s16(p, n, a10);
        if (n + 1 < p->channels) {
            out0[n + 1] = requant_s16(p, n + 1, a01);
            out1[n + 1] = requant_s16(p, n + 1, a11);
        }
    }
}

/* One row x (`quads` whole quads) through two channel pairs at a time, 32-bit accumulators: each pair of
 * input words serves four channels (FULLY_CONNECTED's single row, where nothing else shares the loads). */
static void gemm_row_quad32(const edgeq_packed_s16_t *p, const int16_t *x, int32_t quads, int16_t *out)
{
    const int32_t *w0 = (const int32_t *)(const void *)p->weights;
    int32_t n, q;
    for (n = 0; n + 4 <= p->channels; n += 4, w0 += 2 * quads) {
        const int32_t *w1 = w0 + 2 * quads; /* the next pair's words */
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        const int16_t *r = x;
        for (q = 0; q < quads; ++q, r += 4, w0 += 2, w1 += 2) {
            const uint32_t xa = edgeq_read_u32(r), xb = edgeq_read_u32(r + 2);
            uint32_t w = (uint32_t)w0[0];
            a0 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w), edgeq_smlad(xa, edgeq_sxtb16(w), a0));
            w = (uint32_t)w0[1];
            a1 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w), edgeq_smlad(xa, edgeq_sxtb16(w), a1));
            w = (uint32_t)w1[0];
            a2 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w), edgeq_smlad(xa, edgeq_sxtb16(w), a2));
            w = (uint32_t)w1[1];
            a3 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w), edgeq_smlad(xa, edgeq_sxtb16(w), a3));
        }
        out[n] = requant_s16(p, n, a0);
        out[n + 1] = requant_s16(p, n + 1, a1);
        out[n + 2] = requant_s16(p, n + 2, a2);
        out[n + 3] = requant_s16(p, n + 3, a3);
    }
    for (; n < p->channels; n += 2) { /* the last one or two pairs (a second channel may be padding) */
        int32_t a0 = 0, a1 = 0;
        const int16_t *r = x;
        for (q = 0; q < quads; ++q, r += 4, w0 += 2) {
            const uint32_t xa = edgeq_read_u32(r), xb = edgeq_read_u32(r + 2);
            a0 = edgeq_smlad(xb, edgeq_sxtb16_ror8((uint32_t)w0[0]), edgeq_smlad(xa, edgeq_sxtb16((uint32_t)w0[0]), a0));
            a1 = edgeq_smlad(xb, edgeq_sxtb16_ror8((uint32_t)w0[1]), edgeq_smlad(xa, edgeq_sxtb16((uint32_t)w0[1]), a1));
        }
        out[n] = requant_s16(p, n, a0);
        if (n + 1 < p->channels) {
            out[n + 1] = requant_s16(p, n + 1, a1);
        }
    }
}

/* The last depth & 3 elements of row x, zero padded to a quad, as two input words. */
static void row_tail(const int16_t *x, int32_t depth, uint32_t tail[2])
{
    int16_t padded[4] = {0, 0, 0, 0};
    int32_t i;
    for (i = 0; i < (depth & 3); ++i) {
        padded[i] = x[(depth & ~3) + i];
    }
    tail[0] = edgeq_read_u32(padded);
    tail[1] = edgeq_read_u32(padded + 2);
}

void edgeq_gemm_rows_s16(const edgeq_packed_s16_t *p, int32_t rows, const int16_t *input, int16_t *output)
{
    int32_t r = 0;
    if (p->acc32 && (p->depth & 3) == 0) {
        for (; r + 2 <= rows; r += 2, input += 2 * p->depth, output += 2 * p->channels) {
            gemm_row_pair32(p, input, input + p->depth, p->depth >> 2, output, output + p->channels);
        }
    }
    if (p->acc32 && (p->depth & 3) == 0) {
        for (; r < rows; ++r, input += p->depth, output += p->channels) {
            gemm_row_quad32(p, input, p->depth >> 2, output);
        }
    }
    for (; r < rows; ++r, input += p->depth, output += p->channels) {
        uint32_t tail[2] = {0u, 0u};
        row_tail(input, p->depth, tail);
        gemm_row(p, input, p->depth >> 2, (p->depth & 3) ? tail : 0, output);
    }
}

/* Gathers the window of output pixel (oy, ox) into col (zeros for taps outside the image). */
static void gather_window(const edgeq_conv_geom_t *g, const int16_t *image, int32_t oy, int32_t ox, int16_t *col)
{
    const int32_t run = g->input_c; /* int16 per filter tap */
    const int32_t y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
    int32_t fy, fx, i;
    for (fy = 0; fy < g->filter_h; ++fy) {
        const int32_t y = y0 + fy * g->dilation_h;
        for (fx = 0; fx < g->filter_w; ++fx, col += run) {
            const int32_t x = x0 + fx * g->dilation_w;
            if (y < 0 || y >= g->input_h || x < 0 || x >= g->input_w) {
                for (i = 0; i < run; ++i) {
                    col[i] = 0;
                }
            } else {
                edgeq_copy_s8((int8_t *)col, (const int8_t *)(image + (y * g->input_w + x) * run), 2 * run);
            }
        }
    }
}

void edgeq_conv2d_im2col_s16(const edgeq_conv_geom_t *g, const edgeq_packed_s16_t *p, const int16_t *input,
                             int16_t *output, void *scratch)
{
    const int32_t padded = (p->depth + 3) & ~3;
    const int32_t pixels = g->output_h * g->output_w;
    int16_t *col0 = (int16_t *)scratch, *col1 = col0 + padded;
    int32_t b, i, k;
    for (i = p->depth; i < padded; ++i) {
        col0[i] = 0; /* depth past K: zero inputs against zero weights */
        col1[i] = 0;
    }
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * g->input_c;
        k = 0;
        if (p->acc32) {
            for (; k + 2 <= pixels; k += 2, output += 2 * p->channels) {
                gather_window(g, image, k / g->output_w, k % g->output_w, col0);
                gather_window(g, image, (k + 1) / g->output_w, (k + 1) % g->output_w, col1);
                gemm_row_pair32(p, col0, col1, padded >> 2, output, output + p->channels);
            }
        }
        for (; k < pixels; ++k, output += p->channels) {
            gather_window(g, image, k / g->output_w, k % g->output_w, col0);
            gemm_row(p, col0, padded >> 2, 0, output); /* padded to whole quads in scratch */
        }
    }
}
