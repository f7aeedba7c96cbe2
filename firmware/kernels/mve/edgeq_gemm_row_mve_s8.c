/*
 * edgeq_gemm_row_mve_s8.c — one or two int8 GEMM rows on Helium: out[n] = act(requant(bias[n] + x . w[n])).
 * Four output channels per input load: each 16-byte chunk of a row feeds four VMLADAVA.S8 (16 MACs each)
 * against the block's four weight vectors, and with two rows each weight vector feeds both (8 dot products
 * per 6 loads). Whole chunks load unpredicated; a depth that is not a multiple of 16 ends with one
 * tail-predicated chunk (VCTP: zero lanes, no access past the row; the weights past the depth are zero).
 * Two rows of a block of four real channels on the fast requantization form run in assembly (block2_asm);
 * rows of one chunk (depth <= 16) run all their whole blocks in one assembly loop (small_depth_row).
 * Layout: edgeq_kernels_mve.h.
 */
#include "edgeq_mve_util.h"

static inline int32x4_t lanes(int32_t a0, int32_t a1, int32_t a2, int32_t a3)
{
    int32x4_t v = vdupq_n_s32(a0);
    v = vsetq_lane_s32(a1, v, 1);
    v = vsetq_lane_s32(a2, v, 2);
    return vsetq_lane_s32(a3, v, 3);
}

/* Output channels [ch, ch + 4) of one row from its four dot products. */
static inline void requant_block(const int32_t *bias, const edgeq_mve_rq4_t *q, edgeq_mve_act_t act, int32_t n,
                                 int32x4_t acc, int8_t *out)
{
    acc = vaddq_s32(acc, vld1q_s32(bias)); /* modulo 2^32, as TFLM's accumulator */
    edgeq_mve_requant4q(acc, q, act, out, n < 4 ? n : 4);
}

/*
 * Two rows x one block of four channels in assembly, for blocks of four real channels on the fast
 * requantization form (GCC 12 keeps the eight VMLADAVA accumulators, which must be even registers ("Te"),
 * only by shuffling them through odd ones and spills the requantization vectors). Three statements: the whole
 * 16-byte chunks, the tail-predicated last chunk, then both rows requantized (edgeq_mve_requant4q's fast path)
 * and stored; the accumulators stay in their registers between them.
 */
#define EDGEQ_GEMM_CHUNK(load_x)                                                                            \
    load_x                                                                                                   \
    "vldrb.8 %q[wv], [%[w]], #16\n\t"                                                                       \
    "vmladava.s8 %[a0], %q[xv], %q[wv]\n\t"                                                                 \
    "vmladava.s8 %[b0], %q[yv], %q[wv]\n\t"                                                                 \
    "vldrb.8 %q[wv], [%[w]], #16\n\t"                                                                       \
    "vmladava.s8 %[a1], %q[xv], %q[wv]\n\t"                                                                 \
    "vmladava.s8 %[b1], %q[yv], %q[wv]\n\t"                                                                 \
    "vldrb.8 %q[wv], [%[w]], #16\n\t"                                                                       \
    "vmladava.s8 %[a2], %q[xv], %q[wv]\n\t"                                                                 \
    "vmladava.s8 %[b2], %q[yv], %q[wv]\n\t"                                                                 \
    "vldrb.8 %q[wv], [%[w]], #16\n\t"                                                                       \
    "vmladava.s8 %[a3], %q[xv], %q[wv]\n\t"                                                                 \
    "vmladava.s8 %[b3], %q[yv], %q[wv]\n\t"
#define EDGEQ_GEMM_ACCS                                                                                     \
    [a0] "+Te"(a0), [a1] "+Te"(a1), [a2] "+Te"(a2), [a3] "+Te"(a3), [b0] "+Te"(b0), [b1] "+Te"(b1),         \
        [b2] "+Te"(b2), [b3] "+Te"(b3)
