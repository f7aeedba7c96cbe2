/* CAST from int8: see edgeq_kernels_movement.h (narrowing wraps, float rounds to nearest). */
#include <stdint.h>

#include "edgeq_kernels_movement.h"

void edgeq_cast_s8(const int8_t *input, int32_t count, edgeq_cast_to_t to, void *output)
{
    int32_t i;
    switch (to) {
    case EDGEQ_CAST_TO_INT8:
        for (i = 0; i < count; ++i) {
            ((int8_t *)output)[i] = (int8_t)(uint8_t)(uint32_t)(int32_t)input[i];
        }
        break;
    case EDGEQ_CAST_TO_INT16:
        for (i = 0; i < count; ++i) {
            ((int16_t *)output)[i] = (int16_t)(uint16_t)(uint32_t)(int32_t)input[i];
        }
        break;
    case EDGEQ_CAST_TO_INT32:
        for (i = 0; i < count; ++i) {
            ((int32_t *)output)[i] = (int32_t)input[i];
        }
        break;
    case EDGEQ_CAST_TO_FLOAT32:
        for (i = 0; i < count; ++i) {
            ((float *)output)[i] = (float)input[i];
        }
        break;
    default:
        break;
    }
}
