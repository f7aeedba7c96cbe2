/*
 * The packed GEMM of edgeq_kernels_packed.h: int8 weights, two output channels per byte pair.
 *
 * A weight word holds, for output channels (hi, lo) and two depths (k0, k1), the bytes
 * [w_lo(k0) ^ 0x80, w_hi(k0), w_lo(k1) ^ 0x80, w_hi(k1)]. Read as two signed 16-bit halves, half i is
 * 256 * w_hi(ki) + (w_lo(ki) + 128). Against the expanded input word (x(k0), x(k1)) one SMLAD of the raw
 * word accumulates 256 * D_hi + D_lo + 128 * sum(x), and one SMLAD of SXTB16(word, ror 8) = (w_hi(k0),
 * w_hi(k1)) accumulates D_hi alone. So D_lo = raw - 256 * D_hi - 128 * sum(x): four MACs per LDR +
 * SXTB16 + 2 SMLAD, with the weights stored as int8. The raw sum wraps modulo 2^32; the recovery is
 * exact because D_lo itself fits in 32 bits (a dot product of int8 rows shorter than 2^17).
 * Bias additions wrap modulo 2^32 like TFLM's int32 accumulator; channels whose accumulator may leave
 * the SMMULR form's range are requantized in the exact form (edgeq_simd.h, `exact_channels`): the 4-row
 * tile decides per channel pair, so a hostile channel costs its own pair, not the layer.
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

int32_t edgeq_gemm_expand_s8(const int8_t *x, int32_t words, uint32_t *dst, int32_t stride)
{
    const uint32_t ones = 0x00010001u;
    int32_t sum = 0;
    for (; words > 0; --words, x += 4, dst += 2 * stride) {
        const uint32_t v = edgeq_read_u32(x);
        const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
        dst[0] = even;
        dst[stride] = odd;
        sum = edgeq_smlad(even, ones, sum);
        sum = edgeq_smlad(odd, ones, sum);
    }
    return sum;
}

/* Final accumulators of one channel pair: (hi, lo) from (raw, d_hi) and the input sum (the one-row GEMM,
 * whose accumulators start at zero). */
static inline int32_t edgeq_pair_lo(uint32_t raw, int32_t d_hi, int32_t sum, int32_t bias_lo)
{
    return (int32_t)(raw - ((uint32_t)d_hi << 8) - ((uint32_t)sum << 7) + (uint32_t)bias_lo);
}

/* Nonzero when channel pair rq (two triples) holds an exact-form channel: fast triples have a shift in
 * [1, 31] (the padding channels too), exact ones rq[1] >= EDGEQ_RQ_EXACT - 31 > 31, so one OR tests both. */
static inline int32_t edgeq_pair_has_exact(const int32_t *rq)
{
    return (rq[1] | rq[4]) > 31;
}

/* Channel pair q's first weight word: pairs come in blocks of two, each block 2 x depth_words x 2 words of
 * 4 bytes, the pair's words interleaved with its neighbour's. */
static inline const int8_t *edgeq_pair_weights(const int8_t *weights, int32_t depth_words, int32_t q)
{
    return weights + (q >> 1) * depth_words * 16 + (q & 1) * 4;
}

/*
 * The 4-row tile's accumulators start with the biases folded in, so that the epilogue recovers each
 * channel with at most one instruction: d_k starts at b_hi and c_k at b_lo + 256 * b_hi - 128 * sum_k
 * (`s7[k]` = sum_k << 7). After the MACs d_k = b_hi + D_hi and c_k - 256 * d_k = b_lo + D_lo, i.e. the
 * two channels' int32 accumulators (everything modulo 2^32, exact as D_lo fits in 32 bits).
 */
static inline uint32_t edgeq_tile4_c_init(const int32_t *bias2, uint32_t s7)
{
    return (uint32_t)bias2[1] + ((uint32_t)bias2[0] << 8) - s7;
}

