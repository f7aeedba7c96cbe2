/* DEQUANTIZE int16_t -> float32, as TFLite: scale * (x - zero_point) taken in double, then rounded to float.
 *
 * When the scale is a float32 value (always, for a scale read from a .tflite), the float product gives the
 * same bits: x - zero_point has at most 17 significant bits and the scale 24, so the double product is
 * exact and its conversion to float is the one rounding of the exact product, which is what an IEEE float
 * multiply returns (round to nearest even, gradual underflow). On a single-precision FPU (Cortex-M4F) that
 * is one VMUL instead of a software double multiply and conversion per element. */
#include "edgeq_kernels.h"

void edgeq_dequantize_s16_f32(int32_t count, double scale, int32_t zero_point, const int16_t *input, float *output)
{
    const float scale_f = (float)scale;
    int32_t i;
    if ((double)scale_f == scale) {
        for (i = 0; i < count; ++i) {
            output[i] = scale_f * (float)((int32_t)input[i] - zero_point);
        }
        return;
    }
    for (i = 0; i < count; ++i) {
        output[i] = (float)(scale * (double)((int32_t)input[i] - zero_point));
    }
}
