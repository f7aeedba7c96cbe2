/*
 * edgeq_svdf_mve.h — what the Helium SVDF kernels (mve/edgeq_svdf_*_mve*.c) share: the state shift, four dot
 * products at a time and the requantization of four filters or units per vector. Internal header; only for
 * __ARM_FEATURE_MVE builds.
 *
 * SVDF has one rescale for all filters and one for all units (per-tensor scales), so one (multiplier, shift)
 * serves every lane.
 * VQRDMULH is TFLM's saturating rounding doubling high multiply for every int32 accumulator (it doubles at
 * full precision; its one saturating case needs a multiplier of INT32_MIN, which QuantizeMultiplier never
 * gives), so unlike the SMMULR form no accumulator bound is needed and dead units with biases near 2^31 take
 * the same path. The rounding divide by 2^r (half away from zero) is VRSHL by -r (half up) of x - [x < 0]:
 * |x| < 2^31 after the multiply, so the subtraction cannot wrap.
 */
#ifndef EDGEQ_SVDF_MVE_H
#define EDGEQ_SVDF_MVE_H

#include "edgeq_mve_util.h"

/* p[i] = p[i + shift] for i < n bytes, forward (shift 1 or 2: the state moving by one int8 or int16 element):
 * unpredicated steps of 16 bytes, the last one predicated (edgeq_mve_copy_s8 predicates every step). */
static inline void edgeq_svdf_shift_mve(int8_t *p, int32_t shift, int32_t n)
{
    for (; n >= 16; n -= 16, p += 16) {
        vstrbq_s8(p, vldrbq_s8(p + shift));
    }
    if (n > 0) {
        const mve_pred16_t tail = vctp8q((uint32_t)n);
        vstrbq_p_s8(p, vldrbq_z_s8(p + shift, tail), tail);
    }
}

/* A rescale's constants, as scalars: the vector instructions take them from registers (VSHL / VRSHL by a
 * register, VQRDMULH and VADD by a scalar), so no constant vectors compete for the eight Q registers. */
typedef struct {
    int32_t multiplier, left_shift, right_shift, zero_point;
} edgeq_svdf_rescale_mve_t;

/* Four accumulators rescaled (TFLM's (multiplier, shift) split into a left and a right shift, one of them 0),
 * plus the zero point, saturated to `bits` (8 or 16) by a saturating shift left and back (no clamp vectors). */
static inline int32x4_t edgeq_svdf_requant4_mve(const edgeq_svdf_rescale_mve_t *r, int32x4_t acc, int32_t bits)
{
    int32x4_t x = vqrdmulhq_n_s32(vshlq_r_s32(acc, r->left_shift), r->multiplier); /* the shift wraps, as TFLM's */
    if (r->right_shift > 0) {
        x = vrshlq_n_s32(vaddq_s32(x, vshrq_n_s32(x, 31)), -r->right_shift);
    }
    x = vaddq_n_s32(x, r->zero_point);
    return bits == 8 ? vshrq_n_s32(vqshlq_n_s32(x, 24), 24) : vshrq_n_s32(vqshlq_n_s32(x, 16), 16);
}

/* Four dot products of n int8: lane k = sum over i of a_k[i] * b_k[i] (wrapping), 16 products per
 * VMLADAVA step, the last one over zero-predicated loads (inactive lanes read as 0, past the rows untouched)
 * into unpredicated VMLADAVAs. The four sums stay in registers; callers point the rows of a
 * partial block at a valid row and discard those lanes. */
static inline int32x4_t edgeq_svdf_dot4_mve_s8(const int8_t *a0, const int8_t *b0, const int8_t *a1,
                                               const int8_t *b1, const int8_t *a2, const int8_t *b2,
                                               const int8_t *a3, const int8_t *b3, int32_t n)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int32x4_t v;
    for (; n >= 16; n -= 16) {
        s0 = vmladavaq_s8(s0, vldrbq_s8(a0), vldrbq_s8(b0));
        s1 = vmladavaq_s8(s1, vldrbq_s8(a1), vldrbq_s8(b1));
        s2 = vmladavaq_s8(s2, vldrbq_s8(a2), vldrbq_s8(b2));
        s3 = vmladavaq_s8(s3, vldrbq_s8(a3), vldrbq_s8(b3));
        a0 += 16, b0 += 16, a1 += 16, b1 += 16;
        a2 += 16, b2 += 16, a3 += 16, b3 += 16;
    }
    if (n > 0) {
        const mve_pred16_t tail = vctp8q((uint32_t)n);
        s0 = vmladavaq_s8(s0, vldrbq_z_s8(a0, tail), vldrbq_z_s8(b0, tail));
        s1 = vmladavaq_s8(s1, vldrbq_z_s8(a1, tail), vldrbq_z_s8(b1, tail));
        s2 = vmladavaq_s8(s2, vldrbq_z_s8(a2, tail), vldrbq_z_s8(b2, tail));
        s3 = vmladavaq_s8(s3, vldrbq_z_s8(a3, tail), vldrbq_z_s8(b3, tail));
    }
    v = vdupq_n_s32(s0);
    v = vsetq_lane_s32(s1, v, 1);
    v = vsetq_lane_s32(s2, v, 2);
    return vsetq_lane_s32(s3, v, 3);
}

