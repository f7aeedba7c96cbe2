/*
 * edgeq_requant.h — fixed-point requantization, bit-exact with TensorFlow Lite Micro's reference kernels.
 *
 * TFLM (and CMSIS-NN) rescale an int32 accumulator by a real factor M = multiplier * 2^(shift - 31),
 * multiplier in [2^30, 2^31), with DOUBLE rounding: first a saturating rounding doubling high multiply
 * (round half away from zero), then a rounding right shift (round half away from zero). A single
 * rounding of the exact product gives different results (±1) and is therefore not used here.
 * All constants come from edgeq.codegen.quantize (QuantizeMultiplier computed in double).
 *
 * Arithmetic that may wrap in TFLM's C++ (the left shift of large accumulators) is done in unsigned
 * arithmetic here, so the results match on every two's-complement target without undefined behaviour.
 */
#ifndef EDGEQ_REQUANT_H
#define EDGEQ_REQUANT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* round((a * b) / 2^31), saturating the one overflowing case a == b == INT32_MIN.
 * TFLM adds a nudge of 2^30 (a*b >= 0) or 1 - 2^30 (a*b < 0) and divides by 2^31 truncating toward zero;
 * for a negative product that truncation equals floor((a*b + 2^30) / 2^31), so both signs are one
 * arithmetic shift of a*b + 2^30 (SMULL + ADDS/ADC + two shifts on Cortex-M3 and later, no division). */
static inline int32_t edgeq_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* x / 2^exponent rounded half away from zero; exponent in [0, 31]. */
static inline int32_t edgeq_rounding_divide_by_pot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    /* >> of a negative int is arithmetic on every compiler edgeq targets (gcc, clang, armcc). */
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLM's MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31), shift in [-31, 30]; exact for
 * every int32 x (the left shift wraps as TFLM's int32 multiply does on two's-complement targets). */
static inline int32_t edgeq_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int32_t shifted = (int32_t)((uint32_t)x << left);
    return edgeq_rounding_divide_by_pot(edgeq_sat_rounding_doubling_high_mul(shifted, multiplier), right);
}

static inline int32_t edgeq_clamp_s32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static inline float edgeq_clamp_f32(float x, float lo, float hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_REQUANT_H */
