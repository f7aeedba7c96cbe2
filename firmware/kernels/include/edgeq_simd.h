/*
 * edgeq_simd.h — the handful of Cortex-M DSP operations edgeq's packed-weight kernels use, as inline
 * functions. With __ARM_FEATURE_DSP (set by -mcpu for Cortex-M4/M7/M33/M55) they are ACLE intrinsics
 * from <arm_acle.h> (one instruction each); otherwise portable C99 with identical results, so the
 * same kernel source builds for the host and for cores without DSP, and stays bit-exact.
 *
 * Packed values: an "int8x4" is four int8 in one 32-bit word, byte 0 first in memory; an "int16x2" is
 * two int16 halves, bottom half = element 0. All arithmetic wraps modulo 2^32 like the instructions.
 * Internal header of the kernels; not part of the generated-code API.
 */
#ifndef EDGEQ_SIMD_H
#define EDGEQ_SIMD_H

#include <stdint.h>
#include <string.h>

#include "edgeq_compiler.h"
#include "edgeq_requant.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

/* A possibly unaligned 32-bit load (one LDR on Cortex-M3 and later). */
static inline uint32_t edgeq_read_u32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void edgeq_write_u32(void *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* Copies n bytes a word at a time (newlib-nano's memcpy goes byte by byte); buffers may be unaligned. */
static inline void edgeq_copy_s8(int8_t *dst, const int8_t *src, int32_t n)
{
    for (; n >= 4; n -= 4, dst += 4, src += 4) {
        edgeq_write_u32(dst, edgeq_read_u32(src));
    }
    for (; n > 0; --n) {
        *dst++ = *src++;
    }
}

static inline int32_t edgeq_lo16(uint32_t x)
{
    return (int32_t)(int16_t)(uint16_t)(x & 0xFFFFu);
}

static inline int32_t edgeq_hi16(uint32_t x)
{
    return (int32_t)(int16_t)(uint16_t)(x >> 16);
}

#if defined(__ARM_FEATURE_DSP)

/* Bytes 0 and 2 sign-extended into the two halves (SXTB16). */
static inline uint32_t edgeq_sxtb16(uint32_t x)
{
    return (uint32_t)__sxtb16((int32_t)x);
}

/* Bytes 1 and 3 sign-extended into the two halves (SXTB16 with ROR #8; GCC 12 lacks __ror). */
static inline uint32_t edgeq_sxtb16_ror8(uint32_t x)
{
#if defined(__arm__)
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x)); /* GCC emits a separate ROR for the intrinsic */
    return r;
#else
    return (uint32_t)__sxtb16((int32_t)((x >> 8) | (x << 24)));
#endif
}

/* acc + lo(a)*lo(b) + hi(a)*hi(b) (SMLAD). */
static inline int32_t edgeq_smlad(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlad((int32_t)a, (int32_t)b, acc);
}

/* acc + lo(a)*lo(b) (SMLABB) and acc + hi(a)*hi(b) (SMLATT). */
static inline int32_t edgeq_smlabb(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlabb((int32_t)a, (int32_t)b, acc);
}

static inline int32_t edgeq_smlatt(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlatt((int32_t)a, (int32_t)b, acc);
}

/* acc + lo(a)*lo(b) + hi(a)*hi(b) into a 64-bit accumulator (SMLALD). */
static inline int64_t edgeq_smlald(uint32_t a, uint32_t b, int64_t acc)
{
    return __smlald((int32_t)a, (int32_t)b, acc);
}

#else /* portable equivalents */

static inline uint32_t edgeq_sxtb16(uint32_t x)
{
    const uint32_t lo = (uint32_t)(int32_t)(int8_t)(uint8_t)(x & 0xFFu) & 0xFFFFu;
    const uint32_t hi = (uint32_t)(int32_t)(int8_t)(uint8_t)((x >> 16) & 0xFFu) & 0xFFFFu;
    return lo | (hi << 16);
}

static inline uint32_t edgeq_sxtb16_ror8(uint32_t x)
{
    return edgeq_sxtb16((x >> 8) | (x << 24));
}