/* m = multipliers, s = shift words, off = offsets, bv = biases, v = the accumulators (+ bias), t = the result */
#define EDGEQ_GEMM_REQUANT(out)                                                                             \
    "vadd.i32 %q[v], %q[v], %q[bv]\n\t"                                                                     \
    "vqrdmulh.s32 %q[t], %q[v], %q[m]\n\t"                                                                  \
    "vshr.s32 %q[v], %q[t], #31\n\t"                                                                        \
    "vadd.i32 %q[t], %q[t], %q[off]\n\t"                                                                    \
    "vadd.i32 %q[t], %q[t], %q[v]\n\t"                                                                      \
    "vshl.s32 %q[t], %q[t], %q[s]\n\t"                                                                     \
    "vldrw.u32 %q[v], [%[act]]\n\t"                                                                         \
    "vmax.s32 %q[t], %q[t], %q[v]\n\t"                                                                      \
    "vldrw.u32 %q[v], [%[act], #16]\n\t"                                                                    \
    "vmin.s32 %q[t], %q[t], %q[v]\n\t"                                                                      \
    "vstrb.32 %q[t], [%[" out "]]\n\t"

/* Returns the weights past the block. */
EDGEQ_INLINE const int8_t *block2_asm(const int8_t *w, const int8_t *x, const int8_t *y, int32_t full, int32_t rem,
                                const int32_t *bias, const int32_t *rq, const int32_t *act, int8_t *out0,
                                int8_t *out1)
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    int8x16_t xv, yv, wv;
    int32x4_t v, t;
    if (full > 0) {
        __asm__ volatile("1:\n\t" EDGEQ_GEMM_CHUNK("vldrb.8 %q[xv], [%[x]], #16\n\t"
                                                   "vldrb.8 %q[yv], [%[y]], #16\n\t")
                         "subs %[n], %[n], #1\n\t"
                         "bne 1b\n\t"
                         : EDGEQ_GEMM_ACCS, [xv] "=&w"(xv), [yv] "=&w"(yv), [wv] "=&w"(wv), [x] "+l"(x), [y] "+l"(y),
                           [w] "+l"(w), [n] "+r"(full)
                         :
                         : "memory", "cc");
    }
    if (rem > 0) {
        __asm__ volatile("vctp.8 %[rem]\n\t"
                         "vpstt\n\t"
                         "vldrbt.8 %q[xv], [%[x]]\n\t"
                         "vldrbt.8 %q[yv], [%[y]]\n\t" EDGEQ_GEMM_CHUNK("")
                         : EDGEQ_GEMM_ACCS, [xv] "=&w"(xv), [yv] "=&w"(yv), [wv] "=&w"(wv), [w] "+l"(w)
                         : [x] "l"(x), [y] "l"(y), [rem] "r"(rem)
                         : "memory");
    }
    __asm__ volatile("vmov %q[v][2], %q[v][0], %[a0], %[a2]\n\t"
                     "vmov %q[v][3], %q[v][1], %[a1], %[a3]\n\t" EDGEQ_GEMM_REQUANT("o0")
                     "vmov %q[v][2], %q[v][0], %[b0], %[b2]\n\t"
                     "vmov %q[v][3], %q[v][1], %[b1], %[b3]\n\t" EDGEQ_GEMM_REQUANT("o1")
                     : [v] "=&w"(v), [t] "=&w"(t)
                     : [a0] "Te"(a0), [a1] "Te"(a1), [a2] "Te"(a2), [a3] "Te"(a3), [b0] "Te"(b0), [b1] "Te"(b1),
                       [b2] "Te"(b2), [b3] "Te"(b3), [m] "w"(vld1q_s32(rq)), [s] "w"(vld1q_s32(rq + 4)),
                       [off] "w"(vld1q_s32(rq + 8)), [bv] "w"(vld1q_s32(bias)), [act] "r"(act), [o0] "l"(out0),
                       [o1] "l"(out1)
                     : "memory");
    return w;
}

/*
 * A row of depth <= 16 (the first layers' windows and 1x1 convolutions: one chunk) over `blocks` whole blocks
 * of four channels, all on the fast requantization form, in one assembly loop: the row is loaded once
 * (tail-predicated), then per block four weight loads and VMLADAVs, the bias, the requantization words
 * (post-incremented past the block's 48 bytes) and the clamp, stored four bytes at a time. Returns nothing;
 * the caller continues with the remaining channels.
 */
