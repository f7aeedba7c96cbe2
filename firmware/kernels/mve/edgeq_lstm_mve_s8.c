/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations, int16 cell state, on Helium (contract:
 * edgeq_kernels_recurrent.h, edgeq_lstm_mve_s8_t). Bit-exact with edgeq_lstm_s8.c (TFLM's EvalLstm<int8_t,
 * int8_t, int16_t, int32_t>).
 *
 * Per step of a row: (1) each gate, four units per block: the block's 4 weight rows against x_t and h_{t-1}
 * in 16-byte chunks (VMLADAVA.S8, 16 MACs each; x_t and h_{t-1} are first copied to zero-padded scratch rows,
 * so no chunk needs a predicate, and the weights past the depth are zero), both FCs requantized to Q3.12 four
 * lanes at once and added with int16 saturation; the pre-activations go to scratch. (2) four units at a time:
 * their gates' sigmoid (tanh for the cell gate), table entries gathered (VLDRH gather), then the cell and
 * hidden updates. h_{t-1} is read only from its copy, so (2) writes h_t in place. The gate FCs' requantization
 * is exact in vector form for every accumulator and shift (requant_block), so no row needs a scalar path; cell
 * products without the SMMULR form (edgeq_lstm_mul_q_t.rounding 0) take edgeq_lstm_cell.h's scalar one.
 */
#include "edgeq_lstm_cell.h"
#include "edgeq_mve_util.h"

/* Four dot products (VMLADAVA's scalar results) as one vector, lane k = a_k. */
EDGEQ_INLINE int32x4_t lanes(int32_t a0, int32_t a1, int32_t a2, int32_t a3)
{
    int32x4_t v = vdupq_n_s32(a0);
    v = vsetq_lane_s32(a1, v, 1);
    v = vsetq_lane_s32(a2, v, 2);
    return vsetq_lane_s32(a3, v, 3);
}

/* a_k += x . w[16 k .. 16 k + 16) for the four rows of one chunk (64 bytes at w). */
#define EDGEQ_LSTM_CHUNK(xv, w, a0, a1, a2, a3)                                                                      \
    do {                                                                                                              \
        a0 = vmladavaq_s8(a0, xv, vld1q_s8(w));                                                                      \
        a1 = vmladavaq_s8(a1, xv, vld1q_s8((w) + 16));                                                               \
        a2 = vmladavaq_s8(a2, xv, vld1q_s8((w) + 32));                                                               \
        a3 = vmladavaq_s8(a3, xv, vld1q_s8((w) + 48));                                                               \
    } while (0)

/* (x + rounding - [x < 0]) >> r per lane, x = VQRDMULH(acc, m) = SMMULR(2 * acc, m) for |acc| < 2^30; `neg_r`
 * holds -r (VSHL by a negative count is an arithmetic right shift). */
EDGEQ_INLINE int32x4_t rescale_fast(int32x4_t acc, int32x4_t m, int32x4_t neg_r, int32x4_t rounding)
{
    const int32x4_t x = vqrdmulhq_s32(acc, m);
    return vshlq_s32(vaddq_s32(vaddq_s32(x, rounding), vshrq_n_s32(x, 31)), neg_r);
}

EDGEQ_INLINE int32x4_t sat_s16(int32x4_t v)
{
    return vmaxq_s32(vminq_s32(v, vdupq_n_s32(32767)), vdupq_n_s32(-32768));
}

/* One FC's four accumulators (bias added) to Q3.12, clamped, exactly as TFLM's MultiplyByQuantizedMultiplier for
 * every int32 accumulator and shift: the left shift wraps like TFLM's; VQRDMULH is its saturating rounding
 * doubling high multiply (internally wide, so no bound on the accumulator); the rounding divide by 2^r (half away
 * from zero) is VRSHL's round-half-up of x - [x < 0] (wide too), and for r = 0 the mask drops the correction.
 * rq: 4 multipliers, 4 left shifts (>= 0), 4 right shifts as -r (<= 0), 4 masks (-1 where r >= 1, else 0).
 * Without `general` every lane shifts right (r >= 1: no left shift, mask -1), which saves two loads and two
 * operations. */