static inline int32_t edgeq_smlad(uint32_t a, uint32_t b, int32_t acc)
{
    const uint32_t sum = (uint32_t)acc + (uint32_t)(edgeq_lo16(a) * edgeq_lo16(b))
                       + (uint32_t)(edgeq_hi16(a) * edgeq_hi16(b));
    return (int32_t)sum;
}

static inline int32_t edgeq_smlabb(uint32_t a, uint32_t b, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(edgeq_lo16(a) * edgeq_lo16(b)));
}

static inline int32_t edgeq_smlatt(uint32_t a, uint32_t b, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(edgeq_hi16(a) * edgeq_hi16(b)));
}

static inline int64_t edgeq_smlald(uint32_t a, uint32_t b, int64_t acc)
{
    return acc + (int64_t)(edgeq_lo16(a) * edgeq_lo16(b)) + (int64_t)(edgeq_hi16(a) * edgeq_hi16(b));
}

#endif

/* Two consecutive words at *p (4-byte aligned), advancing *p by 8: one LDRD on Arm (GCC does not pair
 * the loads itself). */
static inline void edgeq_load2(const int32_t **p, uint32_t *a, uint32_t *b)
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    __asm__("ldrd %0, %1, [%2], #8" : "=r"(*a), "=r"(*b), "+r"(*p));
#else
    *a = (uint32_t)(*p)[0];
    *b = (uint32_t)(*p)[1];
    *p += 2;
#endif
}

/* (a * b + 2^31) >> 32, signed (SMMULR). Not an ACLE intrinsic: one instruction of inline asm on Arm. */
static inline int32_t edgeq_smmulr(int32_t a, int32_t b)
{
#if defined(__ARM_FEATURE_DSP) && defined(__arm__)
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 31)) >> 32);
#endif
}

/*
 * TFLM's MultiplyByQuantizedMultiplier, then + output zero point, for a right shift r in [1, 31] and
 * |acc| < 2^30 (both checked by the code generator from the weights and biases). There the saturating
 * rounding doubling high multiply is exactly x = SMMULR(2 * acc, multiplier), and the rounding divide by
 * 2^r (half away from zero) followed by + zp is (x + 2^(r-1) + zp * 2^r - [x < 0]) >> r: adding a
 * multiple of 2^r before an arithmetic shift adds it after. `rq` = {multiplier, r, 2^(r-1) + zp * 2^r},
 * precomputed per channel (|2^(r-1) + zp * 2^r| < 2^30 is checked too, so nothing overflows).
 *
 * edgeq_rounded_product returns the part before the shift. It takes the sign from acc, not from x: the two
 * differ only where a negative acc's product rounds to x = 0, and there (rounding - 1) >> r and
 * rounding >> r are both zp (rounding - zp * 2^r = 2^(r-1) < 2^r); a constant channel's triple (0, 1,
 * 2 * value + 1) is of that form too. So with the DSP extension one SMMLAR adds the rounding term inside
 * the multiply and the correction is one ADD with ASR #31.
 */
static inline int32_t edgeq_rounded_product(int32_t acc, int32_t multiplier, int32_t rounding)
{
#if defined(__ARM_FEATURE_DSP) && defined(__arm__)
    int32_t y;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(y) : "r"((int32_t)((uint32_t)acc << 1)), "r"(multiplier), "r"(rounding));
    return y + (acc >> 31);
#else /* the same algebra (SMMLAR is SMMULR + rounding exactly), so host tests check what the cores run */
    return edgeq_smmulr((int32_t)((uint32_t)acc << 1), multiplier) + rounding + (acc >> 31);
#endif
}

static inline int8_t edgeq_requant_val(int32_t acc, int32_t multiplier, int32_t shift, int32_t rounding,
                                       int32_t act_min, int32_t act_max)
{
    int32_t v = edgeq_rounded_product(acc, multiplier, rounding) >> shift;
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return (int8_t)v;
}

