/*
 * edgeq_kernels_packed_s16.h — int16x8 kernel variants (int16 activations, int8 weights, int64 bias) the
 * code generator picks at generation time (edgeq/codegen/ops/dsp_variants_s16.py), with the int8 weights
 * re-laid out for SIMD: on Cortex-M with DSP one LDR + two SXTB16 give four weights as int16 pairs and two
 * SMLAD (32-bit sums, in blocks of channels whose weights bound them below 2^31) or SMLALD (64-bit, TFLM's
 * int64 accumulator, elsewhere) multiply them with four int16 inputs. Portable C elsewhere (edgeq_simd.h).
 * Results are bit-exact with the reference kernels in edgeq_kernels_s16.h.
 *
 * Parameters (edgeq_packed_s16_t):
 *   channels      output channels N
 *   depth         GEMM depth K (input elements per row)
 *   weights       int8, 4-byte aligned: output channels in blocks of four (N rounded up to 4, missing
 *                 channels zero); for each block, for each quad of depths k = 4q..4q+3 (K rounded up to 4,
 *                 missing depths zero), one word per channel of the block, each holding
 *                 [w(k), w(k+2), w(k+1), w(k+3)] so that SXTB16 gives (w(k), w(k+1)) and SXTB16 ROR 8
 *                 gives (w(k+2), w(k+3)), the order of two int16 input words.
 *   wide          per block of four channels: 0 when 32768 * sum|w| < 2^31 for each of its channels (the
 *                 sum of int16 x int8 products is exact in 32 bits: SMLAD), 1 otherwise (SMLALD into 64
 *                 bits, TFLM's accumulator); NULL when every block is narrow
 *   offset, multiplier, post_shift   per output channel, TFLM's int64 MultiplyByQuantizedMultiplier
 *                 (edgeq_requant_s16.h) of acc = sum + bias, prepared by the generator: with the
 *                 multiplier reduced to 15 bits r and the total shift t = 15 - shift (in [8, 46]),
 *                 P = acc * r + 2^(t-1) = sum * r + offset, and the result the low word of P >> t. For
 *                 t >= 32: multiplier r, offset bias * r + 2^(t-1), post_shift t - 32 >= 0, the result
 *                 (P >> 32) >> post_shift. For t < 32 when r * 2^(32-t) < 2^31: everything scaled by
 *                 2^(32-t), post_shift 0, the result P' >> 32. Otherwise post_shift = -t and the result is
 *                 the 64-bit P shifted by t. All of it modulo 2^64, as TFLM's int64 arithmetic where it
 *                 does not overflow (edgeq_requant_prepared_s16).
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
    const int8_t *weights;
    const uint8_t *wide;
    const int64_t *offset;
    const int32_t *multiplier;
    const int32_t *post_shift;
} edgeq_packed_s16_t;

/* acc + a * b modulo 2^64 (one SMLAL on Cortex-M with DSP; the C product of two int32 cannot overflow). */
static inline uint64_t edgeq_smlal_u64(int32_t a, int32_t b, uint64_t acc)
{
#if defined(__arm__) && defined(__ARM_FEATURE_DSP)
    uint32_t lo = (uint32_t)acc, hi = (uint32_t)(acc >> 32);
    __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(a), "r"(b));
    return ((uint64_t)hi << 32) | lo;
#else
    return acc + (uint64_t)((int64_t)a * b);
#endif
}

/* Channel ch's int16 output from P = sum * multiplier + offset (modulo 2^64), as the layout above says. */
static inline int16_t edgeq_requant_finish_s16(const edgeq_packed_s16_t *p, int32_t ch, uint64_t v)
{
    const int32_t post = p->post_shift[ch];
    const uint32_t hi = (uint32_t)(v >> 32);
    int32_t r;
    if (post >= 0) {
        r = (int32_t)hi >> post;
    } else {
        r = (int32_t)(((uint32_t)v >> -post) | (hi << (32 + post)));
    }
    return (int16_t)(r < p->act_min ? p->act_min : (r > p->act_max ? p->act_max : r));
}

/* Channel ch's int16 output for a 64-bit sum (a wide block). */
static inline int16_t edgeq_requant_prepared_s16(const edgeq_packed_s16_t *p, int32_t ch, int64_t sum)
{
    return edgeq_requant_finish_s16(
        p, ch, (uint64_t)sum * (uint64_t)(int64_t)p->multiplier[ch] + (uint64_t)p->offset[ch]);
}

/* Channel ch's int16 output for a 32-bit sum (a narrow block, depthwise): one SMLAL and a shift. */
static inline int16_t edgeq_requant_prepared32_s16(const edgeq_packed_s16_t *p, int32_t ch, int32_t sum)
{
    return edgeq_requant_finish_s16(p, ch, edgeq_smlal_u64(sum, p->multiplier[ch], (uint64_t)p->offset[ch]));
}

/* FULLY_CONNECTED and 1x1 stride-1 CONV_2D: `rows` input rows of `depth` int16 (any alignment), output
 * rows of `channels` int16. No scratch. Not in place. */
void edgeq_gemm_rows_s16(const edgeq_packed_s16_t *p, int32_t rows, const int16_t *input, int16_t *output);

/* Any other CONV_2D (stride, dilation, padding): each output pixel's window gathered into scratch
 * (zeros for padding: int16 activations have zero point 0), then one GEMM row (pixel pairs share each
 * weight word); a 1x1 filter without padding over whole quads of input channels reads its pixels in
 * place. Not in place. */
void edgeq_conv2d_im2col_s16(const edgeq_conv_geom_t *g, const edgeq_packed_s16_t *p, const int16_t *input,
                             int16_t *output, void *scratch);

/* DEPTHWISE_CONV_2D with depth multiplier 1 (any channels, kernel, stride, dilation, padding): channel
 * pairs read as one word of two int16 and multiplied by SMLABB/SMLATT with weights stored as int16 pairs
 * (`weights16`: for each pair of channels, for each tap, the pair's two weights; channels rounded up to
 * 2). The generator guarantees taps * 128 * 32768 < 2^31, so the 32-bit partial sums are exact (the
 * int64 bias is in the offset). No scratch. Not in place. Uses p->channels, act range and requant. */
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
