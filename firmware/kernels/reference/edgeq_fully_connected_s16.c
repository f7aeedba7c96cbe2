/* FULLY_CONNECTED, int16 activations, int8 weights, int64 bias and accumulator (TFLM's int16 path). */
#include "edgeq_kernels.h"
#include "edgeq_requant_s16.h"

void edgeq_fully_connected_s16(const edgeq_fc_geom_t *g, const edgeq_quant_s16_t *quant, const int16_t *input,
                               const int8_t *weights, const int64_t *bias, int16_t *output)
{
    int32_t b, o, d;
    for (b = 0; b < g->batches; ++b) {
        const int16_t *in = input + b * g->depth;
        for (o = 0; o < g->output_c; ++o) {
            const int8_t *w = weights + o * g->depth;
            int64_t acc = 0;
            for (d = 0; d < g->depth; ++d) {
                acc += (int32_t)in[d] * (int32_t)w[d];
            }
            if (bias != 0) {
                acc += bias[o];
            }
            output[b * g->output_c + o] = edgeq_clamp_to_s16(
                edgeq_requantize_s64(acc, quant->multiplier[o], quant->shift[o]), quant->act_min, quant->act_max);
        }
    }
}
