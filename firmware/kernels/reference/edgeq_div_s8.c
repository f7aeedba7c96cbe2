/*
 * DIV, int8 (TFLM's DivElementwise): the divisor v2 = x2 - zp2 is made positive (both signs flipped), its
 * reciprocal taken in fixed point (GetReciprocal: 1/(1+a) on the normalised divisor, 2^recip_shift), the
 * dividend v1 shifted left by its headroom (leading sign bits) and multiplied by it, and the quotient
 * rescaled by the output multiplier with the combined shift. v2 == 0 is outside TFLM's domain: the kernel
 * writes the bound matching the dividend's sign.
 */
#include "edgeq_broadcast.h"
#include "edgeq_fixedpoint.h"
#include "edgeq_inv_sqrt.h"
#include "edgeq_kernels_math.h"

/* x / 2^exponent rounded half away from zero, for any exponent >= 0: exponents above 31 (small dividends
 * over large divisors) give the value TFLM's reference build computes with its shift count taken modulo
 * 32 and its mask from a 64-bit shift, as the x86-64 tflite-micro package does. */
static int32_t div_rounding_shift(int32_t x, int32_t exponent)
{
    if (exponent <= 31) {
        return edgeq_rounding_divide_by_pot(x, exponent);
    }
    {
        const int32_t threshold = -1 + (x < 0 ? 1 : 0); /* mask (all ones) >> 1, plus one if negative */
        return (x >> (exponent & 31)) + (x > threshold ? 1 : 0);
    }
}

static int32_t count_leading_sign_bits(int32_t x)
{
    return edgeq_count_leading_zeros_u32((uint32_t)(x >= 0 ? x : ~x)) - 1;
}

static int32_t divide(const edgeq_div_params_s8_t *p, int32_t v1, int32_t v2)
{
    int32_t clz, recip_shift, reciprocal, headroom, quotient, result;
    if (v2 == 0) {
        return v1 >= 0 ? p->act_max : p->act_min;
    }
    if (v2 < 0) {
        v1 = -v1;
        v2 = -v2;
    }
    clz = edgeq_count_leading_zeros_u32((uint32_t)v2);
    recip_shift = 31 - clz;
    reciprocal = edgeq_fp_one_over_one_plus_x((int32_t)(((uint32_t)v2 << clz) - 0x80000000u));
    headroom = count_leading_sign_bits(v1);
    quotient = edgeq_sat_rounding_doubling_high_mul((int32_t)((uint32_t)v1 << headroom), reciprocal);
    result = p->output_zero_point
           + div_rounding_shift(edgeq_sat_rounding_doubling_high_mul(quotient, p->output_multiplier),
                                -(p->output_shift - recip_shift - headroom));
    return edgeq_clamp_s32(result, p->act_min, p->act_max);
}

void edgeq_div_s8(const edgeq_broadcast_t *shape, const edgeq_div_params_s8_t *p, const int8_t *input1,
                  const int8_t *input2, int8_t *output)
{
    /* A local copy: stores to the output (a char type for int8) cannot alias it, so the index arithmetic
     * stays in registers. */
    const edgeq_broadcast_t local = *shape;
    EDGEQ_BROADCAST_LOOP(&local, i1, i2, o, {
        output[o] = (int8_t)divide(p, p->input1_offset + input1[i1], p->input2_offset + input2[i2]);
    });
}