/* The same without the activation clamp, saturated to int8 (SSAT): for act range [-128, 127]. */
static inline int8_t edgeq_requant_sat(int32_t acc, int32_t multiplier, int32_t shift, int32_t rounding)
{
    const int32_t v = edgeq_rounded_product(acc, multiplier, rounding) >> shift;
#if defined(__ARM_FEATURE_DSP)
    return (int8_t)__ssat(v, 8);
#else
    return (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
#endif
}

/*
 * Channels outside the SMMULR form's preconditions (a left or zero shift, an accumulator that may reach
 * 2^30, e.g. a dead channel whose bias sits near +-2^31, or a rounding term that would not stay below
 * 2^30) carry rq = {multiplier, EDGEQ_RQ_EXACT + shift, output zero point} with TFLM's shift in
 * [-31, 30], so rq[1] >= EDGEQ_RQ_EXACT - 31 > 31 tells them apart from the fast triples (rq[1] in
 * [1, 31]). They take TFLM's full-range MultiplyByQuantizedMultiplier (edgeq_requant.h), exact for every
 * int32 accumulator. A kernel whose packed parameters say some channel is exact (`exact_channels`)
 * requantizes through edgeq_requant_any; the others keep the branch-free fast path.
 */
#define EDGEQ_RQ_EXACT 64

/*
 * TFLM's MultiplyByQuantizedMultiplier for a right shift r in [1, 31] (TFLM's shift -r: the usual hostile
 * channel, an accumulator or rounding term past 2^30), exact for every int32 acc, as one 64-bit sum. For
 * P = acc * multiplier (multiplier >= 0, so the high multiply never saturates) the high multiply is
 * x = floor((P + 2^30) / 2^31) and the rounding divide floor((x + 2^(r-1) - s) / 2^r) with
 * s = [x < 0] = [P + 2^30 < 0]; nested floors of divisions by powers of two are one floor, so the result is
 * (P + 2^30 + (2^(r-1) - s) * 2^31) >> (31 + r), which stays below 2^63 (SMLAL, an add with carry, an ASR).
 */
static inline int32_t edgeq_requantize_right(int32_t acc, int32_t multiplier, int32_t r)
{
    const int64_t product = (int64_t)acc * multiplier + ((int64_t)1 << 30);
    const uint32_t half = ((uint32_t)1 << (r - 1)) - (uint32_t)(product < 0);
    const int64_t sum = (int64_t)((uint64_t)product + ((uint64_t)half << 31));
    return (int32_t)(sum >> 32) >> (r - 1);
}

/*
 * The full-range form alone, out of line: few channels need it, and inlined at every output of a
 * kernel's unrolled tiles it would double the kernel's code. (One copy per kernel file.) A right shift
 * takes edgeq_requantize_right, after which + zp cannot wrap; any other shift TFLM's
 * MultiplyByQuantizedMultiplier itself.
 */
static EDGEQ_NOINLINE int8_t edgeq_requant_exact(int32_t acc, const int32_t *rq, int32_t act_min, int32_t act_max)
{
    const int32_t shift = rq[1] - EDGEQ_RQ_EXACT;
    int32_t v;
    if (shift < 0) {
        v = edgeq_requantize_right(acc, rq[0], -shift) + rq[2];
    } else { /* + zp wraps as TFLM's int32 addition does on two's-complement targets */
        v = (int32_t)((uint32_t)edgeq_requantize(acc, rq[0], shift) + (uint32_t)rq[2]);
    }
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return (int8_t)v;
}

static inline int8_t edgeq_requant_any(int32_t acc, const int32_t *rq, int32_t act_min, int32_t act_max)
{
    if (rq[1] < EDGEQ_RQ_EXACT - 31) {
        return edgeq_requant_val(acc, rq[0], rq[1], rq[2], act_min, act_max);
    }
    return edgeq_requant_exact(acc, rq, act_min, act_max);
}

/* Either form, for outputs off the hot loops (row tails, partial blocks): one compare per output. */
static inline int8_t edgeq_requant_out(int32_t acc, const int32_t *rq, int32_t act_min, int32_t act_max)
{
    return edgeq_requant_any(acc, rq, act_min, act_max);
}

/* a + b modulo 2^32: an accumulator plus a bias that may sit near +-2^31 (wraps like TFLM's int32). */
static inline int32_t edgeq_add_wrap(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

#endif /* EDGEQ_SIMD_H */
