/*
 * edgeq_add_mve_s16.c — ADD / SUB int16 of same-shape inputs on Helium, the contract and constants of
 * edgeq_add_fast_s16 (edgeq_kernels_elementwise_lut.h; the generator elementwise_variants._add_sub_s16 checked
 * zero points 0 and every rescale a right or zero shift). TFLite's int16 scheme per element: each input << 15,
 * rescaled, summed (or subtracted), the sum rescaled to the output, clamped.
 *
 * Eight elements per pass: one VLDRH per input, widened to two int32x4 halves (VMOVLB / VMOVLT: even and odd
 * lanes), narrowed back in place (VMOVNB / VMOVNT), the last pass tail-predicated (VCTP16: inactive lanes are
 * neither loaded nor stored). Each rescale is lane for lane the scalar kernel's:
 *   VQRDMULH(x, m) = (2 x m + 2^31) >> 32 = SMMULR(2x, m), no saturation since |x| <= 2^30 (only
 *   x = m = -2^31 saturates); then (h + rounding - (h < 0 ? negative_rounds : 0)) >> right, TFLM's rounding
 *   half away from zero, with the same 32-bit bounds (|h| < 2^30, rounding < 2^30).
 * Every vector is loaded before its results are stored, so the output may alias either input.
 */
#include "edgeq_mve_util.h"

#include "edgeq_kernels_elementwise_lut.h"

/* x * m * 2^(-31 - right) with TFLM's double rounding, four lanes (edgeq_add_fast_s16.c's rescale). */
static inline int32x4_t rescale(int32x4_t x, const edgeq_rescale_t *s)
{
    const int32x4_t h = vqrdmulhq_n_s32(x, s->multiplier);
    const int32x4_t negative = vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(h), 31));
    const int32x4_t nudged = vsubq_s32(vaddq_n_s32(h, s->rounding), vmulq_n_s32(negative, s->negative_rounds));
    return vshlq_r_s32(nudged, -s->right);
}

/* One int32x4 half: a, b are the inputs (not yet << 15). */
EDGEQ_INLINE int32x4_t half(int32x4_t a, int32x4_t b, const edgeq_add_fast_s16_t *p, const int subtract)
{
    const int32x4_t sa = rescale(vshlq_n_s32(a, 15), &p->input1);
    const int32x4_t sb = rescale(vshlq_n_s32(b, 15), &p->input2);
    const int32x4_t v = rescale(subtract ? vsubq_s32(sa, sb) : vaddq_s32(sa, sb), &p->output);
    return vminq_s32(vmaxq_s32(v, vdupq_n_s32(p->act_min)), vdupq_n_s32(p->act_max));
}

EDGEQ_INLINE void add_or_sub(const edgeq_add_fast_s16_t *p, const int16_t *a, const int16_t *b, int16_t *out,
                             const int subtract)
{
    int32_t n;
    for (n = p->elements; n > 0; n -= 8, a += 8, b += 8, out += 8) {
        const mve_pred16_t lanes = vctp16q((uint32_t)n);
        const int16x8_t va = vldrhq_z_s16(a, lanes), vb = vldrhq_z_s16(b, lanes);
        const int32x4_t even = half(vmovlbq_s16(va), vmovlbq_s16(vb), p, subtract);
        const int32x4_t odd = half(vmovltq_s16(va), vmovltq_s16(vb), p, subtract);
        /* both halves are clamped into int16: the narrowing keeps them unchanged */
        vstrhq_p_s16(out, vmovntq_s32(vmovnbq_s32(vdupq_n_s16(0), even), odd), lanes);
    }
}

void edgeq_add_mve_s16(const edgeq_add_fast_s16_t *p, const int16_t *input1, const int16_t *input2,
                       int16_t *output)
{
    if (p->subtract) {
        add_or_sub(p, input1, input2, output, 1);
    } else {
        add_or_sub(p, input1, input2, output, 0);
    }
}
