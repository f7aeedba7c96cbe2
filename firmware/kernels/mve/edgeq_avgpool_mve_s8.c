/*
 * edgeq_avgpool_mve_s8.c — AVERAGE_POOL_2D int8 on Helium, the contract of edgeq_avgpool_s8 (TFLM: windows
 * clipped to the image, padded pixels not counted, the sum rounded half away from zero by C division, then
 * clamped): four channels per int32 vector, a widening VLDRB.S32 + VADD per window pixel, the last channels
 * tail-predicated (VCTP). MVE has no integer division: each lane's sum is divided by the window's pixel count
 * in scalar code, once per output element.
 */
#include "edgeq_mve_util.h"

void edgeq_avgpool_mve_s8(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int8_t *input,
                          int8_t *output)
{
    const int32_t ch = g->channels;
    int32_t b, oy, ox, fy, fx, c, i;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * ch;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            const int32_t fy0 = y0 < 0 ? -y0 : 0;
            const int32_t fy1 = g->input_h - y0 < g->filter_h ? g->input_h - y0 : g->filter_h;
            for (ox = 0; ox < g->output_w; ++ox, output += ch) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                const int32_t fx0 = x0 < 0 ? -x0 : 0;
                const int32_t fx1 = g->input_w - x0 < g->filter_w ? g->input_w - x0 : g->filter_w;
                const int32_t count = (fy1 - fy0) * (fx1 - fx0);
                for (c = 0; c < ch; c += 4) {
                    const int32_t n = ch - c < 4 ? ch - c : 4;
                    const mve_pred16_t lanes = vctp32q((uint32_t)n);
                    int32x4_t acc = vdupq_n_s32(0);
                    int32_t sum[4];
                    for (fy = fy0; fy < fy1; ++fy) {
                        const int8_t *x = image + ((y0 + fy) * g->input_w + x0 + fx0) * ch + c;
                        for (fx = fx0; fx < fx1; ++fx, x += ch) {
                            acc = vaddq_s32(acc, vldrbq_z_s32(x, lanes));
                        }
                    }
                    vst1q_s32(sum, acc);
                    for (i = 0; i < n; ++i) {
                        int32_t v = sum[i] > 0 ? (sum[i] + count / 2) / count : (sum[i] - count / 2) / count;
                        v = v < act_min ? act_min : v;
                        output[c + i] = (int8_t)(v > act_max ? act_max : v);
                    }
                }
            }
        }
    }
}
