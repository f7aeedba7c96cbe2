/*
 * edgeq_kernels_mve.h — Helium (MVE) kernels for Armv8.1-M cores (Cortex-M55), chosen at generation time by
 * edgeq/codegen/ops/mve_variants.py (int8) and mve_variants_s16.py (int16x8) only when the target core has
 * MVE; their sources build only with __ARM_FEATURE_MVE. Bit-exact with the reference kernels in
 * edgeq_kernels.h (TFLM's arithmetic).
 *
 * Parameters (edgeq_mve_gemm_s8_t), laid out for 16-byte vector loads:
 *   channels   output channels N
 *   depth      GEMM depth K in bytes (one input row / one filter window)
 *   weights    int8, 16-byte aligned: for each block of 4 output channels (N rounded up to 4, missing
 *              channels zero), for each 16-byte chunk of depth (K rounded up to 16, past K zero), the
 *              4 channels' 16 weights: one input vector feeds four VMLADAVA.S8.
 *   bias       int32 per channel (N rounded up to 4), input zero point folded in: bias - in_zp * sum(w),
 *              modulo 2^32 (TFLM's accumulator wraps).
 *   requant    per block of 4 channels, 12 int32: 4 multipliers, 4 shift words, 4 offset words. A shift
 *              word s < 0 is the fast form (right shift -s in [1, 31], offset 2^(-s-1) + zp * 2^(-s),
 *              |accumulator| < 2^30 guaranteed by the generator): VQRDMULH then a rounding shift with the
 *              zero point folded in, exact there (edgeq_simd.h). s > 0 is TFLM's full-range form
 *              (s = EDGEQ_RQ_EXACT + shift, offset = zp), taken per lane when `exact_channels` is set.
 *   act_min, act_max  fused activation range.
 *
 * Kernels never allocate; scratch sizes are stated per kernel and computed by the generator too. The hot
 * loops of the GEMM rows and the 3x3 depthwise are GCC inline assembly (GCC 12 spills the eight vector
 * registers and shuffles the even-register VMLADAVA accumulators in the C versions); each such block has a C
 * path beside it for the blocks it does not take (partial blocks, full-range requantization).
 */
#ifndef EDGEQ_KERNELS_MVE_H
#define EDGEQ_KERNELS_MVE_H

#include <stdint.h>

#include "edgeq_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t channels;
    int32_t depth;
    int32_t act_min, act_max;
    int32_t exact_channels; /* nonzero: some block holds a full-range (s > 0) requantization lane */
    const int8_t *weights;
    const int32_t *bias;
    const int32_t *requant;
} edgeq_mve_gemm_s8_t;

/* FULLY_CONNECTED and 1x1 stride-1 CONV_2D: `rows` input rows of p->depth bytes, output rows of
 * p->channels bytes. No scratch; not in place. */
void edgeq_gemm_mve_s8(const edgeq_mve_gemm_s8_t *p, int32_t rows, const int8_t *input, int8_t *output);

/* edgeq_gemm_mve_s8 staging each pair of input rows in scratch before writing its outputs, so the output may
 * overlap the input (in place when channels <= depth). Scratch: edgeq_gemm_staged_mve_s8_scratch_size(p). */
void edgeq_gemm_staged_mve_s8(const edgeq_mve_gemm_s8_t *p, int32_t rows, const int8_t *input, int8_t *output,
                              void *scratch);

static inline int32_t edgeq_gemm_staged_mve_s8_scratch_size(const edgeq_mve_gemm_s8_t *p)
{
    return (2 * p->depth + 15) & ~15;
}

/* One or two GEMM rows (the building block of the kernels above and below): out0[n] from row x0 and, when x1
 * is not NULL, out1[n] from row x1, n < channels. */
void edgeq_gemm_row_mve_s8(const edgeq_mve_gemm_s8_t *p, const int8_t *x0, const int8_t *x1, int8_t *out0,
                           int8_t *out1);