/* Four dot products of n int16: lane k = sum over i of a_k[i] * b_k[i] (wrapping), 8 products per
 * VMLADAVA step, the last one over zero-predicated loads (inactive lanes read as 0, past the rows untouched)
 * into unpredicated VMLADAVAs. The four sums stay in registers; callers point the rows of a
 * partial block at a valid row and discard those lanes. */
static inline int32x4_t edgeq_svdf_dot4_mve_s16(const int16_t *a0, const int16_t *b0, const int16_t *a1,
                                                const int16_t *b1, const int16_t *a2, const int16_t *b2,
                                                const int16_t *a3, const int16_t *b3, int32_t n)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int32x4_t v;
    for (; n >= 8; n -= 8) {
        s0 = vmladavaq_s16(s0, vldrhq_s16(a0), vldrhq_s16(b0));
        s1 = vmladavaq_s16(s1, vldrhq_s16(a1), vldrhq_s16(b1));
        s2 = vmladavaq_s16(s2, vldrhq_s16(a2), vldrhq_s16(b2));
        s3 = vmladavaq_s16(s3, vldrhq_s16(a3), vldrhq_s16(b3));
        a0 += 8, b0 += 8, a1 += 8, b1 += 8;
        a2 += 8, b2 += 8, a3 += 8, b3 += 8;
    }
    if (n > 0) {
        const mve_pred16_t tail = vctp16q((uint32_t)n);
        s0 = vmladavaq_s16(s0, vldrhq_z_s16(a0, tail), vldrhq_z_s16(b0, tail));
        s1 = vmladavaq_s16(s1, vldrhq_z_s16(a1, tail), vldrhq_z_s16(b1, tail));
        s2 = vmladavaq_s16(s2, vldrhq_z_s16(a2, tail), vldrhq_z_s16(b2, tail));
        s3 = vmladavaq_s16(s3, vldrhq_z_s16(a3, tail), vldrhq_z_s16(b3, tail));
    }
    v = vdupq_n_s32(s0);
    v = vsetq_lane_s32(s1, v, 1);
    v = vsetq_lane_s32(s2, v, 2);
    return vsetq_lane_s32(s3, v, 3);
}

/* Four dot products of n <= 16 int8 (one step), rows k at a + k * a_stride and b + k * b_stride (bytes; a
 * stride of 0 reuses one row), as one block of assembly: in C, GCC 12 saves and restores the predicate around
 * every predicated intrinsic and spills the row pointers. Zero-predicated loads, unpredicated VMLADAVs. */
