/*
 * int16x8 GEMM over packed int8 weights (layout: edgeq_kernels_packed_s16.h), block by block of four
 * output channels, each block narrow (32-bit sums, exact there) or wide (64-bit, TFLM's accumulator) as
 * the generator decided from its weights.
 *
 * Narrow block, one row (FULLY_CONNECTED): per quad of depths two input words (four int16) serve the four
 * channels; their four weight words are consecutive (one load of four words), each sign-extended twice
 * (SXTB16, SXTB16 ROR 8) and multiplied by SMLAD: 16 MACs per 8 SXTB16 + 8 SMLAD and three loads.
 * Narrow block, row pairs (CONV_2D): each weight word sign-extended once serves two rows, channel pair by
 * channel pair. Wide block: one row at a time, SMLALD into 64 bits, channel pair by channel pair.
 * Requantization per channel as prepared by the generator (edgeq_requant_prepared_s16).
 */
#include "edgeq_kernels_packed_s16.h"
#include "edgeq_simd.h"

#define BLOCK 4 /* output channels per weight block */

/* The channels of block b that exist (the last block may be padded with zero channels). */
static inline int32_t block_channels(const edgeq_packed_s16_t *p, int32_t b)
{
    const int32_t left = p->channels - b * BLOCK;
    return left < BLOCK ? left : BLOCK;
}

static inline int block_is_wide(const edgeq_packed_s16_t *p, int32_t b)
{
    return p->wide != 0 && p->wide[b] != 0;
}

/* Channel pair h (0 or 1) of a block: `quads` quads of row x, then the zero-padded `tail` words if not
 * NULL, into two 64-bit sums. w: the block's words (four per quad). */
static void pair_wide(const uint32_t *w, int32_t h, const int16_t *x, int32_t quads, const uint32_t *tail,
                      int64_t *s0, int64_t *s1)
{
    int64_t a0 = 0, a1 = 0;
    int32_t q;
    w += 2 * h;
    for (q = 0; q < quads; ++q, x += 4, w += BLOCK) {
        const uint32_t xa = edgeq_read_u32(x), xb = edgeq_read_u32(x + 2);
        a0 = edgeq_smlald(xb, edgeq_sxtb16_ror8(w[0]), edgeq_smlald(xa, edgeq_sxtb16(w[0]), a0));
        a1 = edgeq_smlald(xb, edgeq_sxtb16_ror8(w[1]), edgeq_smlald(xa, edgeq_sxtb16(w[1]), a1));
    }
    if (tail != 0) {
        a0 = edgeq_smlald(tail[1], edgeq_sxtb16_ror8(w[0]), edgeq_smlald(tail[0], edgeq_sxtb16(w[0]), a0));
        a1 = edgeq_smlald(tail[1], edgeq_sxtb16_ror8(w[1]), edgeq_smlald(tail[0], edgeq_sxtb16(w[1]), a1));
    }
    *s0 = a0;
    *s1 = a1;
}

/* Wide block b for row x: the channels that exist, 64-bit sums. */
static void block_row_wide(const edgeq_packed_s16_t *p, const uint32_t *w, int32_t b, const int16_t *x,
                           int32_t quads, const uint32_t *tail, int16_t *out)
{
    const int32_t n = block_channels(p, b);
    int64_t s[BLOCK];
    int32_t c;
    pair_wide(w, 0, x, quads, tail, &s[0], &s[1]);
    pair_wide(w, 1, x, quads, tail, &s[2], &s[3]);
    for (c = 0; c < n; ++c) {
        out[c] = edgeq_requant_prepared_s16(p, b * BLOCK + c, s[c]);
    }
}

