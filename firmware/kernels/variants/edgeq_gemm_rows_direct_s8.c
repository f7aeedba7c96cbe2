/*
 * GEMM rows read straight from the int8 input, for FULLY_CONNECTED with fewer than four rows: no
 * expanded copy of the input in scratch (two bytes per input byte, for a wide layer the largest buffer
 * of the arena: ad01 1,280 of 2,048 bytes). Each input word is sign-extended in registers (SXTB16)
 * while eight output channels consume it, which amortises the extra work about as well as the
 * expanded row does: per input word and 8 channels, 2 LDR + 2 SXTB16 + 4 LDRD + 8 SXTB16 + 16 SMLAD.
 *
 * Weights: the channel-pair words of edgeq_gemm_row_s8.c (each word [lo(k0) ^ 0x80, hi(k0),
 * lo(k1) ^ 0x80, hi(k1)], one SMLAD of the raw word and one of its SXTB16 ROR 8 give four MACs), in
 * blocks of 8 channels (4 pairs; channels rounded up to 8 with zero weights): for each block, for each
 * input word i, the 4 pairs' words for depths (4i, 4i + 2), then the 4 pairs' words for (4i + 1, 4i + 3).
 * Not in place: output channels are written while the input row is still being read.
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

/* Eight channels (four pairs) times the four depths of input word v; advances *w by 8 words. */
static inline void mac8_word(uint32_t v, const int32_t **w, uint32_t c[4], int32_t d[4])
{
    const uint32_t halves[2] = {edgeq_sxtb16(v), edgeq_sxtb16_ror8(v)};
    int32_t h, k;
    for (h = 0; h < 2; ++h) {
        for (k = 0; k < 4; ++k) {
            const uint32_t word = (uint32_t)(*w)[k];
            c[k] = (uint32_t)edgeq_smlad(halves[h], word, (int32_t)c[k]);
            d[k] = edgeq_smlad(halves[h], edgeq_sxtb16_ror8(word), d[k]);
        }
        *w += 4;
    }
}

/* Channel-pair recovery as in edgeq_gemm_row_s8.c: lo channel from the raw sum, D_hi and 128 * the
 * input sum. */
static inline int32_t pair_lo(uint32_t raw, int32_t d_hi, uint32_t sum128, int32_t bias_lo)
{
    return (int32_t)(raw - ((uint32_t)d_hi << 8) - sum128 + (uint32_t)bias_lo);
}

/* Output channels ch (hi) and ch + 1 (lo) when their pair holds an exact-form channel: each asks for its
 * form, so only that channel pays the full-range requantization. Out of line: rare, and one copy is
 * smaller than one per store_pair call site. */
static EDGEQ_NOINLINE void store_pair_any(const edgeq_packed_s8_t *p, int32_t ch, int32_t hi_acc, int32_t lo_acc,
                                          int8_t *out)
{
    const int32_t *rq = p->requant + 3 * ch;
    out[ch] = edgeq_requant_any(hi_acc, rq, p->act_min, p->act_max);
    out[ch + 1] = edgeq_requant_any(lo_acc, rq + 3, p->act_min, p->act_max);
}

/* Output channels ch (hi) and ch + 1 (lo) of pair (raw, d_hi). The pair's form is decided here, not per
 * kernel: fast triples have a shift in [1, 31], exact ones rq[1] >= EDGEQ_RQ_EXACT - 31 > 31 (one OR tests
 * both), so a hostile channel costs its own pair, not the layer. */
static inline void store_pair(const edgeq_packed_s8_t *p, int32_t ch, uint32_t raw, int32_t d_hi, uint32_t sum128,
                              int32_t full_range, int8_t *out)
{
    const int32_t *rq = p->requant + 3 * ch;
    const int32_t hi_acc = edgeq_add_wrap(p->bias[ch], d_hi), lo_acc = pair_lo(raw, d_hi, sum128, p->bias[ch + 1]);
    if ((rq[1] | rq[4]) > 31) {
        store_pair_any(p, ch, hi_acc, lo_acc, out);
    } else if (full_range) { /* the clamp is SSAT */
        out[ch] = edgeq_requant_sat(hi_acc, rq[0], rq[1], rq[2]);
        out[ch + 1] = edgeq_requant_sat(lo_acc, rq[3], rq[4], rq[5]);
    } else {
        out[ch] = edgeq_requant_val(hi_acc, rq[0], rq[1], rq[2], p->act_min, p->act_max);
        out[ch + 1] = edgeq_requant_val(lo_acc, rq[3], rq[4], rq[5], p->act_min, p->act_max);
    }
}