static inline int32x4_t edgeq_svdf_dot4_short_mve_s8(const int8_t *a, int32_t a_stride, const int8_t *b,
                                                      int32_t b_stride, int32_t n)
{
    int32_t s0, s1, s2, s3;
    int8x16_t x0, y0, x1, y1;
    int32x4_t v;
    __asm__ volatile("vctp.8 %[n]\n\t"
                     "vpstt\n\t"
                     "vldrbt.8 %q[x0], [%[a]]\n\t"
                     "vldrbt.8 %q[y0], [%[b]]\n\t"
                     "add %[a], %[a], %[as]\n\t"
                     "add %[b], %[b], %[bs]\n\t"
                     "vpstt\n\t"
                     "vldrbt.8 %q[x1], [%[a]]\n\t"
                     "vldrbt.8 %q[y1], [%[b]]\n\t"
                     "add %[a], %[a], %[as]\n\t"
                     "add %[b], %[b], %[bs]\n\t"
                     "vmladav.s8 %[s0], %q[x0], %q[y0]\n\t"
                     "vmladav.s8 %[s1], %q[x1], %q[y1]\n\t"
                     "vpstt\n\t"
                     "vldrbt.8 %q[x0], [%[a]]\n\t"
                     "vldrbt.8 %q[y0], [%[b]]\n\t"
                     "add %[a], %[a], %[as]\n\t"
                     "add %[b], %[b], %[bs]\n\t"
                     "vpstt\n\t"
                     "vldrbt.8 %q[x1], [%[a]]\n\t"
                     "vldrbt.8 %q[y1], [%[b]]\n\t"
                     "vmladav.s8 %[s2], %q[x0], %q[y0]\n\t"
                     "vmladav.s8 %[s3], %q[x1], %q[y1]\n\t"
                     "vmov %q[v][2], %q[v][0], %[s0], %[s2]\n\t"
                     "vmov %q[v][3], %q[v][1], %[s1], %[s3]\n\t"
                     : [s0] "=&Te"(s0), [s1] "=&Te"(s1), [s2] "=&Te"(s2), [s3] "=&Te"(s3), [x0] "=&w"(x0),
                       [y0] "=&w"(y0), [x1] "=&w"(x1), [y1] "=&w"(y1), [v] "=&w"(v), [a] "+r"(a), [b] "+r"(b)
                     : [as] "r"(a_stride), [bs] "r"(b_stride), [n] "r"(n)
                     : "memory");
    return v;
}

/* Four dot products of n <= 8 int16 (one step), rows k at a + k * a_stride and b + k * b_stride (bytes; a
 * stride of 0 reuses one row), as one block of assembly: in C, GCC 12 saves and restores the predicate around
 * every predicated intrinsic and spills the row pointers. Zero-predicated loads, unpredicated VMLADAVs. */
static inline int32x4_t edgeq_svdf_dot4_short_mve_s16(const int16_t *a, int32_t a_stride, const int16_t *b,
                                                       int32_t b_stride, int32_t n)
{
    int32_t s0, s1, s2, s3;
    int16x8_t x0, y0, x1, y1;
    int32x4_t v;
    __asm__ volatile("vctp.16 %[n]\n\t"
                     "vpstt\n\t"
                     "vldrht.16 %q[x0], [%[a]]\n\t"
                     "vldrht.16 %q[y0], [%[b]]\n\t"
                     "add %[a], %[a], %[as]\n\t"
                     "add %[b], %[b], %[bs]\n\t"
                     "vpstt\n\t"
                     "vldrht.16 %q[x1], [%[a]]\n\t"
                     "vldrht.16 %q[y1], [%[b]]\n\t"
                     "add %[a], %[a], %[as]\n\t"
                     "add %[b], %[b], %[bs]\n\t"
                     "vmladav.s16 %[s0], %q[x0], %q[y0]\n\t"
                     "vmladav.s16 %[s1], %q[x1], %q[y1]\n\t"
                     "vpstt\n\t"
                     "vldrht.16 %q[x0], [%[a]]\n\t"
                     "vldrht.16 %q[y0], [%[b]]\n\t"
                     "add %[a], %[a], %[as]\n\t"
                     "add %[b], %[b], %[bs]\n\t"
                     "vpstt\n\t"
                     "vldrht.16 %q[x1], [%[a]]\n\t"
                     "vldrht.16 %q[y1], [%[b]]\n\t"
                     "vmladav.s16 %[s2], %q[x0], %q[y0]\n\t"
                     "vmladav.s16 %[s3], %q[x1], %q[y1]\n\t"
                     "vmov %q[v][2], %q[v][0], %[s0], %[s2]\n\t"
                     "vmov %q[v][3], %q[v][1], %[s1], %[s3]\n\t"
                     : [s0] "=&Te"(s0), [s1] "=&Te"(s1), [s2] "=&Te"(s2), [s3] "=&Te"(s3), [x0] "=&w"(x0),
                       [y0] "=&w"(y0), [x1] "=&w"(x1), [y1] "=&w"(y1), [v] "=&w"(v), [a] "+r"(a), [b] "+r"(b)
                     : [as] "r"(a_stride), [bs] "r"(b_stride), [n] "r"(n)
                     : "memory");
    return v;
}

/* Four dot products of any n int8, rows as for edgeq_svdf_dot4_short_mve_s8: one block per 16 elements. */
static inline int32x4_t edgeq_svdf_dot4_rows_mve_s8(const int8_t *a, int32_t a_stride, const int8_t *b,
                                                     int32_t b_stride, int32_t n)
{
    int32x4_t sums = edgeq_svdf_dot4_short_mve_s8(a, a_stride, b, b_stride, n < 16 ? n : 16);
    for (n -= 16; n > 0; n -= 16) {
        a += 16; /* a shared row (stride 0) advances too */
        b += 16;
        sums = vaddq_s32(sums, edgeq_svdf_dot4_short_mve_s8(a, a_stride, b, b_stride, n < 16 ? n : 16));
    }
    return sums;
}

