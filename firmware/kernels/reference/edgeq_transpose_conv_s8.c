/*
 * TRANSPOSE_CONV, int8 (per-channel requantization), gathered per output pixel: the input pixels feeding
 * output (oy, ox) are iy = (oy + pad_top - fy) / stride_h for the taps fy where the division is exact and
 * in range (likewise x), so each (pixel, channel, tap) is one contiguous dot product over input channels
 * and the output is written once (TFLM scatters into an int32 scratch buffer instead; the sums are the same
 * modulo 2^32, which is how both wrap). The input zero point enters through filter_sums.
 */
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_transpose_conv_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *q, const int8_t *input,
                             const int8_t *filter, const int32_t *filter_sums, const int32_t *bias,
                             int8_t *output)
{
    const int32_t in_c = g->input_c;
    const int32_t taps = g->filter_h * g->filter_w;
    int32_t b, oy, ox, oc, fy, fx, iy, ix, ic;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * in_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t ry = (oy + g->pad_top) % g->stride_h, iy0 = (oy + g->pad_top) / g->stride_h;
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t rx = (ox + g->pad_left) % g->stride_w, ix0 = (ox + g->pad_left) / g->stride_w;
                int8_t *out = output + ((b * g->output_h + oy) * g->output_w + ox) * g->output_c;
                for (oc = 0; oc < g->output_c; ++oc) {
                    uint32_t acc = bias ? (uint32_t)bias[oc] : 0u;
                    /* Only taps with (o + pad - f) divisible by the stride reach an input pixel: start at the
                     * first such f and step by the stride; the input index then falls by one per step. */
                    for (fy = ry, iy = iy0; fy < g->filter_h && iy >= 0; fy += g->stride_h, --iy) {
                        if (iy >= g->input_h) {
                            continue;
                        }
                        for (fx = rx, ix = ix0; fx < g->filter_w && ix >= 0; fx += g->stride_w, --ix) {
                            const int8_t *x;
                            const int8_t *w;
                            int32_t dot = 0;
                            if (ix >= g->input_w) {
                                continue;
                            }
                            x = image + (iy * g->input_w + ix) * in_c;
                            w = filter + ((oc * g->filter_h + fy) * g->filter_w + fx) * in_c;
                            for (ic = 0; ic < in_c; ++ic) {
                                dot += x[ic] * w[ic];
                            }
                            acc += (uint32_t)dot - (uint32_t)q->input_zero_point
                                                 * (uint32_t)filter_sums[oc * taps + fy * g->filter_w + fx];
                        }
                    }
                    out[oc] = (int8_t)edgeq_clamp_s32(
                        edgeq_requantize((int32_t)acc, q->multiplier[oc], q->shift[oc]) + q->output_zero_point,
                        q->act_min, q->act_max);
                }
            }
        }
    }
}
