/*
 * edgeq_depthwise_mve_s8.c — DEPTHWISE_CONV_2D int8 with depth multiplier 1 on Helium: four channels per
 * int32 vector (VLDRB.S32 widens four int8), a VMUL + VADD per tap. Pixels whose whole window is inside the image
 * go four at a time along x, sharing each weight load (the input zero point is folded into the bias, so no
 * offset is added per tap); border pixels go one at a time, feeding the zero point for the taps outside
 * the image (they then contribute nothing, as in TFLM). The last channel group is tail-predicated (VCTP).
 * Weights: [filter_h * filter_w][p->depth] (channels rounded up to 4, zero past `channels`). Not in place.
 */
#include "edgeq_mve_util.h"

/* acc + a * b per lane, modulo 2^32 (MVE's VMLA takes a scalar operand, so VMUL + VADD). */
static inline int32x4_t edgeq_mve_mla(int32x4_t acc, int32x4_t a, int32x4_t b)
{
    return vaddq_s32(acc, vmulq_s32(a, b));
}

typedef struct {
    const edgeq_conv_geom_t *g;
    const edgeq_mve_gemm_s8_t *p;
    int32_t pad;
} dw_t;

/* Four horizontally adjacent output pixels, windows fully inside the image, channels [c, c + 4). */
static void quad(const dw_t *d, const int8_t *image, int32_t y0, int32_t x0, int32_t c, int8_t *out)
{
    const edgeq_conv_geom_t *g = d->g;
    const int32_t ch = g->input_c;
    const int32_t step = g->stride_w * ch;
    const mve_pred16_t tail = vctp32q((uint32_t)(ch - c));
    const int8_t *w = d->p->weights + c;
    int32x4_t a0 = vdupq_n_s32(0), a1 = a0, a2 = a0, a3 = a0, bias;
    int32_t ky, kx, i, n;
    for (ky = 0; ky < g->filter_h; ++ky) {
        const int8_t *x = image + ((y0 + ky * g->dilation_h) * g->input_w + x0) * ch + c;
        for (kx = 0; kx < g->filter_w; ++kx) {
            const int32x4_t wv = vldrbq_s32(w);
            a0 = edgeq_mve_mla(a0, vldrbq_z_s32(x, tail), wv);
            a1 = edgeq_mve_mla(a1, vldrbq_z_s32(x + step, tail), wv);
            a2 = edgeq_mve_mla(a2, vldrbq_z_s32(x + 2 * step, tail), wv);
            a3 = edgeq_mve_mla(a3, vldrbq_z_s32(x + 3 * step, tail), wv);
            w += d->p->depth;
            x += g->dilation_w * ch;
        }
    }
    bias = vld1q_s32(d->p->bias + c);
    n = ch - c < 4 ? ch - c : 4;
    {
        const int32x4_t acc[4] = {vaddq_s32(a0, bias), vaddq_s32(a1, bias), vaddq_s32(a2, bias),
                                  vaddq_s32(a3, bias)};
        for (i = 0; i < 4; ++i) {
            edgeq_mve_requant4(acc[i], d->p->requant + 3 * c, d->p->exact_channels, d->p->act_min,
                               d->p->act_max, out + i * ch, n);
        }
    }
}

/* One output pixel, window possibly clipped by the image border, channels [c, c + 4). */
static void single(const dw_t *d, const int8_t *image, int32_t y0, int32_t x0, int32_t c, int8_t *out)
{
    const edgeq_conv_geom_t *g = d->g;
    const int32_t ch = g->input_c;
    const mve_pred16_t tail = vctp32q((uint32_t)(ch - c));
    const int32x4_t pad = vdupq_n_s32(d->pad);
    const int8_t *w = d->p->weights + c;
    int32x4_t acc = vdupq_n_s32(0);
    int32_t ky, kx, n;
    for (ky = 0; ky < g->filter_h; ++ky) {
        const int32_t iy = y0 + ky * g->dilation_h;
        for (kx = 0; kx < g->filter_w; ++kx, w += d->p->depth) {
            const int32_t ix = x0 + kx * g->dilation_w;
            const int32x4_t wv = vldrbq_s32(w);
            if (iy < 0 || iy >= g->input_h || ix < 0 || ix >= g->input_w) {
                acc = edgeq_mve_mla(acc, pad, wv);
            } else {
                acc = edgeq_mve_mla(acc, vldrbq_z_s32(image + (iy * g->input_w + ix) * ch + c, tail), wv);
            }
        }
    }
    n = ch - c < 4 ? ch - c : 4;
    edgeq_mve_requant4(vaddq_s32(acc, vld1q_s32(d->p->bias + c)), d->p->requant + 3 * c, d->p->exact_channels,
                       d->p->act_min, d->p->act_max, out, n);
}

void edgeq_depthwise_mve_s8(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output)
{
    const dw_t d = {g, p, pad_value};
    const int32_t ch = g->input_c;
    const int32_t span_w = (g->filter_w - 1) * g->dilation_w; /* window width - 1 */
    const int32_t span_h = (g->filter_h - 1) * g->dilation_h;
    int32_t b, oy, ox, c;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * ch;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t y0 = oy * g->stride_h - g->pad_top;
            const int32_t rows_inside = y0 >= 0 && y0 + span_h < g->input_h;
            int8_t *out_row = output + (b * g->output_h + oy) * g->output_w * ch;
            ox = 0;
            while (ox < g->output_w) {
                const int32_t x0 = ox * g->stride_w - g->pad_left;
                if (rows_inside && x0 >= 0 && ox + 3 < g->output_w && x0 + 3 * g->stride_w + span_w < g->input_w) {
                    for (c = 0; c < ch; c += 4) {
                        quad(&d, image, y0, x0, c, out_row + ox * ch + c);
                    }
                    ox += 4;
                } else {
                    for (c = 0; c < ch; c += 4) {
                        single(&d, image, y0, x0, c, out_row + ox * ch + c);
                    }
                    ox += 1;
                }
            }
        }
    }
}
