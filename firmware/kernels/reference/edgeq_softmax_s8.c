/* SOFTMAX, int8 in and out (TFLM reference_ops::Softmax; the row arithmetic in edgeq_softmax_row_s8.h):
 * output scale 1/256, zero point -128. */
#include "edgeq_softmax_row_s8.h"

void edgeq_softmax_s8(const edgeq_softmax_params_s8_t *params, const int8_t *input, int8_t *output)
{
    int32_t i, c;
    for (i = 0; i < params->outer_size; ++i) {
        const int8_t *in = input + i * params->depth;
        int8_t *out = output + i * params->depth;
        const edgeq_softmax_row_s8_t row = edgeq_softmax_row_s8(params, in);
        for (c = 0; c < params->depth; ++c) {
            const int32_t unsat = edgeq_softmax_s8_value(params, &row, in[c], 8);
            out[c] = unsat == INT32_MIN ? INT8_MIN : (int8_t)edgeq_clamp_s32(unsat - 128, INT8_MIN, INT8_MAX);
        }
    }
}
