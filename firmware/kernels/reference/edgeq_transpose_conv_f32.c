/*
 * TRANSPOSE_CONV, float32, gathered per output pixel. Contributions are added in TFLM's order (its scatter
 * visits input pixels row-major, channels innermost): taps from the last filter row and column backwards
 * (increasing input position), channels in order, starting from 0; then the bias; then the clamp. So the
 * float sums equal TFLM's bit for bit on the same libm-free arithmetic.
 */
#include "edgeq_kernels_math.h"
#include "edgeq_requant.h"

void edgeq_transpose_conv_f32(const edgeq_conv_geom_t *g, const edgeq_act_f32_t *act, const float *input,
                              const float *filter, const float *bias, float *output)
{
    const int32_t in_c = g->input_c;
    int32_t b, oy, ox, oc, fy, fx, ic;
    for (b = 0; b < g->batches; ++b) {
        const float *image = input + b * g->input_h * g->input_w * in_c;
        for (oy = 0; oy < g->output_h; ++oy) {
            for (ox = 0; ox < g->output_w; ++ox) {
                float *out = output + ((b * g->output_h + oy) * g->output_w + ox) * g->output_c;
                for (oc = 0; oc < g->output_c; ++oc) {
                    float acc = 0.0f;
                    for (fy = g->filter_h - 1; fy >= 0; --fy) {
                        const int32_t ny = oy + g->pad_top - fy;
                        const int32_t iy = ny / g->stride_h;
                        if (ny < 0 || iy >= g->input_h || iy * g->stride_h != ny) {
                            continue;
                        }
                        for (fx = g->filter_w - 1; fx >= 0; --fx) {
                            const int32_t nx = ox + g->pad_left - fx;
                            const int32_t ix = nx / g->stride_w;
                            const float *x, *w;
                            if (nx < 0 || ix >= g->input_w || ix * g->stride_w != nx) {
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
