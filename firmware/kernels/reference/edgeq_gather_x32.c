/* GATHER of 4-byte elements (int32, float32; copied as bit patterns) with int32 coordinates:
 * see edgeq_kernels_movement.h. */
#include <string.h>

#include "edgeq_kernels_movement.h"

void edgeq_gather_x32(const edgeq_gather_geom_t *g, const void *input, const int32_t *coords, void *output)
{
    const size_t block = (size_t)g->inner * 4u;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t b, o, k;
    for (b = 0; b < g->batches; ++b) {
        const int32_t *batch_coords = coords + b * g->coords;
        for (o = 0; o < g->outer; ++o) {
            const uint8_t *slab = in + (size_t)(b * g->outer + o) * (size_t)g->axis_size * block;
            for (k = 0; k < g->coords; ++k, out += block) {
                const int32_t c = batch_coords[k];
                if (c >= 0 && c < g->axis_size) {
                    memcpy(out, slab + (size_t)c * block, block);
                } else {
                    memset(out, 0, block);
                }
            }
        }
    }
}
