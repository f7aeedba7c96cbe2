/* REDUCE_MAX, int8_t: the largest stored value over the reduced axes (input and output share quantization). */
#include "edgeq_index.h"
#include "edgeq_kernels_math.h"

void edgeq_reduce_max_s8(const edgeq_reduce_geom_t *g, const int8_t *input, int8_t *output)
{
    int32_t o, r;
    for (o = 0; o < g->outer_count; ++o) {
        const int8_t *base = input + edgeq_strided_offset(o, g->outer_dims, g->outer_strides);
        int8_t best = base[0];
        for (r = 1; r < g->inner_count; ++r) {
            const int8_t v = base[edgeq_strided_offset(r, g->inner_dims, g->inner_strides)];
            best = v > best ? v : best;
        }
        output[o] = best;
    }
}