EDGEQ_INLINE int32x4_t requant_block(int32x4_t acc, const int32_t *rq, int32_t general)
{
    int32x4_t x, sign;
    if (general) {
        x = vqrdmulhq_s32(vshlq_s32(acc, vld1q_s32(rq + 4)), vld1q_s32(rq));
        sign = vandq_s32(vshrq_n_s32(x, 31), vld1q_s32(rq + 12));
    } else {
        x = vqrdmulhq_s32(acc, vld1q_s32(rq));
        sign = vshrq_n_s32(x, 31);
    }
    return sat_s16(vrshlq_s32(vaddq_s32(x, sign), vld1q_s32(rq + 8)));
}

/* edgeq_lstm_sigmoid_gate on four lanes of x = 3 * pre-activation: |x| <= 3 * 2^15 < 255 * 2^9, so the index
 * stays below 255 and the saturated branch never applies. Constants as scalar operands (few Q registers). */
EDGEQ_INLINE int32x4_t sigmoid4(int32x4_t x)
{
    const int32x4_t abs_x = vabsq_s32(x);
    const int32x4_t index = vshrq_n_s32(abs_x, 9);
    const int32x4_t a = vreinterpretq_s32_u32(
        vldrhq_gather_shifted_offset_u32(edgeq_sigmoid_table_u16, vreinterpretq_u32_s32(index)));
    const int32x4_t b = vreinterpretq_s32_u32(
        vldrhq_gather_shifted_offset_u32(edgeq_sigmoid_table_u16 + 1, vreinterpretq_u32_s32(index)));
    const int32x4_t frac = vsubq_s32(abs_x, vshlq_n_s32(index, 9));
    const int32x4_t result = vaddq_s32(vshlq_n_s32(a, 9), vmulq_s32(frac, vsubq_s32(b, a)));
    /* x >= 0: result + 2^9; else 2^25 + 2^9 - 1 - result */
    const int32x4_t mirrored = vpselq_s32(vaddq_n_s32(result, 1 << 9),
                                          vnegq_s32(vsubq_n_s32(result, (1 << 25) + (1 << 9) - 1)),
                                          vcmpgeq_n_s32(x, 0));
    return vshrq_n_s32(vshlq_n_s32(mirrored, 6), 16); /* (int16)(result >> 10) */
}

/* edgeq_lstm_tanh_one on four lanes of x (the input already rescaled). |x| is first bounded by 255 * 2^8 - 1:
 * there (index 254, fraction 255) the interpolation gives 0xFFFF00 - 1 where the saturated branch gives
 * 0xFFFF00, and both round to the same +-32767, as they do for every larger |x|. */
EDGEQ_INLINE int32x4_t tanh4(int32x4_t x)
{
    const int32x4_t abs_x = vminq_s32(vabsq_s32(x), vdupq_n_s32(255 * 256 - 1));
    const int32x4_t index = vshrq_n_s32(abs_x, 8);
    const int32x4_t a = vreinterpretq_s32_u32(
        vldrhq_gather_shifted_offset_u32(edgeq_sigmoid_table_u16, vreinterpretq_u32_s32(index)));
    const int32x4_t b = vreinterpretq_s32_u32(
        vldrhq_gather_shifted_offset_u32(edgeq_sigmoid_table_u16 + 1, vreinterpretq_u32_s32(index)));
    const int32x4_t frac = vsubq_s32(abs_x, vshlq_n_s32(index, 8));
    const int32x4_t result = vaddq_s32(vshlq_n_s32(a, 8), vmulq_s32(frac, vsubq_s32(b, a)));
    /* x >= 0: result - 2^23 + 2^7; else 2^23 + 2^7 - 1 - result */
    const int32x4_t mirrored = vpselq_s32(vaddq_n_s32(result, -(1 << 23) + (1 << 7)),
                                          vnegq_s32(vsubq_n_s32(result, (1 << 23) + (1 << 7) - 1)),
                                          vcmpgeq_n_s32(x, 0));
    return vshrq_n_s32(vshlq_n_s32(mirrored, 8), 16); /* (int16)(result >> 8) */
}