static void small_depth_row(const int8_t *x, int32_t depth, const int8_t *w, const int32_t *bias, const int32_t *rq,
                            const int32_t *act, int8_t *out, int32_t blocks)
{
    int32_t a0, a1, a2, a3;
    int8x16_t xv, wv;
    int32x4_t m, s, off, v, t;
    __asm__ volatile("vctp.8 %[depth]\n\t"
                     "vpst\n\t"
                     "vldrbt.8 %q[xv], [%[x]]\n\t"
                     "1:\n\t"
                     "vldrb.8 %q[wv], [%[w]], #16\n\t"
                     "vmladav.s8 %[a0], %q[xv], %q[wv]\n\t"
                     "vldrb.8 %q[wv], [%[w]], #16\n\t"
                     "vmladav.s8 %[a1], %q[xv], %q[wv]\n\t"
                     "vldrb.8 %q[wv], [%[w]], #16\n\t"
                     "vmladav.s8 %[a2], %q[xv], %q[wv]\n\t"
                     "vldrb.8 %q[wv], [%[w]], #16\n\t"
                     "vmladav.s8 %[a3], %q[xv], %q[wv]\n\t"
                     "vmov %q[v][2], %q[v][0], %[a0], %[a2]\n\t"
                     "vmov %q[v][3], %q[v][1], %[a1], %[a3]\n\t"
                     "vldrw.u32 %q[t], [%[bias]], #16\n\t"
                     "vadd.i32 %q[v], %q[v], %q[t]\n\t"
                     "vldrw.u32 %q[s], [%[rq], #16]\n\t"
                     "vldrw.u32 %q[off], [%[rq], #32]\n\t"
                     "vldrw.u32 %q[m], [%[rq]], #48\n\t"
                     "vqrdmulh.s32 %q[t], %q[v], %q[m]\n\t"
                     "vshr.s32 %q[v], %q[t], #31\n\t"
                     "vadd.i32 %q[t], %q[t], %q[off]\n\t"
                     "vadd.i32 %q[t], %q[t], %q[v]\n\t"
                     "vshl.s32 %q[t], %q[t], %q[s]\n\t"
                     "vldrw.u32 %q[v], [%[act]]\n\t"
                     "vmax.s32 %q[t], %q[t], %q[v]\n\t"
                     "vldrw.u32 %q[v], [%[act], #16]\n\t"
                     "vmin.s32 %q[t], %q[t], %q[v]\n\t"
                     "vstrb.32 %q[t], [%[out]], #4\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [a0] "=&Te"(a0), [a1] "=&Te"(a1), [a2] "=&Te"(a2), [a3] "=&Te"(a3), [xv] "=&w"(xv),
                       [wv] "=&w"(wv), [m] "=&w"(m), [s] "=&w"(s), [off] "=&w"(off), [v] "=&w"(v), [t] "=&w"(t),
                       [w] "+r"(w), [bias] "+r"(bias), [rq] "+r"(rq), [out] "+l"(out), [n] "+r"(blocks)
                     : [x] "l"(x), [depth] "r"(depth), [act] "r"(act)
                     : "memory", "cc");
}

