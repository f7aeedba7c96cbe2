/*
 * ADD and SUB int16 of same-shape inputs (edgeq_kernels_elementwise_lut.h), TFLite's int16 scheme:
 * each input shifted left by 15, rescaled, summed (or subtracted), rescaled to the output. The generator
 * checked that every rescale is a right (or zero) shift, so each is exactly SMMULR(2x, m) and a
 * branch-free rounding shift (edgeq_simd.h): |x << 15| <= 2^30 for int16 x (zero point 0), the rescaled
 * inputs stay below 2^29 (their real factors are at most 1/2) and their sum below 2^30.
 *
 * Fast path (what TFLite's parameters give whenever the output rescale shifts right): the input with the
 * larger scale has the real factor 1/2 exactly (multiplier 2^30, no shift), so its rescale is x << 14
 * with no rounding; the other input and the output take SMMLAR (multiply, add the rounding term, round)
 * and the nudge of a negative value (TFLM rounds half away from zero) from the sign of the operand,
 * which is the sign of the product or the product is 0, where the nudge changes nothing for a right
 * shift of at least 1. Two elements per pass (word loads and stores), the clamp as one SSAT or USAT for
 * the activation ranges of no activation and RELU.
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

/* (a * b + (acc << 32) + 2^31) >> 32, signed (SMMLAR). */
static inline int32_t smmlar(int32_t a, int32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP) && defined(__arm__)
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
#else
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)acc << 32) + ((int64_t)1 << 31)) >> 32);
#endif
}

enum { CLAMP_S16 = 0, CLAMP_RELU = 1, CLAMP_RANGE = 2 };

/* One element of the fast path: u = the identity input << 16, w = the other input << 16 (int16 in the
 * top half, zeros below). */
EDGEQ_INLINE int32_t fast_one(int32_t u, int32_t w, const edgeq_rescale_t *other, const edgeq_rescale_t *o,
                              int32_t lo, int32_t hi, const int subtract, const int identity_first,
                              const int clamp)
{
    const int32_t t = (smmlar(w, other->multiplier, other->rounding) + (w >> 31)) >> other->right;
    const int32_t s = subtract ? (identity_first ? (u >> 2) - t : t - (u >> 2)) : (u >> 2) + t;
    int32_t v = (smmlar((int32_t)((uint32_t)s << 1), o->multiplier, o->rounding) + (s >> 31)) >> o->right;
    if (clamp == CLAMP_S16) {
#if defined(__ARM_FEATURE_DSP)
        v = __ssat(v, 16);
#else
        v = v < -32768 ? -32768 : (v > 32767 ? 32767 : v);
#endif
    } else if (clamp == CLAMP_RELU) {
#if defined(__ARM_FEATURE_DSP)
        v = (int32_t)__usat(v, 15);
#else
        v = v < 0 ? 0 : (v > 32767 ? 32767 : v);
#endif
    } else {
        v = v < lo ? lo : (v > hi ? hi : v);
    }
    return v;
}

/* The fast path over `elements` values; `ident` is the input whose rescale is x << 14. */
EDGEQ_INLINE void fast_loop(const edgeq_add_fast_s16_t *p, const int16_t *ident, const int16_t *other,
                            int16_t *out, const int subtract, const int identity_first, const int clamp)
{
    const edgeq_rescale_t r = identity_first ? p->input2 : p->input1, ro = p->output;
    const int32_t lo = p->act_min, hi = p->act_max;
    int32_t n;
    for (n = p->elements >> 1; n > 0; --n, ident += 2, other += 2, out += 2) {
        const uint32_t ui = edgeq_read_u32(ident), uo = edgeq_read_u32(other);
        const int32_t v0 = fast_one((int32_t)(ui << 16), (int32_t)(uo << 16), &r, &ro, lo, hi, subtract,
                                    identity_first, clamp);
        const int32_t v1 = fast_one((int32_t)(ui & 0xFFFF0000u), (int32_t)(uo & 0xFFFF0000u), &r, &ro, lo, hi,
                                    subtract, identity_first, clamp);
        edgeq_write_u32(out, ((uint32_t)v0 & 0xFFFFu) | ((uint32_t)v1 << 16));
    }
    if (p->elements & 1) {
        *out = (int16_t)fast_one((int32_t)((uint32_t)(uint16_t)*ident << 16),
                                 (int32_t)((uint32_t)(uint16_t)*other << 16), &r, &ro, lo, hi, subtract,
                                 identity_first, clamp);
    }
}

static inline int is_identity(const edgeq_rescale_t *s)
{
    return s->multiplier == (1 << 30) && s->right == 0;
}

static inline int is_plain_right_shift(const edgeq_rescale_t *s)
{
    return s->right >= 1 && s->rounding == (1 << (s->right - 1));
}

static void fast(const edgeq_add_fast_s16_t *p, const int16_t *ident, const int16_t *other, int16_t *output,
                 const int identity_first)
{
    const int clamp = (p->act_min == -32768 && p->act_max == 32767) ? CLAMP_S16
                      : (p->act_min == 0 && p->act_max == 32767) ? CLAMP_RELU : CLAMP_RANGE;
    if (p->subtract) {
        fast_loop(p, ident, other, output, 1, identity_first, CLAMP_RANGE);
    } else if (clamp == CLAMP_S16) {
        fast_loop(p, ident, other, output, 0, identity_first, CLAMP_S16);
    } else if (clamp == CLAMP_RELU) {
        fast_loop(p, ident, other, output, 0, identity_first, CLAMP_RELU);
    } else {
        fast_loop(p, ident, other, output, 0, identity_first, CLAMP_RANGE);
    }
}

void edgeq_add_fast_s16(const edgeq_add_fast_s16_t *p, const int16_t *input1, const int16_t *input2,
                        int16_t *output)
{
    if (is_plain_right_shift(&p->output)) {
        if (is_identity(&p->input1) && is_plain_right_shift(&p->input2)) {
            fast(p, input1, input2, output, 1);
            return;
        }
        if (is_identity(&p->input2) && is_plain_right_shift(&p->input1)) {
            fast(p, input2, input1, output, 0);
            return;
        }
    }
    if (p->subtract) {
        add_or_sub(p, input1, input2, output, 1);
    } else {
        add_or_sub(p, input1, input2, output, 0);
    }
}
