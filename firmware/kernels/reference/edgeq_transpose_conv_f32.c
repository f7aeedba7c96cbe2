/*
 * TRANSPOSE_CONV, float32, gathered per output pixel. Contributions are added in TFLM's order (its scatter
 * visits input pixels row-major, channels innermost): taps from the last filter row and column backwards
 * (increasing input position), channels in order, starting from 0; then the bias; then the clamp. So the
 * float sums equal TFLM's bit for bit.
 */
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_transpose_conv_f32(const edgeq_conv_geom_t *g, const edgeq_act_f32_t *act, const float *input,
                              const float *filter, const float *bias, float *output)
{
    const int32_t in_c = g->input_c;
    int32_t b, oy, ox, oc, ky, kx, ic;
    for (b = 0; b < g->batches; ++b) {
        const float *image = input + b * g->input_h * g->input_w * in_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t ry = (oy + g->pad_top) % g->stride_h, iy0 = (oy + g->pad_top) / g->stride_h;
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t rx = (ox + g->pad_left) % g->stride_w, ix0 = (ox + g->pad_left) / g->stride_w;
                float *out = output + ((b * g->output_h + oy) * g->output_w + ox) * g->output_c;
                for (oc = 0; oc < g->output_c; ++oc) {
                    float acc = 0.0f;
                    /* Valid taps are f = r + k * stride (input index i0 - k); visited from the last one
                     * back, i.e. by increasing input position, TFLM's order of addition. */
                    for (ky = (g->filter_h - 1 - ry) / g->stride_h; ky >= 0; --ky) {
                        const int32_t fy = ry + ky * g->stride_h, iy = iy0 - ky;
                        if (ry >= g->filter_h || iy < 0 || iy >= g->input_h) {
                            continue;
                        }
                        for (kx = (g->filter_w - 1 - rx) / g->stride_w; kx >= 0; --kx) {
                            const int32_t fx = rx + kx * g->stride_w, ix = ix0 - kx;
                            const float *x, *w;
                            if (rx >= g->filter_w || ix < 0 || ix >= g->input_w) {
                                continue;
                            }
                            x = image + (iy * g->input_w + ix) * in_c;
                            w = filter + ((oc * g->filter_h + fy) * g->filter_w + fx) * in_c;
                            for (ic = 0; ic < in_c; ++ic) {
                                acc += x[ic] * w[ic];
                            }
                        }
                    }
                    if (bias) {
                        acc += bias[oc];
                    }
                    out[oc] = edgeq_clamp_f32(acc, act->act_min, act->act_max);
                }
            }
        }
    }
}
