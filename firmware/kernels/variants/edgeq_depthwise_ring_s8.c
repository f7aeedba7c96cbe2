/*
 * DEPTHWISE_CONV_2D, any depth multiplier m, channel count, kernel size, stride, dilation, padding and
 * batch, four output channels per group. Inputs and weights are sign-extended to int16 once, into
 * scratch, in the order the multiply loop reads them:
 *
 *   weights (once per call): per group of 4 output channels, per tap (row-major), two words
 *       (w c0, w c2), (w c1, w c3), the SXTB16 / SXTB16 ROR 8 of the four int8 weights (the last
 *       group's missing channels have zero weights);
 *   input ring: edgeq_ring_rows(g) rows (the dilated filter height), input row r in slot
 *       (r + pad_top) % rows; within a row, per group of 4 output channels, per ring column
 *       (x + pad_left), the same two words of the input channels those outputs read (output channel
 *       c reads input channel c / m: with m > 1 each input channel is replicated m times while the
 *       ring is loaded); padding holds pad_value.
 *
 * So each tap of four channels is one LDRD of input, one LDRD of weights and four SMLABB/SMLATT; the
 * taps of a filter row sit 8 * dilation_w bytes apart (the 3x3 undilated filter is unrolled, for every full
 * group: one holding an exact-form channel (edgeq_simd.h) only requantizes its channels one by one). Rows are
 * loaded in increasing order, only when an output row first needs them, which keeps the kernel safe in
 * place (see edgeq_ring_load_s8.c). Accumulators wrap modulo 2^32 like TFLM's int32.
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

/* Two consecutive words at p (8-byte aligned): one STRD on Arm. */
static inline void edgeq_st2(uint32_t *p, uint32_t a, uint32_t b)
{
#if defined(__arm__)
    __asm__("strd %1, %2, [%0]" : : "r"(p), "r"(a), "r"(b) : "memory");
#else
    p[0] = a;
    p[1] = b;
#endif
}

/* Loads input row r (padding outside the image) into its ring slot dst. Out of line: its column loop gets
 * the registers (inlined into the kernel it costs two or three instructions more per column). */
static EDGEQ_NOINLINE void load_row(const edgeq_conv_geom_t *g, uint32_t pad2, const int8_t *image, int32_t r,
                                    uint32_t *dst)
{
    const int32_t cols = edgeq_ring_cols(g), in_c = g->input_c, m = g->depth_multiplier;
    const int32_t groups = (g->output_c + 3) >> 2;
    /* ring columns [x0, x1) hold image columns x0 - pad_left ...; the rest is padding */
    const int32_t x0 = g->pad_left, x1 = g->input_w + g->pad_left < cols ? g->input_w + g->pad_left : cols;
    const int32_t inside = r >= 0 && r < g->input_h;
    /* four consecutive input channels per group: one word load */
    const int32_t direct = m == 1 && (in_c & 3) == 0;
    int32_t grp, col, i;
    if (direct && inside) {
        /* pixel by pixel, each group's word in turn: the row's bytes are read in order, and the loop
         * setup is per row, not per group (narrow images have few columns per group) */
        const uint8_t *px = (const uint8_t *)(image + r * g->input_w * in_c);
        /* the padding columns left and right of the image, then the image's with no test per column */
        for (col = x0 > 0 ? 0 : x1; col < cols; col = col + 1 == x0 ? x1 : col + 1) {
            uint32_t *d = dst + 2 * col;
            for (grp = 0; grp < groups; ++grp, d += 2 * cols) {
                d[0] = pad2;
                d[1] = pad2;
            }
        }
        for (col = x0; col < x1; ++col) {
            uint32_t *d = dst + 2 * col;
            /* the pixel's bytes end the loop: one counter fewer (groups >= 1) */
            const uint8_t *const px_end = px + 4 * groups;
            do {
                const uint32_t v = edgeq_read_u32(px);
                px += 4;
                edgeq_st2(d, edgeq_sxtb16(v), edgeq_sxtb16_ror8(v));
                d += 2 * cols;
            } while (px != px_end);
        }
        return;
    }
    for (grp = 0; grp < groups; ++grp, dst += 2 * cols) {
        const int8_t *src = image + r * g->input_w * in_c;
        int32_t lane[4];
        /* padding: the whole row outside the image, else the columns left and right of it */
        for (col = 0; col < cols; ++col) {
            if (inside && col == x0) {
                col = x1 - 1;
                continue;
            }
            dst[2 * col] = pad2;
            dst[2 * col + 1] = pad2;
        }
        if (!inside) {
            continue;
        }
        /* output channel c reads input channel c / m; the padding channels past output_c read the last
         * one (their weights are zero, their outputs are not stored) */
        for (i = 0; i < 4; ++i) {
            const int32_t c = (4 * grp + i) / m;
            lane[i] = c < in_c ? c : in_c - 1;
        }
        for (col = x0; col < x1; ++col) {
            const uint8_t *px = (const uint8_t *)(src + (col - x0) * in_c);
            const uint32_t v = (uint32_t)px[lane[0]] | (uint32_t)px[lane[1]] << 8 | (uint32_t)px[lane[2]] << 16
                             | (uint32_t)px[lane[3]] << 24;
            dst[2 * col] = edgeq_sxtb16(v);
            dst[2 * col + 1] = edgeq_sxtb16_ror8(v);
        }
    }
}

