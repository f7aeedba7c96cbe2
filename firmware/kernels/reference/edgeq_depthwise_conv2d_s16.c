/* DEPTHWISE_CONV_2D, int16 activations, int8 weights, int64 bias and accumulator (TFLM's
 * DepthwiseConvPerChannel for int16). Output channel oc reads input channel oc / depth_multiplier. */
#include "edgeq_kernels.h"
#include "edgeq_requant_s16.h"

void edgeq_depthwise_conv2d_s16(const edgeq_conv_geom_t *g, const edgeq_quant_s16_t *quant,
                                const int16_t *input, const int8_t *filter, const int64_t *bias,
                                int16_t *output)
{
    int32_t b, oy, ox, oc, fy, fx;
    for (b = 0; b < g->batches; ++b) {
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                int16_t *out = output + ((b * g->output_h + oy) * g->output_w + ox) * g->output_c;
                for (oc = 0; oc < g->output_c; ++oc) {
                    const int32_t ic = oc / g->depth_multiplier;
                    int64_t acc = 0;
                    for (fy = 0; fy < g->filter_h; ++fy) {
                        const int32_t y = y0 + fy * g->dilation_h;
                        if (y < 0 || y >= g->input_h) {
                            continue;
                        }
                        for (fx = 0; fx < g->filter_w; ++fx) {
                            const int32_t x = x0 + fx * g->dilation_w;
                            if (x < 0 || x >= g->input_w) {
                                continue;
                            }
                            acc += (int32_t)input[((b * g->input_h + y) * g->input_w + x) * g->input_c + ic] *
                                   (int32_t)filter[(fy * g->filter_w + fx) * g->output_c + oc];
                        }
                    }
                    if (bias != 0) {
                        acc += bias[oc];
                    }
                    out[oc] = edgeq_clamp_to_s16(edgeq_requantize_s64(acc, quant->multiplier[oc], quant->shift[oc]),
                                                 quant->act_min, quant->act_max);
                }
            }
        }
    }
}
