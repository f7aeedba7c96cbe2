/* MAX_POOL_2D, float: maximum over the window clipped to the image, then the fused activation. */
#include <float.h>

#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_maxpool_f32(const edgeq_pool_geom_t *g, const edgeq_act_f32_t *act, const float *input,
                       float *output)
{
    int32_t b, oy, ox, c, y, x;
    for (b = 0; b < g->batches; ++b) {
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            const int32_t y_begin = y0 < 0 ? 0 : y0;
            const int32_t y_end = y0 + g->filter_h < g->input_h ? y0 + g->filter_h : g->input_h;
            for (ox = 0; ox < g->output_w; ++ox) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                const int32_t x_begin = x0 < 0 ? 0 : x0;
                const int32_t x_end = x0 + g->filter_w < g->input_w ? x0 + g->filter_w : g->input_w;
                for (c = 0; c < g->channels; ++c) {
                    float best = -FLT_MAX;
                    for (y = y_begin; y < y_end; ++y) {
                        for (x = x_begin; x < x_end; ++x) {
                            const float v = input[((b * g->input_h + y) * g->input_w + x) * g->channels + c];
                            best = v > best ? v : best;
                        }
                    }
                    output[((b * g->output_h + oy) * g->output_w + ox) * g->channels + c] = edgeq_clamp_f32(best, act->act_min, act->act_max);
                }
            }
        }
    }
}