typedef struct {
    int32_t a0, a1, a2, a3;
} edgeq_acc4_t;

/* Two consecutive words at p (8-byte aligned): one LDRD on Arm. */
static inline void edgeq_ld2(const uint32_t *p, uint32_t *a, uint32_t *b)
{
#if defined(__arm__)
    const uint64_t v = *(const uint64_t *)(const void *)p;
    *a = (uint32_t)v;
    *b = (uint32_t)(v >> 32);
#else
    *a = p[0];
    *b = p[1];
#endif
}

/* One tap of four channels: expanded input words at x, expanded weights at w. */
static inline void edgeq_dw_tap(edgeq_acc4_t *a, const uint32_t *x, const uint32_t *w)
{
    uint32_t xe, xo, we, wo;
    edgeq_ld2(x, &xe, &xo);
    edgeq_ld2(w, &we, &wo);
    a->a0 = edgeq_smlabb(xe, we, a->a0);
    a->a2 = edgeq_smlatt(xe, we, a->a2);
    a->a1 = edgeq_smlabb(xo, wo, a->a1);
    a->a3 = edgeq_smlatt(xo, wo, a->a3);
}

/* One output pixel of four channels of the 3x3 filter: bias + the nine taps, input rows x0..x2 (taps
 * at +0, +8, +16 bytes), expanded weights w (tap t at 8 t bytes). */
static inline void edgeq_dw_3x3(edgeq_acc4_t *a, const uint32_t *x0, const uint32_t *x1, const uint32_t *x2,
                                const uint32_t *w, const int32_t *bias)
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    /* GCC splits the LDRDs of the C version into LDR pairs: 18 LDRD + 36 SMLAxy here, in 13 registers. */
    int32_t a0, a1, a2, a3;
    uint32_t xe, xo, we, wo;
#define EDGEQ_DW_TAP(X, XOFF, WOFF)                              \
    "ldrd %[xe], %[xo], [%[" X "], #" XOFF "]\n\t"               \
    "ldrd %[we], %[wo], [%[w], #" WOFF "]\n\t"                   \
    "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                      \
    "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                      \
    "smlabb %[a1], %[xo], %[wo], %[a1]\n\t"                      \
    "smlatt %[a3], %[xo], %[wo], %[a3]\n\t"
    __asm__(
        "ldrd %[a0], %[a1], [%[bias]]\n\t"
        "ldrd %[a2], %[a3], [%[bias], #8]\n\t"
        EDGEQ_DW_TAP("x0", "0", "0") EDGEQ_DW_TAP("x0", "8", "8") EDGEQ_DW_TAP("x0", "16", "16")
        EDGEQ_DW_TAP("x1", "0", "24") EDGEQ_DW_TAP("x1", "8", "32") EDGEQ_DW_TAP("x1", "16", "40")
        EDGEQ_DW_TAP("x2", "0", "48") EDGEQ_DW_TAP("x2", "8", "56") EDGEQ_DW_TAP("x2", "16", "64")
        : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [xe] "=&r"(xe), [xo] "=&r"(xo),
          [we] "=&r"(we), [wo] "=&r"(wo)
        : [x0] "r"(x0), [x1] "r"(x1), [x2] "r"(x2), [w] "r"(w), [bias] "r"(bias)
        : "memory");
