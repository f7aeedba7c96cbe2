/*
 * edgeq_kernels_packed.h — kernel variants the code generator picks from static shapes, with weights
 * re-laid out at generation time (edgeq/codegen/ops/dsp_variants.py) so that the inner loops do one
 * aligned load per two 16-bit multiply-accumulates (SMLAD on Cortex-M with DSP; portable C elsewhere,
 * see edgeq_simd.h). Results are bit-exact with the reference kernels in edgeq_kernels.h.
 *
 * Shared parameters (edgeq_packed_s8_t):
 *   channels      output channels N (CONV_2D/FULLY_CONNECTED) or channels C (DEPTHWISE_CONV_2D)
 *   depth_words   GEMM depth K rounded up to a multiple of 4, divided by 4 (unused by depthwise)
 *   weights       int16 pairs (int16x2 words, bottom half first):
 *                 GEMM: for each block of 4 output channels n0..n0+3 (N rounded up to 4, missing
 *                 channels zero), for each depth group k = 4j, for each channel n of the block, two
 *                 words (w[n][k], w[n][k+2]) and (w[n][k+1], w[n][k+3]) (depth past K is zero);
 *                 depthwise: for each group of 4 channels c0..c0+3, for each filter tap t (row-major),
 *                 two words (w[t][c0], w[t][c0+2]) and (w[t][c0+1], w[t][c0+3]).
 *   bias          int32 per output channel (N or C rounded up to 4), input zero point folded in:
 *                 bias - input_zero_point * sum(w)
 *   requant       per output channel (multiplier, right shift r in [1, 31], 2^(r-1) + zp * 2^r): real
 *                 factor multiplier * 2^(-31 - r), output zero point zp folded into the rounding term
 *                 (edgeq_simd.h); the generator guarantees |accumulator| < 2^30.
 *
 * Scratch (int8, 4-byte aligned, sized by the generator with the formulas below) — kernels never
 * allocate. Every kernel here is safe IN PLACE (output over the input, same size): each reads the
 * input rows/pixels it still needs into scratch before writing over them.
 */
#ifndef EDGEQ_KERNELS_PACKED_H
#define EDGEQ_KERNELS_PACKED_H

#include <stdint.h>

#include "edgeq_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t channels;
    int32_t depth_words;
    int32_t act_min, act_max;
    const int32_t *weights;
    const int32_t *bias;
    const int32_t *requant;
} edgeq_packed_s8_t;

/* One GEMM row: out[n] = act(requant(bias[n] + sum_k x[k] * w[n][k])), n < channels. x is 4-byte
 * aligned and holds depth_words * 4 bytes (bytes past K may hold anything: their weights are zero). */
void edgeq_gemm_row_s8(const edgeq_packed_s8_t *p, const int8_t *x, int8_t *out);

/* FULLY_CONNECTED and 1x1 stride-1 CONV_2D: `rows` input rows of `depth` bytes (stride `depth`), output
 * rows of `channels` bytes. Scratch: depth_words * 4 bytes, used when `scratch` is non-NULL (needed
 * in place or when depth is not a multiple of 4); with NULL the input rows are read directly. */
void edgeq_pointwise_s8(const edgeq_packed_s8_t *p, int32_t rows, int32_t depth, const int8_t *input,
                        int8_t *output, int8_t *scratch);

/* CONV_2D (dilation 1) as im2col + GEMM over a ring of filter_h zero-point-padded input rows.
 * Scratch: edgeq_ring_row_bytes(g) * filter_h + depth_words * 4. */
void edgeq_conv2d_im2col_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, int8_t *scratch);

/* DEPTHWISE_CONV_2D, depth multiplier 1, dilation 1, channels a multiple of 4, over the same ring.
 * Scratch: edgeq_ring_row_bytes(g) * filter_h. */
void edgeq_depthwise_ring_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                             const int8_t *input, int8_t *output, int8_t *scratch);

/*
 * The input-row ring both convolution variants read from: filter_h rows of ring_row_bytes each, input
 * row r in slot (r + pad_top) % filter_h, pixel x at byte (x + pad_left) * input_c; padding (rows
 * outside the image, columns left and right of it) holds pad_value. `*next_row` is the first input row
 * not yet loaded (start with -pad_top); edgeq_ring_load_s8 loads the rows output row `oy` needs.
 */
void edgeq_ring_load_s8(const edgeq_conv_geom_t *g, int32_t pad_value, const int8_t *image, int8_t *ring,
                        int32_t oy, int32_t *next_row);

/* Ring rows: ((output_w - 1) * stride_w + filter_w) * input_c bytes rounded up to 4. */
static inline int32_t edgeq_ring_row_bytes(const edgeq_conv_geom_t *g)
{
    return (((g->output_w - 1) * g->stride_w + g->filter_w) * g->input_c + 3) & ~3;
}

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_PACKED_H */
