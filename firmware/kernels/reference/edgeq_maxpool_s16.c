/* MAX_POOL_2D, int16: maximum over the window clipped to the image, then the activation bounds. */
#include "edgeq_kernels.h"
#include "edgeq_requant_s16.h"

void edgeq_maxpool_s16(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int16_t *input,
                       int16_t *output)
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
                    int32_t best = -32768;
                    for (y = y_begin; y < y_end; ++y) {
                        for (x = x_begin; x < x_end; ++x) {
                            const int32_t v = input[((b * g->input_h + y) * g->input_w + x) * g->channels + c];
                            best = v > best ? v : best;
                        }
                    }
                    output[((b * g->output_h + oy) * g->output_w + ox) * g->channels + c] =
                        edgeq_clamp_to_s16(best, act_min, act_max);
                }
            }
        }
    }
}