#undef EDGEQ_DW_TAP
    a->a0 = a0;
    a->a1 = a1;
    a->a2 = a2;
    a->a3 = a3;
#else
    a->a0 = bias[0];
    a->a1 = bias[1];
    a->a2 = bias[2];
    a->a3 = bias[3];
    edgeq_dw_tap(a, x0, w);
    edgeq_dw_tap(a, x0 + 2, w + 2);
    edgeq_dw_tap(a, x0 + 4, w + 4);
    edgeq_dw_tap(a, x1, w + 6);
    edgeq_dw_tap(a, x1 + 2, w + 8);
    edgeq_dw_tap(a, x1 + 4, w + 10);
    edgeq_dw_tap(a, x2, w + 12);
    edgeq_dw_tap(a, x2 + 2, w + 14);
    edgeq_dw_tap(a, x2 + 4, w + 16);
#endif
}

/* Out of line, one channel at a time (small code): the first `n` channels of a group, in either
 * requantization form (`exact`: each channel in its own). For the general loop (other filter sizes, the
 * 3x3's last partial group) and the 3x3's groups with an exact-form channel. */
static void edgeq_dw_store_n(const edgeq_acc4_t *a, const int32_t *rq, int32_t exact, int32_t lo, int32_t hi,
                             int32_t n, int8_t *out)
{
    const int32_t acc[4] = {a->a0, a->a1, a->a2, a->a3};
    int32_t i;
    for (i = 0; i < n; ++i, rq += 3) {
        out[i] = exact ? edgeq_requant_any(acc[i], rq, lo, hi) : edgeq_requant_val(acc[i], rq[0], rq[1], rq[2], lo, hi);
    }
}

/* The unrolled 3x3 loop's store, forced inline: as a call (GCC's choice at -O2) it costs a spill of the
 * accumulators and stack arguments, a fifth of the loop. */
#if defined(__GNUC__)
#define EDGEQ_DW_INLINE static inline __attribute__((always_inline))
#else
#define EDGEQ_DW_INLINE static inline
#endif

/* MULT = rq[I], SHIFT = rq[I + 1] for a literal I: one LDRD on Arm (word alignment suffices on the
 * M profile), where GCC would emit two LDRs. A macro, so that 4 * I is a constant at every -O. */
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
#define EDGEQ_DW_RQ2(RQ, I, MULT, SHIFT)                                                                     \
    __asm__("ldrd %0, %1, [%2, %3]" : "=r"(MULT), "=r"(SHIFT) : "r"(RQ), "i"(4 * (I)),                      \
            "m"(*(const int32_t(*)[12])(RQ)))
#else
#define EDGEQ_DW_RQ2(RQ, I, MULT, SHIFT) ((MULT) = (RQ)[I], (SHIFT) = (RQ)[(I) + 1])
#endif

/* The fast requantization forms of a group of four channels: activation range [-128, 127] (the clamp
 * is SSAT), or clamped to [lo, hi]. */
enum { EDGEQ_DW_SAT, EDGEQ_DW_CLAMP };

/* The saturating requantization of accumulator A (destroyed) by the channel parameters at byte offsets
 * MOFF (multiplier), SOFF (shift), ROFF (rounding) of rq, stored at out + I, in two temporaries m and t: the
 * sign correction goes into the rounding term before the SMMLAR (equal modulo 2^32), the shift into the
 * temporary the multiply frees. */
#define EDGEQ_DW_RQ_ONE(A, I, MOFF, SOFF, ROFF)                  \
    "ldr %[m], [%[rq], #" MOFF "]\n\t"                           \
    "ldr %[t], [%[rq], #" ROFF "]\n\t"                           \
    "add %[t], %[t], %[" A "], asr #31\n\t"                      \
    "lsl %[" A "], %[" A "], #1\n\t"                             \
    "smmlar %[" A "], %[" A "], %[m], %[t]\n\t"                  \
    "ldr %[t], [%[rq], #" SOFF "]\n\t"                           \
    "asr %[" A "], %[" A "], %[t]\n\t"                           \
    "ssat %[" A "], #8, %[" A "]\n\t"                            \
    "strb %[" A "], [%[out], #" I "]\n\t"

