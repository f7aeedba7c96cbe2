/*
 * edgeq_gemm_rows_mve_s16.c — int16x8 FULLY_CONNECTED / 1x1 stride-1 CONV_2D on Helium: int16 activations x
 * int8 weights with TFLM's exact 64-bit accumulator. Per 8 depths one VLDRH.S16 of the row feeds four
 * channels, each weight vector widened on load (VLDRB.S16) and multiplied into its own 64-bit sum by
 * VMLALDAVA.S16 (8 MACs per instruction); the last depths are tail-predicated (VCTP16, inactive lanes load 0).
 * All sums are 64-bit, so no block needs the DSP kernel's narrow/wide split: every channel is requantized from
 * its exact sum with the generator-prepared constants (edgeq_requant_prepared_s16), bit-exact with
 * edgeq_gemm_rows_s16 and TFLM.
 */
#include "edgeq_kernels_packed_s16.h"
#include "edgeq_mve_util.h"

#define BLOCK 4 /* output channels sharing one input vector */

/* Four channels' sums over one row (w: channel 0's weights; the others follow at `depth` bytes). */
static void block4(const int8_t *w, int32_t depth, const int16_t *x, int64_t sums[BLOCK])
{
    int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int32_t k;
    for (k = 0; k < depth; k += 8) {
        const mve_pred16_t lanes = vctp16q((uint32_t)(depth - k));
        const int16x8_t v = vldrhq_z_s16(x + k, lanes);
        a0 = vmlaldavaq_s16(a0, v, vldrbq_z_s16(w + k, lanes));
        a1 = vmlaldavaq_s16(a1, v, vldrbq_z_s16(w + depth + k, lanes));
        a2 = vmlaldavaq_s16(a2, v, vldrbq_z_s16(w + 2 * depth + k, lanes));
        a3 = vmlaldavaq_s16(a3, v, vldrbq_z_s16(w + 3 * depth + k, lanes));
    }
    sums[0] = a0;
    sums[1] = a1;
    sums[2] = a2;
    sums[3] = a3;
}

/* One channel's sum over one row (the channels past the last whole block). */
static int64_t channel1(const int8_t *w, int32_t depth, const int16_t *x)
{
    int64_t acc = 0;
    int32_t k;
    for (k = 0; k < depth; k += 8) {
        const mve_pred16_t lanes = vctp16q((uint32_t)(depth - k));
        acc = vmlaldavaq_s16(acc, vldrhq_z_s16(x + k, lanes), vldrbq_z_s16(w + k, lanes));
    }
    return acc;
}

void edgeq_gemm_rows_mve_s16(const edgeq_mve_gemm_s16_t *p, int32_t rows, const int16_t *input, int16_t *output)
{
    /* The requantization constants in the packed kernels' type, to share their requantization. */
    const edgeq_packed_s16_t q = {p->channels, p->depth, p->act_min, p->act_max, 0, 0,
                                  p->offset, p->multiplier, p->post_shift};
    const int32_t n = p->channels, depth = p->depth;
    int32_t r, c, i;
    for (r = 0; r < rows; ++r, input += depth, output += n) {
        for (c = 0; c + BLOCK <= n; c += BLOCK) {
            int64_t sums[BLOCK];
            block4(p->weights + c * depth, depth, input, sums);
            for (i = 0; i < BLOCK; ++i) {
                output[c + i] = edgeq_requant_prepared_s16(&q, c + i, sums[i]);
            }
        }
        for (; c < n; ++c) {
            output[c] = edgeq_requant_prepared_s16(&q, c, channel1(p->weights + c * depth, depth, input));
        }
    }
}
