/*
 * edgeq_kernels_packed_s16.h — int16x8 kernel variants (int16 activations, int8 weights, int64 bias) the
 * code generator picks at generation time (edgeq/codegen/ops/dsp_variants_s16.py), with the int8 weights
 * re-laid out for SIMD: on Cortex-M with DSP one LDR + two SXTB16 give four weights as int16 pairs and two
 * SMLALD multiply them with four int16 inputs into a 64-bit accumulator, exactly as TFLM's int64
 * reference accumulator (no bound on depth or weights is needed). Portable C elsewhere (edgeq_simd.h).
 * Results are bit-exact with the reference kernels in edgeq_kernels_s16.h.
 *
 * Parameters (edgeq_packed_s16_t):
 *   channels      output channels N
 *   depth         GEMM depth K (input elements per row)
 *   weights       int8, 4-byte aligned: output channels in pairs (N rounded up to 2, a missing channel
 *                 zero); for each pair, for each quad of depths k = 4q..4q+3 (K rounded up to 4, missing
 *                 depths zero), the word of the pair's first channel then of its second, each holding
 *                 [w(k), w(k+2), w(k+1), w(k+3)] so that SXTB16 gives (w(k), w(k+1)) and SXTB16 ROR 8
 *                 gives (w(k+2), w(k+3)), the order of two int16 input words.
 *   bias          int64 per output channel, or NULL
 *   reduced, total_shift   per output channel, TFLM's int64 MultiplyByQuantizedMultiplier (edgeq_requant_s16.h)
 *                 with its per-call preparation done by the generator: the multiplier reduced to 15 bits
 *                 and the shift 15 - shift in [8, 46]; out = (acc * reduced + 2^(total_shift-1)) >> total_shift
 *
 * Scratch (4-byte aligned, sized by the generator; kernels never allocate):
 *   edgeq_conv2d_im2col_s16: edgeq_conv2d_im2col_s16_scratch(g) bytes (two zero-padded int16 windows).
 */
#ifndef EDGEQ_KERNELS_PACKED_S16_H
#define EDGEQ_KERNELS_PACKED_S16_H

#include <stdint.h>

#include "edgeq_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t channels;
    int32_t depth;
    int32_t act_min, act_max;
    int32_t acc32;  /* nonzero: 32768 * sum|w| < 2^31 for every channel, 32-bit partial sums are exact */
    const int8_t *weights;
    const int64_t *bias;
    const int32_t *reduced;
    const int32_t *total_shift;
} edgeq_packed_s16_t;

/* FULLY_CONNECTED and 1x1 stride-1 CONV_2D: `rows` input rows of `depth` int16 (any alignment), output
 * rows of `channels` int16. No scratch. Not in place. */
void edgeq_gemm_rows_s16(const edgeq_packed_s16_t *p, int32_t rows, const int16_t *input, int16_t *output);

/* Any other CONV_2D (stride, dilation, padding): each output pixel's window gathered into scratch
 * (zeros for padding: int16 activations have zero point 0), then one GEMM row. Not in place. */
void edgeq_conv2d_im2col_s16(const edgeq_conv_geom_t *g, const edgeq_packed_s16_t *p, const int16_t *input,
                             int16_t *output, void *scratch);

/* DEPTHWISE_CONV_2D with depth multiplier 1 (any channels, kernel, stride, dilation, padding): channel
 * pairs read as one word of two int16 and multiplied by SMLABB/SMLATT with weights stored as int16 pairs
 * (`weights16`: for each pair of channels, for each tap, the pair's two weights; channels rounded up to
 * 2). The generator guarantees taps * 128 * 32768 < 2^31, so the 32-bit partial sums are exact and the
 * int64 bias is added after. No scratch. Not in place. Uses p->channels, act range, bias and requant. */
void edgeq_depthwise_s16(const edgeq_conv_geom_t *g, const edgeq_packed_s16_t *p, const int16_t *weights16,
                         const int16_t *input, int16_t *output);

/* Two output pixels' windows: filter_h * filter_w * input_c int16 each, rounded up to 4 elements. */
static inline int32_t edgeq_conv2d_im2col_s16_scratch(const edgeq_conv_geom_t *g)
{
    return ((g->filter_h * g->filter_w * g->input_c + 3) & ~3) * 2 * 2;
}

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_PACKED_S16_H */