EDGEQ_DW_INLINE void edgeq_dw_store(const edgeq_acc4_t *a, const int32_t *rq, int32_t form, int32_t lo, int32_t hi,
                                    int8_t *out)
{
    int32_t m0, s0, m1, s1, m2, s2, m3, s3;
    if (form == EDGEQ_DW_SAT) {
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
        /* as edgeq_dw_store_pair does for each pixel: fewer registers and instructions than GCC's */
        int32_t a0 = a->a0, a1 = a->a1, a2 = a->a2, a3 = a->a3, m, t;
        __asm__ volatile(EDGEQ_DW_RQ_ONE("a0", "0", "0", "4", "8") EDGEQ_DW_RQ_ONE("a1", "1", "12", "16", "20")
                             EDGEQ_DW_RQ_ONE("a2", "2", "24", "28", "32") EDGEQ_DW_RQ_ONE("a3", "3", "36", "40", "44")
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [m] "=&r"(m), [t] "=&r"(t)
                         : [rq] "r"(rq), [out] "r"(out)
                         : "memory");
#else
        EDGEQ_DW_RQ2(rq, 0, m0, s0);
        EDGEQ_DW_RQ2(rq, 3, m1, s1);
        EDGEQ_DW_RQ2(rq, 6, m2, s2);
        EDGEQ_DW_RQ2(rq, 9, m3, s3);
        out[0] = edgeq_requant_sat(a->a0, m0, s0, rq[2]);
        out[1] = edgeq_requant_sat(a->a1, m1, s1, rq[5]);
        out[2] = edgeq_requant_sat(a->a2, m2, s2, rq[8]);
        out[3] = edgeq_requant_sat(a->a3, m3, s3, rq[11]);
#endif
    } else {
        EDGEQ_DW_RQ2(rq, 0, m0, s0);
        EDGEQ_DW_RQ2(rq, 3, m1, s1);
        EDGEQ_DW_RQ2(rq, 6, m2, s2);
        EDGEQ_DW_RQ2(rq, 9, m3, s3);
        out[0] = edgeq_requant_val(a->a0, m0, s0, rq[2], lo, hi);
        out[1] = edgeq_requant_val(a->a1, m1, s1, rq[5], lo, hi);
        out[2] = edgeq_requant_val(a->a2, m2, s2, rq[8], lo, hi);
        out[3] = edgeq_requant_val(a->a3, m3, s3, rq[11], lo, hi);
    }
}

/* `ow` output pixels of a row of a full group of the undilated 3x3: input ring row 0 at x0 (the first
 * pixel), rows 1 and 2 d1 and d2 words further, `xstep` words per output pixel; `form` is a constant at each call, so the pixel loop is
 * specialized to it. */
EDGEQ_DW_INLINE void edgeq_dw_3x3_row(const uint32_t *x0, int32_t d1, int32_t d2, const uint32_t *w,
                                      const int32_t *bias, const int32_t *rq, int32_t form, int32_t lo, int32_t hi,
                                      int32_t xstep, int32_t ow, int32_t channels, int8_t *out)
{
    int8_t *const end = out + ow * channels;
    /* one input pointer advances, rows 1 and 2 at fixed distances d1, d2 (words): a register fewer carried
     * than three advancing pointers, where the taps' 13 leave few */
    for (; out != end; out += channels, x0 += xstep) {
        edgeq_acc4_t a;
        edgeq_dw_3x3(&a, x0, x0 + d1, x0 + d2, w, bias);
        edgeq_dw_store(&a, rq, form, lo, hi, out);
    }
}

/* Two horizontally adjacent output pixels of four channels of the stride-1 3x3, a at x, b one ring column
 * right: per filter row four input LDRDs and three weight LDRDs feed both (each input column but the
 * outer two serves b with one tap's weights and a with the next's), where two single pixels load six and
 * six. steps[] (bytes, in memory: the 14 registers hold the accumulators, one input and one weight pair
 * and the two pointers) moves x from row 0 to row 1, row 1 to row 2, and row 2 to the next pair's row 0. */
EDGEQ_DW_INLINE void edgeq_dw_3x3_pair(edgeq_acc4_t *a, edgeq_acc4_t *b, const uint32_t **x, const int32_t *steps,
                                       const uint32_t *w, const int32_t *const *bias)
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    int32_t a0, a1, a2, a3, b0, b1, b2, b3;
    uint32_t xe, xo, we, wo;
    const uint32_t *xp = *x;
