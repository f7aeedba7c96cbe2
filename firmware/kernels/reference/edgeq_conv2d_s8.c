/*
 * CONV_2D, int8, per-channel requantization. Padded pixels read as input_zero_point, which with the
 * generator's folded bias (bias - zp * sum(filter)) makes them contribute nothing, as in TFLite.
 */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_conv2d_s8(const edgeq_conv_geom_t *g, const edgeq_quant_s8_t *quant, const int8_t *input,
                     const int8_t *filter, const int32_t *bias, int8_t *output)
{
    const int32_t pad = quant->input_zero_point;
    int32_t b, oy, ox, oc, fy, fx, ic;
    for (b = 0; b < g->batches; ++b) {
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                int8_t *out = output + ((b * g->output_h + oy) * g->output_w + ox) * g->output_c;
                for (oc = 0; oc < g->output_c; ++oc) {
                    int32_t acc = bias != 0 ? bias[oc] : 0;
                    for (fy = 0; fy < g->filter_h; ++fy) {
                        const int32_t y = y0 + fy * g->dilation_h;
                        for (fx = 0; fx < g->filter_w; ++fx) {
                            const int32_t x = x0 + fx * g->dilation_w;
                            const int8_t *w = filter + ((oc * g->filter_h + fy) * g->filter_w + fx) * g->input_c;
                            if (y < 0 || y >= g->input_h || x < 0 || x >= g->input_w) {
                                int32_t wsum = 0;
                                for (ic = 0; ic < g->input_c; ++ic) {
                                    wsum += w[ic];
                                }
                                acc += pad * wsum;
                            } else {
                                const int8_t *in = input + ((b * g->input_h + y) * g->input_w + x) * g->input_c;
                                for (ic = 0; ic < g->input_c; ++ic) {
                                    acc += (int32_t)in[ic] * (int32_t)w[ic];
                                }
                            }
                        }
                    }
                    acc = edgeq_requantize(acc, quant->multiplier[oc], quant->shift[oc]) + quant->output_zero_point;
                    out[oc] = (int8_t)edgeq_clamp_s32(acc, quant->act_min, quant->act_max);
                }
            }
        }
    }
}
