/*
 * edgeq_gemm_rows_mve_s16.c — int16x8 FULLY_CONNECTED / 1x1 stride-1 CONV_2D on Helium: int16 activations x
 * int8 weights with TFLM's exact 64-bit accumulator. Per chunk of 8 depths one VLDRH.16 of the row feeds the
 * four channels of a weight block, each weight vector widened on load (VLDRB.S16, post-incremented through the
 * block's interleaved layout, edgeq_kernels_mve.h) and multiplied into its own 64-bit sum by VMLALDAVA.S16
 * (8 MACs per instruction). Whole chunks run unpredicated; the last depth & 7 inputs are one tail-predicated
 * load (VCTP16: inactive lanes read as 0, nothing past the row is read) against zero-padded weights.
 * All sums are 64-bit, so no block needs the DSP kernel's narrow/wide split: every channel is requantized from
 * its exact sum with the generator-prepared constants (edgeq_requant_prepared_s16), bit-exact with
 * edgeq_gemm_rows_s16 and TFLM.
 *
 * The chunk loop is inline assembly: in C, GCC 12 keeps the four register-pair accumulators on the stack
 * (a load and a store around every VMLALDAVA).
 */
#include "edgeq_kernels_packed_s16.h"
#include "edgeq_mve_util.h"

#define BLOCK 4 /* output channels sharing one input vector */

#define EDGEQ_S16_CHUNK                                                                                     \
    "vldrb.s16 %q[wv], [%[w]], #8\n\t"                                                                      \
    "vmlaldava.s16 %Q[a0], %R[a0], %q[xv], %q[wv]\n\t"                                                      \
    "vldrb.s16 %q[wv], [%[w]], #8\n\t"                                                                      \
    "vmlaldava.s16 %Q[a1], %R[a1], %q[xv], %q[wv]\n\t"                                                      \
    "vldrb.s16 %q[wv], [%[w]], #8\n\t"                                                                      \
    "vmlaldava.s16 %Q[a2], %R[a2], %q[xv], %q[wv]\n\t"                                                      \
    "vldrb.s16 %q[wv], [%[w]], #8\n\t"                                                                      \
    "vmlaldava.s16 %Q[a3], %R[a3], %q[xv], %q[wv]\n\t"
#define EDGEQ_S16_ACCS [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3)

/* The four channels' sums of block w over row x; returns the weights past the block. */
static const int8_t *block4(const int8_t *w, int32_t depth, const int16_t *x, int64_t sums[BLOCK])
{
    int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int32_t full = depth >> 3;
    const int32_t rem = depth & 7;
    int16x8_t xv, wv;
    if (full > 0) {
        __asm__ volatile("1:\n\t"
                         "vldrh.16 %q[xv], [%[x]], #16\n\t" EDGEQ_S16_CHUNK
                         "subs %[n], %[n], #1\n\t"
                         "bne 1b\n\t"
                         : EDGEQ_S16_ACCS, [xv] "=&w"(xv), [wv] "=&w"(wv), [x] "+r"(x), [w] "+l"(w), [n] "+r"(full)
                         :
                         : "memory", "cc");
    }
    if (rem > 0) {
        __asm__ volatile("vctp.16 %[rem]\n\t"
                         "vpst\n\t"
                         "vldrht.16 %q[xv], [%[x]]\n\t" EDGEQ_S16_CHUNK
                         : EDGEQ_S16_ACCS, [xv] "=&w"(xv), [wv] "=&w"(wv), [w] "+l"(w)
                         : [x] "r"(x), [rem] "r"(rem)
                         : "memory");
    }
    sums[0] = a0;
    sums[1] = a1;
    sums[2] = a2;
    sums[3] = a3;
    return w;
}

void edgeq_gemm_rows_mve_s16(const edgeq_mve_gemm_s16_t *p, int32_t rows, const int16_t *input, int16_t *output)
{
    /* The requantization constants in the packed kernels' type, to share their requantization. */
    const edgeq_packed_s16_t q = {p->channels, p->depth, p->act_min, p->act_max, 0, 0,
                                  p->offset, p->multiplier, p->post_shift};
    const int32_t n = p->channels, depth = p->depth;
    int32_t r, c, i;
    for (r = 0; r < rows; ++r, input += depth, output += n) {
        const int8_t *w = p->weights;
        for (c = 0; c < n; c += BLOCK) {
            const int32_t live = n - c < BLOCK ? n - c : BLOCK;
            int64_t sums[BLOCK];
            w = block4(w, depth, input, sums);
            for (i = 0; i < live; ++i) {
                /* One SMLAL where the sum fits 32 bits (the same value modulo 2^64 as the 64-bit product). */
                const int32_t low = (int32_t)sums[i];
                output[c + i] = (int64_t)low == sums[i] ? edgeq_requant_prepared32_s16(&q, c + i, low)
                                                        : edgeq_requant_prepared_s16(&q, c + i, sums[i]);
            }
        }
    }
}
