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

/* round((a * b) / 2^31), saturating the one overflowing case a == b == INT32_MIN. */
static inline int32_t edgeq_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    int64_t ab;
    int64_t nudge;
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    /* Division truncates toward zero, as in gemmlowp; not a shift. */
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
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

/* TFLM's MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31), shift in [-31, 30]. */
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