void edgeq_gemm_row_mve_s8(const edgeq_mve_gemm_s8_t *p, const int8_t *x0, const int8_t *x1, int8_t *out0,
                           int8_t *out1)
{
    const int32_t full = p->depth >> 4;
    const int32_t rem = p->depth & 15;
    const mve_pred16_t tail = vctp8q((uint32_t)rem);
    const int8_t *w = p->weights;
    const int32_t channels = p->channels, exact = p->exact_channels;
    const int32_t *bias = p->bias, *rq = p->requant;
    const edgeq_mve_act_t act = edgeq_mve_act(p->act_min, p->act_max);
    const int32_t act_words[8] = {p->act_min, p->act_min, p->act_min, p->act_min,
                                  p->act_max, p->act_max, p->act_max, p->act_max};
    int32_t ch = 0, c;
    if (p->depth <= 16 && !exact && channels >= 4) {
        const int32_t blocks = channels >> 2;
        small_depth_row(x0, p->depth, w, bias, rq, act_words, out0, blocks);
        if (x1 != 0) {
            small_depth_row(x1, p->depth, w, bias, rq, act_words, out1, blocks);
        }
        ch = 4 * blocks; /* a last partial block goes on below */
        w += 64 * blocks;
        bias += ch;
        rq += 3 * ch;
    }
    for (; ch < channels; ch += 4, bias += 4, rq += 12) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        const int8_t *xp = x0;
        if (x1 == 0) {
            for (c = 0; c < full; ++c) {
                const int8x16_t xv = vld1q_s8(xp);
                a0 = vmladavaq_s8(a0, xv, vld1q_s8(w));
                a1 = vmladavaq_s8(a1, xv, vld1q_s8(w + 16));
                a2 = vmladavaq_s8(a2, xv, vld1q_s8(w + 32));
                a3 = vmladavaq_s8(a3, xv, vld1q_s8(w + 48));
                w += 64;
                xp += 16;
            }
            if (rem) {
                const int8x16_t xv = vldrbq_z_s8(xp, tail);
                a0 = vmladavaq_s8(a0, xv, vld1q_s8(w));
                a1 = vmladavaq_s8(a1, xv, vld1q_s8(w + 16));
                a2 = vmladavaq_s8(a2, xv, vld1q_s8(w + 32));
                a3 = vmladavaq_s8(a3, xv, vld1q_s8(w + 48));
                w += 64;
            }
            const edgeq_mve_rq4_t q = edgeq_mve_rq4(rq, exact);
            requant_block(bias, &q, act, channels - ch, lanes(a0, a1, a2, a3), out0 + ch);
        } else if (channels - ch >= 4 && (!exact || (rq[4] < 0 && rq[5] < 0 && rq[6] < 0 && rq[7] < 0))) {
            w = block2_asm(w, x0, x1, full, rem, bias, rq, act_words, out0 + ch, out1 + ch);
        } else {
            int32_t b0 = 0, b1 = 0, b2 = 0, b3 = 0;
            const int8_t *yp = x1;
            for (c = 0; c < full; ++c) {
                const int8x16_t xv = vld1q_s8(xp);
                const int8x16_t yv = vld1q_s8(yp);
                int8x16_t wv = vld1q_s8(w);
                a0 = vmladavaq_s8(a0, xv, wv);
                b0 = vmladavaq_s8(b0, yv, wv);
                wv = vld1q_s8(w + 16);
                a1 = vmladavaq_s8(a1, xv, wv);
                b1 = vmladavaq_s8(b1, yv, wv);
                wv = vld1q_s8(w + 32);
                a2 = vmladavaq_s8(a2, xv, wv);
                b2 = vmladavaq_s8(b2, yv, wv);
                wv = vld1q_s8(w + 48);
                a3 = vmladavaq_s8(a3, xv, wv);
                b3 = vmladavaq_s8(b3, yv, wv);
                w += 64;
                xp += 16;
                yp += 16;
            }
            if (rem) {
                const int8x16_t xv = vldrbq_z_s8(xp, tail);
                const int8x16_t yv = vldrbq_z_s8(yp, tail);
                int8x16_t wv = vld1q_s8(w);
                a0 = vmladavaq_s8(a0, xv, wv);
                b0 = vmladavaq_s8(b0, yv, wv);
                wv = vld1q_s8(w + 16);
                a1 = vmladavaq_s8(a1, xv, wv);
                b1 = vmladavaq_s8(b1, yv, wv);
                wv = vld1q_s8(w + 32);
                a2 = vmladavaq_s8(a2, xv, wv);
                b2 = vmladavaq_s8(b2, yv, wv);
                wv = vld1q_s8(w + 48);
                a3 = vmladavaq_s8(a3, xv, wv);
                b3 = vmladavaq_s8(b3, yv, wv);
                w += 64;
            }
            const edgeq_mve_rq4_t q = edgeq_mve_rq4(rq, exact);
            requant_block(bias, &q, act, channels - ch, lanes(a0, a1, a2, a3), out0 + ch);
            requant_block(bias, &q, act, channels - ch, lanes(b0, b1, b2, b3), out1 + ch);
        }
    }
}
