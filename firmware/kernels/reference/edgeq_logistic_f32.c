/* LOGISTIC, float32 (TFLite reference): 1 / (1 + exp(-x)) with TFLite's cut-offs (1 above 16.619..., exp(x)
 * below -9). */
#include <math.h>

#include "edgeq_activations.h"

void edgeq_logistic_f32(int32_t size, const float *input, float *output)
{
    const float cutoff_upper = 16.619047164916992188f;
    const float cutoff_lower = -9.0f;
    int32_t i;
    for (i = 0; i < size; ++i) {
        const float value = input[i];
        if (value > cutoff_upper) {
            output[i] = 1.0f;
        } else if (value < cutoff_lower) {
            output[i] = expf(value);
        } else {
            output[i] = 1.0f / (1.0f + expf(-value));
        }
    }
}