void edgeq_gemm_rows_direct_s8(const edgeq_packed_s8_t *p, int32_t rows, int32_t depth, const int8_t *input,
                               int8_t *output)
{
    const uint32_t ones = 0x00010001u;
    const int32_t n_ch = p->channels;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int32_t full_range = lo == -128 && hi == 127;
    const int32_t full = depth >> 2;
    int32_t r;
    for (r = 0; r < rows; ++r, input += depth, output += n_ch) {
        const int32_t *w = (const int32_t *)(const void *)p->weights;
        uint32_t tail = 0u; /* the last, partial input word, zero padded (its weights are zero) */
        int32_t sum = 0;
        int32_t i, n;
        for (i = 0; i < full; ++i) {
            const uint32_t v = edgeq_read_u32(input + 4 * i);
            sum = edgeq_smlad(edgeq_sxtb16(v), ones, sum);
            sum = edgeq_smlad(edgeq_sxtb16_ror8(v), ones, sum);
        }
        for (i = 0; i < (depth & 3); ++i) {
            tail |= (uint32_t)(uint8_t)input[4 * full + i] << (8 * i);
            sum += input[4 * full + i];
        }
        const uint32_t sum128 = (uint32_t)sum << 7;
        for (n = 0; n < n_ch; n += 8) {
            uint32_t c[4] = {0u, 0u, 0u, 0u};
            int32_t d[4] = {0, 0, 0, 0};
            int32_t k;
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
            /* In C, GCC spills part of the eight accumulators; here all 14 live values stay in
             * registers (the input word is loaded twice rather than kept in a fifteenth). */
            if (full > 0) {
                const int8_t *x = input;
                uint32_t c0 = 0, c1 = 0, c2 = 0, c3 = 0, v, w0, w1;
                int32_t d0 = 0, d1 = 0, d2 = 0, d3 = 0, j = full;
                __asm__ volatile(
                    "1:\n\t"
                    "ldr %[v], [%[x]]\n\t"
                    "sxtb16 %[v], %[v]\n\t"
                    "ldrd %[w0], %[w1], [%[w]], #8\n\t"
                    "smlad %[c0], %[v], %[w0], %[c0]\n\t"
                    "sxtb16 %[w0], %[w0], ror #8\n\t"
                    "smlad %[d0], %[v], %[w0], %[d0]\n\t"
                    "smlad %[c1], %[v], %[w1], %[c1]\n\t"
                    "sxtb16 %[w1], %[w1], ror #8\n\t"
                    "smlad %[d1], %[v], %[w1], %[d1]\n\t"
                    "ldrd %[w0], %[w1], [%[w]], #8\n\t"
                    "smlad %[c2], %[v], %[w0], %[c2]\n\t"
                    "sxtb16 %[w0], %[w0], ror #8\n\t"
                    "smlad %[d2], %[v], %[w0], %[d2]\n\t"
                    "smlad %[c3], %[v], %[w1], %[c3]\n\t"
                    "sxtb16 %[w1], %[w1], ror #8\n\t"
                    "smlad %[d3], %[v], %[w1], %[d3]\n\t"
                    "ldr %[v], [%[x]], #4\n\t"
                    "sxtb16 %[v], %[v], ror #8\n\t"
                    "ldrd %[w0], %[w1], [%[w]], #8\n\t"
                    "smlad %[c0], %[v], %[w0], %[c0]\n\t"
                    "sxtb16 %[w0], %[w0], ror #8\n\t"
                    "smlad %[d0], %[v], %[w0], %[d0]\n\t"
                    "smlad %[c1], %[v], %[w1], %[c1]\n\t"
                    "sxtb16 %[w1], %[w1], ror #8\n\t"
                    "smlad %[d1], %[v], %[w1], %[d1]\n\t"
                    "ldrd %[w0], %[w1], [%[w]], #8\n\t"
                    "smlad %[c2], %[v], %[w0], %[c2]\n\t"
                    "sxtb16 %[w0], %[w0], ror #8\n\t"
                    "smlad %[d2], %[v], %[w0], %[d2]\n\t"
                    "smlad %[c3], %[v], %[w1], %[c3]\n\t"
                    "sxtb16 %[w1], %[w1], ror #8\n\t"
                    "smlad %[d3], %[v], %[w1], %[d3]\n\t"
                    "subs %[j], %[j], #1\n\t"
                    "bne 1b\n\t"
                    : [c0] "+r"(c0), [c1] "+r"(c1), [c2] "+r"(c2), [c3] "+r"(c3), [d0] "+r"(d0), [d1] "+r"(d1),
                      [d2] "+r"(d2), [d3] "+r"(d3), [w] "+r"(w), [x] "+r"(x), [j] "+r"(j), [v] "=&r"(v),
                      [w0] "=&r"(w0), [w1] "=&r"(w1)
                    :
                    : "cc", "memory");
                c[0] = c0, c[1] = c1, c[2] = c2, c[3] = c3;
                d[0] = d0, d[1] = d1, d[2] = d2, d[3] = d3;
            }
#else
            for (i = 0; i < full; ++i) {
                mac8_word(edgeq_read_u32(input + 4 * i), &w, c, d);
            }
#endif
            if ((depth & 3) != 0) {
                mac8_word(tail, &w, c, d);
            }
            if (n + 8 <= n_ch) {
                for (k = 0; k < 4; ++k) { /* a loop: one inline copy of store_pair */
                    store_pair(p, n + 2 * k, c[k], d[k], sum128, full_range, output);
                }
                continue;
            }
            for (k = 0; k < 4 && n + 2 * k < n_ch; ++k) { /* the last, partial block */
                const int32_t ch = n + 2 * k;
                output[ch] = edgeq_requant_out(edgeq_add_wrap(p->bias[ch], d[k]), p->requant + 3 * ch, lo, hi);
                if (ch + 1 < n_ch) {
                    output[ch + 1] = edgeq_requant_out(pair_lo(c[k], d[k], sum128, p->bias[ch + 1]),
                                                       p->requant + 3 * (ch + 1), lo, hi);
                }
            }
        }
    }
}
