/*
 * edgeq_requant_s16.h — TFLM's MultiplyByQuantizedMultiplier for an int64 accumulator (int16x8 kernels).
 *
 * The 31-bit multiplier is reduced to 15 bits, rounding half up (0x7FFF when it would reach 2^15), and
 * the product is shifted right by 15 - shift with one rounding (add half, arithmetic shift). Valid for
 * |x| < 2^47 and shift in [-31, 7]: the product then fits in int64 and the result in int32.
 * Internal header of the int16 kernels; not part of the generated-code API.
 */
#ifndef EDGEQ_REQUANT_S16_H
#define EDGEQ_REQUANT_S16_H

#include <stdint.h>

static inline int32_t edgeq_requantize_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int64_t reduced = multiplier < 0x7FFF0000 ? ((int64_t)multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const int64_t round = (int64_t)1 << (total_shift - 1);
    /* >> of a negative int64 is arithmetic on every compiler edgeq targets, as TFLM assumes too. */
    return (int32_t)((x * reduced + round) >> total_shift);
}

static inline int16_t edgeq_clamp_to_s16(int32_t x, int32_t lo, int32_t hi)
{
    return (int16_t)(x < lo ? lo : (x > hi ? hi : x));
}

#endif /* EDGEQ_REQUANT_S16_H */
