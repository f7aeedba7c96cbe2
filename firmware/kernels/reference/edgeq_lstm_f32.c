/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, float32 (TFLM's EvalLstm<float, float, float, float>). Contract in
 * edgeq_kernels_recurrent.h; the hidden and cell state are read at the start and left updated. The order
 * of float operations is TFLM's: each FC sums input x weight in depth order, then adds the bias; the two
 * FCs of a gate are added, then activated; c = f * c, then c += i * g, then clipped; h = tanh(c) * o.
 */
#include <string.h>

#include "edgeq_kernels.h"

static void fc_f32(int32_t rows, int32_t depth, int32_t units, const float *x, const float *w, const float *bias,
                   float *out)
{
    int32_t r, o, d;
    for (r = 0; r < rows; ++r) {
        const float *xr = x + r * depth;
        for (o = 0; o < units; ++o) {
            const float *wo = w + o * depth;
            float total = 0.0f;
            for (d = 0; d < depth; ++d) {
                total += xr[d] * wo[d];
            }
            out[r * units + o] = total + (bias != NULL ? bias[o] : 0.0f);
        }
    }
}

static void gate(const edgeq_lstm_f32_t *p, int32_t k, int32_t rows, int32_t input_size, int32_t state_size,
                 const float *x, const float *h, int32_t tanh_gate, float *out, float *tmp)
{
    const int32_t n = rows * state_size;
    int32_t i;
    fc_f32(rows, input_size, state_size, x, p->input_weights[k], p->bias[k], out);
    fc_f32(rows, state_size, state_size, h, p->recurrent_weights[k], NULL, tmp);
    for (i = 0; i < n; ++i) {
        out[i] += tmp[i];
    }
    if (tanh_gate) {
        edgeq_tanh_f32(n, out, out);
    } else {
        edgeq_logistic_f32(n, out, out);
    }
}

static void step(const edgeq_lstm_geom_t *geom, const edgeq_lstm_f32_t *p, int32_t rows, const float *x,
                 float *hidden, float *cell, float *out, float *scratch)
{
    const int32_t n = rows * geom->state_size;
    float *forget_gate = scratch, *input_gate = scratch + n, *cell_gate = scratch + 2 * n, *tmp = scratch + 3 * n;
    int32_t i;
    gate(p, 1, rows, geom->input_size, geom->state_size, x, hidden, 0, forget_gate, tmp);
    gate(p, 0, rows, geom->input_size, geom->state_size, x, hidden, 0, input_gate, tmp);
    gate(p, 2, rows, geom->input_size, geom->state_size, x, hidden, 1, cell_gate, tmp);
    for (i = 0; i < n; ++i) {
        cell[i] = forget_gate[i] * cell[i];
    }
    for (i = 0; i < n; ++i) {
        cell[i] = cell[i] + input_gate[i] * cell_gate[i];
    }
    if (p->cell_clip > 0.0f) {
        for (i = 0; i < n; ++i) {
            cell[i] = cell[i] > p->cell_clip ? p->cell_clip : (cell[i] < -p->cell_clip ? -p->cell_clip : cell[i]);
        }
    }
    gate(p, 3, rows, geom->input_size, geom->state_size, x, hidden, 0, input_gate, tmp);
    edgeq_tanh_f32(n, cell, forget_gate);
    for (i = 0; i < n; ++i) {
        hidden[i] = forget_gate[i] * input_gate[i];
    }
    memcpy(out, hidden, (size_t)n * sizeof(float));
}

void edgeq_lstm_f32(const edgeq_lstm_geom_t *geom, const edgeq_lstm_f32_t *p, const float *input,
                    float *hidden_state, float *cell_state, float *output, float *scratch)
{
    const int32_t rows = geom->time_major ? geom->batches : 1;
    const int32_t outer = geom->time_major ? 1 : geom->batches;
    int32_t b, t;
    for (b = 0; b < outer; ++b) {
        const float *x = input + (int32_t)b * geom->time_steps * geom->input_size;
        float *out = output + (int32_t)b * geom->time_steps * geom->state_size;
        float *hidden = hidden_state + b * geom->state_size;
        float *cell = cell_state + b * geom->state_size;
        for (t = 0; t < geom->time_steps; ++t) {
            step(geom, p, rows, x, hidden, cell, out, scratch);
            x += rows * geom->input_size;
            out += rows * geom->state_size;
        }
    }
}
