/* SOFTMAX, int8 in, int16 out (TFLM reference_ops::Softmax<int8_t, int16_t>; the row arithmetic in
 * edgeq_softmax_row_s8.h): output scale 1/65536, zero point -32768. Contract in edgeq_kernels_mixed.h. */
#include "edgeq_kernels.h"
#include "edgeq_softmax_row_s8.h"

void edgeq_softmax_s8_s16(const edgeq_softmax_params_s8_t *params, const int8_t *input, int16_t *output)
{
    int32_t i, c;
    for (i = 0; i < params->outer_size; ++i) {
        const int8_t *in = input + i * params->depth;
        int16_t *out = output + i * params->depth;
        const edgeq_softmax_row_s8_t row = edgeq_softmax_row_s8(params, in);
        for (c = 0; c < params->depth; ++c) {
            const int32_t unsat = edgeq_softmax_s8_value(params, &row, in[c], 16);
            out[c] = unsat == INT32_MIN ? -32768 : (int16_t)edgeq_clamp_s32(unsat - 32768, -32768, 32767);
        }
    }
}
