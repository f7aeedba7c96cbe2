/*
 * edgeq_kernels_elementwise_lut.h — element-wise variants the code generator picks at generation time
 * (edgeq/codegen/ops/elementwise_variants.py): int8 ADD/SUB with per-input tables computed there, int16
 * ADD/SUB with every rescale in the SMMULR form. Bit-exact with the reference kernels of the same
 * operators (edgeq_kernels.h, edgeq_kernels_s16.h).
 */
#ifndef EDGEQ_KERNELS_ELEMENTWISE_LUT_H
#define EDGEQ_KERNELS_ELEMENTWISE_LUT_H

#include <stdint.h>

#include "edgeq_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ADD/SUB int8: table1[v + 128] = MultiplyByQuantizedMultiplier((v - zp1) << left_shift, m1, s1) for every
 * int8 v, table2 likewise for input 2 (negated for SUB); requant = the output rescale as one triple of
 * edgeq_simd.h (fast {m, r, 2^(r-1) + zp * 2^r} or exact {m, EDGEQ_RQ_EXACT + shift, zp}).
 * flat_elements > 0: both inputs have the output's shape (one flat run); 0: walk `shape`'s broadcast.
 */
typedef struct {
    int32_t flat_elements;
    int32_t act_min, act_max;
    const int32_t *table1, *table2; /* 256 entries each */
    const int32_t *requant;         /* 3 entries */
} edgeq_add_lut_s8_t;

void edgeq_add_lut_s8(const edgeq_broadcast_t *shape, const edgeq_add_lut_s8_t *p, const int8_t *input1,
                      const int8_t *input2, int8_t *output);

/* One rescale x * multiplier * 2^(-31 - right) in the SMMULR form: rounding = 2^(right-1) (0 for right 0)
 * plus the output zero point * 2^right for the output rescale; negative_rounds = right != 0. */
typedef struct {
    int32_t multiplier, right, rounding, negative_rounds;
} edgeq_rescale_t;

/* ADD (subtract = 0) or SUB (1) int16 of `elements` same-shape values, zero points 0, every rescale a right
 * or zero shift (checked by the generator). Element-wise: output may alias either input. */
typedef struct {
    int32_t elements, subtract;
    edgeq_rescale_t input1, input2, output;
    int32_t act_min, act_max;
} edgeq_add_fast_s16_t;

void edgeq_add_fast_s16(const edgeq_add_fast_s16_t *p, const int16_t *input1, const int16_t *input2,
                        int16_t *output);

/* The same on Helium (firmware/kernels/mve/edgeq_add_mve_s16.c, only with __ARM_FEATURE_MVE): eight elements
 * per vector, the same constants and results; output may alias either input. */
void edgeq_add_mve_s16(const edgeq_add_fast_s16_t *p, const int16_t *input1, const int16_t *input2,
                       int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_ELEMENTWISE_LUT_H */
