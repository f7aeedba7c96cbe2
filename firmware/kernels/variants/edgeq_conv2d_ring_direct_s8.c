/*
 * CONV_2D with few output channels (at most 8: first layers such as micro_speech's DEPTHWISE_CONV_2D with
 * one input channel and depth multiplier 8), undilated in width: each output pixel's window is read
 * straight from the int8 input-row ring (edgeq_ring_load_s8.c), sign-extended in registers (SXTB16) and
 * multiplied with weights stored as int16 pairs.
 * No expanded copy of the window in scratch (edgeq_conv2d_im2col_s8.c keeps four pixels' windows as int16,
 * 640 bytes for micro_speech): the scratch is the ring, 4 spare bytes for the word reads past a window's
 * last tap, and one pixel's window gathered as int8 words (so the dot products run one flat loop); with
 * as few channels the im2col tile has little to share anyway.
 *
 * All channels in one pass over the window: 4 accumulators, or 8 for 5 to 8 channels (one input word
 * unpacked for eight channels; on the DSP cores an asm loop keeps the 8, the pointers and the count in the
 * core's 14 registers).
 * Weights (int16 pairs, 4-byte aligned; im2col_variants.py packs them): the channels padded with zero
 * weights to 4, or 8 if more than 4 (the bias array holds round4(channels) entries); for each word i of the
 * whole window (its filter_h * filter_w * input_c taps in [fy][fx][ic] order, contiguous, p->depth_words =
 * that depth rounded up to words; taps past it are zero), for each channel the pair (w[4i], w[4i + 2]), then
 * for each channel (w[4i + 1], w[4i + 3]): SXTB16 and SXTB16 ROR 8 of the input word give the matching input
 * pairs, each half multiplied with every channel in turn.
 * One padding per window, not one per filter row (a 3x3 window of 3 channels: 7 words, not 3 x 3).
 * Bias and requantization as edgeq_kernels_packed.h (input zero point folded into the bias, which starts
 * the accumulators); a channel on the exact form costs only its own outputs' requantization (the other
 * channels of its group keep SSAT, see below).
 *
 * Read/write order (what the planner's overlap relies on, edgeq.plan.overlap): output row oy is written
 * pixel by pixel after edgeq_ring_load_s8 has copied every input row it reads into the ring, and no input
 * row is read again once copied, so the output may overlap the input as for edgeq_conv2d_im2col_s8.
 */
#include "edgeq_compiler.h"
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

/*
 * Requantization per group of 4 channels, chosen once per call (bit ch of a mask, ch a multiple of 4):
 * `plain` groups (whole, full int8 range, no exact channel) take four SSATs; `mixed` groups (whole, full
 * range, some exact channel) keep SSAT on their fast channels and take the exact form only on their exact
 * ones; the rest (the last group when channels % 4 != 0, a clamped activation) check each channel.
 */

/* The exact form (edgeq_simd.h) for the full int8 range. A right shift r (TFLM's shift -r in [-31, -1]: the
 * usual hostile channel) runs inline as edgeq_requantize_right's one 64-bit sum; a left or zero shift calls
 * edgeq_requant_exact. + zp cannot wrap after a right shift. */
