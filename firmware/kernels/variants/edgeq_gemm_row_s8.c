/*
 * One GEMM row against packed int16 weights (layout in edgeq_kernels_packed.h): four output channels
 * at a time, each 4-byte input word sign-extended once (SXTB16, even and odd bytes) and shared by the
 * four channels, two SMLAD per channel per word. 16 MACs per 4 LDRD + 13
 * instructions.
 */
#include "edgeq_kernels_packed.h"
#include "edgeq_simd.h"

void edgeq_gemm_row_s8(const edgeq_packed_s8_t *p, const int8_t *x, int8_t *out)
{
    const int32_t *w = p->weights;
    const int32_t *bias = p->bias;
    const int32_t *rq = p->requant;
    const int32_t lo = p->act_min, hi = p->act_max;
    int32_t n;
    for (n = 0; n < p->channels; n += 4) {
        int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
        const int8_t *xp = x;
        int32_t k;
        for (k = p->depth_words; k > 0; --k) {
            const uint32_t v = edgeq_read_u32(xp);
            const uint32_t even = edgeq_sxtb16(v), odd = edgeq_sxtb16_ror8(v);
            uint32_t w0, w1;
            xp += 4;
            edgeq_load2(&w, &w0, &w1);
            a0 = edgeq_smlad(odd, w1, edgeq_smlad(even, w0, a0));
            edgeq_load2(&w, &w0, &w1);
            a1 = edgeq_smlad(odd, w1, edgeq_smlad(even, w0, a1));
            edgeq_load2(&w, &w0, &w1);
            a2 = edgeq_smlad(odd, w1, edgeq_smlad(even, w0, a2));
            edgeq_load2(&w, &w0, &w1);
            a3 = edgeq_smlad(odd, w1, edgeq_smlad(even, w0, a3));
        }
        bias += 4;
        out[0] = edgeq_requant_out(a0, rq, lo, hi);
        if (n + 1 < p->channels) {
            out[1] = edgeq_requant_out(a1, rq + 3, lo, hi);
        }
        if (n + 2 < p->channels) {
            out[2] = edgeq_requant_out(a2, rq + 6, lo, hi);
        }
        if (n + 3 < p->channels) {
            out[3] = edgeq_requant_out(a3, rq + 9, lo, hi);
        }
        rq += 12;
        out += 4;
    }
}