/* edgeq_lstm_mul_one's fast form on four lanes (q->rounding != 0: |a * b| < 2^30, right shift >= 1). */
EDGEQ_INLINE int32x4_t mul4(const edgeq_lstm_mul_q_t *q, int32x4_t a, int32x4_t b, int32_t lo, int32_t hi)
{
    const int32x4_t v = rescale_fast(vmulq_s32(a, b), vdupq_n_s32(q->multiplier), vdupq_n_s32(q->shift),
                                     vdupq_n_s32(q->rounding));
    return vmaxq_s32(vminq_s32(v, vdupq_n_s32(hi)), vdupq_n_s32(lo));
}

/* Rows of up to this many 16-byte chunks are held in registers for a whole pass (no loads, no loop per block). */
#define EDGEQ_LSTM_HELD_CHUNKS 3

/* One FC of phase (1) over all 4 x padded rows: pre[k] = clamp16(requant(bias + x . w_k)), or with `accumulate`
 * pre[k] = sat16(pre[k] + that). `chunks` is a constant in each caller below (so the chunk loops unroll and x
 * stays in registers) except in the generic one. `params` points at the bias words of the first block; the
 * triples follow at `rq_offset` in each block. */
EDGEQ_INLINE void fc_pass(const int8_t *w, const int32_t *params, int32_t rq_offset, const int8_t *x, int32_t chunks,
                          int32_t n, int32_t accumulate, int32_t general, int16_t *pre)
{
    int8x16_t held[EDGEQ_LSTM_HELD_CHUNKS];
    int32_t k, c;
    for (c = 0; c < chunks && c < EDGEQ_LSTM_HELD_CHUNKS; ++c) {
        held[c] = vld1q_s8(x + 16 * c);
    }
    for (k = 0; k < n; k += 4, params += EDGEQ_LSTM_MVE_BLOCK_PARAMS, w += 64 * chunks) {
        int32_t a0 = vmladavq_s8(held[0], vld1q_s8(w)), a1 = vmladavq_s8(held[0], vld1q_s8(w + 16));
        int32_t a2 = vmladavq_s8(held[0], vld1q_s8(w + 32)), a3 = vmladavq_s8(held[0], vld1q_s8(w + 48));
        int32x4_t v;
        if (chunks <= EDGEQ_LSTM_HELD_CHUNKS) {
            for (c = 1; c < chunks; ++c) {
                EDGEQ_LSTM_CHUNK(held[c], w + 64 * c, a0, a1, a2, a3);
            }
        } else {
            for (c = 1; c < chunks; ++c) {
                const int8x16_t xv = vld1q_s8(x + 16 * c);
                EDGEQ_LSTM_CHUNK(xv, w + 64 * c, a0, a1, a2, a3);
            }
        }
        v = requant_block(vaddq_s32(lanes(a0, a1, a2, a3), vld1q_s32(params)), params + rq_offset, general);
        vstrhq_s32(pre + k, accumulate ? sat_s16(vaddq_s32(vldrhq_s32(pre + k), v)) : v);
    }
}

/* The passes with the chunk count, the accumulation and the rescale form as constants (rows of up to
 * EDGEQ_LSTM_HELD_CHUNKS chunks), and the generic one. */
#define EDGEQ_LSTM_FC_PASS(name, chunks, accumulate, general)                                                        \
    static EDGEQ_NOINLINE void name(const int8_t *w, const int32_t *params, int32_t rq_offset, const int8_t *x,   \
                                    int32_t n, int16_t *pre)                                                      \
    {                                                                                                             \
        fc_pass(w, params, rq_offset, x, chunks, n, accumulate, general, pre);                                    \
    }