#define EDGEQ_DW_MAC4(P)                                         \
    "smlabb %[" P "0], %[xe], %[we], %[" P "0]\n\t"              \
    "smlatt %[" P "2], %[xe], %[we], %[" P "2]\n\t"              \
    "smlabb %[" P "1], %[xo], %[wo], %[" P "1]\n\t"              \
    "smlatt %[" P "3], %[xo], %[wo], %[" P "3]\n\t"
#define EDGEQ_DW_ROW2(W0, W1, W2)                                \
    "ldrd %[we], %[wo], [%[w], #" W0 "]\n\t"                     \
    "ldrd %[xe], %[xo], [%[x]]\n\t" EDGEQ_DW_MAC4("a")           \
    "ldrd %[xe], %[xo], [%[x], #8]\n\t" EDGEQ_DW_MAC4("b")       \
    "ldrd %[we], %[wo], [%[w], #" W1 "]\n\t" EDGEQ_DW_MAC4("a")  \
    "ldrd %[xe], %[xo], [%[x], #16]\n\t" EDGEQ_DW_MAC4("b")      \
    "ldrd %[we], %[wo], [%[w], #" W2 "]\n\t" EDGEQ_DW_MAC4("a")  \
    "ldrd %[xe], %[xo], [%[x], #24]\n\t" EDGEQ_DW_MAC4("b")
    __asm__(
        "ldr %[xe], %[bias]\n\t"
        "ldrd %[a0], %[a1], [%[xe]]\n\t"
        "ldrd %[a2], %[a3], [%[xe], #8]\n\t"
        "ldrd %[b0], %[b1], [%[xe]]\n\t"
        "ldrd %[b2], %[b3], [%[xe], #8]\n\t"
        EDGEQ_DW_ROW2("0", "8", "16")
        "ldr %[xe], %[s0]\n\t"
        "add %[x], %[xe]\n\t"
        EDGEQ_DW_ROW2("24", "32", "40")
        "ldr %[xe], %[s1]\n\t"
        "add %[x], %[xe]\n\t"
        EDGEQ_DW_ROW2("48", "56", "64")
        "ldr %[xe], %[s2]\n\t"
        "add %[x], %[xe]\n\t"
        : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [b0] "=&r"(b0), [b1] "=&r"(b1),
          [b2] "=&r"(b2), [b3] "=&r"(b3), [xe] "=&r"(xe), [xo] "=&r"(xo), [we] "=&r"(we), [wo] "=&r"(wo),
          [x] "+r"(xp)
        : [w] "r"(w), [bias] "m"(*bias), [s0] "m"(steps[0]), [s1] "m"(steps[1]), [s2] "m"(steps[2])
        : "memory");
#undef EDGEQ_DW_ROW2
#undef EDGEQ_DW_MAC4
    a->a0 = a0;
    a->a1 = a1;
    a->a2 = a2;
    a->a3 = a3;
    b->a0 = b0;
    b->a1 = b1;
    b->a2 = b2;
    b->a3 = b3;
    *x = xp;
#else
    const uint32_t *x0 = *x, *x1 = (const uint32_t *)((const uint8_t *)x0 + steps[0]);
    const uint32_t *x2 = (const uint32_t *)((const uint8_t *)x1 + steps[1]);
    edgeq_dw_3x3(a, x0, x1, x2, w, *bias);
    edgeq_dw_3x3(b, x0 + 2, x1 + 2, x2 + 2, w, *bias);
    *x = (const uint32_t *)((const uint8_t *)x2 + steps[2]);
#endif
}

/* The saturating requantization of a pair of pixels (a at out, b at out + channels): each channel's
 * multiplier and shift are loaded once for both. On Arm in 13 registers: the sign correction goes into
 * the rounding term before the SMMLAR (equal modulo 2^32), so a channel needs two temporaries (the shift is
 * loaded into the one freed by the multiply, b's rounding term into a's freed accumulator). */
EDGEQ_DW_INLINE void edgeq_dw_store_pair(const edgeq_acc4_t *a, const edgeq_acc4_t *b, const int32_t *rq,
                                         int32_t channels, int8_t *out)
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    int32_t a0 = a->a0, a1 = a->a1, a2 = a->a2, a3 = a->a3, b0 = b->a0, b1 = b->a1, b2 = b->a2, b3 = b->a3;
    int32_t m, t;