/* Narrow block b for row x: four 32-bit sums sharing each pair of input words. */
static void block_row_narrow(const edgeq_packed_s16_t *p, const uint32_t *w, int32_t b, const int16_t *x,
                             int32_t quads, const uint32_t *tail, int16_t *out)
{
    const int32_t n = block_channels(p, b);
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int32_t q;
    for (q = 0; q < quads; ++q, x += 4, w += BLOCK) {
        const uint32_t xa = edgeq_read_u32(x), xb = edgeq_read_u32(x + 2);
        const uint32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
        a0 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w0), edgeq_smlad(xa, edgeq_sxtb16(w0), a0));
        a1 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w1), edgeq_smlad(xa, edgeq_sxtb16(w1), a1));
        a2 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w2), edgeq_smlad(xa, edgeq_sxtb16(w2), a2));
        a3 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w3), edgeq_smlad(xa, edgeq_sxtb16(w3), a3));
    }
    if (tail != 0) {
        const uint32_t xa = tail[0], xb = tail[1];
        a0 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w[0]), edgeq_smlad(xa, edgeq_sxtb16(w[0]), a0));
        a1 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w[1]), edgeq_smlad(xa, edgeq_sxtb16(w[1]), a1));
        a2 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w[2]), edgeq_smlad(xa, edgeq_sxtb16(w[2]), a2));
        a3 = edgeq_smlad(xb, edgeq_sxtb16_ror8(w[3]), edgeq_smlad(xa, edgeq_sxtb16(w[3]), a3));
    }
    b *= BLOCK;
    out[0] = edgeq_requant_prepared32_s16(p, b, a0);
    if (n > 1) {
        out[1] = edgeq_requant_prepared32_s16(p, b + 1, a1);
    }
    if (n > 2) {
        out[2] = edgeq_requant_prepared32_s16(p, b + 2, a2);
    }
    if (n > 3) {
        out[3] = edgeq_requant_prepared32_s16(p, b + 3, a3);
    }
}

/* Narrow block b for rows x0 and x1 (`quads` whole quads each), channel pair by channel pair: each weight
 * word sign-extended once for both rows. */
static void block_rows2_narrow(const edgeq_packed_s16_t *p, const uint32_t *block_w, int32_t b,
                               const int16_t *x0, const int16_t *x1, int32_t quads, int16_t *out0, int16_t *out1)
{
    const int32_t n = block_channels(p, b);
    int32_t h, q;
    for (h = 0; h < n; h += 2) {
        const uint32_t *w = block_w + h;
        const int16_t *r0 = x0, *r1 = x1;
        int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0; /* a<row><channel of the pair> */
        const int32_t ch = b * BLOCK + h;
        for (q = 0; q < quads; ++q, r0 += 4, r1 += 4, w += BLOCK) {
            const uint32_t w0k = edgeq_sxtb16(w[0]), w0m = edgeq_sxtb16_ror8(w[0]);
            const uint32_t w1k = edgeq_sxtb16(w[1]), w1m = edgeq_sxtb16_ror8(w[1]);
            uint32_t xa = edgeq_read_u32(r0), xb = edgeq_read_u32(r0 + 2);
            a00 = edgeq_smlad(xb, w0m, edgeq_smlad(xa, w0k, a00));
            a01 = edgeq_smlad(xb, w1m, edgeq_smlad(xa, w1k, a01));
            xa = edgeq_read_u32(r1);
            xb = edgeq_read_u32(r1 + 2);
            a10 = edgeq_smlad(xb, w0m, edgeq_smlad(xa, w0k, a10));
            a11 = edgeq_smlad(xb, w1m, edgeq_smlad(xa, w1k, a11));
        }
        out0[h] = edgeq_requant_prepared32_s16(p, ch, a00);
        out1[h] = edgeq_requant_prepared32_s16(p, ch, a10);
        if (h + 1 < n) {
            out0[h + 1] = edgeq_requant_prepared32_s16(p, ch + 1, a01);
            out1[h + 1] = edgeq_requant_prepared32_s16(p, ch + 1, a11);
        }
    }
}

/* One row x through every block: `quads` whole quads from x, then the `tail` words if not NULL. */
static void gemm_row(const edgeq_packed_s16_t *p, const int16_t *x, int32_t quads, const uint32_t *tail,
                     int16_t *out)
{
    const int32_t stride = quads + (tail != 0); /* quads per block, four words each */
    const uint32_t *w = (const uint32_t *)(const void *)p->weights;
    int32_t b;
    for (b = 0; b * BLOCK < p->channels; ++b, w += BLOCK * stride, out += BLOCK) {
        if (block_is_wide(p, b)) {
            block_row_wide(p, w, b, x, quads, tail, out);
        } else {
            block_row_narrow(p, w, b, x, quads, tail, out);
        }
    }
}

/* Rows x0 and x1 (`quads` whole quads each) through every block: narrow blocks share each weight word
 * between the rows, wide ones take each row alone. */
