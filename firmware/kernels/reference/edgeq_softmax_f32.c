/* SOFTMAX, float32 (TFLite reference): per row, exp((x - max) * beta) / sum, in float. */
#include <math.h>

#include "edgeq_activations.h"

void edgeq_softmax_f32(int32_t outer_size, int32_t depth, float beta, const float *input, float *output)
{
    int32_t i, c;
    for (i = 0; i < outer_size; ++i) {
        const float *in = input + i * depth;
        float *out = output + i * depth;
        float max = in[0];
        float sum = 0.0f;
        for (c = 1; c < depth; ++c) {
            max = in[c] > max ? in[c] : max;
        }
        for (c = 0; c < depth; ++c) {
            out[c] = expf((in[c] - max) * beta);
            sum += out[c];
        }
        for (c = 0; c < depth; ++c) {
            out[c] = out[c] / sum;
        }
    }
}
