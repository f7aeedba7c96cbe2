/*
 * edgeq_depthwise_mve_s16.c — int16x8 DEPTHWISE_CONV_2D with depth multiplier 1 on Helium (edgeq_kernels_mve.h
 * states the parameters): eight channels per step, per window tap one VLDRH of the inputs, one widening
 * VLDRB.S16 of the weights (TFLite's [filter_h][filter_w][channels] order, read in place), VMULLB / VMULLT
 * into two int32x4 sums (even and odd channels) and two VADD; the last channels tail-predicated (VCTP16).
 * Taps outside the image are clipped once per output pixel (int16 activations have zero point 0, so TFLM's
 * padding adds nothing).
 *
 * Exactness: the generator registers this kernel only where every channel's 32768 * sum|w| < 2^31, so each
 * int32 lane sum is the exact value of TFLM's int64 accumulator without the bias; the bias, rounding and
 * multiplier are in the prepared offset (dsp_variants_s16.prepared_requant), applied with one SMLAL per
 * output as the packed int16 kernels do.
 */
#include "edgeq_mve_util.h"

#include "edgeq_kernels_packed_s16.h"

/* First tap index t in [0, taps) with 0 <= origin + t * dilation, and one past the last with it < size. */
static inline void tap_range(int32_t origin, int32_t dilation, int32_t taps, int32_t size, int32_t *begin,
                             int32_t *end)
{
    const int32_t first = origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
    const int32_t past = size - origin <= 0 ? 0 : (size - origin + dilation - 1) / dilation;
    *begin = first;
    *end = past < taps ? (past < first ? first : past) : taps;
}

void edgeq_depthwise_mve_s16(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s16_t *p, const int16_t *input,
                             int16_t *output)
{
    const edgeq_packed_s16_t q = {p->channels, p->depth, p->act_min, p->act_max, 0, 0,
                                  p->offset, p->multiplier, p->post_shift};
    const int32_t ch = p->channels;
    const uint32x4_t even_slots = vidupq_n_u32(0, 2), odd_slots = vidupq_n_u32(1, 2);
    int32_t b, oy, ox, fy, fx, fy0, fy1, fx0, fx1, c, i;
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * ch;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            tap_range(y0, g->dilation_h, g->filter_h, g->input_h, &fy0, &fy1);
            for (ox = 0; ox < g->output_w; ++ox, output += ch) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                tap_range(x0, g->dilation_w, g->filter_w, g->input_w, &fx0, &fx1);
                for (c = 0; c < ch; c += 8) {
                    const int32_t live = ch - c < 8 ? ch - c : 8;
                    const mve_pred16_t lanes = vctp16q((uint32_t)live);
                    int32x4_t even = vdupq_n_s32(0), odd = vdupq_n_s32(0);
                    int32_t sums[8];
                    for (fy = fy0; fy < fy1; ++fy) {
                        const int16_t *x = image + ((y0 + fy * g->dilation_h) * g->input_w + x0 +
                                                    fx0 * g->dilation_w) * ch + c;
                        const int8_t *w = p->weights + (fy * g->filter_w + fx0) * ch + c;
                        for (fx = fx0; fx < fx1; ++fx, x += g->dilation_w * ch, w += ch) {
                            const int16x8_t v = vldrhq_z_s16(x, lanes), k = vldrbq_z_s16(w, lanes);
                            even = vaddq_s32(even, vmullbq_int_s16(v, k));
                            odd = vaddq_s32(odd, vmulltq_int_s16(v, k));
                        }
                    }
                    vstrwq_scatter_shifted_offset_s32(sums, even_slots, even);
                    vstrwq_scatter_shifted_offset_s32(sums, odd_slots, odd);
                    for (i = 0; i < live; ++i) {
                        output[c + i] = edgeq_requant_prepared32_s16(&q, c + i, sums[i]);
                    }
                }
            }
        }
    }
}
