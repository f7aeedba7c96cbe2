/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations, int16 cell state, with all four gates of one unit computed
 * together over packed weights (contract: edgeq_kernels_recurrent.h, edgeq_lstm_packed_s8_t). Bit-exact with
 * edgeq_lstm_s8.c (TFLM's EvalLstm<int8_t, int8_t, int16_t, int32_t>).
 *
 * Why this order: a unit's four gate rows (input, forget, cell, output) are one block of two channel pairs of
 * the packed GEMM (edgeq_gemm_row_s8.c: two SMLADs of one weight word give four MACs), so after its dot
 * products over x_t and h_{t-1} the unit's cell and hidden value follow at once, in registers: no gate
 * buffers, and h_{t-1} is read from its expanded copy, so h_t can be written in place. Rows (batches) are
 * independent (each its own state row), so every row runs all its steps in turn whatever the layout.
 */
#include "edgeq_compiler.h"
#include "edgeq_kernels.h"
#include "edgeq_kernels_recurrent.h"
#include "edgeq_lstm_cell.h"
#include "edgeq_simd.h"

/* Expands `depth` int8 at x into the SXTB16 pairs of edgeq_kernels_packed.h (stride 1), zero padding the last
 * word; returns the sum of the bytes. */
static int32_t expand_row(const int8_t *x, int32_t depth, uint32_t *dst)
{
    const uint32_t ones = 0x00010001u;
    int32_t sum = 0, i;
    for (; depth >= 4; depth -= 4, x += 4, dst += 2) {
        const uint32_t v = edgeq_read_u32(x);
        dst[0] = edgeq_sxtb16(v);
        dst[1] = edgeq_sxtb16_ror8(v);
        sum = edgeq_smlad(dst[0], ones, sum);
        sum = edgeq_smlad(dst[1], ones, sum);
    }
    if (depth > 0) {
        uint32_t v = 0u;
        for (i = 0; i < depth; ++i) {
            v |= (uint32_t)(uint8_t)x[i] << (8 * i);
            sum += x[i];
        }
        dst[0] = edgeq_sxtb16(v);
        dst[1] = edgeq_sxtb16_ror8(v);
    }
    return sum;
}

/* One unit's four gate rows against an expanded row: raw pair sums c and hi-channel sums d of its two
 * channel pairs ((input, forget), (cell, output)); advances *w past the unit's weights. */
typedef struct {
    uint32_t c0, c1;
    int32_t d0, d1;
} edgeq_lstm_sums_t;

static inline edgeq_lstm_sums_t dot_unit(const int32_t **w, const uint32_t *xq, int32_t words)
{
    edgeq_lstm_sums_t s = {0u, 0u, 0, 0};
    const int32_t *x = (const int32_t *)(const void *)xq;
    for (; words > 0; --words) {
        uint32_t v0, v1, w0, w1;
        edgeq_load2(&x, &v0, &v1);
        edgeq_load2(w, &w0, &w1);
        s.c0 = (uint32_t)edgeq_smlad(v0, w0, (int32_t)s.c0);
        s.d0 = edgeq_smlad(v0, edgeq_sxtb16_ror8(w0), s.d0);
        s.c1 = (uint32_t)edgeq_smlad(v0, w1, (int32_t)s.c1);
        s.d1 = edgeq_smlad(v0, edgeq_sxtb16_ror8(w1), s.d1);
        edgeq_load2(w, &w0, &w1);
        s.c0 = (uint32_t)edgeq_smlad(v1, w0, (int32_t)s.c0);
        s.d0 = edgeq_smlad(v1, edgeq_sxtb16_ror8(w0), s.d0);
        s.c1 = (uint32_t)edgeq_smlad(v1, w1, (int32_t)s.c1);
        s.d1 = edgeq_smlad(v1, edgeq_sxtb16_ror8(w1), s.d1);
    }
    return s;
}

/* The four accumulators (bias included) of a unit's gates from its pair sums: hi channels directly, lo
 * channels recovered as in edgeq_gemm_row_s8.c (raw - 256 * D_hi - 128 * sum(x)); all modulo 2^32. */
static inline void unit_accumulators(const edgeq_lstm_sums_t *s, int32_t sum, const int32_t *bias, int32_t acc[4])
{
    const uint32_t sum128 = (uint32_t)sum << 7;
    acc[0] = edgeq_add_wrap(bias[0], s->d0);
    acc[1] = (int32_t)(s->c0 - ((uint32_t)s->d0 << 8) - sum128 + (uint32_t)bias[1]);
    acc[2] = edgeq_add_wrap(bias[2], s->d1);
    acc[3] = (int32_t)(s->c1 - ((uint32_t)s->d1 << 8) - sum128 + (uint32_t)bias[3]);
}

/* Gate FC rescale to Q3.12, clamped to int16, from the row's triple (edgeq_kernels_recurrent.h): without `exact`
 * every triple is the right-shift SMMULR form (m, r, 2^(r-1)); with it each value checks its form: that one, the
 * left-shift one (m, -s, 0): SMMULR(acc << (1 + s), m) with no divide, or TFLM's full-range one. */
EDGEQ_INLINE int32_t requant_s16(int32_t acc, const int32_t *rq, int32_t exact)
{
    int32_t v;
    if (!exact || (rq[1] > 0 && rq[1] < EDGEQ_RQ_EXACT - 31)) {
        const int32_t x = edgeq_smmulr((int32_t)((uint32_t)acc << 1), rq[0]);
        v = (x + rq[2] - (int32_t)((uint32_t)x >> 31)) >> rq[1];
    } else if (rq[1] <= 0) {
        v = edgeq_smmulr((int32_t)((uint32_t)acc << (1 - rq[1])), rq[0]);
    } else {
        v = edgeq_requantize(acc, rq[0], rq[1] - EDGEQ_RQ_EXACT);
    }
    return edgeq_lstm_sat_s16(v);
}

/* Gate k's pre-activation: sat16(FC(x) + FC(h)), each FC requantized and clamped (params: one unit's block). */
EDGEQ_INLINE int32_t gate_pre(const int32_t *params, int32_t k, int32_t acc_in, int32_t acc_rec, int32_t exact)
{
    return edgeq_lstm_sat_s16(requant_s16(acc_in, params + 8 + 3 * k, exact)
                              + requant_s16(acc_rec, params + 20 + 3 * k, exact));
}

/* One step of one row: every unit's gates, cell and hidden value. `exact` is a constant in each caller, so the
 * fast-only version carries no per-value check. */
EDGEQ_INLINE void step_units(const edgeq_lstm_cell_q_t *q, const edgeq_lstm_packed_s8_t *p, const uint32_t *xq,
                             int32_t x_sum, const uint32_t *hq, int32_t h_sum, int32_t units, int8_t *hidden,
                             int16_t *cell, int8_t *out, int32_t exact)
{
    const int32_t *w_in = (const int32_t *)(const void *)p->input_weights;
    const int32_t *w_rec = (const int32_t *)(const void *)p->recurrent_weights;
    const int32_t *params = p->params;
    int32_t u;
    for (u = 0; u < units; ++u, params += EDGEQ_LSTM_UNIT_PARAMS) {
        const edgeq_lstm_sums_t s_in = dot_unit(&w_in, xq, p->input_words);
        const edgeq_lstm_sums_t s_rec = dot_unit(&w_rec, hq, p->recurrent_words);
        int32_t acc_in[4], acc_rec[4];
        unit_accumulators(&s_in, x_sum, params, acc_in);
        unit_accumulators(&s_rec, h_sum, params + 4, acc_rec);
        {
            const int32_t input_gate = edgeq_lstm_sigmoid_gate(gate_pre(params, 0, acc_in[0], acc_rec[0], exact));
            const int32_t forget_gate = edgeq_lstm_sigmoid_gate(gate_pre(params, 1, acc_in[1], acc_rec[1], exact));
            const int32_t cell_gate = edgeq_lstm_tanh_one(gate_pre(params, 2, acc_in[2], acc_rec[2], exact), 3, 0);
            const int32_t output_gate = edgeq_lstm_sigmoid_gate(gate_pre(params, 3, acc_in[3], acc_rec[3], exact));
            const int32_t c = edgeq_lstm_cell_one(q, forget_gate, input_gate, cell_gate, cell[u]);
            const int32_t h = edgeq_lstm_mul_one(&q->output_hidden,
                                                 (int16_t)edgeq_lstm_tanh_one(c, q->cell_tanh_multiplier,
                                                                              q->cell_tanh_left_shift),
                                                 (int16_t)output_gate, -128, 127);
            cell[u] = (int16_t)c;
            hidden[u] = (int8_t)h;
            out[u] = (int8_t)h;
        }
    }
}

static EDGEQ_NOINLINE void step_fast(const edgeq_lstm_cell_q_t *q, const edgeq_lstm_packed_s8_t *p,
                                     const uint32_t *xq, int32_t x_sum, const uint32_t *hq, int32_t h_sum,
                                     int32_t units, int8_t *hidden, int16_t *cell, int8_t *out)
{
    step_units(q, p, xq, x_sum, hq, h_sum, units, hidden, cell, out, 0);
}

static EDGEQ_NOINLINE void step_exact(const edgeq_lstm_cell_q_t *q, const edgeq_lstm_packed_s8_t *p,
                                      const uint32_t *xq, int32_t x_sum, const uint32_t *hq, int32_t h_sum,
                                      int32_t units, int8_t *hidden, int16_t *cell, int8_t *out)
{
    step_units(q, p, xq, x_sum, hq, h_sum, units, hidden, cell, out, 1);
}

void edgeq_lstm_packed_s8(const edgeq_lstm_geom_t *geom, const edgeq_lstm_cell_q_t *q,
                          const edgeq_lstm_packed_s8_t *p, const int8_t *input, int8_t *hidden_state,
                          int16_t *cell_state, int8_t *output, uint32_t *scratch)
{
    const int32_t units = geom->state_size, steps = geom->time_steps, batches = geom->batches;
    uint32_t *xq = scratch, *hq = scratch + 2 * p->input_words;
    int32_t b, t;
    for (b = 0; b < batches; ++b) {
        int8_t *hidden = hidden_state + b * units;
        int16_t *cell = cell_state + b * units;
        for (t = 0; t < steps; ++t) {
            const int32_t row = geom->time_major ? t * batches + b : b * steps + t;
            const int32_t x_sum = expand_row(input + row * geom->input_size, geom->input_size, xq);
            const int32_t h_sum = expand_row(hidden, units, hq);
            if (p->exact_channels) {
                step_exact(q, p, xq, x_sum, hq, h_sum, units, hidden, cell, output + row * units);
            } else {
                step_fast(q, p, xq, x_sum, hq, h_sum, units, hidden, cell, output + row * units);
            }
        }
    }
}
