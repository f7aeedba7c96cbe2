/* PAD, int16_t: output elements outside the input's box take pad_value. */
#include "edgeq_kernels.h"

void edgeq_pad_s16(const edgeq_pad_geom_t *g, int16_t pad_value, const int16_t *input, int16_t *output)
{
    int32_t i[EDGEQ_MAX_DIMS];
    int32_t out = 0;
    for (i[0] = 0; i[0] < g->output_dims[0]; ++i[0])
    for (i[1] = 0; i[1] < g->output_dims[1]; ++i[1])
    for (i[2] = 0; i[2] < g->output_dims[2]; ++i[2])
    for (i[3] = 0; i[3] < g->output_dims[3]; ++i[3])
    for (i[4] = 0; i[4] < g->output_dims[4]; ++i[4])
    for (i[5] = 0; i[5] < g->output_dims[5]; ++i[5]) {
        int32_t d, src = 0, inside = 1;
        for (d = 0; d < EDGEQ_MAX_DIMS; ++d) {
            const int32_t k = i[d] - g->before[d];
            inside = inside && k >= 0 && k < g->input_dims[d];
            src = src * g->input_dims[d] + k;
        }
        output[out++] = inside ? input[src] : pad_value;
    }
}
