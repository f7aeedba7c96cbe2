/* MEAN, int8: TFLite's QuantizedMeanOrSum (sum in int32, zero point removed, one requantization). */
#include "edgeq_index.h"
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_mean_s8(const edgeq_reduce_geom_t *g, const edgeq_mean_params_s8_t *p, const int8_t *input,
                   int8_t *output)
{
    edgeq_walk_t outer, inner;
    int32_t o, r;
    edgeq_walk_start(&outer, g->outer_dims, g->outer_strides);
    for (o = 0; o < g->outer_count; ++o) {
        const int8_t *base = input + edgeq_walk_next(&outer);
        int32_t sum = 0;
        edgeq_walk_start(&inner, g->inner_dims, g->inner_strides);
        for (r = 0; r < g->inner_count; ++r) {
            sum += base[edgeq_walk_next(&inner)];
        }
        sum -= p->input_zero_point * g->inner_count;
        sum = edgeq_requantize(sum, p->multiplier, p->shift) + p->output_zero_point;
        output[o] = (int8_t)edgeq_clamp_s32(sum, -128, 127);
    }
}
