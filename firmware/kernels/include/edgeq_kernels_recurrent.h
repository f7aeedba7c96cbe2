/*
 * edgeq_kernels_recurrent.h — kernels that keep state between inferences: UNIDIRECTIONAL_SEQUENCE_LSTM and
 * SVDF. Semantics are TensorFlow Lite Micro's reference kernels (lstm_eval.h / lstm_eval.cc for the LSTM,
 * svdf_common.cc for SVDF), bit for bit for the integer kernels.
 *
 * State: the hidden/cell state of an LSTM and the activation state of an SVDF are TFLite *variable tensors*.
 * The generated code keeps them in arena bytes that no other tensor shares and that survive
 * edgeq_model_invoke() (edgeq.plan.lifetimes), and resets them with edgeq_model_reset() as TFLM's
 * ResetVariableTensors does (int8: the zero point in every byte; other types: 0). A kernel reads the state
 * left by the previous inference and leaves the new one in place.
 *
 * Parameters come from edgeq.codegen.ops.lstm / svdf, computed at generation time exactly as TFLM's Prepare
 * computes them; kernels derive no constant themselves. Kernels never allocate: `scratch` is arena memory of
 * the size given next to each kernel.
 */
#ifndef EDGEQ_KERNELS_RECURRENT_H
#define EDGEQ_KERNELS_RECURRENT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- UNIDIRECTIONAL_SEQUENCE_LSTM ---------------------------------------------------------------------
 * Shapes: input [batches][time][input_size] (time_major: [time][batches][input_size]), output the same with
 * state_size, hidden and cell state [batches][state_size]. Gates in the order input, forget, cell, output;
 * each gate = act(FC(x_t) + FC(h_{t-1})) with act = sigmoid, except the cell gate's tanh (the one cell
 * activation a .tflite can name; its schema has no sigmoid activation). No peephole, projection, layer norm or CIFG (TFLM's kernel has none either).
 * Batch-major inputs run one batch row at a time (each row with its own state row), time-major ones all rows
 * per step, as TFLM's LstmStepManager. */
typedef struct {
    int32_t batches, time_steps, input_size, state_size, time_major;
} edgeq_lstm_geom_t;

/* Integer gate: FC(x) and FC(h) each requantized to int16 Q3.12 (scale 2^-12) and clamped, then added with
 * int16 saturation. Weights are [state_size][input_size] and [state_size][state_size]; the biases are the
 * gate bias with -input_zero_point * sum(weights) folded in (int8) and -hidden_zero_point * sum(weights)
 * (NULL for int16 activations, whose zero point is 0). */
typedef struct {
    const int8_t *input_weights, *recurrent_weights;
    const void *input_bias, *recurrent_bias; /* int32_t (int8 activations) or int64_t (int16), may be NULL */
    int32_t input_multiplier, input_shift, recurrent_multiplier, recurrent_shift;
    /* int8 kernel: 2^(-shift - 1) when the generator proved the FC's |accumulator| < 2^30 and shift <= -1, so
     * SMMULR form of the rescale is exact (edgeq_simd.h's edgeq_requant_val); 0: TFLM's full-range one */
    int32_t input_rounding, recurrent_rounding;
} edgeq_lstm_gate_q_t;

/* Element-wise products of the cell and hidden updates: out = clamp(requant(a * b) + output_zero_point). */
typedef struct {
    int32_t multiplier, shift, output_zero_point;
    /* 2^(r-1) + output_zero_point * 2^r for a right shift r = -shift >= 1 (the SMMULR form, exact because one
     * factor is a sigmoid gate in [0, 32767], so |a * b| < 2^30); 0: TFLM's full-range rescale */
    int32_t rounding;
} edgeq_lstm_mul_q_t;

typedef struct {
    edgeq_lstm_gate_q_t gates[4];     /* input, forget, cell, output */
    edgeq_lstm_mul_q_t forget_cell;   /* forget gate (Q0.15) x cell state -> cell state */
    edgeq_lstm_mul_q_t input_cell;    /* input gate x cell gate (both Q0.15) -> cell state */
    edgeq_lstm_mul_q_t output_hidden; /* tanh(cell) x output gate (both Q0.15) -> hidden state (int8/int16) */
    int32_t cell_tanh_multiplier, cell_tanh_left_shift; /* input rescaling of tanh(cell) (edgeq_tanh_s16) */
    int32_t cell_clip;                /* quantized |cell| bound (>= 0), -1: no clipping */
} edgeq_lstm_q_t;

/* Scratch: 4 * rows * state_size int16 (rows = batches if time_major else 1). */
void edgeq_lstm_s8(const edgeq_lstm_geom_t *geom, const edgeq_lstm_q_t *q, const int8_t *input,
                   int8_t *hidden_state, int16_t *cell_state, int8_t *output, int16_t *scratch);
void edgeq_lstm_s16(const edgeq_lstm_geom_t *geom, const edgeq_lstm_q_t *q, const int16_t *input,
                    int16_t *hidden_state, int16_t *cell_state, int16_t *output, int16_t *scratch);

/* float32: weights as in the integer kernels, biases float (NULL: none); cell_clip <= 0: no clipping. */
typedef struct {
    const float *input_weights[4], *recurrent_weights[4], *bias[4]; /* input, forget, cell, output */
    float cell_clip;
} edgeq_lstm_f32_t;

/* Scratch: 4 * rows * state_size float. */
void edgeq_lstm_f32(const edgeq_lstm_geom_t *geom, const edgeq_lstm_f32_t *p, const float *input,
                    float *hidden_state, float *cell_state, float *output, float *scratch);

/* ---- SVDF --------------------------------------------------------------------------------------------
 * Shapes: input [batches][input_size], weights_feature [filters][input_size], weights_time
 * [filters][memory], bias [units] (may be NULL), state [batches][filters][memory], output [batches][units],
 * filters = units * rank. Per inference: the whole state shifts left by one element, each filter's newest
 * memory slot receives FC(input) (requantized, clamped, plus the state zero point), then out[u] = bias[u] +
 * the sum over the unit's `rank` filters of dot(weights_time[f], state[f]). */
typedef struct {
    int32_t batches, input_size, filters, units, rank, memory;
} edgeq_svdf_geom_t;

/* Integer: scale_1 = input x feature / state scale, scale_2 = state x time / output scale (TFLM computes
 * both products in float); the output is clamped to int8 only (TFLM's integer SVDF applies no fused
 * activation). */
typedef struct {
    int32_t state_zero_point, output_zero_point;
    int32_t multiplier_1, shift_1, multiplier_2, shift_2;
    /* per filter, folded at generation time (TFLM's sums of w * (x - zero point) equal these modulo 2^32):
     * -input_zero_point * sum(weights_feature[f]) and -state_zero_point * sum(weights_time[f]) */
    const int32_t *feature_offset, *time_offset;
} edgeq_svdf_q_t;

/* No scratch: each unit's filters are reduced as they are computed (integer sums wrap modulo 2^32 in any
 * order; the float kernel keeps TFLM's order). `_s8`: int8 state and time weights; `_s8_s16`: int16 ones. */
void edgeq_svdf_s8(const edgeq_svdf_geom_t *geom, const edgeq_svdf_q_t *q, const int8_t *input,
                   const int8_t *weights_feature, const int8_t *weights_time, const int32_t *bias,
                   int8_t *state, int8_t *output);
void edgeq_svdf_s8_s16(const edgeq_svdf_geom_t *geom, const edgeq_svdf_q_t *q, const int8_t *input,
                       const int8_t *weights_feature, const int16_t *weights_time, const int32_t *bias,
                       int16_t *state, int8_t *output);

/* float32: the fused activation is applied as the bounds [act_min, act_max]. */
void edgeq_svdf_f32(const edgeq_svdf_geom_t *geom, float act_min, float act_max, const float *input,
                    const float *weights_feature, const float *weights_time, const float *bias, float *state,
                    float *output);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_RECURRENT_H */
