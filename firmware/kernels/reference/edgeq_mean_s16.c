/* MEAN, int16: TFLite's QuantizedMeanOrSum as in the int8 kernel (int32 sum, zero point removed, one
 * requantization with 1/inner_count folded in), clamped to the int16 range. The generator guarantees
 * inner_count * 65535 < 2^31, so the sum cannot overflow. */
#include "edgeq_index.h"
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_mean_s16(const edgeq_reduce_geom_t *g, const edgeq_mean_params_s8_t *p, const int16_t *input,
                    int16_t *output)
{
    edgeq_walk_t outer, inner;
    int32_t o, r;
    edgeq_walk_start(&outer, g->outer_dims, g->outer_strides);
    for (o = 0; o < g->outer_count; ++o) {
        const int16_t *base = input + edgeq_walk_next(&outer);
        int32_t sum = 0;
        edgeq_walk_start(&inner, g->inner_dims, g->inner_strides);
        for (r = 0; r < g->inner_count; ++r) {
            sum += base[edgeq_walk_next(&inner)];
        }
        sum -= p->input_zero_point * g->inner_count;
        sum = edgeq_requantize(sum, p->multiplier, p->shift) + p->output_zero_point;
        output[o] = (int16_t)edgeq_clamp_s32(sum, -32768, 32767);
    }
}
