/* DEQUANTIZE int16_t -> float32: the product is taken in double, then rounded to float, as TFLite does. */
#include "edgeq_kernels.h"

void edgeq_dequantize_s16_f32(int32_t count, double scale, int32_t zero_point, const int16_t *input, float *output)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        output[i] = (float)(scale * (double)((int32_t)input[i] - zero_point));
    }
}