EDGEQ_LSTM_FC_PASS(fc_pass_1, 1, 0, 0)
EDGEQ_LSTM_FC_PASS(fc_pass_1_add, 1, 1, 0)
EDGEQ_LSTM_FC_PASS(fc_pass_2, 2, 0, 0)
EDGEQ_LSTM_FC_PASS(fc_pass_2_add, 2, 1, 0)
EDGEQ_LSTM_FC_PASS(fc_pass_3, 3, 0, 0)
EDGEQ_LSTM_FC_PASS(fc_pass_3_add, 3, 1, 0)
EDGEQ_LSTM_FC_PASS(fc_pass_1_general, 1, 0, 1)
EDGEQ_LSTM_FC_PASS(fc_pass_1_add_general, 1, 1, 1)
EDGEQ_LSTM_FC_PASS(fc_pass_2_general, 2, 0, 1)
EDGEQ_LSTM_FC_PASS(fc_pass_2_add_general, 2, 1, 1)
EDGEQ_LSTM_FC_PASS(fc_pass_3_general, 3, 0, 1)
EDGEQ_LSTM_FC_PASS(fc_pass_3_add_general, 3, 1, 1)

static EDGEQ_NOINLINE void fc_pass_n(const int8_t *w, const int32_t *params, int32_t rq_offset, const int8_t *x,
                                     int32_t chunks, int32_t n, int32_t accumulate, int32_t general, int16_t *pre)
{
    fc_pass(w, params, rq_offset, x, chunks, n, accumulate, general, pre);
}

typedef void (*edgeq_lstm_fc_pass_t)(const int8_t *, const int32_t *, int32_t, const int8_t *, int32_t, int16_t *);

static void fc(const int8_t *w, const int32_t *params, int32_t rq_offset, const int8_t *x, int32_t chunks, int32_t n,
               int32_t accumulate, int32_t general, int16_t *pre)
{
    static const edgeq_lstm_fc_pass_t passes[2][2][EDGEQ_LSTM_HELD_CHUNKS] = {
        {{fc_pass_1, fc_pass_2, fc_pass_3}, {fc_pass_1_add, fc_pass_2_add, fc_pass_3_add}},
        {{fc_pass_1_general, fc_pass_2_general, fc_pass_3_general},
         {fc_pass_1_add_general, fc_pass_2_add_general, fc_pass_3_add_general}}};
    if (chunks <= EDGEQ_LSTM_HELD_CHUNKS) {
        passes[general != 0][accumulate != 0][chunks - 1](w, params, rq_offset, x, n, pre);
    } else {
        fc_pass_n(w, params, rq_offset, x, chunks, n, accumulate, general, pre);
    }
}

/* Phase (1) for one row: pre[g][u] = sat16(FC(x) + FC(h)) (Q3.12, units rounded up to 4) for every gate and
 * unit, from x and h copied to zero-padded buffers of x_chunks and h_chunks x 16 bytes: one pass per FC. */
static void gates_row(const edgeq_lstm_mve_s8_t *p, int32_t units, int32_t x_chunks, int32_t h_chunks,
                      const int8_t *x, const int8_t *h, int16_t *pre)
{
    const int32_t n = 4 * ((units + 3) & ~3);
    fc(p->input_weights, p->params, 8, x, x_chunks, n, 0, p->input_left_shifts, pre);
    fc(p->recurrent_weights, p->params + 4, 20, h, h_chunks, n, 1, p->recurrent_left_shifts, pre);
}

