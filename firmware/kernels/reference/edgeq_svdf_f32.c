/*
 * SVDF, float32 (TFLM's EvalFloatSvdfReference). Contract in edgeq_kernels_recurrent.h: `state` is the op's
 * variable tensor, shifted and refilled in place; sums run in TFLM's order (from 0, element by element;
 * the output starts at the bias and adds the unit's filters in rank order), then the activation bounds.
 */
#include <stddef.h>

#include "edgeq_kernels.h"

void edgeq_svdf_f32(const edgeq_svdf_geom_t *geom, float act_min, float act_max, const float *input,
                    const float *weights_feature, const float *weights_time, const float *bias, float *state,
                    float *output)
{
    const int32_t filters = geom->filters, memory = geom->memory, units = geom->units, rank = geom->rank;
    const int32_t total = geom->batches * filters * memory;
    int32_t b, f, i, j;

    for (i = 0; i + 1 < total; ++i) {
        state[i] = state[i + 1];
    }
    for (b = 0; b < geom->batches; ++b) {
        const float *x = input + b * geom->input_size;
        for (f = 0; f < filters; ++f) {
            const float *w = weights_feature + f * geom->input_size;
            float dot = 0.0f;
            for (j = 0; j < geom->input_size; ++j) {
                dot += w[j] * x[j];
            }
            state[(b * filters + f) * memory + memory - 1] = dot;
        }
    }
    for (b = 0; b < geom->batches; ++b) { /* each unit: the bias, then its filters' time dots in rank order */
        for (i = 0; i < units; ++i) {
            float sum = bias != NULL ? bias[i] : 0.0f;
            for (j = 0; j < rank; ++j) {
                const float *w = weights_time + (i * rank + j) * memory;
                const float *s = state + (b * filters + i * rank + j) * memory;
                float dot = 0.0f;
                for (f = 0; f < memory; ++f) {
                    dot += w[f] * s[f];
                }
                sum += dot;
            }
            output[b * units + i] = sum < act_min ? act_min : (sum > act_max ? act_max : sum);
        }
    }
}
