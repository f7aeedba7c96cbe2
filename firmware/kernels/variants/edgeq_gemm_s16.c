/*
 * int16x8 GEMM over packed int8 weights (layout: edgeq_kernels_packed_s16.h). Per channel pair and
 * quad of depths: two input words (four int16), one weight word per channel, two SXTB16 and two SMLALD
 * per channel: eight MACs in about eleven instructions, with TFLM's exact int64 accumulation.
 */
#include "edgeq_kernels_packed_s16.h"
#include "edgeq_requant_s16.h"
#include "edgeq_simd.h"

static inline int16_t requant_s16(const edgeq_packed_s16_t *p, int32_t ch, int64_t acc)
{
    if (p->bias != 0) {
        acc += p->bias[ch];
    }
    return edgeq_clamp_to_s16(edgeq_requantize_s64(acc, p->multiplier[ch], p->shift[ch]), p->act_min, p->act_max);
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
    int32_t r;
    for (r = 0; r < rows; ++r, input += p->depth, output += p->channels) {
        uint32_t tail[2] = {0u, 0u};
        row_tail(input, p->depth, tail);
        gemm_row(p, input, p->depth >> 2, (p->depth & 3) ? tail : 0, output);
    }
}

void edgeq_conv2d_im2col_s16(const edgeq_conv_geom_t *g, const edgeq_packed_s16_t *p, const int16_t *input,
                             int16_t *output, void *scratch)
{
    int16_t *col = (int16_t *)scratch;
    const int32_t run = g->input_c; /* int16 per filter tap */
    const int32_t padded = (p->depth + 3) & ~3;
    int32_t b, oy, ox, fy, fx, i;
    for (i = p->depth; i < padded; ++i) {
        col[i] = 0; /* depth past K: zero inputs against zero weights */
    }
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * run;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            for (ox = 0; ox < g->output_w; ++ox, output += p->channels) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                int16_t *dst = col;
                for (fy = 0; fy < g->filter_h; ++fy) {
                    const int32_t y = y0 + fy * g->dilation_h;
                    for (fx = 0; fx < g->filter_w; ++fx, dst += run) {
                        const int32_t x = x0 + fx * g->dilation_w;
                        if (y < 0 || y >= g->input_h || x < 0 || x >= g->input_w) {
                            for (i = 0; i < run; ++i) {
                                dst[i] = 0;
                            }
                        } else {
                            edgeq_copy_s8((int8_t *)dst, (const int8_t *)(image + (y * g->input_w + x) * run),
                                          2 * run);
                        }
                    }
                }
                gemm_row(p, col, padded >> 2, 0, output); /* padded to whole quads in scratch */
            }
        }
    }
}
