/*
 * edgeq_fixedpoint.h — gemmlowp's fixed-point math (exp, 1/(1+x), (1-x)/(1+x), logistic, tanh) in C99,
 * bit-exact with the versions TensorFlow Lite Micro's int8 SOFTMAX, LOGISTIC and TANH kernels call.
 *
 * A value "Qk" is an int32 raw r meaning r / 2^(31-k) (k integer bits, 31-k fractional bits); Q0 spans
 * [-1, 1) with INT32_MAX standing for 1. Multiplication of Qa by Qb gives Q(a+b) via
 * edgeq_sat_rounding_doubling_high_mul. The algorithms (Taylor series around -1/8, a barrel shifter of
 * exp(-2^k) constants, three Newton-Raphson steps with the 48/17 - 32/17 x seed) and their constants are
 * gemmlowp's (fixedpoint/fixedpoint.h); only the C expression of them is edgeq's.
 * Internal header of the activation kernels; not part of the generated-code API.
 */
#ifndef EDGEQ_FIXEDPOINT_H
#define EDGEQ_FIXEDPOINT_H

#include <stdint.h>

#include "edgeq_requant.h"

#define EDGEQ_FP_ONE_Q0 INT32_MAX

/* x * 2^exponent (exponent in [0, 30]), saturating to the int32 range. */
static inline int32_t edgeq_fp_sat_shl(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* (a + b) / 2 rounded half away from zero, without overflow. */
static inline int32_t edgeq_fp_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* exp(a) for a Q0 value a in [-1/4, 0); result Q0. */
static inline int32_t edgeq_fp_exp_quarter(int32_t a)
{
    const int32_t constant_term = 1895147668;    /* exp(-1/8) in Q0 */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 in Q0 */
    const int32_t x = a + (1 << 28);             /* x = a + 1/8 */
    const int32_t x2 = edgeq_sat_rounding_doubling_high_mul(x, x);
    const int32_t x3 = edgeq_sat_rounding_doubling_high_mul(x2, x);
    const int32_t x4 = edgeq_sat_rounding_doubling_high_mul(x2, x2);
    const int32_t x4_over_4 = edgeq_rounding_divide_by_pot(x4, 2);
    const int32_t poly = edgeq_rounding_divide_by_pot(
        edgeq_sat_rounding_doubling_high_mul(x4_over_4 + x3, constant_1_over_3) + x2, 1);
    return constant_term + edgeq_sat_rounding_doubling_high_mul(constant_term, x + poly);
}

/* exp(a) for a <= 0 given in Q(integer_bits), integer_bits in [1, 5]; result Q0 (exp(0) = INT32_MAX). */
static inline int32_t edgeq_fp_exp_on_negative_values(int32_t a, int32_t integer_bits)
{
    /* exp(-2^k) in Q0 for k = -2 .. 4 */
    static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    const int32_t fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t a_mod_quarter_minus_one_quarter = (a & (one_quarter - 1)) - one_quarter;
    const int32_t remainder = a_mod_quarter_minus_one_quarter - a;
    int32_t result = edgeq_fp_exp_quarter(edgeq_fp_sat_shl(a_mod_quarter_minus_one_quarter, integer_bits));
    int32_t k;
    for (k = -2; k <= 4; ++k) {
        if (integer_bits > k && (remainder & ((int32_t)1 << (fractional_bits + k)))) {
            result = edgeq_sat_rounding_doubling_high_mul(result, barrel[k + 2]);
        }
    }
    return a == 0 ? EDGEQ_FP_ONE_Q0 : result;
}

/* One Newton-Raphson reciprocal of (1 + a)/2 for Q0 a in [0, 1); returns x in Q2 ≈ 2 / (1 + a). */
static inline int32_t edgeq_fp_newton_reciprocal_q2(int32_t a)
{
    const int32_t half_denominator = edgeq_fp_rounding_half_sum(a, EDGEQ_FP_ONE_Q0);
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = 1515870810 + edgeq_sat_rounding_doubling_high_mul(half_denominator, -1010580540);
    int i;
    for (i = 0; i < 3; ++i) {
        const int32_t half_denominator_times_x = edgeq_sat_rounding_doubling_high_mul(half_denominator, x);
        const int32_t one_minus = one_q2 - half_denominator_times_x;
        x = x + edgeq_fp_sat_shl(edgeq_sat_rounding_doubling_high_mul(x, one_minus), 2);
    }
    return x;
}

/* 1 / (1 + a) for Q0 a in [0, 1); result Q0. */
static inline int32_t edgeq_fp_one_over_one_plus_x(int32_t a)
{
    return edgeq_fp_sat_shl(edgeq_fp_newton_reciprocal_q2(a), 1);
}

/* (1 - a) / (1 + a) for Q0 a in [0, 1); result Q0. */
static inline int32_t edgeq_fp_one_minus_x_over_one_plus_x(int32_t a)
{
    return edgeq_fp_sat_shl(edgeq_fp_newton_reciprocal_q2(a) - ((int32_t)1 << 29), 2);
}

/* logistic(a) for a Q4 a; result Q0. */
static inline int32_t edgeq_fp_logistic_q4(int32_t a)
{
    const int32_t abs_a = a > 0 ? a : -a;
    const int32_t positive = edgeq_fp_one_over_one_plus_x(edgeq_fp_exp_on_negative_values(-abs_a, 4));
    if (a == 0) {
        return (int32_t)1 << 30;
    }
    return a > 0 ? positive : EDGEQ_FP_ONE_Q0 - positive;
}

/* tanh(a) for a Q4 a; result Q0. exp(-2|a|) reads the same raw value as Q5. */
static inline int32_t edgeq_fp_tanh_q4(int32_t a)
{
    const int32_t negative_abs = a < 0 ? a : -a;
    const int32_t t = edgeq_fp_one_minus_x_over_one_plus_x(edgeq_fp_exp_on_negative_values(negative_abs, 5));
    if (a == 0) {
        return 0;
    }
    return a < 0 ? -t : t;
}

/* Leading zero bits of x (32 for 0): gemmlowp's CountLeadingZeros, portable. */
static inline int32_t edgeq_count_leading_zeros_u32(uint32_t x)
{
    int32_t n = 0;
    if (x == 0u) {
        return 32;
    }
    while (!(x & 0x80000000u)) {
        x <<= 1;
        ++n;
    }
    return n;
}

#endif /* EDGEQ_FIXEDPOINT_H */