/* CONV_2D (any kernel size, stride, dilation, padding, batch) as im2col + GEMM: each output pixel's window
 * (filter_h * filter_w * input_c bytes, padding = pad_value, the input zero point) gathered into scratch from
 * a ring of padded input rows, then GEMM rows two pixels at a time. Scratch:
 * edgeq_conv2d_mve_s8_scratch_size(g). Not in place. */
void edgeq_conv2d_mve_s8(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, int32_t pad_value,
                         const int8_t *input, int8_t *output, void *scratch);

/* DEPTHWISE_CONV_2D with depth multiplier 1 (any kernel size, stride, dilation, padding, batch); here
 * p->weights is [channel block of 4][filter_h * filter_w][4] (channels rounded up to 4, zero past
 * `channels`), p->depth = filter_h * filter_w, p->requant 16 words per block (its 12 requantization words as
 * above, then its 4 biases), p->bias unused (NULL). Scratch:
 * edgeq_depthwise_mve_s8_scratch_size(g) (a ring of filter_h channel-block-major input rows and their tags).
 * Not in place. */
void edgeq_depthwise_mve_s8(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s8_t *p, int32_t pad_value,
                            const int8_t *input, int8_t *output, void *scratch);

/* ADD / SUB of same-shape int8 tensors through per-input tables (edgeq_add_lut_mve_s8.c). */
typedef struct {
    int32_t elements;
    int32_t act_min, act_max;
    int32_t exact;         /* the output requantization is TFLM's full-range form (shift word > 0) */
    const int32_t *table1; /* [256] input 1's rescaled value, indexed by the input byte as unsigned */
    const int32_t *table2; /* [256] the same for input 2 (negated for SUB) */
    const int32_t *requant; /* 12 words: the output triple's multiplier, shift word, offset, each x4 */
} edgeq_add_lut_mve_s8_t;

/* output[i] = requant(table1[a[i]] + table2[b[i]]); no scratch; may run in place. */
void edgeq_add_lut_mve_s8(const edgeq_add_lut_mve_s8_t *p, const int8_t *a, const int8_t *b, int8_t *output);

/* AVERAGE_POOL_2D int8, edgeq_avgpool_s8's contract (windows clipped, padding not counted); no scratch. */
void edgeq_avgpool_mve_s8(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int8_t *input,
                          int8_t *output);

/* MAX_POOL_2D int8, edgeq_maxpool_s8's contract (windows clipped, then the activation); no scratch. */
void edgeq_maxpool_mve_s8(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int8_t *input,
                          int8_t *output);

/* MAX_POOL_2D int16, edgeq_maxpool_s16's contract; eight channels per vector; no scratch. */
void edgeq_maxpool_mve_s16(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int16_t *input,
                           int16_t *output);

/* (ADD / SUB int16, edgeq_add_mve_s16, is declared beside its parameter type in edgeq_kernels_elementwise_lut.h,
 * which includes this header through edgeq_kernels.h.) */

/* AVERAGE_POOL_2D int16, edgeq_avgpool_s16's contract (windows clipped, padding not counted, the mean rounded
 * half away from zero); no scratch. */
void edgeq_avgpool_mve_s16(const edgeq_pool_geom_t *g, int32_t act_min, int32_t act_max, const int16_t *input,
                           int16_t *output);

/* int16x8 GEMM rows (int16 activations, int8 weights, int64 bias folded into `offset`):
 *   weights   int8: for each block of 4 output channels (channels rounded up to 4, missing ones zero), for
 *             each chunk of 8 depths (depth rounded up to 8, past it zero), the 4 channels' 8 weights: one
 *             int16 input vector feeds four VLDRB.S16 + VMLALDAVA.S16
 *   offset, multiplier, post_shift   per channel, exactly as edgeq_kernels_packed_s16.h defines them (the
 *             generator's dsp_variants_s16.prepared_requant); every sum is 64-bit, so no `wide` flags.
 * (Its own type, not edgeq_packed_s16_t: that header includes edgeq_kernels.h, which includes this one.) */
