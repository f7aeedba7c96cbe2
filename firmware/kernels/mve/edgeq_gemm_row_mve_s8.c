/*
 * edgeq_gemm_row_mve_s8.c — one int8 GEMM row on Helium: out[n] = act(requant(bias[n] + x . w[n])).
 * Four output channels per input load: each 16-byte chunk of x feeds four VMLADAVA.S8 (16 MACs each) against
 * the block's four weight vectors; the last chunk's input load is tail-predicated (VCTP, zero lanes; the
 * weights past the depth are zero), so the row may end anywhere in memory. Layout: edgeq_kernels_mve.h.
 */
#include "edgeq_mve_util.h"

void edgeq_gemm_row_mve_s8(const edgeq_mve_gemm_s8_t *p, const int8_t *x, int8_t *out)
{
    const int32_t chunks = (p->depth + 15) >> 4;
    const int8_t *w = p->weights;
    int32_t ch;
    for (ch = 0; ch < p->channels; ch += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        const int8_t *xp = x;
        int32_t left = p->depth;
        int32_t c;
        int32x4_t acc;
        for (c = 0; c < chunks; ++c) {
            const int8x16_t xv = vldrbq_z_s8(xp, vctp8q((uint32_t)left));
            a0 = vmladavaq_s8(a0, xv, vld1q_s8(w));
            a1 = vmladavaq_s8(a1, xv, vld1q_s8(w + 16));
            a2 = vmladavaq_s8(a2, xv, vld1q_s8(w + 32));
            a3 = vmladavaq_s8(a3, xv, vld1q_s8(w + 48));
            w += 64;
            xp += 16;
            left -= 16;
        }
        acc = vdupq_n_s32(a0);
        acc = vsetq_lane_s32(a1, acc, 1);
        acc = vsetq_lane_s32(a2, acc, 2);
        acc = vsetq_lane_s32(a3, acc, 3);
        acc = vaddq_s32(acc, vld1q_s32(p->bias + ch)); /* modulo 2^32, as TFLM's accumulator */
        {
            const int32_t n = p->channels - ch;
            edgeq_mve_requant4(acc, p->requant + 3 * ch, p->exact_channels, p->act_min, p->act_max, out + ch,
                               n < 4 ? n : 4);
        }
    }
}
