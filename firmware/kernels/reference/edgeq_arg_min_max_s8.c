/* ARG_MAX / ARG_MIN, int8_t input: index of the first extreme value along the axis (strict comparison, as
 * TFLM's ArgMinMax), int32 output. */
#include "edgeq_kernels_math.h"

void edgeq_arg_min_max_s8(const edgeq_arg_geom_t *g, const int8_t *input, int32_t *output)
{
    int32_t o, a, i;
    for (o = 0; o < g->outer; ++o) {
        const int8_t *block = input + o * g->axis_size * g->inner;
        for (i = 0; i < g->inner; ++i) {
            int8_t best = block[i];
            int32_t index = 0;
            for (a = 1; a < g->axis_size; ++a) {
                const int8_t v = block[a * g->inner + i];
                if (g->find_min ? v < best : v > best) {
                    best = v;
                    index = a;
                }
            }
            output[o * g->inner + i] = index;
        }
    }
}