typedef struct {
    int32_t channels;
    int32_t depth;
    int32_t act_min, act_max;
    const int8_t *weights;
    const int64_t *offset;
    const int32_t *multiplier;
    const int32_t *post_shift;
} edgeq_mve_gemm_s16_t;

/* int16x8 FULLY_CONNECTED and 1x1 stride-1 CONV_2D: `rows` input rows of p->depth int16 (2-byte aligned),
 * output rows of p->channels int16. No scratch; not in place. */
void edgeq_gemm_rows_mve_s16(const edgeq_mve_gemm_s16_t *p, int32_t rows, const int16_t *input, int16_t *output);

/* Any other int16x8 CONV_2D (stride, dilation, padding, batch): each output pixel's window (p->depth =
 * filter_h * filter_w * input_c int16, zeros outside the image) gathered into scratch, then one GEMM row.
 * Scratch: edgeq_conv2d_mve_s16_scratch_size(p). Not in place. */
void edgeq_conv2d_mve_s16(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s16_t *p, const int16_t *input,
                          int16_t *output, void *scratch);

static inline int32_t edgeq_conv2d_mve_s16_scratch_size(const edgeq_mve_gemm_s16_t *p)
{
    return (2 * p->depth + 15) & ~15;
}

/* int16x8 DEPTHWISE_CONV_2D, depth multiplier 1 (any kernel size, stride, dilation, padding, batch); here
 * p->weights is TFLite's [filter_h * filter_w][channels] int8 unchanged, p->depth = filter_h * filter_w, and
 * every channel's 32768 * sum|w| < 2^31 (checked by the generator: int32 lane sums are exact). No scratch.
 * Not in place. */
void edgeq_depthwise_mve_s16(const edgeq_conv_geom_t *g, const edgeq_mve_gemm_s16_t *p, const int16_t *input,
                             int16_t *output);

/* Columns of a depthwise row buffer: those one output row reads, (output_w - 1) * stride_w + the dilated
 * filter width. */
static inline int32_t edgeq_depthwise_mve_cols(const edgeq_conv_geom_t *g)
{
    return (g->output_w - 1) * g->stride_w + (g->filter_w - 1) * g->dilation_w + 1;
}

static inline int32_t edgeq_depthwise_mve_s8_scratch_size(const edgeq_conv_geom_t *g)
{
    const int32_t slot_bytes = edgeq_depthwise_mve_cols(g) * ((g->input_c + 3) & ~3);
    return (g->filter_h * (slot_bytes + 4) + 15) & ~15; /* filter_h slots, then one int32 tag per slot */
}

/* Output rows one pixel pair of edgeq_conv2d_mve_s8 can touch: two where the output width is odd. */
static inline int32_t edgeq_conv2d_mve_tables(const edgeq_conv_geom_t *g)
{
    return 1 + (g->output_w & 1);
}

/* Padded input rows it keeps: those the output rows of one pixel pair read. */
static inline int32_t edgeq_conv2d_mve_span(const edgeq_conv_geom_t *g)
{
    return (g->filter_h - 1) * g->dilation_h + 1 + (edgeq_conv2d_mve_tables(g) - 1) * g->stride_h;
}

/* Columns of one of its padded rows (as edgeq_depthwise_mve_cols). */
static inline int32_t edgeq_conv2d_mve_cols(const edgeq_conv_geom_t *g)
{
    return (g->output_w - 1) * g->stride_w + (g->filter_w - 1) * g->dilation_w + 1;
}

static inline int32_t edgeq_conv2d_mve_s8_scratch_size(const edgeq_conv_geom_t *g)
{
    const int32_t window = (g->filter_h * g->filter_w * g->input_c + 15) & ~15;
    const int32_t slot = (edgeq_conv2d_mve_cols(g) * g->input_c + 3) & ~3;
    const int32_t span = edgeq_conv2d_mve_span(g);
    /* two windows, span image slots + one padding slot, span tags, the tables of filter_h row pointers */
    return 2 * window + (span + 1) * slot + 4 * span + 4 * edgeq_conv2d_mve_tables(g) * g->filter_h;
}

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_MVE_H */
