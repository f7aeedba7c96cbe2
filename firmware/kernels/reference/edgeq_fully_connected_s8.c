/*
 * FULLY_CONNECTED, int8: TFLite's reference integer kernel with the input zero point folded into bias;
 * portable C99. Four outputs at a time share each input load (edgeq_mac4_s8); accumulation wraps modulo
 * 2^32 like TFLM's int32 (see edgeq_mac_s8.h).
 */
#include "edgeq_kernels.h"
#include "edgeq_mac_s8.h"

void edgeq_fully_connected_s8(const edgeq_fc_geom_t *geom, const edgeq_quant_s8_t *quant, const int8_t *input,
                              const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const int32_t depth = geom->depth, out_c = geom->output_c;
    edgeq_out_s8_t q;
    int32_t b, o;
    q.multiplier = quant->multiplier;
    q.shift = quant->shift;
    q.output_zero_point = quant->output_zero_point;
    q.act_min = quant->act_min;
    q.act_max = quant->act_max;
    for (b = 0; b < geom->batches; ++b, input += depth, output += out_c) {
        for (o = 0; o + 4 <= out_c; o += 4) {
            uint32_t a[4] = {0u, 0u, 0u, 0u};
            if (bias != 0) {
                a[0] = (uint32_t)bias[o];
                a[1] = (uint32_t)bias[o + 1];
                a[2] = (uint32_t)bias[o + 2];
                a[3] = (uint32_t)bias[o + 3];
            }
            edgeq_mac4_s8(input, weights + o * depth, depth, depth, a);
            output[o] = edgeq_out_s8(&q, a[0], o);
            output[o + 1] = edgeq_out_s8(&q, a[1], o + 1);
            output[o + 2] = edgeq_out_s8(&q, a[2], o + 2);
            output[o + 3] = edgeq_out_s8(&q, a[3], o + 3);
        }
        for (; o < out_c; ++o) {
            uint32_t a = bias != 0 ? (uint32_t)bias[o] : 0u;
            edgeq_mac1_s8(input, weights + o * depth, depth, &a);
            output[o] = edgeq_out_s8(&q, a, o);
        }
    }
}
