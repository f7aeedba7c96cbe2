/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations, int8 weights, int16 cell state, int32 biases (TFLM's
 * EvalLstm<int8_t, int8_t, int16_t, int32_t>). Contract in edgeq_kernels_recurrent.h; the hidden and cell
 * state are read at the start and left updated (variable tensors).
 */
#include <string.h>

#include "edgeq_dot.h"
#include "edgeq_kernels.h"
#include "edgeq_lstm_cell.h"
#include "edgeq_simd.h"

/* out[r][o] = clamp_int16(requant(bias[o] + sum_d x[r][d] * w[o][d])): TFLM's integer FullyConnected with
 * int16 output; the input zero point is folded into bias, so the int32 sum wraps exactly as TFLM's does. */
static inline int16_t requant_s16(int32_t acc, int32_t multiplier, int32_t shift, int32_t rounding)
{
    int32_t v;
    if (rounding > 0) { /* |acc| < 2^30, right shift -shift >= 1: the SMMULR form is exact */
        const int32_t x = edgeq_smmulr((int32_t)((uint32_t)acc << 1), multiplier);
        v = (x + rounding - (int32_t)((uint32_t)x >> 31)) >> -shift;
    } else {
        v = edgeq_requantize(acc, multiplier, shift);
    }
    return (int16_t)edgeq_clamp_s32(v, -32768, 32767);
}

static void fc_s8_s16(int32_t rows, int32_t depth, int32_t units, const int8_t *x, const int8_t *w,
                      const int32_t *bias, int32_t multiplier, int32_t shift, int32_t rounding, int16_t *out)
{
    int32_t r, o, k;
    for (r = 0; r < rows; ++r) {
        const int8_t *xr = x + r * depth;
        int16_t *outr = out + r * units;
        for (o = 0; o + 4 <= units; o += 4) { /* four units per pass over x */
            int32_t acc[4];
            for (k = 0; k < 4; ++k) {
                acc[k] = bias != NULL ? bias[o + k] : 0;
            }
            edgeq_dot4_s8(xr, w + o * depth, depth, depth, acc);
            for (k = 0; k < 4; ++k) {
                outr[o + k] = requant_s16(acc[k], multiplier, shift, rounding);
            }
        }
        for (; o < units; ++o) {
            const int32_t acc = edgeq_dot_s8(xr, w + o * depth, depth, bias != NULL ? bias[o] : 0);
            outr[o] = requant_s16(acc, multiplier, shift, rounding);
        }
    }
}

static void gate(const edgeq_lstm_gate_q_t *g, int32_t rows, int32_t input_size, int32_t state_size,
                 const int8_t *x, const int8_t *h, int32_t tanh_gate, int16_t *out, int16_t *tmp)
{
    fc_s8_s16(rows, input_size, state_size, x, g->input_weights, (const int32_t *)g->input_bias,
              g->input_multiplier, g->input_shift, g->input_rounding, out);
    fc_s8_s16(rows, state_size, state_size, h, g->recurrent_weights, (const int32_t *)g->recurrent_bias,
              g->recurrent_multiplier, g->recurrent_shift, g->recurrent_rounding, tmp);
    edgeq_lstm_add_sat(rows * state_size, out, tmp, out);
    edgeq_lstm_gate_activation(rows * state_size, tanh_gate, out);
}

static void step(const edgeq_lstm_geom_t *geom, const edgeq_lstm_q_t *q, int32_t rows, const int8_t *x,
                 int8_t *hidden, int16_t *cell, int8_t *out, int16_t *scratch)
{
    const int32_t n = rows * geom->state_size;
    int16_t *forget_gate = scratch, *input_gate = scratch + n, *cell_gate = scratch + 2 * n, *tmp = scratch + 3 * n;
    int32_t i;
    gate(&q->gates[1], rows, geom->input_size, geom->state_size, x, hidden, 0, forget_gate, tmp);
    gate(&q->gates[0], rows, geom->input_size, geom->state_size, x, hidden, 0, input_gate, tmp);
    gate(&q->gates[2], rows, geom->input_size, geom->state_size, x, hidden, 1, cell_gate, tmp);
    edgeq_lstm_update_cell(n, &q->cell, forget_gate, input_gate, cell_gate, cell);
    /* output gate into input_gate's buffer, tanh(cell) into forget_gate's, as TFLM reuses them */
    gate(&q->gates[3], rows, geom->input_size, geom->state_size, x, hidden, 0, input_gate, tmp);
    edgeq_tanh_s16(q->cell.cell_tanh_multiplier, q->cell.cell_tanh_left_shift, n, cell, forget_gate);
    for (i = 0; i < n; ++i) {
        hidden[i] = (int8_t)edgeq_lstm_mul_one(&q->cell.output_hidden, forget_gate[i], input_gate[i], -128, 127);
    }
    memcpy(out, hidden, (size_t)n * sizeof(int8_t));
}

void edgeq_lstm_s8(const edgeq_lstm_geom_t *geom, const edgeq_lstm_q_t *q, const int8_t *input,
                   int8_t *hidden_state, int16_t *cell_state, int8_t *output, int16_t *scratch)
{
    const int32_t rows = geom->time_major ? geom->batches : 1;
    const int32_t outer = geom->time_major ? 1 : geom->batches;
    int32_t b, t;
    for (b = 0; b < outer; ++b) {
        const int8_t *x = input + (int32_t)b * geom->time_steps * geom->input_size;
        int8_t *out = output + (int32_t)b * geom->time_steps * geom->state_size;
        int8_t *hidden = hidden_state + b * geom->state_size;
        int16_t *cell = cell_state + b * geom->state_size;
        for (t = 0; t < geom->time_steps; ++t) {
            step(geom, q, rows, x, hidden, cell, out, scratch);
            x += rows * geom->input_size;
            out += rows * geom->state_size;
        }
    }
}
