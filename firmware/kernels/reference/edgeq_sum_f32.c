/* SUM, float32: each output adds its reduced input elements in input order, as TFLM's ReduceSumImpl. */
#include "edgeq_index.h"
#include "edgeq_kernels_math.h"

void edgeq_sum_f32(const edgeq_reduce_geom_t *g, const float *input, float *output)
{
    int32_t o, r;
    for (o = 0; o < g->outer_count; ++o) {
        const float *base = input + edgeq_strided_offset(o, g->outer_dims, g->outer_strides);
        float sum = 0.0f;
        for (r = 0; r < g->inner_count; ++r) {
            sum += base[edgeq_strided_offset(r, g->inner_dims, g->inner_strides)];
        }
        output[o] = sum;
    }
}
