/*
 * edgeq_softmax_row_s8.h — one row of TFLM's int8-input SOFTMAX (reference_ops::Softmax), shared by the
 * int8- and int16-output kernels, which differ only in the output's bits, zero point and clamp:
 * exponentials of the differences to the row maximum in Q5.26 → Q0, summed in Q12.19, then 1/sum as a
 * fixed-point reciprocal and a power of two (GetReciprocal). Internal header of the softmax kernels.
 */
#ifndef EDGEQ_SOFTMAX_ROW_S8_H
#define EDGEQ_SOFTMAX_ROW_S8_H

#include <stdint.h>

#include "edgeq_activations.h"
#include "edgeq_fixedpoint.h"
#include "edgeq_requant.h"

typedef struct {
    int32_t max_in_row;
    int32_t shifted_scale;      /* 1 / sum in Q0.31 */
    int32_t num_bits_over_unit; /* the reciprocal's power of two */
} edgeq_softmax_row_s8_t;

static inline edgeq_softmax_row_s8_t edgeq_softmax_row_s8(const edgeq_softmax_params_s8_t *params,
                                                          const int8_t *in)
{
    edgeq_softmax_row_s8_t row;
    int32_t sum_of_exps = 0; /* Q12.19 */
    int32_t c, headroom_plus_one;
    row.max_in_row = INT8_MIN;
    for (c = 0; c < params->depth; ++c) {
        row.max_in_row = in[c] > row.max_in_row ? in[c] : row.max_in_row;
    }
    for (c = 0; c < params->depth; ++c) {
        const int32_t diff = (int32_t)in[c] - row.max_in_row;
        if (diff >= params->diff_min) {
            const int32_t scaled = edgeq_requantize(diff, params->input_multiplier, params->input_left_shift);
            sum_of_exps += edgeq_rounding_divide_by_pot(edgeq_fp_exp_on_negative_values(scaled, 5), 12);
        }
    }
    headroom_plus_one = edgeq_count_leading_zeros_u32((uint32_t)sum_of_exps);
    row.num_bits_over_unit = 12 - headroom_plus_one;
    row.shifted_scale = edgeq_fp_one_over_one_plus_x(
        (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31)));
    return row;
}

/* The unsaturated output of element x for an output of `output_bits` bits (before its zero point), or
 * INT32_MIN where x lies below diff_min (the output's minimum). */
static inline int32_t edgeq_softmax_s8_value(const edgeq_softmax_params_s8_t *params,
                                             const edgeq_softmax_row_s8_t *row, int8_t x, int32_t output_bits)
{
    const int32_t diff = (int32_t)x - row->max_in_row;
    int32_t scaled;
    if (diff < params->diff_min) {
        return INT32_MIN;
    }
    scaled = edgeq_requantize(diff, params->input_multiplier, params->input_left_shift);
    return edgeq_rounding_divide_by_pot(
        edgeq_sat_rounding_doubling_high_mul(row->shifted_scale, edgeq_fp_exp_on_negative_values(scaled, 5)),
        row->num_bits_over_unit + 31 - output_bits);
}

#endif /* EDGEQ_SOFTMAX_ROW_S8_H */
