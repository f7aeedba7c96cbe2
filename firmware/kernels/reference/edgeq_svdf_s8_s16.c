/*
 * SVDF, int8 input and output, int8 feature weights, int32 bias, int16 activation state and time
 * weights (TFLM's EvalInt16SvdfReference). Contract in edgeq_kernels_recurrent.h: `state` is the op's variable tensor, shifted and refilled in place.
 * The newest state value is clamp(requant(FC(input - input_zp))) + state_zp, narrowed to the state's type
 * (TFLM adds the zero point after the clamp, so a non-zero one can wrap around; bit-exact with the pinned
 * tflite-micro, whose test of a state zero point of 5 wraps).
 */
#include <stddef.h>

#include "edgeq_dot.h"
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_svdf_s8_s16(const edgeq_svdf_geom_t *geom, const edgeq_svdf_q_t *q, const int8_t *input,
                       const int8_t *weights_feature, const int16_t *weights_time, const int32_t *bias,
                       int16_t *state, int8_t *output)
{
    const int32_t filters = geom->filters, memory = geom->memory, units = geom->units, rank = geom->rank;
    const int32_t total = geom->batches * filters * memory;
    int32_t b, f, i, j;

    for (i = 0; i + 1 < total; ++i) { /* the whole state moves one element towards the front */
        state[i] = state[i + 1];
    }
    for (b = 0; b < geom->batches; ++b) {
        const int8_t *x = input + b * geom->input_size;
        for (f = 0; f < filters; ++f) {
            int32_t dot = edgeq_dot_s8(weights_feature + f * geom->input_size, x, geom->input_size,
                                       q->feature_offset[f]);
            dot = edgeq_clamp_s32(edgeq_requantize(dot, q->multiplier_1, q->shift_1), -32768, 32767);
            /* the zero point is added after the clamp and the sum narrowed modulo 2^16,
             * as TFLM does (two's-complement narrowing on every compiler edgeq targets) */
            state[(b * filters + f) * memory + memory - 1] = (int16_t)(uint16_t)(uint32_t)(dot + q->state_zero_point);
        }
    }
    for (b = 0; b < geom->batches; ++b) { /* each unit: its rank filters' time dots, summed from the bias */
        for (i = 0; i < units; ++i) {
            int32_t sum = bias != NULL ? bias[i] : 0;
            int32_t v;
            for (j = 0; j < rank; ++j) {
                f = i * rank + j;
                sum = (int32_t)((uint32_t)sum + (uint32_t)edgeq_dot_s16(weights_time + f * memory,
                                                               state + (b * filters + f) * memory, memory,
                                                               q->time_offset[f]));
            }
            v = edgeq_requantize(sum, q->multiplier_2, q->shift_2) + q->output_zero_point;
            output[b * units + i] = (int8_t)edgeq_clamp_s32(v, -128, 127);
        }
    }
}