static inline int8_t requant_exact_sat(int32_t acc, const int32_t *rq)
{
    const int32_t r = EDGEQ_RQ_EXACT - rq[1];
    if (r > 0) {
        const int32_t v = edgeq_requantize_right(acc, rq[0], r) + rq[2];
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

/* The other groups: channels ch + c below `channels` (accumulators with their biases), each through
 * edgeq_requant_out. */
static void store_checked(const edgeq_packed_s8_t *p, int32_t ch, const int32_t acc[4], int8_t *out)
{
    const int32_t *rq = p->requant + 3 * ch;
    int32_t c;
    for (c = 0; c < 4 && ch + c < p->channels; ++c) {
        out[ch + c] = edgeq_requant_out(acc[c], rq + 3 * c, p->act_min, p->act_max);
    }
}

/* Channels ch..ch+3 of a pixel outside a plain group (accumulators with their biases) into out[ch..]. Out of
 * line: the plain groups' inline stores keep the pixel loop's registers and code small. */
static EDGEQ_NOINLINE void store4_other(const edgeq_packed_s8_t *p, uint32_t mixed, int32_t ch, int32_t a0,
                                        int32_t a1, int32_t a2, int32_t a3, int8_t *out)
{
    const int32_t *rq = p->requant + 3 * ch;
    int8_t *o = out + ch;
    if ((mixed >> ch) & 1u) {
        o[0] = requant_mixed(a0, rq);
        o[1] = requant_mixed(a1, rq + 3);
        o[2] = requant_mixed(a2, rq + 6);
        o[3] = requant_mixed(a3, rq + 9);
    } else {
        const int32_t acc[4] = {a0, a1, a2, a3};
        store_checked(p, ch, acc, out);
    }
}

/* Channels ch..ch+3 of a pixel (accumulators with their biases) into out[ch..]: see above. */
EDGEQ_INLINE void store4(const edgeq_packed_s8_t *p, uint32_t plain, uint32_t mixed, int32_t ch, int32_t a0,
                         int32_t a1, int32_t a2, int32_t a3, int8_t *out)
{
    if ((plain >> ch) & 1u) { /* the hot path */
        const int32_t *rq = p->requant + 3 * ch;
        int8_t *o = out + ch;
        o[0] = edgeq_requant_sat(a0, rq[0], rq[1], rq[2]);
        o[1] = edgeq_requant_sat(a1, rq[3], rq[4], rq[5]);
        o[2] = edgeq_requant_sat(a2, rq[6], rq[7], rq[8]);
        o[3] = edgeq_requant_sat(a3, rq[9], rq[10], rq[11]);
    } else {
        store4_other(p, mixed, ch, a0, a1, a2, a3, out);
    }
}

/* A filter row's `words` (>= 1) words from the ring to the window (unaligned both sides). First layers have
 * 1-3 words a row: those are copied straight, without a loop's setup. */
EDGEQ_INLINE void copy_row(int8_t *dst, const int8_t *src, int32_t words)
{
    edgeq_write_u32(dst, edgeq_read_u32(src));
    if (words > 1) {
        edgeq_write_u32(dst + 4, edgeq_read_u32(src + 4));
        if (words > 2) {
            int32_t i;
            edgeq_write_u32(dst + 8, edgeq_read_u32(src + 8));
            for (i = 3; i < words; ++i) {
                edgeq_write_u32(dst + 4 * i, edgeq_read_u32(src + 4 * i));
            }
        }
    }
}

/* Two output channels' products with one half of the input word (x: its SXTB16 or SXTB16 ROR 8 pairs):
 * their weight pairs for that half are next at w. */
#define MAC_TWO(x, acc_a, acc_b)                 \
    do {                                         \
        uint32_t w0, w1;                         \
        edgeq_load2(&w, &w0, &w1);               \
        acc_a = edgeq_smlad(x, w0, acc_a);       \
        acc_b = edgeq_smlad(x, w1, acc_b);       \
    } while (0)

/* MAC_TWO in the 8-channel asm loop. */
#define MAC_TWO_ASM(acc_a, acc_b)                             \
    "ldrd %[w0], %[w1], [%[w]], #8\n\t"                      \
    "smlad %[" acc_a "], %[t], %[w0], %[" acc_a "]\n\t"       \
    "smlad %[" acc_b "], %[t], %[w1], %[" acc_b "]\n\t"

void edgeq_conv2d_ring_direct_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                                 const int8_t *input, int8_t *output, void *scratch)
{
    int8_t *ring = (int8_t *)scratch;
    const int32_t row_bytes = edgeq_ring_row_bytes(g), ring_h = edgeq_ring_rows(g);
    const int32_t ring_bytes = row_bytes * ring_h, ring_step = g->dilation_h * row_bytes;
    const int8_t *ring_end = ring + ring_bytes;
    /* The window, contiguous: filter row fy at byte fy * run. Each row is copied in whole words, up to 3
     * bytes past its run, which the next row overwrites (the last row's stay in the window's
     * filter_h * round4(run) bytes of scratch, or meet zero weights). */
    int8_t *col = ring + ring_bytes + 4;
    const int32_t step = g->stride_w * g->input_c, run = g->filter_w * g->input_c;
    const int32_t row_words = (run + 3) >> 2;
    const int32_t window_words = p->depth_words, n_ch = p->channels, filter_h = g->filter_h;
    const int32_t full_range = p->act_min == -128 && p->act_max == 127;
    uint32_t exact = 0; /* bit c: channel c's triple is the exact form (at most 8 channels, see above) */
    uint32_t plain = 0, mixed = 0; /* bit ch: the group of channels ch..ch+3 (see above) */
    const int32_t *bias = p->bias;
    int32_t b, oy, ox, ch, fy, i;
    /* Bytes of the last word past the window meet zero weights; cleared so no product reads stale data. */
    edgeq_write_u32(col + 4 * window_words - 4, 0u);
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
                const uint32_t *x = (const uint32_t *)(const void *)col;
                const int8_t *row = first_row + ox * step;
                int8_t *dst = col;
                /* Gather the window's rows (whole words read up to 3 bytes past a row's run: the ring is
                 * followed by 4 spare bytes). */
                for (fy = 0; fy < filter_h; ++fy, dst += run) {
                    copy_row(dst, row, row_words);
                    row += ring_step;
                    row = row >= ring_end ? row - ring_bytes : row;
                }
                if (n_ch > 4) { /* channels 0..7 in one pass: one input word unpacked for eight */
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
                    /* 14 registers: the input word is loaded once per half, so one register holds its pairs
                     * (C spilled the input pointer, 2 instructions more a word); the accumulators start at the
                     * biases inside (a0 holds their address until then). */
                    int32_t a0 = (int32_t)(uintptr_t)bias, a1, a2, a3, a4, a5, a6, a7;
                    int32_t j = window_words;
                    uint32_t t, w0, w1;
                    __asm__ volatile("ldrd %[a6], %[a7], [%[a0], #24]\n\t"
                                     "ldrd %[a4], %[a5], [%[a0], #16]\n\t"
                                     "ldrd %[a2], %[a3], [%[a0], #8]\n\t"
                                     "ldrd %[a0], %[a1], [%[a0]]\n\t"
                                     "1:\n\t"
                                     "ldr %[t], [%[x]]\n\t"
                                     "sxtb16 %[t], %[t]\n\t"
                                     MAC_TWO_ASM("a0", "a1") MAC_TWO_ASM("a2", "a3")
                                     MAC_TWO_ASM("a4", "a5") MAC_TWO_ASM("a6", "a7")
                                     "ldr %[t], [%[x]], #4\n\t"
                                     "sxtb16 %[t], %[t], ror #8\n\t"
                                     MAC_TWO_ASM("a0", "a1") MAC_TWO_ASM("a2", "a3")
                                     MAC_TWO_ASM("a4", "a5") MAC_TWO_ASM("a6", "a7")
                                     "subs %[j], %[j], #1\n\t"
                                     "bne 1b\n\t"
                                     : [a0] "+r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [a4] "=&r"(a4),
                                       [a5] "=&r"(a5), [a6] "=&r"(a6), [a7] "=&r"(a7), [x] "+r"(x), [w] "+r"(w),
                                       [j] "+r"(j), [t] "=&r"(t), [w0] "=&r"(w0), [w1] "=&r"(w1)
                                     :
                                     : "cc", "memory");
#else
                    int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
                    int32_t a4 = bias[4], a5 = bias[5], a6 = bias[6], a7 = bias[7];
                    for (i = window_words; i > 0; --i) {
                        const uint32_t v = *x++;
                        const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
                        MAC_TWO(even, a0, a1);
                        MAC_TWO(even, a2, a3);
                        MAC_TWO(even, a4, a5);
                        MAC_TWO(even, a6, a7);
                        MAC_TWO(odd, a0, a1);
                        MAC_TWO(odd, a2, a3);
                        MAC_TWO(odd, a4, a5);
                        MAC_TWO(odd, a6, a7);
                    }
#endif
                    store4(p, plain, mixed, 0, a0, a1, a2, a3, out);
                    store4(p, plain, mixed, 4, a4, a5, a6, a7, out);
                } else {
                    int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
                    for (i = window_words; i > 0; --i) {
                        const uint32_t v = *x++;
                        const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
                        MAC_TWO(even, a0, a1);
                        MAC_TWO(even, a2, a3);
                        MAC_TWO(odd, a0, a1);
                        MAC_TWO(odd, a2, a3);
                    }
                    store4(p, plain, mixed, 0, a0, a1, a2, a3, out);
                }
            }
        }
    }
}

#undef MAC_TWO
#undef MAC_TWO_ASM
