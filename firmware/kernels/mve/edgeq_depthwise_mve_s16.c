/*
 * edgeq_depthwise_mve_s16.c — int16x8 DEPTHWISE_CONV_2D with depth multiplier 1 on Helium (edgeq_kernels_mve.h
 * states the parameters): four channels per vector in int32 lanes, per window tap one widening VLDRH.S32 of
 * the inputs, one widening VLDRB.S32 of the weights (TFLite's [filter_h][filter_w][channels] order, read in
 * place), VMUL + VADD (MVE has no vector x vector VMLA); the last channels tail-predicated (VCTP32). Taps
 * outside the image are skipped (int16 activations have zero point 0, so TFLM's padding adds nothing).
 *
 * Exactness: the generator registers this kernel only where every channel's 32768 * sum|w| < 2^31, so each
 * int32 lane sum is the exact value of TFLM's int64 accumulator without the bias; the bias, rounding and
 * multiplier are in the prepared offset (dsp_variants_s16.prepared_requant), applied with one SMLAL per
 * output as the packed int16 kernels do.
 */
#include "edgeq_mve_util.h"

#include "edgeq_kernels_packed_s16.h"

void edgeq_depthwise_mve_s16(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s16_t *p, const int16_t *input,
                             int16_t *output)
{
    const edgeq_packed_s16_t q = {p->channels, p->depth, p->act_min, p->act_max, 0, 0,
                                  p->offset, p->multiplier, p->post_shift};
    const int32_t ch = p->channels;
    int32_t b, oy, ox, fy, fx, c, i;
    for (b = 0; b < g->batches; ++b) {
        const int16_t *image = input + b * g->input_h * g->input_w * ch;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            for (ox = 0; ox < g->output_w; ++ox, output += ch) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                for (c = 0; c < ch; c += 4) {
                    const int32_t live = ch - c < 4 ? ch - c : 4;
                    const mve_pred16_t lanes = vctp32q((uint32_t)live);
                    int32x4_t acc = vdupq_n_s32(0);
                    int32_t sums[4];
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
                            const int32x4_t v = vldrhq_z_s32(image + (y * g->input_w + x) * ch + c, lanes);
                            const int32x4_t w = vldrbq_z_s32(p->weights + (fy * g->filter_w + fx) * ch + c, lanes);
                            acc = vaddq_s32(acc, vmulq_s32(v, w));
                        }
                    }
                    vst1q_s32(sums, acc);
                    for (i = 0; i < live; ++i) {
                        output[c + i] = edgeq_requant_prepared32_s16(&q, c + i, sums[i]);
                    }
                }
            }
        }
    }
}