#define EDGEQ_DW_RQ_PAIR(A, B, I, MOFF, SOFF, ROFF)              \
    EDGEQ_DW_RQ_ONE(A, I, MOFF, SOFF, ROFF)                      \
    "ldr %[" A "], [%[rq], #" ROFF "]\n\t"                       \
    "add %[" A "], %[" A "], %[" B "], asr #31\n\t"              \
    "lsl %[" B "], %[" B "], #1\n\t"                             \
    "smmlar %[" B "], %[" B "], %[m], %[" A "]\n\t"              \
    "asr %[" B "], %[" B "], %[t]\n\t"                           \
    "ssat %[" B "], #8, %[" B "]\n\t"                            \
    "strb %[" B "], [%[out2], #" I "]\n\t"
    __asm__ volatile(EDGEQ_DW_RQ_PAIR("a0", "b0", "0", "0", "4", "8") EDGEQ_DW_RQ_PAIR("a1", "b1", "1", "12", "16", "20")
                         EDGEQ_DW_RQ_PAIR("a2", "b2", "2", "24", "28", "32")
                             EDGEQ_DW_RQ_PAIR("a3", "b3", "3", "36", "40", "44")
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [b0] "+r"(b0), [b1] "+r"(b1),
                       [b2] "+r"(b2), [b3] "+r"(b3), [m] "=&r"(m), [t] "=&r"(t)
                     : [rq] "r"(rq), [out] "r"(out), [out2] "r"(out + channels)
                     : "memory");
#undef EDGEQ_DW_RQ_PAIR
#else
    int32_t m, s;
    EDGEQ_DW_RQ2(rq, 0, m, s);
    out[0] = edgeq_requant_sat(a->a0, m, s, rq[2]);
    out[channels] = edgeq_requant_sat(b->a0, m, s, rq[2]);
    EDGEQ_DW_RQ2(rq, 3, m, s);
    out[1] = edgeq_requant_sat(a->a1, m, s, rq[5]);
    out[channels + 1] = edgeq_requant_sat(b->a1, m, s, rq[5]);
    EDGEQ_DW_RQ2(rq, 6, m, s);
    out[2] = edgeq_requant_sat(a->a2, m, s, rq[8]);
    out[channels + 2] = edgeq_requant_sat(b->a2, m, s, rq[8]);
    EDGEQ_DW_RQ2(rq, 9, m, s);
    out[3] = edgeq_requant_sat(a->a3, m, s, rq[11]);
    out[channels + 3] = edgeq_requant_sat(b->a3, m, s, rq[11]);
#endif
}

/* Does a group of four channels (its 12 requantization words) hold an exact-form channel? */
static int32_t edgeq_dw_group_exact(const int32_t *rq)
{
    return rq[1] >= EDGEQ_RQ_EXACT - 31 || rq[4] >= EDGEQ_RQ_EXACT - 31 || rq[7] >= EDGEQ_RQ_EXACT - 31
        || rq[10] >= EDGEQ_RQ_EXACT - 31;
}

/* One output row of the undilated 3x3's `groups` full groups: ring rows x0..x2 at the row's first pixel
 * (group k at k * group_words words), expanded weights w (group k at 18 k), the output row out (group k
 * at channel 4 k); xstep words per output pixel. Groups any_first..any_end - 1 take
 * edgeq_dw_3x3_groups_any, the others (of a saturating layer) edgeq_dw_3x3_groups_sat. Groups
 * exact_first..exact_end - 1 span those with exact-form channels (none: both `groups`), found once per
 * call, not per group and row. */
typedef struct {
    const uint32_t *x0, *x1, *x2, *w;
    const edgeq_packed_s8_t *p;
    int32_t xstep, ow, channels, group_words, groups, any_first, any_end, exact_first, exact_end;
    int8_t *out;
} edgeq_dw_rows_t;

/* Full groups first..last - 1 in the saturating form (activation range [-128, 127]), all of whose
 * channels take the fast requantization. Out of line: the pixel loop gets the registers. */
