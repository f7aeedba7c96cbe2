/*
 * CONV_2D with few output channels (at most 8: first layers such as micro_speech's DEPTHWISE_CONV_2D with
 * one input channel and depth multiplier 8), undilated in width: each output pixel's window is read
 * straight from the int8 input-row ring (edgeq_ring_load_s8.c), sign-extended in registers (SXTB16) and
 * multiplied with weights stored as int16 pairs, four output channels per pass over the window.
 * No expanded copy of the window in scratch (edgeq_conv2d_im2col_s8.c keeps four pixels' windows as int16,
 * 640 bytes for micro_speech): the scratch is the ring, 4 spare bytes for the word reads past a window's
 * last tap, and one pixel's window gathered as int8 words (so the dot products run one flat loop); with
 * as few channels the im2col tile has little to share anyway.
 *
 * Weights (int16 pairs, 4-byte aligned; im2col_variants.py packs them): for each group of 4 output
 * channels (channels padded with zero weights to a multiple of 4), for each filter row, for each window
 * word i of the row (p->depth_words = ceil(filter_w * input_c / 4); taps past the row's run are zero), for
 * each channel of the group, the pair (w[4i], w[4i + 2]) then (w[4i + 1], w[4i + 3]) of the row's taps in
 * [fx][ic] order: SXTB16 and SXTB16 ROR 8 of the input word give the matching input pairs. Bias and
 * requantization as edgeq_kernels_packed.h (input zero point folded into the bias); a channel on the exact
 * form costs only its own outputs' requantization (the other channels of its group keep SSAT, see below).
 *
 * Read/write order (what the planner's overlap relies on, edgeq.plan.overlap): output row oy is written
 * pixel by pixel after edgeq_ring_load_s8 has copied every input row it reads into the ring, and no input
 * row is read again once copied, so the output may overlap the input as for edgeq_conv2d_im2col_s8.
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

/*
 * Requantization per group of 4 channels, chosen once per call (bit ch of a mask, ch a multiple of 4):
 * `plain` groups (whole, full int8 range, no exact channel) take four SSATs; `mixed` groups (whole, full
 * range, some exact channel) keep SSAT on their fast channels and take the exact form only on their exact
 * ones; the rest (the last group when channels % 4 != 0, a clamped activation) check each channel.
 */

/* The exact form (edgeq_simd.h) for the full int8 range. A right shift r (TFLM's shift -r in [-31, -1]: the
 * usual hostile channel, whose accumulator or rounding term passes 2^30) runs inline; a left or zero shift
 * calls edgeq_requant_exact. Inline, TFLM's two roundings become one 64-bit sum: its high multiply is
 * x = floor((P + 2^30) / 2^31) for P = acc * multiplier, its rounding divide floor((x + 2^(r-1) - s) / 2^r)
 * with s = [x < 0] = [P + 2^30 < 0], and nested floors of divisions by powers of two are one floor, so the
 * result is floor((P + 2^30 + (2^(r-1) - s) * 2^31) / 2^(31+r)): the sum's high word shifted right by r - 1
 * (SMLAL, the carry of one 64-bit add, one ASR; exact for every int32 accumulator and multiplier, zero
 * included). + zp cannot wrap after a right shift. */
static inline int8_t requant_exact_sat(int32_t acc, const int32_t *rq)
{
    const int32_t r = EDGEQ_RQ_EXACT - rq[1];
    if (r > 0) {
        const int64_t p = (int64_t)acc * rq[0] + ((int64_t)1 << 30);
        const uint32_t c = ((uint32_t)1 << (r - 1)) - (uint32_t)(p < 0);
        const int64_t q = (int64_t)((uint64_t)p + ((uint64_t)c << 31));
        const int32_t v = ((int32_t)(q >> 32) >> (r - 1)) + rq[2];
#if defined(__ARM_FEATURE_DSP)
        return (int8_t)__ssat(v, 8);
#else
        return (int8_t)edgeq_clamp_s32(v, -128, 127);
#endif
    }
    return edgeq_requant_exact(acc, rq, -128, 127);
}

/* One output of a mixed group (bias added): SSAT, or the exact form if the triple is an exact one. */
static inline int8_t requant_mixed(int32_t acc, const int32_t *rq)
{
    const int32_t shift = rq[1];
    return shift < EDGEQ_RQ_EXACT - 31 ? edgeq_requant_sat(acc, rq[0], shift, rq[2]) : requant_exact_sat(acc, rq);
}

/* The other groups: channels ch + c below `channels`, each through edgeq_requant_out. */
static void store_checked(const edgeq_packed_s8_t *p, int32_t ch, const int32_t acc[4], int8_t *out)
{
    const int32_t *rq = p->requant + 3 * ch;
    const int32_t *bias = p->bias + ch;
    int32_t c;
    for (c = 0; c < 4 && ch + c < p->channels; ++c) {
        out[ch + c] = edgeq_requant_out(edgeq_add_wrap(bias[c], acc[c]), rq + 3 * c, p->act_min, p->act_max);
    }
}

