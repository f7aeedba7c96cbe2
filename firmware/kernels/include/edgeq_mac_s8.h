/*
 * edgeq_mac_s8.h — the multiply-accumulate loops of the portable int8 kernels (reference/ conv2d, fully
 * connected): dot products of one int8 run against one or four weight runs, and weight-run sums.
 * Internal header of the kernels; not part of the generated-code API.
 *
 * Why four lanes: one input load feeds four multiply-accumulates (four output channels whose weight runs
 * lie `stride` bytes apart), so a core without SIMD spends about 2.4 instructions per MAC (five byte
 * loads and four MLAs per input, unrolled by four) instead of three or more.
 *
 * Accumulators are uint32_t: TFLM's int32 accumulation wraps on two's-complement targets (a dead channel
 * may carry a bias of ±(2^31 − 1)), and unsigned arithmetic wraps the same way without undefined
 * behaviour. A product of two int8 values always fits in int32, so only the sums need the wrap.
 */
#ifndef EDGEQ_MAC_S8_H
#define EDGEQ_MAC_S8_H

#include <stdint.h>

#include "edgeq_compiler.h" /* EDGEQ_NOINLINE, EDGEQ_INLINE */

/* Requantization constants of one kernel call, read once: int8 stores may alias the parameter structs,
 * so values read through them would be reloaded after every output. */
typedef struct {
    const int32_t *multiplier, *shift;
    int32_t output_zero_point, act_min, act_max;
} edgeq_out_s8_t;

/* edgeq_requantize(acc, multiplier, shift) + output zero point, clamped to [act_min, act_max]: the same
 * double rounding, without the saturation branch of the doubling high multiply, which only
 * multiplier == INT32_MIN needs (QuantizeMultiplier's multipliers lie in [0, 2^31)). */
static inline int8_t edgeq_out_s8(const edgeq_out_s8_t *o, uint32_t acc, int32_t channel)
{
    const int32_t shift = o->shift[channel], multiplier = o->multiplier[channel];
    int32_t v;
    if (shift > 0) { /* left shift (wrapping, as TFLM's int32 multiply), no rounding divide */
        const int32_t x = (int32_t)(acc << shift);
        v = (int32_t)(((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31);
    } else {
        const int32_t right = -shift;
        const int32_t high = (int32_t)(((int64_t)(int32_t)acc * multiplier + ((int64_t)1 << 30)) >> 31);
        const int32_t mask = (int32_t)(((uint32_t)1 << right) - 1u);
        const int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);
        v = (high >> right) + ((high & mask) > threshold ? 1 : 0);
    }
    v += o->output_zero_point;
    v = v < o->act_min ? o->act_min : v;
    return (int8_t)(v > o->act_max ? o->act_max : v);
}

/*
 * a[t] += sum_{r < rows} sum_{k < n} in[r * in_stride + k] * w[t * stride + r * w_stride + k], t = 0..3:
 * four output channels (filters `stride` bytes apart) over `rows` runs of n bytes; rows * n <= 2^16.
 * The products are summed in int32 (|x * w| <= 2^14, so 2^16 of them stay below 2^30) and only then added to
 * the wrapping accumulators: signed sums also keep GCC from reassociating the unrolled chain (which costs
 * an extra ADD per lane and spills).
 */
EDGEQ_INLINE void edgeq_mac4_rows_s8(const int8_t *in, int32_t in_stride, const int8_t *w, int32_t w_stride,
                                      int32_t stride, int32_t rows, int32_t n, uint32_t a[4])
{
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, x, r;
    for (r = 0; r < rows; ++r) {
        const int8_t *const end4 = in + (n & ~(int32_t)3);
        const int8_t *const end = in + n;
        while (in != end4) {
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
        }
        while (in != end) {
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
        }
        if (r + 1 < rows) { /* no pointer is moved past the last run */
            in += in_stride - n;
            w0 += w_stride - n; w1 += w_stride - n; w2 += w_stride - n; w3 += w_stride - n;
        }
    }
    a[0] += (uint32_t)s0; a[1] += (uint32_t)s1; a[2] += (uint32_t)s2; a[3] += (uint32_t)s3;
}

/* *a += sum_{r < rows} sum_{k < n} in[r * in_stride + k] * w[r * w_stride + k]; rows * n <= 2^16. */
EDGEQ_INLINE void edgeq_mac1_rows_s8(const int8_t *in, int32_t in_stride, const int8_t *w, int32_t w_stride,
                                      int32_t rows, int32_t n, uint32_t *a)
{
    int32_t s = 0, r;
    for (r = 0; r < rows; ++r) {
        const int8_t *const end4 = in + (n & ~(int32_t)3);
        const int8_t *const end = in + n;
        while (in != end4) {
            s += *in++ * *w++;
            s += *in++ * *w++;
            s += *in++ * *w++;
            s += *in++ * *w++;
        }
        while (in != end) {
            s += *in++ * *w++;
        }
        if (r + 1 < rows) {
            in += in_stride - n;
            w += w_stride - n;
        }
    }
    *a += (uint32_t)s;
}

/* Longest run one int32 partial sum may cover. */
#define EDGEQ_MAC_CHUNK 65536

/* a[t] += sum_{k < n} in[k] * w[t * stride + k] for t = 0..3, any n >= 0. */
static inline void edgeq_mac4_s8(const int8_t *in, const int8_t *w, int32_t stride, int32_t n, uint32_t a[4])
{
    for (; n > EDGEQ_MAC_CHUNK; n -= EDGEQ_MAC_CHUNK, in += EDGEQ_MAC_CHUNK, w += EDGEQ_MAC_CHUNK) {
        edgeq_mac4_rows_s8(in, 0, w, 0, stride, 1, EDGEQ_MAC_CHUNK, a);
    }
    edgeq_mac4_rows_s8(in, 0, w, 0, stride, 1, n, a);
}

/* *a += sum_{k < n} in[k] * w[k], any n >= 0. */
static inline void edgeq_mac1_s8(const int8_t *in, const int8_t *w, int32_t n, uint32_t *a)
{
    for (; n > EDGEQ_MAC_CHUNK; n -= EDGEQ_MAC_CHUNK, in += EDGEQ_MAC_CHUNK, w += EDGEQ_MAC_CHUNK) {
        edgeq_mac1_rows_s8(in, 0, w, 0, 1, EDGEQ_MAC_CHUNK, a);
    }
    edgeq_mac1_rows_s8(in, 0, w, 0, 1, n, a);
}

/* a[t] += value * sum_{k < n} w[t * stride + k] for t < lanes (1 or 4): the taps of a padded input,
 * which all read `value` (the input zero point). */
EDGEQ_INLINE void edgeq_mac_const_s8(int32_t value, const int8_t *w, int32_t stride, int32_t n, int32_t lanes,
                                      uint32_t *a)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, k;
    if (n <= 0) {
        return;
    }
    for (k = 0; k < n; ++k) {
        s0 += w[k];
        if (lanes == 4) {
            s1 += w[stride + k];
            s2 += w[2 * stride + k];
            s3 += w[3 * stride + k];
        }
    }
    a[0] += (uint32_t)value * (uint32_t)s0;
    if (lanes == 4) {
        a[1] += (uint32_t)value * (uint32_t)s1;
        a[2] += (uint32_t)value * (uint32_t)s2;
        a[3] += (uint32_t)value * (uint32_t)s3;
    }
}

#endif /* EDGEQ_MAC_S8_H */