static void gemm_row_pair(const edgeq_packed_s16_t *p, const int16_t *x0, const int16_t *x1, int32_t quads,
                          int16_t *out0, int16_t *out1)
{
    const uint32_t *w = (const uint32_t *)(const void *)p->weights;
    int32_t b;
    for (b = 0; b * BLOCK < p->channels; ++b, w += BLOCK * quads, out0 += BLOCK, out1 += BLOCK) {
        if (block_is_wide(p, b)) {
            block_row_wide(p, w, b, x0, quads, 0, out0);
            block_row_wide(p, w, b, x1, quads, 0, out1);
        } else {
            block_rows2_narrow(p, w, b, x0, x1, quads, out0, out1);
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
    const int32_t quads = p->depth >> 2;
    int32_t r = 0;
    if ((p->depth & 3) == 0) {
        for (; r + 2 <= rows; r += 2, input += 2 * p->depth, output += 2 * p->channels) {
            gemm_row_pair(p, input, input + p->depth, quads, output, output + p->channels);
        }
    }
    for (; r < rows; ++r, input += p->depth, output += p->channels) {
        uint32_t tail[2];
        if (p->depth & 3) {
            row_tail(input, p->depth, tail);
        }
        gemm_row(p, input, quads, (p->depth & 3) ? tail : 0, output);
    }
}

/* Gathers the window of output pixel (oy, ox) into col (zeros for taps outside the image); a filter row
 * whose taps are all inside and adjacent (dilation 1) is one copy. */
static void gather_window(const edgeq_conv_geom_t *g, const int16_t *image, int32_t oy, int32_t ox, int16_t *col)
{
    const int32_t run = g->input_c; /* int16 per filter tap */
    const int32_t y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
    const int whole_rows = g->dilation_w == 1 && x0 >= 0 && x0 + g->filter_w <= g->input_w;
    int32_t fy, fx, i;
    for (fy = 0; fy < g->filter_h; ++fy) {
        const int32_t y = y0 + fy * g->dilation_h;
        if (whole_rows && y >= 0 && y < g->input_h) {
            edgeq_copy_s8((int8_t *)col, (const int8_t *)(image + (y * g->input_w + x0) * run), 2 * run * g->filter_w);
            col += run * g->filter_w;
            continue;
        }
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

/* Input pixel of output pixel k for a 1x1 filter without padding: the window itself, read in place. */
static inline const int16_t *pixel_1x1(const edgeq_conv_geom_t *g, const int16_t *image, int32_t k)
{
    return image + ((k / g->output_w) * g->stride_h * g->input_w + (k % g->output_w) * g->stride_w) * g->input_c;
}

void edgeq_conv2d_im2col_s16(const edgeq_conv_geom_t *g, const edgeq_packed_s16_t *p, const int16_t *input,
                             int16_t *output, void *scratch)
{
    const int32_t padded = (p->depth + 3) & ~3;
    const int32_t pixels = g->output_h * g->output_w;
    const int direct = g->filter_h == 1 && g->filter_w == 1 && g->pad_top == 0 && g->pad_left == 0
                       && (g->input_c & 3) == 0;
    int16_t *col0 = (int16_t *)scratch, *col1 = col0 + padded;
    int32_t b, i, k;
    for (i = p->depth; i < padded; ++i) {
        col0[i] = 0; /* depth past K: zero inputs against zero weights */
        col1[i] = 0;
    }
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * g->input_c;
        for (k = 0; k + 2 <= pixels; k += 2, output += 2 * p->channels) {
            const int16_t *x0 = col0, *x1 = col1;
            if (direct) {
                x0 = pixel_1x1(g, image, k);
                x1 = pixel_1x1(g, image, k + 1);
            } else {
                gather_window(g, image, k / g->output_w, k % g->output_w, col0);
                gather_window(g, image, (k + 1) / g->output_w, (k + 1) % g->output_w, col1);
            }
            gemm_row_pair(p, x0, x1, padded >> 2, output, output + p->channels);
        }
        if (k < pixels) {
            gather_window(g, image, k / g->output_w, k % g->output_w, col0);
            gemm_row(p, col0, padded >> 2, 0, output); /* padded to whole quads in scratch */
            output += p->channels;
        }
    }
}
