/* CAST from float32: see edgeq_kernels_movement.h (narrowing wraps, float rounds to nearest). */
#include <stdint.h>

#include "edgeq_kernels_movement.h"

/* Truncation toward zero, saturated to int32 (NaN -> 0): defined for every float. */
static int32_t to_int32(float v)
{
    if (!(v == v)) {
        return 0;
    }
    if (v >= 2147483648.0f) {
        return INT32_MAX;
    }
    if (v <= -2147483648.0f) {
        return INT32_MIN;
    }
    return (int32_t)v;
}

void edgeq_cast_f32(const float *input, int32_t count, edgeq_cast_to_t to, void *output)
{
    int32_t i;
    switch (to) {
    case EDGEQ_CAST_TO_INT8:
        for (i = 0; i < count; ++i) {
            ((int8_t *)output)[i] = (int8_t)(uint8_t)(uint32_t)to_int32(input[i]);
        }
        break;
    case EDGEQ_CAST_TO_INT16:
        for (i = 0; i < count; ++i) {
            ((int16_t *)output)[i] = (int16_t)(uint16_t)(uint32_t)to_int32(input[i]);
        }
        break;
    case EDGEQ_CAST_TO_INT32:
        for (i = 0; i < count; ++i) {
            ((int32_t *)output)[i] = to_int32(input[i]);
        }
        break;
    case EDGEQ_CAST_TO_FLOAT32:
        for (i = 0; i < count; ++i) {
            ((float *)output)[i] = input[i];
        }
        break;
    default:
        break;
    }
}
