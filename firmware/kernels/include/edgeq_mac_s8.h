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

/* Longest run summed in int32: |in[k] * w[k]| <= 2^14, so 2^16 products stay below 2^30. */
#define EDGEQ_MAC_CHUNK 65536

/* a[t] += sum_{k < n} in[k] * w[t * stride + k] for t = 0..3 (n >= 0).
 * The products are summed in int32 per chunk and only then added to the wrapping accumulators: signed
 * sums keep GCC from reassociating the unrolled chain (which costs an extra ADD per lane and spills). */
static inline void edgeq_mac4_s8(const int8_t *in, const int8_t *w, int32_t stride, int32_t n, uint32_t a[4])
{
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride;
    while (n > 0) {
        const int32_t len = n < EDGEQ_MAC_CHUNK ? n : EDGEQ_MAC_CHUNK;
        const int8_t *const end4 = in + (len & ~(int32_t)3);
        const int8_t *const end = in + len;
        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, x;
        while (in != end4) {
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
        }
        while (in != end) {
            x = *in++; s0 += x * *w0++; s1 += x * *w1++; s2 += x * *w2++; s3 += x * *w3++;
        }
        a[0] += (uint32_t)s0; a[1] += (uint32_t)s1; a[2] += (uint32_t)s2; a[3] += (uint32_t)s3;
        n -= len;
    }
}

/* *a += sum_{k < n} in[k] * w[k] (n >= 0); int32 chunks as in edgeq_mac4_s8. */
static inline void edgeq_mac1_s8(const int8_t *in, const int8_t *w, int32_t n, uint32_t *a)
{
    while (n > 0) {
        const int32_t len = n < EDGEQ_MAC_CHUNK ? n : EDGEQ_MAC_CHUNK;
        const int8_t *const end4 = in + (len & ~(int32_t)3);
        const int8_t *const end = in + len;
        int32_t s = 0;
        while (in != end4) {
            s += *in++ * *w++;
            s += *in++ * *w++;
            s += *in++ * *w++;
            s += *in++ * *w++;
        }
        while (in != end) {
            s += *in++ * *w++;
        }
        *a += (uint32_t)s;
        n -= len;
    }
}

/* a[t] += value * sum_{k < n} w[t * stride + k] for t < lanes (1 or 4): the taps of a padded input,
 * which all read `value` (the input zero point). */
static inline void edgeq_mac_const_s8(int32_t value, const int8_t *w, int32_t stride, int32_t n, int32_t lanes,
                                      uint32_t *a)
{
    int32_t t, k;
    for (t = 0; t < lanes; ++t, w += stride) {
        int32_t sum = 0;
        for (k = 0; k < n; ++k) {
            sum += w[k];
        }
        a[t] += (uint32_t)value * (uint32_t)sum;
    }
}

#endif /* EDGEQ_MAC_S8_H */