/* The MACs of one channel pair over the tile's four rows, in registers: on entry (d0, wr) = the pair's
 * (b_hi, b_lo), c0 points to s7, w to its first weight word, x to the rows expanded with stride 4, j = depth
 * words; on exit d_k = hi_k and c_k = lo_k, the accumulators with their biases (edgeq_tile4_c_init); w, x, j,
 * wr, wo and v are free. Used by both asm blocks below. */
#define EDGEQ_TILE4_MAC_ASM \
    "add %[wr], %[wr], %[d0], lsl #8\n\t" \
    "ldrd %[c2], %[c3], [%[c0], #8]\n\t" \
    "ldrd %[c0], %[c1], [%[c0]]\n\t" \
    "sub %[c0], %[wr], %[c0]\n\t" \
    "sub %[c1], %[wr], %[c1]\n\t" \
    "sub %[c2], %[wr], %[c2]\n\t" \
    "sub %[c3], %[wr], %[c3]\n\t" \
    "mov %[d1], %[d0]\n\t" \
    "mov %[d2], %[d0]\n\t" \
    "mov %[d3], %[d0]\n\t" \
    "1:\n\t" \
    "ldr %[wr], [%[w]], #8\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "sxtb16 %[wo], %[wr], ror #8\n\t" \
    "smlad %[c0], %[v], %[wr], %[c0]\n\t" \
    "smlad %[d0], %[v], %[wo], %[d0]\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "smlad %[c1], %[v], %[wr], %[c1]\n\t" \
    "smlad %[d1], %[v], %[wo], %[d1]\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "smlad %[c2], %[v], %[wr], %[c2]\n\t" \
    "smlad %[d2], %[v], %[wo], %[d2]\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "smlad %[c3], %[v], %[wr], %[c3]\n\t" \
    "smlad %[d3], %[v], %[wo], %[d3]\n\t" \
    "ldr %[wr], [%[w]], #8\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "sxtb16 %[wo], %[wr], ror #8\n\t" \
    "smlad %[c0], %[v], %[wr], %[c0]\n\t" \
    "smlad %[d0], %[v], %[wo], %[d0]\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "smlad %[c1], %[v], %[wr], %[c1]\n\t" \
    "smlad %[d1], %[v], %[wo], %[d1]\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "smlad %[c2], %[v], %[wr], %[c2]\n\t" \
    "smlad %[d2], %[v], %[wo], %[d2]\n\t" \
    "ldr %[v], [%[x]], #4\n\t" \
    "smlad %[c3], %[v], %[wr], %[c3]\n\t" \
    "smlad %[d3], %[v], %[wo], %[d3]\n\t" \
    "subs %[j], %[j], #1\n\t" \
    "bne 1b\n\t" \
    "sub %[c0], %[c0], %[d0], lsl #8\n\t" \
    "sub %[c1], %[c1], %[d1], lsl #8\n\t" \
    "sub %[c2], %[c2], %[d2], lsl #8\n\t" \
    "sub %[c3], %[c3], %[d3], lsl #8\n\t"

/* The accumulators (hi[k], lo[k]) of one channel pair over the four rows of the tile: w is the pair's first
 * weight word, x the rows expanded with stride 4, bias2 the pair's (b_hi, b_lo). Inline: its arrays become
 * registers. */