static EDGEQ_NOINLINE void edgeq_dw_3x3_groups_sat(const edgeq_dw_rows_t *r, int32_t first, int32_t last)
{
    const int32_t group_words = r->group_words, xstep = r->xstep, ow = r->ow, channels = r->channels;
    const int32_t d1 = (int32_t)(r->x1 - r->x0), d2 = (int32_t)(r->x2 - r->x0);
    const uint32_t *x0 = r->x0 + first * group_words, *w = r->w + 18 * first;
    const int32_t *bias = r->p->bias + 4 * first, *rq = r->p->requant + 12 * first;
    int8_t *out = r->out + 4 * first;
    /* stride 1: pixels in pairs, the odd last one (and stride 2's rows) one by one */
    const int32_t paired = xstep == 2 ? ow & ~1 : 0, single = ow - paired, paired_bytes = paired * channels;
    const int32_t steps[3] = {4 * d1, 4 * (d2 - d1), 16 - 4 * d2};
    int32_t grp;
    for (grp = first; grp < last; ++grp, x0 += group_words, w += 18, bias += 4, rq += 12, out += 4) {
        const uint32_t *x = x0;
        int8_t *o = out, *const pairs_end = out + paired_bytes;
        for (; o != pairs_end; o += 2 * channels) {
            edgeq_acc4_t a, b;
            edgeq_dw_3x3_pair(&a, &b, &x, steps, w, &bias);
            edgeq_dw_store_pair(&a, &b, rq, channels, o);
        }
        if (single) {
            edgeq_dw_3x3_row(x, d1, d2, w, bias, rq, EDGEQ_DW_SAT, -128, 127, xstep, single, channels, o);
        }
    }
}

/* Groups any_first..any_end - 1 in the clamped form [lo, hi] (a saturating layer's are [-128, 127]). A
 * group in the span of those with exact-form channels keeps the unrolled taps and requantizes each
 * channel in its own form (edgeq_dw_store_n), so the exact form costs little more than its own
 * channels; the clamped layers pay a test of that per pixel. Out of line, like the saturating form. */
static EDGEQ_NOINLINE void edgeq_dw_3x3_groups_any(const edgeq_dw_rows_t *r)
{
    const int32_t lo = r->p->act_min, hi = r->p->act_max, xstep = r->xstep, channels = r->channels;
    int32_t grp;
    for (grp = r->any_first; grp < r->any_end; ++grp) {
        const int32_t offset = grp * r->group_words;
        const uint32_t *x0 = r->x0 + offset;
        const int32_t d1 = (int32_t)(r->x1 - r->x0), d2 = (int32_t)(r->x2 - r->x0);
        const uint32_t *const w = r->w + 18 * grp;
        const int32_t *const bias = r->p->bias + 4 * grp, *const rq = r->p->requant + 12 * grp;
        const int32_t exact = grp >= r->exact_first && grp < r->exact_end;
        int8_t *out = r->out + 4 * grp, *const end = out + r->ow * channels;
        for (; out != end; out += channels, x0 += xstep) {
            edgeq_acc4_t a;
            edgeq_dw_3x3(&a, x0, x0 + d1, x0 + d2, w, bias);
            if (exact) {
                edgeq_dw_store_n(&a, rq, 1, lo, hi, 4, out);
            } else {
                edgeq_dw_store(&a, rq, EDGEQ_DW_CLAMP, lo, hi, out);
            }
        }
    }
}

