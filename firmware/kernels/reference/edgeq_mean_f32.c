/* MEAN, float32: sum in input order (TFLite's order), divided by the element count. */
#include "edgeq_index.h"
#include "edgeq_kernels.h"

void edgeq_mean_f32(const edgeq_reduce_geom_t *g, const float *input, float *output)
{
    edgeq_walk_t outer, inner;
    int32_t o, r;
    edgeq_walk_start(&outer, g->outer_dims, g->outer_strides);
    for (o = 0; o < g->outer_count; ++o) {
        const float *base = input + edgeq_walk_next(&outer);
        float sum = 0.0f;
        edgeq_walk_start(&inner, g->inner_dims, g->inner_strides);
        for (r = 0; r < g->inner_count; ++r) {
            sum += base[edgeq_walk_next(&inner)];
        }
        output[o] = sum / (float)g->inner_count;
    }
}
