/*
 * ADD and SUB int16 of same-shape inputs (edgeq_kernels_elementwise_lut.h), TFLite's int16 scheme:
 * each input shifted left by 15, rescaled, summed (or subtracted), rescaled to the output. The generator
 * checked that every rescale is a right (or zero) shift, so each is exactly SMMULR(2x, m) and a
 * branch-free rounding shift (edgeq_simd.h): |x << 15| <= 2^30 for int16 x (zero point 0), the rescaled
 * inputs stay below 2^29 (their real factors are at most 1/2) and their sum below 2^30.
 */
#include "edgeq_compiler.h"
#include "edgeq_kernels_elementwise_lut.h"
#include "edgeq_simd.h"

/* x * m * 2^(-31 - r) with TFLM's double rounding, for |x| <= 2^30 (see edgeq_requant_val). */
static inline int32_t rescale(int32_t x, const edgeq_rescale_t *s)
{
    const int32_t h = edgeq_smmulr((int32_t)((uint32_t)x << 1), s->multiplier);
    return (h + s->rounding - (int32_t)(((uint32_t)h >> 31) & s->negative_rounds)) >> s->right;
}

EDGEQ_INLINE void add_or_sub(const edgeq_add_fast_s16_t *p, const int16_t *a, const int16_t *b, int16_t *out,
                             const int subtract)
{
    const edgeq_rescale_t r1 = p->input1, r2 = p->input2, ro = p->output; /* not reloaded after stores */
    const int32_t lo = p->act_min, hi = p->act_max;
    const int16_t *end = a + p->elements;
    while (a < end) {
        const int32_t sa = rescale((int32_t)((uint32_t)(int32_t)*a++ << 15), &r1);
        const int32_t sb = rescale((int32_t)((uint32_t)(int32_t)*b++ << 15), &r2);
        int32_t v = rescale(subtract ? sa - sb : sa + sb, &ro);
        v = v < lo ? lo : v;
        *out++ = (int16_t)(v > hi ? hi : v);
    }
}

void edgeq_add_fast_s16(const edgeq_add_fast_s16_t *p, const int16_t *input1, const int16_t *input2,
                        int16_t *output)
{
    if (p->subtract) {
        add_or_sub(p, input1, input2, output, 1);
    } else {
        add_or_sub(p, input1, input2, output, 0);
    }
}