/* Phase (2) for one row: the gates' activations, then cell and hidden state, four units at a time. */
static EDGEQ_NOINLINE void update_row(const edgeq_lstm_cell_q_t *q, int32_t units, const int16_t *pre,
                                      int16_t *cell, int8_t *hidden, int8_t *out)
{
    const int32_t stride = (units + 3) & ~3;
    const int16_t *pi = pre, *pf = pre + stride, *pg = pre + 2 * stride, *po = pre + 3 * stride;
    const int32_t vector = q->forget_cell.rounding != 0 && q->input_cell.rounding != 0 &&
                           q->output_hidden.rounding != 0;
    const int32_t tanh_round = q->cell_tanh_left_shift > 0 ? 1 << (q->cell_tanh_left_shift - 1) : 0;
    /* saturation to int16, then |c| <= clip (-1: none) */
    const int32_t c_hi = q->cell_clip >= 0 ? q->cell_clip : 32767, c_lo = q->cell_clip >= 0 ? -q->cell_clip : -32768;
    int32_t u;
    for (u = 0; u < units; u += 4) {
        const mve_pred16_t tail = vctp32q((uint32_t)(units - u));
        const int32x4_t ig = sigmoid4(vmulq_n_s32(vldrhq_s32(pi + u), 3));
        const int32x4_t fg = sigmoid4(vmulq_n_s32(vldrhq_s32(pf + u), 3));
        const int32x4_t gg = tanh4(vmulq_n_s32(vldrhq_s32(pg + u), 3));
        const int32x4_t og = sigmoid4(vmulq_n_s32(vldrhq_s32(po + u), 3));
        if (vector) {
            const int32x4_t kept = mul4(&q->forget_cell, fg, vldrhq_z_s32(cell + u, tail), -32768, 32767);
            const int32x4_t added = mul4(&q->input_cell, ig, gg, -32768, 32767);
            const int32x4_t c = vmaxq_s32(vminq_s32(vaddq_s32(kept, added), vdupq_n_s32(c_hi)), vdupq_n_s32(c_lo));
            const int32x4_t t = vshlq_s32(vaddq_n_s32(vmulq_n_s32(c, q->cell_tanh_multiplier), tanh_round),
                                          vdupq_n_s32(-q->cell_tanh_left_shift));
            const int32x4_t hv = mul4(&q->output_hidden, tanh4(t), og, -128, 127);
            vstrhq_p_s32(cell + u, c, tail);
            vstrbq_p_s32(hidden + u, hv, tail);
            vstrbq_p_s32(out + u, hv, tail);
        } else {
            int16_t i4[4], f4[4], g4[4], o4[4];
            int32_t k;
            vstrhq_s32(i4, ig);
            vstrhq_s32(f4, fg);
            vstrhq_s32(g4, gg);
            vstrhq_s32(o4, og);
            for (k = 0; k < 4 && u + k < units; ++k) {
                const int32_t c = edgeq_lstm_cell_one(q, f4[k], i4[k], g4[k], cell[u + k]);
                const int32_t h = edgeq_lstm_mul_one(&q->output_hidden,
                                                     (int16_t)edgeq_lstm_tanh_one(c, q->cell_tanh_multiplier,
                                                                                  q->cell_tanh_left_shift),
                                                     o4[k], -128, 127);
                cell[u + k] = (int16_t)c;
                hidden[u + k] = (int8_t)h;
                out[u + k] = (int8_t)h;
            }
        }
    }
}

void edgeq_lstm_mve_s8(const edgeq_lstm_geom_t *geom, const edgeq_lstm_cell_q_t *q, const edgeq_lstm_mve_s8_t *p,
                       const int8_t *input, int8_t *hidden_state, int16_t *cell_state, int8_t *output,
                       int16_t *scratch)
{
    const int32_t units = geom->state_size, steps = geom->time_steps, batches = geom->batches;
    const int32_t x_chunks = (geom->input_size + 15) >> 4, h_chunks = (units + 15) >> 4;
    int8_t *x_row = (int8_t *)(scratch + 4 * ((units + 3) & ~3));
    int8_t *h_row = x_row + 16 * x_chunks;
    int32_t b, t;
    edgeq_mve_fill_s8(x_row, 0, 16 * (x_chunks + h_chunks)); /* the padding stays zero: copies write n bytes */
    for (b = 0; b < batches; ++b) {
        int8_t *hidden = hidden_state + b * units;
        int16_t *cell = cell_state + b * units;
        for (t = 0; t < steps; ++t) {
            const int32_t row = geom->time_major ? t * batches + b : b * steps + t;
            edgeq_mve_copy_s8(x_row, input + row * geom->input_size, geom->input_size);
            edgeq_mve_copy_s8(h_row, hidden, units);
            gates_row(p, units, x_chunks, h_chunks, x_row, h_row, scratch);
            update_row(q, units, scratch, cell, hidden, output + row * units);
        }
    }
}
