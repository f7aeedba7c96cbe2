/* REDUCE_MAX, float: the largest stored value over the reduced axes (input and output share quantization). */
#include "edgeq_index.h"
#include "edgeq_kernels_math.h"

void edgeq_reduce_max_f32(const edgeq_reduce_geom_t *g, const float *input, float *output)
{
    edgeq_walk_t outer, inner;
    int32_t o, r;
    edgeq_walk_start(&outer, g->outer_dims, g->outer_strides);
    for (o = 0; o < g->outer_count; ++o) {
        const float *base = input + edgeq_walk_next(&outer);
        float best = base[0];
        edgeq_walk_start(&inner, g->inner_dims, g->inner_strides);
        edgeq_walk_next(&inner); /* element 0 is `best` */
        for (r = 1; r < g->inner_count; ++r) {
            const float v = base[edgeq_walk_next(&inner)];
            best = v > best ? v : best;
        }
        output[o] = best;
    }
}
