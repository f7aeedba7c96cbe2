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

/* Final accumulators of one channel pair: (hi, lo) from (raw, d_hi) and the input sum. */
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

/* The raw (c) and D_hi (d) sums of one channel pair over the four rows of the tile: w is the pair's first
 * weight word, x the rows expanded with stride 4. Inline: its arrays become registers. */
static inline void edgeq_tile4_mac(const int8_t *w, const uint32_t *x, int32_t depth_words, uint32_t c[4],
                                   int32_t d[4])
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    /* GCC spills two of the eight accumulators in C; here all 14 live values stay in registers. */
    uint32_t c0 = 0u, c1 = 0u, c2 = 0u, c3 = 0u, wr, wo, v;
    int32_t d0 = 0, d1 = 0, d2 = 0, d3 = 0, j = depth_words; /* two depth pairs per iteration */
    __asm__ volatile(
        "1:\n\t"
        "ldr %[wr], [%[w]], #8\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "sxtb16 %[wo], %[wr], ror #8\n\t"
        "smlad %[c0], %[v], %[wr], %[c0]\n\t"
        "smlad %[d0], %[v], %[wo], %[d0]\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "smlad %[c1], %[v], %[wr], %[c1]\n\t"
        "smlad %[d1], %[v], %[wo], %[d1]\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "smlad %[c2], %[v], %[wr], %[c2]\n\t"
        "smlad %[d2], %[v], %[wo], %[d2]\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "smlad %[c3], %[v], %[wr], %[c3]\n\t"
        "smlad %[d3], %[v], %[wo], %[d3]\n\t"
        "ldr %[wr], [%[w]], #8\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "sxtb16 %[wo], %[wr], ror #8\n\t"
        "smlad %[c0], %[v], %[wr], %[c0]\n\t"
        "smlad %[d0], %[v], %[wo], %[d0]\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "smlad %[c1], %[v], %[wr], %[c1]\n\t"
        "smlad %[d1], %[v], %[wo], %[d1]\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "smlad %[c2], %[v], %[wr], %[c2]\n\t"
        "smlad %[d2], %[v], %[wo], %[d2]\n\t"
        "ldr %[v], [%[x]], #4\n\t"
        "smlad %[c3], %[v], %[wr], %[c3]\n\t"
        "smlad %[d3], %[v], %[wo], %[d3]\n\t"
        "subs %[j], %[j], #1\n\t"
        "bne 1b\n\t"
        : [c0] "+r"(c0), [c1] "+r"(c1), [c2] "+r"(c2), [c3] "+r"(c3), [d0] "+r"(d0), [d1] "+r"(d1),
          [d2] "+r"(d2), [d3] "+r"(d3), [w] "+r"(w), [x] "+r"(x), [j] "+r"(j), [wr] "=&r"(wr),
          [wo] "=&r"(wo), [v] "=&r"(v)
        :
        : "cc", "memory");
    c[0] = c0, c[1] = c1, c[2] = c2, c[3] = c3;
    d[0] = d0, d[1] = d1, d[2] = d2, d[3] = d3;
#else
    int32_t j, i;
    for (i = 0; i < 4; ++i) {
        c[i] = 0u;
        d[i] = 0;
    }
    for (j = 2 * depth_words; j > 0; --j, w += 8, x += 4) {
        const uint32_t wr = edgeq_read_u32(w);
        const uint32_t wo = edgeq_sxtb16_ror8(wr);
        for (i = 0; i < 4; ++i) {
            c[i] = (uint32_t)edgeq_smlad(x[i], wr, (int32_t)c[i]);
            d[i] = edgeq_smlad(x[i], wo, d[i]);
        }
    }
#endif
}

/* Channel pair q of the tile when it holds an exact-form channel: its sums, then each output asks for its
 * form (edgeq_requant_any), so only that channel pays the full-range requantization. Out of line: the
 * fast pairs keep their registers and code, and a hostile pair costs its own pair, not the layer. */
static EDGEQ_NOINLINE void edgeq_tile4_pair_any(const edgeq_packed_s8_t *p, int32_t q, const uint32_t *xq,
                                                const int32_t *sums, int8_t *out)
{
    const int32_t n_ch = p->channels, lo = p->act_min, hi = p->act_max;
    const int32_t *rq = p->requant + 6 * q;
    const int32_t b_hi = p->bias[2 * q], b_lo = p->bias[2 * q + 1];
    int8_t *o = out + 2 * q;
    uint32_t c[4];
    int32_t d[4];
    int32_t i;
    edgeq_tile4_mac(edgeq_pair_weights(p->weights, p->depth_words, q), xq, p->depth_words, c, d);
    for (i = 0; i < 4; ++i, o += n_ch) {
        o[0] = edgeq_requant_any(edgeq_add_wrap(b_hi, d[i]), rq, lo, hi);
        if (2 * q + 1 < n_ch) {
            o[1] = edgeq_requant_any(edgeq_pair_lo(c[i], d[i], sums[i], b_lo), rq + 3, lo, hi);
        }
    }
}