static inline void edgeq_tile4_mac(const int8_t *w, const uint32_t *x, int32_t depth_words, const int32_t *bias2,
                                   const uint32_t s7[4], int32_t hi[4], int32_t lo[4])
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    /* GCC spills two of the eight accumulators in C; here all 14 live values stay in registers. */
    uint32_t c0 = (uint32_t)s7, d0 = (uint32_t)bias2; /* pointers until the first loads */
    uint32_t c1, c2, c3, d1, d2, d3, wr, wo, v;
    int32_t j = depth_words;
    __asm__ volatile("ldrd %[d0], %[wr], [%[d0]]\n\t" EDGEQ_TILE4_MAC_ASM
                     : [c0] "+r"(c0), [c1] "=&r"(c1), [c2] "=&r"(c2), [c3] "=&r"(c3), [d0] "+r"(d0),
                       [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3), [w] "+r"(w), [x] "+r"(x), [j] "+r"(j),
                       [wr] "=&r"(wr), [wo] "=&r"(wo), [v] "=&r"(v)
                     :
                     : "cc", "memory");
    hi[0] = (int32_t)d0, hi[1] = (int32_t)d1, hi[2] = (int32_t)d2, hi[3] = (int32_t)d3;
    lo[0] = (int32_t)c0, lo[1] = (int32_t)c1, lo[2] = (int32_t)c2, lo[3] = (int32_t)c3;
#else
    uint32_t c[4];
    int32_t d[4], i, j;
    for (i = 0; i < 4; ++i) {
        c[i] = edgeq_tile4_c_init(bias2, s7[i]);
        d[i] = bias2[0];
    }
    for (j = 2 * depth_words; j > 0; --j, w += 8, x += 4) {
        const uint32_t wr = edgeq_read_u32(w);
        const uint32_t wo = edgeq_sxtb16_ror8(wr);
        for (i = 0; i < 4; ++i) {
            c[i] = (uint32_t)edgeq_smlad(x[i], wr, (int32_t)c[i]);
            d[i] = edgeq_smlad(x[i], wo, d[i]);
        }
    }
    for (i = 0; i < 4; ++i) {
        hi[i] = d[i];
        lo[i] = (int32_t)(c[i] - ((uint32_t)d[i] << 8));
    }
#endif
}

/* The tile's parameters, read once per call (the int8 stores would make C reload them per pair). */
typedef struct {
    const int8_t *weights;
    const int32_t *bias, *requant;
    int32_t n_ch, depth_words, lo, hi;
    uint32_t s7[4]; /* each row's input sum << 7 */
} edgeq_tile4_t;

/* Channel pairs [q, end) of the tile, each output asking for its form (edgeq_requant_any): a pair holding an
 * exact-form channel (only that channel pays the full-range requantization), the last, half pair, and the
 * fast pairs of a layer clamped to a range narrower than int8 (converters clamp at the int8 minimum, so
 * that is rare; one compare per output more than its own loop, and one copy of the code less). Out of line:
 * the full-range fast pairs keep their registers and code, and a hostile pair costs its own pair. */
static EDGEQ_NOINLINE void edgeq_tile4_pairs_any(const edgeq_tile4_t *t, int32_t q, int32_t end, const uint32_t *xq,
                                                 int8_t *out)
{
    const int32_t n_ch = t->n_ch, lo = t->lo, hi = t->hi;
    for (; q < end; ++q) {
        const int32_t *rq = t->requant + 6 * q;
        int8_t *o = out + 2 * q;
        int32_t acc_hi[4], acc_lo[4], i;
        edgeq_tile4_mac(edgeq_pair_weights(t->weights, t->depth_words, q), xq, t->depth_words, t->bias + 2 * q,
                        t->s7, acc_hi, acc_lo);
        for (i = 0; i < 4; ++i, o += n_ch) {
            o[0] = edgeq_requant_any(acc_hi[i], rq, lo, hi);
            if (2 * q + 1 < n_ch) {
                o[1] = edgeq_requant_any(acc_lo[i], rq + 3, lo, hi);
            }
        }
    }
}

/*
 * Full channel pairs [q, end) of the tile on the fast forms, activation range [-128, 127] (the clamp is
 * SSAT): the most frequent pairs of every pointwise and fully connected layer. On Arm one asm loop over the
 * pairs holds the MACs and the epilogue, so no accumulator is spilled and the per-pair state lives in
 * stack slots it updates itself: per output LSL + SMMLAR + ADD ASR #31 + ASR + SSAT + STRB
 * (edgeq_requant_sat's form; the doubled accumulator has the accumulator's sign as |acc| < 2^30, and a
 * constant channel's rounding term makes the sign irrelevant); the hi channel's four outputs are stored
 * first, each result taking the register of the accumulator just consumed.
 */