void edgeq_conv2d_ring_direct_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                                 const int8_t *input, int8_t *output, void *scratch)
{
    int8_t *ring = (int8_t *)scratch;
    const int32_t row_bytes = edgeq_ring_row_bytes(g), ring_h = edgeq_ring_rows(g);
    const int32_t ring_bytes = row_bytes * ring_h, ring_step = g->dilation_h * row_bytes;
    const int8_t *ring_end = ring + ring_bytes;
    uint32_t *col = (uint32_t *)(void *)(ring + ring_bytes + 4); /* the window, filter_h * words words */
    const int32_t step = g->stride_w * g->input_c;
    const int32_t words = p->depth_words, n_ch = p->channels, filter_h = g->filter_h;
    const int32_t window_words = filter_h * words;
    const int32_t full_range = p->act_min == -128 && p->act_max == 127;
    uint32_t exact = 0; /* bit c: channel c's triple is the exact form (at most 8 channels, see above) */
    uint32_t plain = 0, mixed = 0; /* bit ch: the group of channels ch..ch+3 (see above) */
    int32_t b, oy, ox, ch, fy, i;
    for (ch = 0; ch < n_ch; ++ch) {
        exact |= (uint32_t)(p->requant[3 * ch + 1] >= EDGEQ_RQ_EXACT - 31) << ch;
    }
    for (ch = 0; ch + 4 <= n_ch && full_range; ch += 4) {
        if ((exact >> ch) & 0xFu) {
            mixed |= 1u << ch;
        } else {
            plain |= 1u << ch;
        }
    }
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * g->input_c;
        int8_t *out = output + b * g->output_h * g->output_w * n_ch;
        int32_t next_row = 0;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int8_t *first_row = ring + ((oy * g->stride_h) % ring_h) * row_bytes;
            edgeq_ring_load_s8(g, pad_value, image, ring, oy, &next_row);
            for (ox = 0; ox < g->output_w; ++ox, out += n_ch) {
                const int32_t *w = (const int32_t *)(const void *)p->weights;
                const int8_t *row = first_row + ox * step;
                uint32_t *dst = col;
                /* Gather the window's rows (whole words: up to 3 bytes past a row's run, whose weights are
                 * zero; the ring is followed by 4 spare bytes). */
                for (fy = 0; fy < filter_h; ++fy) {
                    for (i = 0; i < words; ++i) {
                        *dst++ = edgeq_read_u32(row + 4 * i);
                    }
                    row += ring_step;
                    row = row >= ring_end ? row - ring_bytes : row;
                }
                for (ch = 0; ch < n_ch; ch += 4) {
                    const uint32_t *x = col;
                    int32_t acc[4];
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, j;
                    for (j = window_words; j > 0; --j) {
                        const uint32_t v = *x++;
                        const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
                        uint32_t w0, w1;
                        edgeq_load2(&w, &w0, &w1);
                        a0 = edgeq_smlad(even, w0, a0);
                        a0 = edgeq_smlad(odd, w1, a0);
                        edgeq_load2(&w, &w0, &w1);
                        a1 = edgeq_smlad(even, w0, a1);
                        a1 = edgeq_smlad(odd, w1, a1);
                        edgeq_load2(&w, &w0, &w1);
                        a2 = edgeq_smlad(even, w0, a2);
                        a2 = edgeq_smlad(odd, w1, a2);
                        edgeq_load2(&w, &w0, &w1);
                        a3 = edgeq_smlad(even, w0, a3);
                        a3 = edgeq_smlad(odd, w1, a3);
                    }
                    {
                        const int32_t *rq = p->requant + 3 * ch;
                        const int32_t *bias = p->bias + ch;
                        int8_t *o = out + ch;
                        if ((plain >> ch) & 1u) { /* the hot path */
                            o[0] = edgeq_requant_sat(edgeq_add_wrap(bias[0], a0), rq[0], rq[1], rq[2]);
                            o[1] = edgeq_requant_sat(edgeq_add_wrap(bias[1], a1), rq[3], rq[4], rq[5]);
                            o[2] = edgeq_requant_sat(edgeq_add_wrap(bias[2], a2), rq[6], rq[7], rq[8]);
                            o[3] = edgeq_requant_sat(edgeq_add_wrap(bias[3], a3), rq[9], rq[10], rq[11]);
                        } else if ((mixed >> ch) & 1u) {
                            o[0] = requant_mixed(edgeq_add_wrap(bias[0], a0), rq);
                            o[1] = requant_mixed(edgeq_add_wrap(bias[1], a1), rq + 3);
                            o[2] = requant_mixed(edgeq_add_wrap(bias[2], a2), rq + 6);
                            o[3] = requant_mixed(edgeq_add_wrap(bias[3], a3), rq + 9);
                        } else {
                            acc[0] = a0;
                            acc[1] = a1;
                            acc[2] = a2;
                            acc[3] = a3;
                            store_checked(p, ch, acc, out);
                        }
                    }
                }
            }
        }
    }
}
