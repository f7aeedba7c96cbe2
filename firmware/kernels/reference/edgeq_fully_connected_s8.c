/* FULLY_CONNECTED, int8: TFLite's reference integer kernel with the input zero point folded into bias. */
#include "edgeq_kernels.h"
#include "edgeq_requant.h"

void edgeq_fully_connected_s8(const edgeq_fc_geom_t *geom, const edgeq_quant_s8_t *quant, const int8_t *input,
                              const int8_t *weights, const int32_t *bias, int8_t *output)
{
    int32_t b, o, d;
    for (b = 0; b < geom->batches; ++b) {
        const int8_t *in = input + b * geom->depth;
        for (o = 0; o < geom->output_c; ++o) {
            const int8_t *w = weights + o * geom->depth;
            int32_t acc = bias != 0 ? bias[o] : 0;
            for (d = 0; d < geom->depth; ++d) {
                acc += (int32_t)in[d] * (int32_t)w[d];
            }
            acc = edgeq_requantize(acc, quant->multiplier[o], quant->shift[o]) + quant->output_zero_point;
            output[b * geom->output_c + o] = (int8_t)edgeq_clamp_s32(acc, quant->act_min, quant->act_max);
        }
    }
}