static void edgeq_tile4_pairs_sat(const edgeq_tile4_t *t, int32_t q, int32_t end, const uint32_t *xq, int8_t *out)
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    /* The loop's state, in memory (the MACs need all 14 registers). A pair's weights start 4 bytes after
     * the previous one's (the second pair of a block) or where the previous one's MACs ended minus 4 (the
     * next block): the step from the end alternates, step' = -16 * depth_words - step. */
    const int32_t *bias = t->bias + 2 * q, *rq = t->requant + 6 * q;
    const int8_t *wstart = edgeq_pair_weights(t->weights, t->depth_words, q);
    int8_t *o = out + 2 * q;
    int8_t *const o_end = out + 2 * end;
    int32_t step = (q & 1) ? -4 : 4 - 16 * t->depth_words;
    const int32_t flip = -16 * t->depth_words, n_ch = t->n_ch, depth_words = t->depth_words;
    const uint32_t *s7 = t->s7;
    uint32_t c0, c1, c2, c3, d0, d1, d2, d3, wr, wo, v, w, x, j;
    __asm__ volatile(
        "2:\n\t"
        "ldr %[v], %[bias]\n\t"
        "ldrd %[d0], %[wr], [%[v]], #8\n\t"
        "str %[v], %[bias]\n\t"
        "ldr %[c0], %[s7]\n\t"
        "ldr %[w], %[wstart]\n\t"
        "ldr %[x], %[xq]\n\t"
        "ldr %[j], %[dw]\n\t"
        EDGEQ_TILE4_MAC_ASM
        /* the next pair's weights */
        "ldr %[v], %[step]\n\t"
        "add %[w], %[w], %[v]\n\t"
        "str %[w], %[wstart]\n\t"
        "ldr %[wo], %[flip]\n\t"
        "sub %[v], %[wo], %[v]\n\t"
        "str %[v], %[step]\n\t"
        /* the hi triple (m, r, k) in (wr, wo, v), o in w, n_ch in j */
        "ldr %[x], %[rq]\n\t"
        "ldrd %[wr], %[wo], [%[x]], #24\n\t"
        "ldr %[v], [%[x], #-16]\n\t"
        "str %[x], %[rq]\n\t"
        "ldr %[w], %[o]\n\t"
        "ldr %[j], %[n]\n\t"
        /* hi channel, rows 0..3 */
        "lsl %[d0], %[d0], #1\n\t"
        "smmlar %[x], %[d0], %[wr], %[v]\n\t"
        "add %[x], %[x], %[d0], asr #31\n\t"
        "asr %[x], %[x], %[wo]\n\t"
        "ssat %[x], #8, %[x]\n\t"
        "strb %[x], [%[w]]\n\t"
        "lsl %[d1], %[d1], #1\n\t"
        "smmlar %[d0], %[d1], %[wr], %[v]\n\t"
        "add %[d0], %[d0], %[d1], asr #31\n\t"
        "asr %[d0], %[d0], %[wo]\n\t"
        "ssat %[d0], #8, %[d0]\n\t"
        "strb %[d0], [%[w], %[j]]\n\t"
        "add %[x], %[w], %[j], lsl #1\n\t" /* row 2's output */
        "lsl %[d2], %[d2], #1\n\t"
        "smmlar %[d0], %[d2], %[wr], %[v]\n\t"
        "add %[d0], %[d0], %[d2], asr #31\n\t"
        "asr %[d0], %[d0], %[wo]\n\t"
        "ssat %[d0], #8, %[d0]\n\t"
        "strb %[d0], [%[x]]\n\t"
        "lsl %[d3], %[d3], #1\n\t"
        "smmlar %[d0], %[d3], %[wr], %[v]\n\t"
        "add %[d0], %[d0], %[d3], asr #31\n\t"
        "asr %[d0], %[d0], %[wo]\n\t"
        "ssat %[d0], #8, %[d0]\n\t"
        "strb %[d0], [%[x], %[j]]\n\t"
        /* lo channel: its triple (the requant pointer has moved on to the next pair), rows 0..3 one byte on */
        "ldr %[d1], %[rq]\n\t"
        "ldrd %[wr], %[wo], [%[d1], #-12]\n\t"
        "ldr %[v], [%[d1], #-4]\n\t"
        "add %[d2], %[j], #1\n\t"
        "lsl %[c0], %[c0], #1\n\t"
        "smmlar %[d0], %[c0], %[wr], %[v]\n\t"
        "add %[d0], %[d0], %[c0], asr #31\n\t"
        "asr %[d0], %[d0], %[wo]\n\t"
        "ssat %[d0], #8, %[d0]\n\t"
        "strb %[d0], [%[w], #1]\n\t"
        "lsl %[c1], %[c1], #1\n\t"
        "smmlar %[d0], %[c1], %[wr], %[v]\n\t"
        "add %[d0], %[d0], %[c1], asr #31\n\t"
        "asr %[d0], %[d0], %[wo]\n\t"
        "ssat %[d0], #8, %[d0]\n\t"
        "strb %[d0], [%[w], %[d2]]\n\t"
        "lsl %[c2], %[c2], #1\n\t"
        "smmlar %[d0], %[c2], %[wr], %[v]\n\t"
        "add %[d0], %[d0], %[c2], asr #31\n\t"
        "asr %[d0], %[d0], %[wo]\n\t"
        "ssat %[d0], #8, %[d0]\n\t"
        "strb %[d0], [%[x], #1]\n\t"
        "lsl %[c3], %[c3], #1\n\t"
        "smmlar %[d0], %[c3], %[wr], %[v]\n\t"
        "add %[d0], %[d0], %[c3], asr #31\n\t"
        "asr %[d0], %[d0], %[wo]\n\t"
        "ssat %[d0], #8, %[d0]\n\t"
        "strb %[d0], [%[x], %[d2]]\n\t"
        "add %[w], %[w], #2\n\t"
        "str %[w], %[o]\n\t"
        "ldr %[j], %[o_end]\n\t"
        "cmp %[w], %[j]\n\t"
        "bne 2b\n\t"
        : [c0] "=&r"(c0), [c1] "=&r"(c1), [c2] "=&r"(c2), [c3] "=&r"(c3), [d0] "=&r"(d0), [d1] "=&r"(d1),
          [d2] "=&r"(d2), [d3] "=&r"(d3), [w] "=&r"(w), [x] "=&r"(x), [j] "=&r"(j), [wr] "=&r"(wr), [wo] "=&r"(wo),
          [v] "=&r"(v), [bias] "+m"(bias), [rq] "+m"(rq), [o] "+m"(o), [wstart] "+m"(wstart), [step] "+m"(step)
        : [o_end] "m"(o_end), [s7] "m"(s7), [xq] "m"(xq), [dw] "m"(depth_words), [n] "m"(n_ch), [flip] "m"(flip)
        : "cc", "memory");
