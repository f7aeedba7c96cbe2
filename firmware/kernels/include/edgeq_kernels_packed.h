/*
 * edgeq_kernels_packed.h — kernel variants the code generator picks from static shapes, with int8 weights
 * re-laid out at generation time (edgeq/codegen/ops/dsp_variants.py) for SIMD loads (SMLAD, SXTB16 on
 * Cortex-M with DSP; portable C elsewhere, see edgeq_simd.h). Weights stay one byte each in flash.
 * Results are bit-exact with the reference kernels in edgeq_kernels.h.
 *
 * Shared parameters (edgeq_packed_s8_t):
 *   channels      output channels N (CONV_2D/FULLY_CONNECTED) or channels C (DEPTHWISE_CONV_2D)
 *   depth_words   GEMM depth K rounded up to a multiple of 4, divided by 4 (unused by depthwise)
 *   weights       int8, 4-byte aligned:
 *                 GEMM: output channels in pairs (hi = 2q, lo = 2q + 1; N rounded up to 4, missing
 *                 channels zero), depths in pairs (k, k + 2) for k = 4i and 4i + 1 (the SXTB16 order
 *                 of the expanded input; depth past K is zero). For each block of two pairs, for each
 *                 depth pair j, for each pair of the block, one word [lo(k0) ^ 0x80, hi(k0),
 *                 lo(k1) ^ 0x80, hi(k1)] (why: edgeq_gemm_row_s8.c);
 *                 depthwise: for each group of 4 channels, for each filter tap (row-major), the 4
 *                 channels' weights.
 *   bias          int32 per output channel (N or C rounded up to 4), input zero point folded in:
 *                 bias - input_zero_point * sum(w)
 *   requant       per output channel (multiplier, right shift r in [1, 31], 2^(r-1) + zp * 2^r): real
 *                 factor multiplier * 2^(-31 - r), output zero point zp folded into the rounding term
 *                 (edgeq_simd.h); the generator guarantees |accumulator| < 2^30 for these channels.
 *                 A channel outside that range (or needing a left shift) instead holds
 *                 (multiplier, EDGEQ_RQ_EXACT + shift, zp) and `exact_channels` is set.
 *
 * Expanded input ("xq"): a GEMM row of depth_words * 4 int8 turned into 2 * depth_words words of int16
 * pairs, word 2i = SXTB16 of input word i (depths 4i, 4i + 2), word 2i + 1 = SXTB16 ROR 8 (4i + 1,
 * 4i + 3), with `stride` words between consecutive words (4 rows interleaved for the 4-row tile).
 *
 * Scratch (4-byte aligned, sized by the generator with the formulas below) — kernels never allocate.
 * Every kernel here is safe IN PLACE (output over the input, same size): each reads the input
 * rows/pixels it still needs into scratch before writing over them.
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
    int32_t exact_channels; /* nonzero: some channel's requant triple is the exact form (edgeq_simd.h) */
    const int8_t *weights;
    const int32_t *bias;
    const int32_t *requant;
} edgeq_packed_s8_t;

/* Expands `words` input words at x (unaligned) into dst[0], dst[stride], ... (2 * words words, as
 * above); returns the sum of the 4 * words input bytes. */
int32_t edgeq_gemm_expand_s8(const int8_t *x, int32_t words, uint32_t *dst, int32_t stride);

/* One GEMM row: out[n] = act(requant(bias[n] + sum_k x[k] * w[n][k])), n < channels, from the row
 * expanded with stride 1 and its input sum. */
void edgeq_gemm_row_s8(const edgeq_packed_s8_t *p, const uint32_t *xq, int32_t sum, int8_t *out);

/* Four GEMM rows at once (each weight word loaded once for four rows): xq holds the four rows
 * expanded with stride 4 (row i starting at word i), sums their input sums; output rows are
 * `channels` bytes apart. */
void edgeq_gemm_tile4_s8(const edgeq_packed_s8_t *p, const uint32_t *xq, const int32_t *sums, int8_t *out);

/* FULLY_CONNECTED and 1x1 stride-1 CONV_2D: `rows` input rows of `depth` bytes (stride `depth`),
 * output rows of `channels` bytes. Scratch: (rows >= 4 ? 4 : 1) * depth_words * 8 bytes. */
void edgeq_pointwise_s8(const edgeq_packed_s8_t *p, int32_t rows, int32_t depth, const int8_t *input,
                        int8_t *output, void *scratch);

/* GEMM rows read directly from the int8 input (no expansion, no scratch; not in place), for
 * FULLY_CONNECTED with fewer than four rows, where the 4-row tile has nothing to share. Its weights
 * come in blocks of four pairs (8 channels) instead of two: see edgeq_gemm_rows_direct_s8.c. */
