/* CONV_2D, float32: TFLite's summation order (filter row, column, input channel; padding skipped; bias last). */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_conv2d_f32(const edgeq_conv_geom_t *g, const edgeq_act_f32_t *act, const float *input,
                      const float *filter, const float *bias, float *output)
{
    int32_t b, oy, ox, oc, fy, fx, ic;
    for (b = 0; b < g->batches; ++b) {
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                float *out = output + ((b * g->output_h + oy) * g->output_w + ox) * g->output_c;
                for (oc = 0; oc < g->output_c; ++oc) {
                    float total = 0.0f;
                    for (fy = 0; fy < g->filter_h; ++fy) {
                        const int32_t y = y0 + fy * g->dilation_h;
                        if (y < 0 || y >= g->input_h) {
                            continue;
                        }
                        for (fx = 0; fx < g->filter_w; ++fx) {
                            const int32_t x = x0 + fx * g->dilation_w;
                            const float *in;
                            const float *w;
                            if (x < 0 || x >= g->input_w) {
                                continue;
                            }
                            in = input + ((b * g->input_h + y) * g->input_w + x) * g->input_c;
                            w = filter + ((oc * g->filter_h + fy) * g->filter_w + fx) * g->input_c;
                            for (ic = 0; ic < g->input_c; ++ic) {
                                total += in[ic] * w[ic];
                            }
                        }
                    }
                    total += bias != 0 ? bias[oc] : 0.0f;
                    out[oc] = edgeq_clamp_f32(total, act->act_min, act->act_max);
                }
            }
        }
    }
}
