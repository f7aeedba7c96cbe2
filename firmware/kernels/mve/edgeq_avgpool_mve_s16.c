/*
 * edgeq_avgpool_mve_s16.c — AVERAGE_POOL_2D int16 on Helium, the contract of edgeq_avgpool_s16 (TFLM: windows
 * clipped to the image, padded pixels not counted, the int32 sum rounded half away from zero by C division,
 * then clamped): eight channels per VLDRH, widened into two int32x4 sums (VMOVLB: even channels, VMOVLT: odd;
 * 32768 * window pixels stays far inside int32), the last channels tail-predicated (VCTP16: inactive lanes
 * read as zero). MVE has no integer division: each sum is divided by the window's pixel count in scalar code,
 * once per output element, exactly as the reference kernel does.
 */
#include "edgeq_mve_util.h"

void edgeq_avgpool_mve_s16(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int16_t *input,
                           int16_t *output)
{
    const int32_t ch = g->channels;
    int32_t b, oy, ox, y, x, c, i;
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
                const int32_t count = (y_end - y_begin) * (x_end - x_begin);
                for (c = 0; c < ch; c += 8) {
                    const int32_t n = ch - c < 8 ? ch - c : 8;
                    const mve_pred16_t lanes = vctp16q((uint32_t)n);
                    int32x4_t even = vdupq_n_s32(0), odd = vdupq_n_s32(0);
                    int32_t sum[8];
                    for (y = y_begin; y < y_end; ++y) {
                        const int16_t *px = image + (y * g->input_w + x_begin) * ch + c;
                        for (x = x_begin; x < x_end; ++x, px += ch) {
                            const int16x8_t v = vldrhq_z_s16(px, lanes);
                            even = vaddq_s32(even, vmovlbq_s16(v));
                            odd = vaddq_s32(odd, vmovltq_s16(v));
                        }
                    }
                    /* sum[] in channel order: even lanes to 0, 2, 4, 6 and odd lanes to 1, 3, 5, 7 */
                    vstrwq_scatter_shifted_offset_s32(sum, vidupq_n_u32(0, 2), even);
                    vstrwq_scatter_shifted_offset_s32(sum, vidupq_n_u32(1, 2), odd);
                    for (i = 0; i < n; ++i) {
                        int32_t v = sum[i];
                        if (count > 0) {
                            v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;
                        }
                        v = v < act_min ? act_min : v;
                        output[c + i] = (int16_t)(v > act_max ? act_max : v);
                    }
                }
            }
        }
    }
}
