/*
 * edgeq_depthwise_mve_s8.c — DEPTHWISE_CONV_2D int8 with depth multiplier 1 on Helium: four channels per
 * int32 vector (VLDRB.S32 widens four int8), a VMUL + VADD per tap. For each output row the filter_h input
 * rows it reads are copied into scratch with their padding columns written as the input zero point (which
 * the folded bias makes contribute nothing, as in TFLM) and rows outside the image all zero point, so every
 * window is a plain strided read: output pixels go four at a time along x, sharing each weight load. The
 * last channel group is tail-predicated (VCTP). Weights: [filter_h * filter_w][p->depth] (channels rounded
 * up to 4, zero past `channels`). Scratch: edgeq_depthwise_mve_s8_scratch_size(g). Not in place.
 */
#include "edgeq_mve_util.h"

/* acc + a * b per lane, modulo 2^32 (MVE's VMLA takes a scalar operand, so VMUL + VADD). */
static inline int32x4_t edgeq_mve_mla(int32x4_t acc, int32x4_t a, int32x4_t b)
{
    return vaddq_s32(acc, vmulq_s32(a, b));
}

/* The requantized outputs of `count` pixels' accumulators (channels [c, c + n)), `ch` bytes apart. */
static inline void store(const edgeq_mve_gemm_s8_t *p, edgeq_mve_act_t act, int32_t c, int32_t n, int32_t ch,
                         const int32x4_t *acc, int32_t count, int8_t *out)
{
    const int32x4_t bias = vld1q_s32(p->bias + c);
    const edgeq_mve_rq4_t q = edgeq_mve_rq4(p->requant + 3 * c, p->exact_channels);
    int32_t i;
    for (i = 0; i < count; ++i) {
        edgeq_mve_requant4q(vaddq_s32(acc[i], bias), &q, act, out + i * ch, n);
    }
}

/* Four horizontally adjacent output pixels, channels [c, c + 4) (`tail` masks channels past the last). */
static void quad(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, edgeq_mve_act_t act, const int8_t *rows,
                 int32_t row_bytes, int32_t c, int8_t *out)
{
    const int32_t ch = g->input_c;
    const int32_t step = g->stride_w * ch;
    const int32_t tap_step = g->dilation_w * ch;
    const int32_t wstride = p->depth;
    const int32_t n = ch - c < 4 ? ch - c : 4;
    const int8_t *w = p->weights + c;
    int32x4_t acc[4];
    int32x4_t a0 = vdupq_n_s32(0), a1 = a0, a2 = a0, a3 = a0;
    int32_t ky, kx;
    if (n == 4) {
        for (ky = 0; ky < g->filter_h; ++ky) {
            const int8_t *x0 = rows + ky * row_bytes + c;
            const int8_t *x1 = x0 + step, *x2 = x1 + step, *x3 = x2 + step;
            for (kx = 0; kx < g->filter_w; ++kx) {
                const int32x4_t wv = vldrbq_s32(w);
                a0 = edgeq_mve_mla(a0, vldrbq_s32(x0), wv);
                a1 = edgeq_mve_mla(a1, vldrbq_s32(x1), wv);
                a2 = edgeq_mve_mla(a2, vldrbq_s32(x2), wv);
                a3 = edgeq_mve_mla(a3, vldrbq_s32(x3), wv);
                w += wstride;
                x0 += tap_step;
                x1 += tap_step;
                x2 += tap_step;
                x3 += tap_step;
            }
        }
    } else {
        const mve_pred16_t tail = vctp32q((uint32_t)n);
        for (ky = 0; ky < g->filter_h; ++ky) {
            const int8_t *x = rows + ky * row_bytes + c;
            for (kx = 0; kx < g->filter_w; ++kx) {
                const int32x4_t wv = vldrbq_s32(w);
                a0 = edgeq_mve_mla(a0, vldrbq_z_s32(x, tail), wv);
                a1 = edgeq_mve_mla(a1, vldrbq_z_s32(x + step, tail), wv);
                a2 = edgeq_mve_mla(a2, vldrbq_z_s32(x + 2 * step, tail), wv);
                a3 = edgeq_mve_mla(a3, vldrbq_z_s32(x + 3 * step, tail), wv);
                w += wstride;
                x += tap_step;
            }
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
    store(p, act, c, n, ch, acc, 4, out);
}

/* One output pixel, channels [c, c + 4). */
static void single(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, edgeq_mve_act_t act,
                   const int8_t *rows, int32_t row_bytes, int32_t c, int8_t *out)
{
    const int32_t ch = g->input_c;
    const int32_t tap_step = g->dilation_w * ch;
    const int32_t n = ch - c < 4 ? ch - c : 4;
    const mve_pred16_t tail = vctp32q((uint32_t)n);
    const int8_t *w = p->weights + c;
    int32x4_t acc = vdupq_n_s32(0);
    int32_t ky, kx;
    for (ky = 0; ky < g->filter_h; ++ky) {
        const int8_t *x = rows + ky * row_bytes + c;
        for (kx = 0; kx < g->filter_w; ++kx) {
            acc = edgeq_mve_mla(acc, vldrbq_z_s32(x, tail), vldrbq_s32(w));
            w += p->depth;
            x += tap_step;
        }
    }
    store(p, act, c, n, ch, &acc, 1, out);
}

/* The filter_h input rows output row oy reads (dilated), padded left/right, into rows[ky * row_bytes]. */
static void load_rows(const edgeq_conv_geom_t *g, int8_t pad, const int8_t *image, int32_t oy, int8_t *rows,
                      int32_t row_bytes)
{
    const int32_t ch = g->input_c;
    const int32_t cols = row_bytes / ch;
    const int32_t left = g->pad_left < cols ? g->pad_left : cols;
    const int32_t avail = g->input_w < cols - left ? g->input_w : cols - left; /* image columns kept */
    int32_t ky;
    for (ky = 0; ky < g->filter_h; ++ky, rows += row_bytes) {
        const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
        if (iy < 0 || iy >= g->input_h) {
            edgeq_mve_fill_s8(rows, pad, row_bytes);
            continue;
        }
        edgeq_mve_fill_s8(rows, pad, left * ch);
        edgeq_mve_copy_s8(rows + left * ch, image + iy * g->input_w * ch, avail * ch);
        edgeq_mve_fill_s8(rows + (left + avail) * ch, pad, (cols - left - avail) * ch);
    }
}

void edgeq_depthwise_mve_s8(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, void *scratch)
{
    const int32_t ch = g->input_c;
    const int32_t row_bytes = edgeq_depthwise_mve_cols(g) * ch;
    int8_t *rows = (int8_t *)scratch;
    const edgeq_mve_act_t act = edgeq_mve_act(p->act_min, p->act_max);
    int32_t b, oy, ox, c;
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * ch;
        for (oy = 0; oy < g->output_h; ++oy) {
            int8_t *out_row = output + (b * g->output_h + oy) * g->output_w * ch;
            load_rows(g, (int8_t)pad_value, image, oy, rows, row_bytes);
            for (ox = 0; ox + 4 <= g->output_w; ox += 4) {
                for (c = 0; c < ch; c += 4) {
                    quad(g, p, act, rows + ox * g->stride_w * ch, row_bytes, c, out_row + ox * ch + c);
                }
            }
            for (; ox < g->output_w; ++ox) { /* the row's last output_w % 4 pixels */
                for (c = 0; c < ch; c += 4) {
                    single(g, p, act, rows + ox * g->stride_w * ch, row_bytes, c, out_row + ox * ch + c);
                }
            }
        }
    }
}
