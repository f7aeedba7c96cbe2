/*
 * edgeq_kernels_elementwise_lut.h — element-wise variants the code generator picks at generation time
 * (edgeq/codegen/ops/elementwise_variants.py) with per-input tables computed there. Bit-exact with the
 * reference kernels of the same operators (edgeq_kernels.h).
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

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_ELEMENTWISE_LUT_H */
