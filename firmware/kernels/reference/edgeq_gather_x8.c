/* GATHER of 1-byte elements (int8, uint8) with int32 coordinates: see edgeq_kernels_movement.h. */
#include <string.h>

#include "edgeq_kernels_movement.h"

void edgeq_gather_x8(const edgeq_gather_geom_t *g, const int8_t *input, const int32_t *coords, int8_t *output)
{
    const size_t block = (size_t)g->inner;
    int32_t b, o, k;
    for (b = 0; b < g->batches; ++b) {
        const int32_t *batch_coords = coords + b * g->coords;
        for (o = 0; o < g->outer; ++o) {
            const int8_t *slab = input + (size_t)(b * g->outer + o) * (size_t)g->axis_size * block;
            for (k = 0; k < g->coords; ++k, output += block) {
                const int32_t c = batch_coords[k];
                if (c >= 0 && c < g->axis_size) {
                    memcpy(output, slab + (size_t)c * block, block);
                } else {
                    memset(output, 0, block);
                }
            }
        }
    }
}