/* The tile's parameters, read once per call (the int8 stores would make C reload them per pair). */
typedef struct {
    const int8_t *weights;
    const int32_t *bias, *requant;
    int32_t n_ch, depth_words, lo, hi, full_range;
} edgeq_tile4_t;

/* Channel pair q of the tile on the fast forms (no exact-form channel): SSAT where the activation range
 * is the full int8 range, the clamp otherwise. */
static inline void edgeq_tile4_pair_fast(const edgeq_tile4_t t, int32_t q, const uint32_t *xq, const int32_t *sums,
                                         int8_t *out)
{
    const int32_t n_ch = t.n_ch, lo = t.lo, hi = t.hi;
    const int32_t *rq = t.requant + 6 * q;
    const int32_t b_hi = t.bias[2 * q], b_lo = t.bias[2 * q + 1];
    int8_t *o = out + 2 * q;
    uint32_t c[4];
    int32_t d[4];
    edgeq_tile4_mac(edgeq_pair_weights(t.weights, t.depth_words, q), xq, t.depth_words, c, d);
    if (t.full_range) { /* the clamp is SSAT */
        const int32_t m = rq[0], r = rq[1], k = rq[2];
        o[0] = edgeq_requant_sat(b_hi + d[0], m, r, k);
        o[n_ch] = edgeq_requant_sat(b_hi + d[1], m, r, k);
        o[2 * n_ch] = edgeq_requant_sat(b_hi + d[2], m, r, k);
        o[3 * n_ch] = edgeq_requant_sat(b_hi + d[3], m, r, k);
        if (2 * q + 1 < n_ch) {
            const int32_t m1 = rq[3], r1 = rq[4], k1 = rq[5];
            o[1] = edgeq_requant_sat(edgeq_pair_lo(c[0], d[0], sums[0], b_lo), m1, r1, k1);
            o[n_ch + 1] = edgeq_requant_sat(edgeq_pair_lo(c[1], d[1], sums[1], b_lo), m1, r1, k1);
            o[2 * n_ch + 1] = edgeq_requant_sat(edgeq_pair_lo(c[2], d[2], sums[2], b_lo), m1, r1, k1);
            o[3 * n_ch + 1] = edgeq_requant_sat(edgeq_pair_lo(c[3], d[3], sums[3], b_lo), m1, r1, k1);
        }
        return;
    }
    {
        /* Copies: the int8 stores below could alias the constants as far as C is concerned. */
        const int32_t m = rq[0], r = rq[1], k = rq[2];
        o[0] = edgeq_requant_val(b_hi + d[0], m, r, k, lo, hi);
        o[n_ch] = edgeq_requant_val(b_hi + d[1], m, r, k, lo, hi);
        o[2 * n_ch] = edgeq_requant_val(b_hi + d[2], m, r, k, lo, hi);
        o[3 * n_ch] = edgeq_requant_val(b_hi + d[3], m, r, k, lo, hi);
    }
    if (2 * q + 1 < n_ch) {
        const int32_t m = rq[3], r = rq[4], k = rq[5];
        o[1] = edgeq_requant_val(edgeq_pair_lo(c[0], d[0], sums[0], b_lo), m, r, k, lo, hi);
        o[n_ch + 1] = edgeq_requant_val(edgeq_pair_lo(c[1], d[1], sums[1], b_lo), m, r, k, lo, hi);
        o[2 * n_ch + 1] = edgeq_requant_val(edgeq_pair_lo(c[2], d[2], sums[2], b_lo), m, r, k, lo, hi);
        o[3 * n_ch + 1] = edgeq_requant_val(edgeq_pair_lo(c[3], d[3], sums[3], b_lo), m, r, k, lo, hi);
    }
}

void edgeq_gemm_tile4_s8(const edgeq_packed_s8_t *p, const uint32_t *xq, const int32_t *sums, int8_t *out)
{
    const edgeq_tile4_t t = {p->weights, p->bias, p->requant, p->channels, p->depth_words, p->act_min, p->act_max,
                             p->act_min == -128 && p->act_max == 127};
    const int32_t pairs = (t.n_ch + 1) >> 1;
    int32_t q = 0;
    while (q < pairs) {
        /* the pairs up to the next one holding an exact-form channel take the fast forms, unchecked */
        int32_t end = p->exact_channels ? q : pairs;
        while (end < pairs && !edgeq_pair_has_exact(p->requant + 6 * end)) {
            ++end;
        }
        for (; q < end; ++q) {
            edgeq_tile4_pair_fast(t, q, xq, sums, out);
        }
        if (q < pairs) {
            edgeq_tile4_pair_any(p, q, xq, sums, out);
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