#else
    const int32_t n_ch = t->n_ch;
    for (; q < end; ++q) {
        const int32_t *rq = t->requant + 6 * q;
        int8_t *o = out + 2 * q;
        int32_t acc_hi[4], acc_lo[4], i;
        edgeq_tile4_mac(edgeq_pair_weights(t->weights, t->depth_words, q), xq, t->depth_words, t->bias + 2 * q,
                        t->s7, acc_hi, acc_lo);
        for (i = 0; i < 4; ++i) {
            o[i * n_ch] = edgeq_requant_sat(acc_hi[i], rq[0], rq[1], rq[2]);
        }
        for (i = 0; i < 4; ++i) {
            o[i * n_ch + 1] = edgeq_requant_sat(acc_lo[i], rq[3], rq[4], rq[5]);
        }
    }
#endif
}

void edgeq_gemm_tile4_s8(const edgeq_packed_s8_t *p, const uint32_t *xq, const int32_t *sums, int8_t *out)
{
    const edgeq_tile4_t t = {p->weights,
                             p->bias,
                             p->requant,
                             p->channels,
                             p->depth_words,
                             p->act_min,
                             p->act_max,
                             {(uint32_t)sums[0] << 7, (uint32_t)sums[1] << 7, (uint32_t)sums[2] << 7,
                              (uint32_t)sums[3] << 7}};
    const int32_t full_pairs = t.n_ch >> 1, pairs = (t.n_ch + 1) >> 1;
    const int32_t full_range = t.lo == -128 && t.hi == 127;
    int32_t q = 0;
    while (q < pairs) {
        /* the full pairs up to the next one holding an exact-form channel take the fast forms, unchecked */
        int32_t end = p->exact_channels ? q : full_pairs;
        while (end < full_pairs && !edgeq_pair_has_exact(p->requant + 6 * end)) {
            ++end;
        }
        if (q < end) {
            if (full_range) {
                edgeq_tile4_pairs_sat(&t, q, end, xq, out);
            } else {
                edgeq_tile4_pairs_any(&t, q, end, xq, out);
            }
            q = end;
        }
        if (q < pairs) { /* an exact-form pair, or the half pair of an odd channel count */
            edgeq_tile4_pairs_any(&t, q, q + 1, xq, out);
            ++q;
        }
    }
}

