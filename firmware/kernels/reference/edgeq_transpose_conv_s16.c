/*
 * TRANSPOSE_CONV, int16 activations with int8 filters and int64 bias (TFLM's int64-accumulator path),
 * gathered per output pixel as edgeq_transpose_conv_s8 (zero points are 0): one int64 accumulator per output,
 * TFLM's int64 requantization (shift <= 7), clamped to [act_min, act_max].
 */
#include "edgeq_kernels_math.h"
#include "edgeq_requant_s16.h"

void edgeq_transpose_conv_s16(const edgeq_conv_geom_t *g, int32_t act_min, int32_t act_max,
                              const int32_t *multiplier, const int32_t *shift, const int16_t *input,
                              const int8_t *filter, const int64_t *bias, int16_t *output)
{
    const int32_t in_c = g->input_c;
    int32_t b, oy, ox, oc, fy, fx, iy, ix, ic;
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * in_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t ry = (oy + g->pad_top) % g->stride_h, iy0 = (oy + g->pad_top) / g->stride_h;
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t rx = (ox + g->pad_left) % g->stride_w, ix0 = (ox + g->pad_left) / g->stride_w;
                int16_t *out = output + ((b * g->output_h + oy) * g->output_w + ox) * g->output_c;
                for (oc = 0; oc < g->output_c; ++oc) {
                    int64_t acc = bias ? bias[oc] : 0;
                    /* Only taps with (o + pad - f) divisible by the stride reach an input pixel: start at the
                     * first such f and step by the stride; the input index then falls by one per step. */
                    for (fy = ry, iy = iy0; fy < g->filter_h && iy >= 0; fy += g->stride_h, --iy) {
                        if (iy >= g->input_h) {
                            continue;
                        }
                        for (fx = rx, ix = ix0; fx < g->filter_w && ix >= 0; fx += g->stride_w, --ix) {
                            const int16_t *x;
                            const int8_t *w;
                            int64_t dot = 0;
                            if (ix >= g->input_w) {
                                continue;
                            }
                            x = image + (iy * g->input_w + ix) * in_c;
                            w = filter + ((oc * g->filter_h + fy) * g->filter_w + fx) * in_c;
                            for (ic = 0; ic < in_c; ++ic) {
                                dot += (int32_t)x[ic] * w[ic];
                            }
                            acc += dot;
                        }
                    }
                    out[oc] = edgeq_clamp_to_s16(edgeq_requantize_s64(acc, multiplier[oc], shift[oc]), act_min,
                                                 act_max);
                }
            }
        }
    }
}
