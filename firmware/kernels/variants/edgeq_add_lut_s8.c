/*
 * ADD and SUB int8 through per-input tables (edgeq_kernels_elementwise_lut.h). TFLite's
 * scheme rescales each input on its own before the sum: scaled_i = MultiplyByQuantizedMultiplier(
 * (x_i - zp_i) << left_shift, m_i, s_i) depends on one int8 value only, so the generator tabulates it
 * for all 256 values (SUB stores input 2's negated). What remains per element is two table loads, the
 * sum, and the output rescale (edgeq_requant_any: the fast SMMULR form where its preconditions hold,
 * else TFLM's full-range form), bit-exact with TFLM.
 */
#include "edgeq_broadcast.h"
#include "edgeq_compiler.h"
#include "edgeq_kernels_elementwise_lut.h"
#include "edgeq_simd.h"

/* The fast output form over one flat run, in a function of its own so that its 11 live values stay in
 * registers (inlined into the broadcast walk, GCC spills the tables and the clamp bounds). */
static EDGEQ_NOINLINE void add_flat_fast(const int32_t *t1, const int32_t *t2, const int32_t *rq, int32_t lo,
                                          int32_t hi, const int8_t *a, const int8_t *b, int8_t *out, int32_t n)
{
    const int32_t m = rq[0], r = rq[1], k = rq[2];
    const int8_t *end = a + n;
    while (a < end) {
        *out++ = edgeq_requant_val(t1[*a++] + t2[*b++], m, r, k, lo, hi);
    }
}

void edgeq_add_lut_s8(const edgeq_broadcast_t *shape, const edgeq_add_lut_s8_t *p, const int8_t *input1,
                      const int8_t *input2, int8_t *output)
{
    const int32_t *t1 = p->table1 + 128, *t2 = p->table2 + 128; /* indexed by the int8 value */
    const int32_t rq[3] = {p->requant[0], p->requant[1], p->requant[2]}; /* not reloaded after stores */
    const int32_t lo = p->act_min, hi = p->act_max;
    if (p->flat_elements > 0) { /* same shapes: one flat run */
        const int32_t n = p->flat_elements;
        int32_t i;
        if (rq[1] < EDGEQ_RQ_EXACT - 31) {
            add_flat_fast(t1, t2, rq, lo, hi, input1, input2, output, n);
            return;
        }
        for (i = 0; i < n; ++i) {
            output[i] = edgeq_requant_any(edgeq_add_wrap(t1[input1[i]], t2[input2[i]]), rq, lo, hi);
        }
        return;
    }
    EDGEQ_BROADCAST_LOOP(shape, i1, i2, o, {
        output[o] = edgeq_requant_any(edgeq_add_wrap(t1[input1[i1]], t2[input2[i2]]), rq, lo, hi);
    });
}
