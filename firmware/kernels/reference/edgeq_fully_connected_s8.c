/*
 * FULLY_CONNECTED, int8: TFLite's reference integer kernel with the input zero point folded into bias;
 * portable C99. Four outputs at a time share each input load (edgeq_mac4_s8); accumulation wraps modulo
 * 2^32 like TFLM's int32 (see edgeq_mac_s8.h).
 */
#include "edgeq_kernels.h"
#include "edgeq_mac_s8.h"
#include "edgeq_requant.h"

static inline int8_t requantize(uint32_t acc, const edgeq_quant_s8_t *quant, int32_t o)
{
    const int32_t v = edgeq_requantize((int32_t)acc, quant->multiplier[o], quant->shift[o]) + quant->output_zero_point;
    return (int8_t)edgeq_clamp_s32(v, quant->act_min, quant->act_max);
}

void edgeq_fully_connected_s8(const edgeq_fc_geom_t *geom, const edgeq_quant_s8_t *quant, const int8_t *input,
                              const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const int32_t depth = geom->depth, out_c = geom->output_c;
    int32_t b, o;
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
            output[o] = requantize(a[0], quant, o);
            output[o + 1] = requantize(a[1], quant, o + 1);
            output[o + 2] = requantize(a[2], quant, o + 2);
            output[o + 3] = requantize(a[3], quant, o + 3);
        }
        for (; o < out_c; ++o) {
            uint32_t a = bias != 0 ? (uint32_t)bias[o] : 0u;
            edgeq_mac1_s8(input, weights + o * depth, depth, &a);
            output[o] = requantize(a, quant, o);
        }
    }
}