void edgeq_gemm_rows_direct_s8(const edgeq_packed_s8_t *p, int32_t rows, int32_t depth, const int8_t *input,
                               int8_t *output);

/* CONV_2D (any kernel size, stride, dilation, padding, batch) as im2col + GEMM over a ring of
 * edgeq_ring_rows(g) zero-point-padded input rows; also DEPTHWISE_CONV_2D with one input channel (its
 * depth multiplier m as m filters of depth filter_h * filter_w). Scratch:
 * edgeq_conv2d_im2col_s8_scratch_size(g). */
void edgeq_conv2d_im2col_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, void *scratch);

/* CONV_2D with at most 8 output channels and dilation_w 1 (also DEPTHWISE_CONV_2D with one input
 * channel), straight from the ring: no expanded window; weights as int16 pairs (see the source).
 * Scratch: edgeq_conv2d_ring_direct_s8_scratch_size(g). */
void edgeq_conv2d_ring_direct_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                                 const int8_t *input, int8_t *output, void *scratch);

/* DEPTHWISE_CONV_2D, any depth multiplier, channel count, kernel size, stride, dilation, padding and
 * batch, four output channels per group (the last group padded with zero weights, only its valid
 * channels stored). Scratch: edgeq_depthwise_ring_s8_scratch_size(g). */
void edgeq_depthwise_ring_s8(const edgeq_conv_geom_t *g, const edgeq_packed_s8_t *p, int32_t pad_value,
                             const int8_t *input, int8_t *output, void *scratch);

/*
 * The input-row ring both convolution variants read from: edgeq_ring_rows(g) rows of ring_row_bytes
 * each, input row r in slot (r + pad_top) % edgeq_ring_rows(g), pixel x at byte (x + pad_left) * input_c; padding (rows
 * outside the image, columns left and right of it) holds pad_value. `*next_row` is the first input row
 * not yet loaded (start with -pad_top); edgeq_ring_load_s8 loads the rows output row `oy` needs.
 */
void edgeq_ring_load_s8(const edgeq_conv_geom_t *g, int32_t pad_value, const int8_t *image, int8_t *ring,
                        int32_t oy, int32_t *next_row);

/* Ring columns: the input columns one output row reads, (output_w - 1) * stride_w + the dilated filter
 * width (filter_w - 1) * dilation_w + 1. */
static inline int32_t edgeq_ring_cols(const edgeq_conv_geom_t *g)
{
    return (g->output_w - 1) * g->stride_w + (g->filter_w - 1) * g->dilation_w + 1;
}

/* Ring rows: the dilated filter height (filter_h - 1) * dilation_h + 1. */
static inline int32_t edgeq_ring_rows(const edgeq_conv_geom_t *g)
{
    return (g->filter_h - 1) * g->dilation_h + 1;
}

/* Bytes of one ring row: edgeq_ring_cols(g) * input_c rounded up to 4. */
static inline int32_t edgeq_ring_row_bytes(const edgeq_conv_geom_t *g)
{
    return (edgeq_ring_cols(g) * g->input_c + 3) & ~3;
}

/* Scratch-size companions (CMSIS-NN style): the bytes of `scratch` each kernel needs for geometry g.
 * The code generator computes the same figures (tests/host_c/test_variant_choice.py checks they agree). */
static inline int32_t edgeq_conv2d_im2col_s8_scratch_size(const edgeq_conv_geom_t *g)
{
    const int32_t depth_words = (g->filter_h * g->filter_w * g->input_c + 3) >> 2;
    const int32_t rows = g->output_h * g->output_w >= 4 ? 4 : 1; /* GEMM rows expanded at once */
    /* the ring, the gathered window (+ 4 bytes for word copies past its end), the expanded rows */
    return edgeq_ring_row_bytes(g) * edgeq_ring_rows(g) + depth_words * 4 + 4 + rows * depth_words * 8;
}

static inline int32_t edgeq_conv2d_ring_direct_s8_scratch_size(const edgeq_conv_geom_t *g)
{
    /* the ring, 4 bytes read past a window's last word, the gathered window (whole words per filter row) */
    return edgeq_ring_row_bytes(g) * edgeq_ring_rows(g) + 4 + g->filter_h * ((g->filter_w * g->input_c + 3) & ~3);
}

static inline int32_t edgeq_depthwise_ring_s8_scratch_size(const edgeq_conv_geom_t *g)
{
    const int32_t padded = (g->output_c + 3) & ~3; /* int16 ring and int16 weights, channels per group of 4 */
    return 2 * padded * (edgeq_ring_cols(g) * edgeq_ring_rows(g) + g->filter_h * g->filter_w);
}

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_PACKED_H */
