/*
 * edgeq_activations.h — activation kernels: SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH,
 * int8 (s8) and float32 (f32), bit-exact with TensorFlow Lite Micro's reference kernels.
 *
 * Layout: element-wise kernels take `size` elements of a contiguous tensor (any shape). SOFTMAX works on
 * rows: the tensor is [outer][depth] with depth = the last dimension. Input and output never alias
 * (the memory planner gives them separate arena ranges). Every constant (multipliers, shifts, radii,
 * bounds) is computed at generation time by edgeq/codegen/ops/activations.py exactly as TFLM's Prepare
 * computes it; the kernels do no float math on int8 data. Scratch: none of these kernels needs scratch
 * memory (0 bytes); they never allocate.
 *
 * int8 output conventions forced by TFLM: LOGISTIC and SOFTMAX write scale 1/256, zero point -128;
 * TANH writes scale 1/128, zero point 0 (TFLM ignores the output tensor's parameters for TANH, so does
 * edgeq); RELU6 clamps in the input's quantized domain and copies (TFLM ignores the output parameters).
 */
#ifndef EDGEQ_ACTIVATIONS_H
#define EDGEQ_ACTIVATIONS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RELU int8: out = clamp(output_zp + requant(in - input_zp), act_min, act_max); shift in [-31, 30]. */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t multiplier, shift; /* input_scale / output_scale */
    int32_t act_min, act_max;  /* [max(-128, output_zp), 127] */
} edgeq_relu_params_s8_t;

void edgeq_relu_s8(const edgeq_relu_params_s8_t *params, int32_t size, const int8_t *input, int8_t *output);

/* RELU6 int8: out = clamp(in, lower, upper), lower = input zero point, upper = quantized 6.0 (input scale). */
void edgeq_relu6_s8(int32_t lower, int32_t upper, int32_t size, const int8_t *input, int8_t *output);

/* RELU / RELU6 float: out = in < lower ? lower : (in > upper ? upper : in); RELU passes upper = HUGE_VALF. */
void edgeq_relu_f32(float lower, float upper, int32_t size, const float *input, float *output);

/* LEAKY_RELU int8: d = in - input_zp; out = clamp(output_zp + requant(d, d >= 0 ? identity : alpha)). */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t identity_multiplier, identity_shift; /* input_scale / output_scale */
    int32_t alpha_multiplier, alpha_shift;       /* input_scale * alpha / output_scale */
} edgeq_leaky_relu_params_s8_t;

void edgeq_leaky_relu_s8(const edgeq_leaky_relu_params_s8_t *params, int32_t size, const int8_t *input,
                         int8_t *output);
void edgeq_leaky_relu_f32(float alpha, int32_t size, const float *input, float *output);

/* HARD_SWISH int8: TFLite's 16-bit fixed-point scheme (x * relu6(x + 3) / 6). Exponents: output <= 0,
 * reluish in [-15, 15]. */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t output_multiplier_fixedpoint_int16, output_multiplier_exponent;
    int32_t reluish_multiplier_fixedpoint_int16, reluish_multiplier_exponent;
} edgeq_hard_swish_params_s8_t;

void edgeq_hard_swish_s8(const edgeq_hard_swish_params_s8_t *params, int32_t size, const int8_t *input,
                         int8_t *output);
void edgeq_hard_swish_f32(int32_t size, const float *input, float *output);

/* LOGISTIC / TANH int8: inputs with |in - input_zp| >= input_range_radius saturate; the rest are rescaled
 * to Q4.27 by (input_multiplier, input_left_shift >= 0) and go through gemmlowp's fixed-point function. */
typedef struct {
    int32_t input_zero_point, input_range_radius, input_multiplier, input_left_shift;
} edgeq_q4_act_params_s8_t;

void edgeq_logistic_s8(const edgeq_q4_act_params_s8_t *params, int32_t size, const int8_t *input,
                       int8_t *output);
void edgeq_logistic_f32(int32_t size, const float *input, float *output);
void edgeq_tanh_s8(const edgeq_q4_act_params_s8_t *params, int32_t size, const int8_t *input, int8_t *output);
void edgeq_tanh_f32(int32_t size, const float *input, float *output);

/* SOFTMAX int8 over the last dimension: differences to the row maximum below diff_min contribute nothing
 * and output -128; the rest are rescaled to Q5.26 by (input_multiplier, input_left_shift >= 0). */
typedef struct {
    int32_t outer_size, depth;
    int32_t input_multiplier, input_left_shift, diff_min;
} edgeq_softmax_params_s8_t;

void edgeq_softmax_s8(const edgeq_softmax_params_s8_t *params, const int8_t *input, int8_t *output);

/* SOFTMAX float: out = exp((in - row_max) * beta) / sum over the row. */
void edgeq_softmax_f32(int32_t outer_size, int32_t depth, float beta, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_ACTIVATIONS_H */