/* Four dot products of any n int16, rows as for edgeq_svdf_dot4_short_mve_s16: one block per 8 elements. */
static inline int32x4_t edgeq_svdf_dot4_rows_mve_s16(const int16_t *a, int32_t a_stride, const int16_t *b,
                                                      int32_t b_stride, int32_t n)
{
    int32x4_t sums = edgeq_svdf_dot4_short_mve_s16(a, a_stride, b, b_stride, n < 8 ? n : 8);
    for (n -= 8; n > 0; n -= 8) {
        a += 8; /* a shared row (stride 0) advances too */
        b += 8;
        sums = vaddq_s32(sums, edgeq_svdf_dot4_short_mve_s16(a, a_stride, b, b_stride, n < 8 ? n : 8));
    }
    return sums;
}

/* Four dot products of one shared int8 row x with rows w, w + w_stride, w + 2 * w_stride, w + 3 * w_stride (any
 * n): each 16-byte chunk of x loaded once for the four, post-incremented loads, the last chunk predicated. */
static inline int32x4_t edgeq_svdf_dot4_shared_mve_s8(const int8_t *x, const int8_t *w, int32_t w_stride, int32_t n)
{
    const int8_t *w0 = w, *w1 = w + w_stride, *w2 = w + 2 * w_stride, *w3 = w + 3 * w_stride;
    int32_t s0, s1, s2, s3;
    int8x16_t xv, a, b;
    int32x4_t v;
    __asm__ volatile("movs %[s0], #0\n\t"
                     "movs %[s1], #0\n\t"
                     "movs %[s2], #0\n\t"
                     "movs %[s3], #0\n\t"
                     "cmp %[n], #16\n\t"
                     "blt 2f\n"
                     "1:\n\t"
                     "vldrb.8 %q[xv], [%[x]], #16\n\t"
                     "vldrb.8 %q[a], [%[w0]], #16\n\t"
                     "vldrb.8 %q[b], [%[w1]], #16\n\t"
                     "vmladava.s8 %[s0], %q[xv], %q[a]\n\t"
                     "vmladava.s8 %[s1], %q[xv], %q[b]\n\t"
                     "vldrb.8 %q[a], [%[w2]], #16\n\t"
                     "vldrb.8 %q[b], [%[w3]], #16\n\t"
                     "vmladava.s8 %[s2], %q[xv], %q[a]\n\t"
                     "vmladava.s8 %[s3], %q[xv], %q[b]\n\t"
                     "subs %[n], %[n], #16\n\t"
                     "cmp %[n], #16\n\t"
                     "bge 1b\n"
                     "2:\n\t"
                     "cmp %[n], #0\n\t"
                     "ble 3f\n\t"
                     "vctp.8 %[n]\n\t"
                     "vpsttt\n\t"
                     "vldrbt.8 %q[xv], [%[x]]\n\t"
                     "vldrbt.8 %q[a], [%[w0]]\n\t"
                     "vldrbt.8 %q[b], [%[w1]]\n\t"
                     "vmladava.s8 %[s0], %q[xv], %q[a]\n\t"
                     "vmladava.s8 %[s1], %q[xv], %q[b]\n\t"
                     "vpstt\n\t"
                     "vldrbt.8 %q[a], [%[w2]]\n\t"
                     "vldrbt.8 %q[b], [%[w3]]\n\t"
                     "vmladava.s8 %[s2], %q[xv], %q[a]\n\t"
                     "vmladava.s8 %[s3], %q[xv], %q[b]\n"
                     "3:\n\t"
                     "vmov %q[v][2], %q[v][0], %[s0], %[s2]\n\t"
                     "vmov %q[v][3], %q[v][1], %[s1], %[s3]\n\t"
                     : [s0] "=&Te"(s0), [s1] "=&Te"(s1), [s2] "=&Te"(s2), [s3] "=&Te"(s3), [xv] "=&w"(xv),
                       [a] "=&w"(a), [b] "=&w"(b), [v] "=&w"(v), [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1),
                       [w2] "+r"(w2), [w3] "+r"(w3), [n] "+r"(n)
                     :
                     : "memory", "cc");
    return v;
}

#endif /* EDGEQ_SVDF_MVE_H */