void edgeq_gemm_row_s8(const edgeq_packed_s8_t *p, const uint32_t *xq, int32_t sum, int8_t *out)
{
    const int32_t n_ch = p->channels;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int32_t *w = (const int32_t *)(const void *)p->weights;
    const int32_t *bias = p->bias;
    const int32_t *rq = p->requant;
    int32_t n;
    for (n = 0; n < n_ch; n += 4) {
        const int32_t *x = (const int32_t *)(const void *)xq;
        uint32_t c0 = 0, c1 = 0;
        int32_t d0 = 0, d1 = 0;
        int32_t j;
        for (j = p->depth_words; j > 0; --j) {
            uint32_t v0, v1, w0, w1;
            edgeq_load2(&x, &v0, &v1);
            edgeq_load2(&w, &w0, &w1);
            c0 = (uint32_t)edgeq_smlad(v0, w0, (int32_t)c0);
            d0 = edgeq_smlad(v0, edgeq_sxtb16_ror8(w0), d0);
            c1 = (uint32_t)edgeq_smlad(v0, w1, (int32_t)c1);
            d1 = edgeq_smlad(v0, edgeq_sxtb16_ror8(w1), d1);
            edgeq_load2(&w, &w0, &w1);
            c0 = (uint32_t)edgeq_smlad(v1, w0, (int32_t)c0);
            d0 = edgeq_smlad(v1, edgeq_sxtb16_ror8(w0), d0);
            c1 = (uint32_t)edgeq_smlad(v1, w1, (int32_t)c1);
            d1 = edgeq_smlad(v1, edgeq_sxtb16_ror8(w1), d1);
        }
        out[n] = edgeq_requant_out(edgeq_add_wrap(bias[0], d0), rq, lo, hi);
        if (n + 1 < n_ch) {
            out[n + 1] = edgeq_requant_out(edgeq_pair_lo(c0, d0, sum, bias[1]), rq + 3, lo, hi);
        }
        if (n + 2 < n_ch) {
            out[n + 2] = edgeq_requant_out(edgeq_add_wrap(bias[2], d1), rq + 6, lo, hi);
        }
        if (n + 3 < n_ch) {
            out[n + 3] = edgeq_requant_out(edgeq_pair_lo(c1, d1, sum, bias[3]), rq + 9, lo, hi);
        }
        bias += 4;
        rq += 12;
    }
}
