/*
 * edgeq_maxpool_mve_s16.c — MAX_POOL_2D int16 on Helium, the contract of edgeq_maxpool_s16 (TFLM: the maximum
 * over the window clipped to the image, starting from -32768, then the activation bounds): eight channels per
 * vector, one VLDRH + VMAX per window pixel, the last channels tail-predicated (VCTP16: inactive lanes are
 * neither loaded nor stored).
 */
#include "edgeq_mve_util.h"

void edgeq_maxpool_mve_s16(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int16_t *input,
                           int16_t *output)
{
    const int32_t ch = g->channels;
    const int16x8_t lo = vdupq_n_s16((int16_t)act_min), hi = vdupq_n_s16((int16_t)act_max);
    int32_t b, oy, ox, y, x, c;
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * ch;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            const int32_t y_begin = y0 < 0 ? 0 : y0;
            const int32_t y_end = y0 + g->filter_h < g->input_h ? y0 + g->filter_h : g->input_h;
            for (ox = 0; ox < g->output_w; ++ox, output += ch) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                const int32_t x_begin = x0 < 0 ? 0 : x0;
                const int32_t x_end = x0 + g->filter_w < g->input_w ? x0 + g->filter_w : g->input_w;
                for (c = 0; c < ch; c += 8) {
                    const mve_pred16_t lanes = vctp16q((uint32_t)(ch - c));
                    int16x8_t best = vdupq_n_s16(-32768);
                    for (y = y_begin; y < y_end; ++y) {
                        const int16_t *px = image + (y * g->input_w + x_begin) * ch + c;
                        for (x = x_begin; x < x_end; ++x, px += ch) {
                            best = vmaxq_s16(best, vldrhq_z_s16(px, lanes));
                        }
                    }
                    vstrhq_p_s16(output + c, vminq_s16(vmaxq_s16(best, lo), hi), lanes);
                }
            }
        }
    }
}
