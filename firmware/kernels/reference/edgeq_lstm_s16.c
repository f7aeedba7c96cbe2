/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, int16 activations (zero point 0), int8 weights, int16 cell state, int64
 * biases (TFLM's EvalLstm<int16_t, int8_t, int16_t, int64_t>). Contract in edgeq_kernels_recurrent.h; the
 * hidden and cell state are read at the start and left updated (variable tensors).
 */
#include <string.h>

#include "edgeq_kernels.h"
#include "edgeq_lstm_cell.h"
#include "edgeq_requant_s16.h"

/* out[r][o] = clamp_int16(requant64(bias[o] + sum_d x[r][d] * w[o][d])): TFLM's int16 FullyConnected
 * (int64 accumulator, 16-bit reduced multiplier). */
static void fc_s16(int32_t rows, int32_t depth, int32_t units, const int16_t *x, const int8_t *w,
                   const int64_t *bias, int32_t multiplier, int32_t shift, int16_t *out)
{
    int32_t r, o, d;
    for (r = 0; r < rows; ++r) {
        const int16_t *xr = x + r * depth;
        for (o = 0; o < units; ++o) {
            const int8_t *wo = w + o * depth;
            int64_t acc = bias != NULL ? bias[o] : 0;
            for (d = 0; d < depth; ++d) {
                acc += (int32_t)xr[d] * (int32_t)wo[d];
            }
            out[r * units + o] = edgeq_clamp_to_s16(edgeq_requantize_s64(acc, multiplier, shift), -32768, 32767);
        }
    }
}

static void gate(const edgeq_lstm_gate_q_t *g, int32_t rows, int32_t input_size, int32_t state_size,
                 const int16_t *x, const int16_t *h, int32_t tanh_gate, int16_t *out, int16_t *tmp)
{
    fc_s16(rows, input_size, state_size, x, g->input_weights, (const int64_t *)g->input_bias,
           g->input_multiplier, g->input_shift, out);
    fc_s16(rows, state_size, state_size, h, g->recurrent_weights, (const int64_t *)g->recurrent_bias,
           g->recurrent_multiplier, g->recurrent_shift, tmp);
    edgeq_lstm_add_sat(rows * state_size, out, tmp, out);
    edgeq_lstm_gate_activation(rows * state_size, tanh_gate, out);
}

static void step(const edgeq_lstm_geom_t *geom, const edgeq_lstm_q_t *q, int32_t rows, const int16_t *x,
                 int16_t *hidden, int16_t *cell, int16_t *out, int16_t *scratch)
{
    const int32_t n = rows * geom->state_size;
    int16_t *forget_gate = scratch, *input_gate = scratch + n, *cell_gate = scratch + 2 * n, *tmp = scratch + 3 * n;
    gate(&q->gates[1], rows, geom->input_size, geom->state_size, x, hidden, 0, forget_gate, tmp);
    gate(&q->gates[0], rows, geom->input_size, geom->state_size, x, hidden, 0, input_gate, tmp);
    gate(&q->gates[2], rows, geom->input_size, geom->state_size, x, hidden, 1, cell_gate, tmp);
    edgeq_lstm_update_cell(n, &q->cell, forget_gate, input_gate, cell_gate, cell);
    /* output gate into input_gate's buffer, tanh(cell) into forget_gate's, as TFLM reuses them */
    gate(&q->gates[3], rows, geom->input_size, geom->state_size, x, hidden, 0, input_gate, tmp);
    edgeq_tanh_s16(q->cell.cell_tanh_multiplier, q->cell.cell_tanh_left_shift, n, cell, forget_gate);
    edgeq_lstm_mul_s16(n, &q->cell.output_hidden, forget_gate, input_gate, hidden);
    memcpy(out, hidden, (size_t)n * sizeof(int16_t));
}

void edgeq_lstm_s16(const edgeq_lstm_geom_t *geom, const edgeq_lstm_q_t *q, const int16_t *input,
                    int16_t *hidden_state, int16_t *cell_state, int16_t *output, int16_t *scratch)
{
    const int32_t rows = geom->time_major ? geom->batches : 1;
    const int32_t outer = geom->time_major ? 1 : geom->batches;
    int32_t b, t;
    for (b = 0; b < outer; ++b) {
        const int16_t *x = input + (int32_t)b * geom->time_steps * geom->input_size;
        int16_t *out = output + (int32_t)b * geom->time_steps * geom->state_size;
        int16_t *hidden = hidden_state + b * geom->state_size;
        int16_t *cell = cell_state + b * geom->state_size;
        for (t = 0; t < geom->time_steps; ++t) {
            step(geom, q, rows, x, hidden, cell, out, scratch);
            x += rows * geom->input_size;
            out += rows * geom->state_size;
        }
    }
}
