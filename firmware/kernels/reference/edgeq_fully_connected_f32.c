/* FULLY_CONNECTED, float32: products summed in depth order, then the bias (TFLite's order, bit-exact). */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_fully_connected_f32(const edgeq_fc_geom_t *geom, const edgeq_act_f32_t *act, const float *input,
                               const float *weights, const float *bias, float *output)
{
    int32_t b, o, d;
    for (b = 0; b < geom->batches; ++b) {
        const float *in = input + b * geom->depth;
        for (o = 0; o < geom->output_c; ++o) {
            const float *w = weights + o * geom->depth;
            float total = 0.0f;
            for (d = 0; d < geom->depth; ++d) {
                total += in[d] * w[d];
            }
            total += bias != 0 ? bias[o] : 0.0f;
            output[b * geom->output_c + o] = edgeq_clamp_f32(total, act->act_min, act->act_max);
        }
    }
}