void edgeq_depthwise_ring_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                             const int8_t *input, int8_t *output, void *scratch)
{
    const int32_t channels = g->output_c, groups = (channels + 3) >> 2;
    const int32_t full_groups = channels >> 2;
    const int32_t cols = edgeq_ring_cols(g), ring_h = edgeq_ring_rows(g);
    const int32_t row_words = 2 * cols * groups;
    const int32_t taps = g->filter_h * g->filter_w;
    const int32_t xstep = 2 * g->stride_w, tap_step = 2 * g->dilation_w;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int32_t full_range = lo == -128 && hi == 127; /* clamp = SSAT */
    /* the unrolled 3x3 for every full group, also one with a hostile channel (an accumulator past 2^30, a
     * left shift): only the requantization of its group takes the per-channel form */
    const int32_t unrolled = taps == 9 && g->filter_w == 3 && g->dilation_h == 1 && g->dilation_w == 1;
    const uint32_t pad2 = edgeq_sxtb16((uint32_t)(uint8_t)pad_value * 0x01010101u);
    uint32_t *ring = (uint32_t *)scratch;
    uint32_t *wq = ring + row_words * ring_h;
    edgeq_dw_rows_t rows;
    int32_t b, oy, ox, grp, fy, fx, i;
    rows.w = wq;
    rows.p = p;
    rows.xstep = xstep;
    rows.ow = g->output_w;
    rows.channels = channels;
    rows.group_words = 2 * cols;
    rows.groups = full_groups;
    rows.exact_first = full_groups;
    rows.exact_end = full_groups;
    for (grp = 0; unrolled && p->exact_channels && grp < full_groups; ++grp) {
        if (edgeq_dw_group_exact(p->requant + 12 * grp)) {
            rows.exact_first = rows.exact_first < grp ? rows.exact_first : grp;
            rows.exact_end = grp + 1;
        }
    }
    rows.any_first = full_range ? rows.exact_first : 0; /* the clamped layers: every full group */
    rows.any_end = full_range ? rows.exact_end : full_groups;
    for (i = 0; i < groups * taps; ++i) {
        const uint32_t k = edgeq_read_u32(p->weights + 4 * i);
        wq[2 * i] = edgeq_sxtb16(k);
        wq[2 * i + 1] = edgeq_sxtb16_ror8(k);
    }
    for (b = 0; b < g->batches; ++b) {
        const int8_t *image = input + b * g->input_h * g->input_w * g->input_c;
        int8_t *out_b = output + b * g->output_h * g->output_w * channels;
        int32_t next_row = -g->pad_top;
        for (oy = 0; oy < g->output_h; ++oy) {
            const int32_t first = oy * g->stride_h - g->pad_top;
            const int32_t slot0 = (oy * g->stride_h) % ring_h;
            int32_t r = next_row > first ? next_row : first;
            for (; r < first + ring_h; ++r) {
                load_row(g, pad2, image, r, ring + ((r + g->pad_top) % ring_h) * row_words);
            }
            next_row = r;
            if (unrolled) { /* the full groups, three ring rows: the unrolled 3x3 */
                rows.x0 = ring + slot0 * row_words;
                rows.x1 = ring + (slot0 == 2 ? 0 : slot0 + 1) * row_words;
                rows.x2 = ring + (slot0 == 0 ? 2 : slot0 - 1) * row_words;
                rows.out = out_b + oy * g->output_w * channels;
                if (full_range) { /* the groups before and after the span with exact-form channels */
                    edgeq_dw_3x3_groups_sat(&rows, 0, rows.any_first);
                    if (rows.any_end < full_groups) {
                        edgeq_dw_3x3_groups_sat(&rows, rows.any_end, full_groups);
                    }
                }
                if (rows.any_first < rows.any_end) {
                    edgeq_dw_3x3_groups_any(&rows);
                }
            }
            /* the other filters and the 3x3's last partial group */
            for (grp = unrolled ? full_groups : 0; grp < groups; ++grp) {
                const uint32_t *w = wq + grp * taps * 2;
                const int32_t *bias = p->bias + 4 * grp;
                const int32_t *rq = p->requant + 12 * grp;
                const uint32_t *base = ring + grp * 2 * cols;
                const int32_t ow = g->output_w;
                int8_t *out = out_b + oy * ow * channels + 4 * grp;
                edgeq_acc4_t a;
                for (ox = 0; ox < ow; ++ox, out += channels) {
                    const uint32_t *tw = w;
                    int32_t slot = slot0;
                    a.a0 = bias[0];
                    a.a1 = bias[1];
                    a.a2 = bias[2];
                    a.a3 = bias[3];
                    for (fy = 0; fy < g->filter_h; ++fy) {
                        const uint32_t *x = base + slot * row_words + ox * xstep;
                        for (fx = 0; fx < g->filter_w; ++fx, tw += 2, x += tap_step) {
                            edgeq_dw_tap(&a, x, tw);
                        }
                        slot += g->dilation_h; /* < 2 * ring_h except after the last filter row */
                        slot = slot >= ring_h ? slot - ring_h : slot;
                    }
                    edgeq_dw_store_n(&a, rq, p->exact_channels, lo, hi, grp < full_groups ? 4 : channels - 4 * grp,
                                     out);
                }
            }
        }
    }
}
