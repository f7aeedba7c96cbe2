/*
 * int16x8 DEPTHWISE_CONV_2D, depth multiplier 1 (edgeq_kernels_packed_s16.h). Per output pixel the valid
 * filter window is computed once (int16 activations have zero point 0: padded taps add nothing and are
 * skipped, as in TFLM), then each channel pair sweeps it with one input word, one weight word and
 * SMLABB + SMLATT per tap. The last channel of an odd count is done alone (a word read there would run
 * past the pixel).
 */
#include "edgeq_kernels_packed_s16.h"
#include "edgeq_simd.h"

/* First and one-past-last filter index whose tap lands inside [0, size) from origin o. */
static inline void valid_taps(int32_t o, int32_t dilation, int32_t taps, int32_t size, int32_t *first, int32_t *end)
{
    int32_t f = 0, e = taps;
    while (f < taps && o + f * dilation < 0) {
        ++f;
    }
    while (e > f && o + (e - 1) * dilation >= size) {
        --e;
    }
    *first = f;
    *end = e;
}

void edgeq_depthwise_s16(const edgeq_conv_geom_t *g, const edgeq_packed_s16_t *p, const int16_t *weights16,
                         const int16_t *input, int16_t *output)
{
    const int32_t c = g->input_c, pairs = c >> 1, taps = g->filter_h * g->filter_w;
    const int32_t row = g->input_w * c;
    int32_t b, oy, ox, q, fy, fx;
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * row;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            int32_t fy0, fy1;
            valid_taps(y0, g->dilation_h, g->filter_h, g->input_h, &fy0, &fy1);
            for (ox = 0; ox < g->output_w; ++ox, output += c) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                int32_t fx0, fx1;
                valid_taps(x0, g->dilation_w, g->filter_w, g->input_w, &fx0, &fx1);
                for (q = 0; q < pairs; ++q) {
                    const uint32_t *w = (const uint32_t *)(const void *)(weights16 + 2 * q * taps);
                    int32_t a0 = 0, a1 = 0;
                    for (fy = fy0; fy < fy1; ++fy) {
                        const int16_t *x = image + (y0 + fy * g->dilation_h) * row + (x0 + fx0 * g->dilation_w) * c
                                           + 2 * q;
                        const uint32_t *wt = w + fy * g->filter_w + fx0;
                        for (fx = fx0; fx < fx1; ++fx, x += g->dilation_w * c, ++wt) {
                            const uint32_t xv = edgeq_read_u32(x);
                            a0 = edgeq_smlabb(xv, *wt, a0);
                            a1 = edgeq_smlatt(xv, *wt, a1);
                        }
                    }
                    output[2 * q] = edgeq_requant_prepared32_s16(p, 2 * q, a0);
                    output[2 * q + 1] = edgeq_requant_prepared32_s16(p, 2 * q + 1, a1);
                }
                if (c & 1) {
                    const int16_t *w = weights16 + 2 * pairs * taps;
                    int32_t a = 0;
                    for (fy = fy0; fy < fy1; ++fy) {
                        for (fx = fx0; fx < fx1; ++fx) {
                            const int32_t y = y0 + fy * g->dilation_h, x = x0 + fx * g->dilation_w;
                            a += (int32_t)image[y * row + x * c + c - 1] * w[2 * (fy * g->filter_w + fx)];
                        }
                    }
                    output[c - 1] = edgeq_requant_prepared32_s16(p, c - 1, a);
                }
            }
        }
    }
}
