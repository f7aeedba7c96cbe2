/*
 * edgeq_kernels_s16.h — int16x8 kernels: int16 activations (zero point 0, symmetric), int8 weights
 * (symmetric), int64 biases. Semantics are TensorFlow Lite Micro's reference kernels for int16 activations,
 * bit for bit; shapes and layouts are those of edgeq_kernels.h (included before this header).
 *
 * Requantization (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED): the int64 accumulator is rescaled as TFLM's
 * MultiplyByQuantizedMultiplier(int64_t, ...) does — the 32-bit multiplier is first reduced to 16 bits
 * (round((m + 2^15) / 2^16), capped at 0x7FFF), then one rounding (half up) right shift by 15 - shift.
 * This differs from the int32 double-rounding of edgeq_requant.h. Ranges: shift in [-31, 7]; |acc| < 2^47.
 *
 * int16 activations have zero point 0, so there is no input offset to fold and padded pixels are skipped.
 * Scratch: none; kernels never allocate.
 */
#ifndef EDGEQ_KERNELS_S16_H
#define EDGEQ_KERNELS_S16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Requantization of an int16 output: real factor multiplier * 2^(shift - 31) per output channel;
 * -32768 <= act_min <= act_max <= 32767 (fused RELU/RELU6 or the int16 range). */
typedef struct {
    int32_t act_min, act_max;
    const int32_t *multiplier; /* [output_c] */
    const int32_t *shift;      /* [output_c] */
} edgeq_quant_s16_t;

/* Per output element: acc = bias[oc] (int64, may be NULL) + sum input * filter, then requant and clamp. */
void edgeq_conv2d_s16(const edgeq_conv_geom_t *geom, const edgeq_quant_s16_t *quant, const int16_t *input,
                      const int8_t *filter, const int64_t *bias, int16_t *output);
void edgeq_depthwise_conv2d_s16(const edgeq_conv_geom_t *geom, const edgeq_quant_s16_t *quant,
                                const int16_t *input, const int8_t *filter, const int64_t *bias,
                                int16_t *output);
void edgeq_fully_connected_s16(const edgeq_fc_geom_t *geom, const edgeq_quant_s16_t *quant, const int16_t *input,
                               const int8_t *weights, const int64_t *bias, int16_t *output);

/* Pools keep the input's quantization; the average rounds half away from zero. */
void edgeq_maxpool_s16(const edgeq_pool_geom_t *geom, int32_t act_min, int32_t act_max, const int16_t *input,
                       int16_t *output);
void edgeq_avgpool_s16(const edgeq_pool_geom_t *geom, int32_t act_min, int32_t act_max, const int16_t *input,
                       int16_t *output);

/*
 * SOFTMAX int16 -> int16 (output scale 1/32768, zero point 0) over the last dimension of `depth`
 * elements, `outer` rows. exp() and 1/(1+x) come from two 513-entry lookup tables computed at generation
 * time exactly as TFLM's gen_lut<float> (exp over [-10, 0], 1/(1+x) over [0, 1], both to [-1, 1]);
 * input differences are scaled by (input_multiplier, input_shift) so that [-65535, 0] spans [-10, 0].
 */
typedef struct {
    int32_t input_multiplier, input_shift;
    const int16_t *exp_lut;              /* [513] */
    const int16_t *one_over_one_plus_x_lut; /* [513] */
} edgeq_softmax_params_s16_t;

void edgeq_softmax_s16(int32_t outer, int32_t depth, const edgeq_softmax_params_s16_t *params,
                       const int16_t *input, int16_t *output);

/* QUANTIZE float32 -> int16: round(x / scale) (float division, half away from zero) + zero point. */
void edgeq_quantize_f32_s16(int32_t count, float scale, int32_t zero_point, const float *input, int16_t *output);
/* DEQUANTIZE int16 -> float32: (float)(scale * (x - zero_point)) computed in double. */
void edgeq_dequantize_s16_f32(int32_t count, double scale, int32_t zero_point, const int16_t *input,
                              float *output);

/*
 * Element-wise and data-movement kernels. int16 activations have zero point 0 wherever TFLM requires it
 * (ADD/SUB/MUL/RELU/LOGISTIC/TANH check it at generation time); the parameter structs are the int8
 * kernels' (edgeq_kernels.h, edgeq_activations.h) with int16 bounds. Every element-wise kernel below
 * (ADD, SUB, MUL, RELU, RELU6, LEAKY_RELU, LOGISTIC, TANH, same-type QUANTIZE) works with output == input.
 */

/* ADD/SUB int16: TFLite's general path with left_shift 15 (no power-of-two shortcut in TFLM). */
void edgeq_add_s16(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *params, const int16_t *input1,
                   const int16_t *input2, int16_t *output);
void edgeq_sub_s16(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *params, const int16_t *input1,
                   const int16_t *input2, int16_t *output);
/* MUL int16: requant(x1 * x2) (zero points 0), clamped to act_min/act_max. */
void edgeq_mul_s16(const edgeq_broadcast_t *shape, const edgeq_mul_params_s8_t *params, const int16_t *input1,
                   const int16_t *input2, int16_t *output);

/* MEAN int16 (QuantizedMeanOrSum, as edgeq_mean_s8); inner_count * 65535 < 2^31. */
void edgeq_mean_s16(const edgeq_reduce_geom_t *geom, const edgeq_mean_params_s8_t *params, const int16_t *input,
                    int16_t *output);

/* PAD / CONCATENATION int16: pure data movement (same quantization in and out). */
void edgeq_pad_s16(const edgeq_pad_geom_t *geom, int16_t pad_value, const int16_t *input, int16_t *output);
void edgeq_concat_s16(int32_t outer, int32_t num_inputs, const int16_t *const *inputs, const int32_t *copy_sizes,
                      int16_t *output);

/* RELU (requantizing, act_min = max(-32768, zp_out)), RELU6 (clamp to [lower, upper] in the input's
 * domain), LEAKY_RELU (identity / alpha requantization): TFLM's int16 instantiations of the int8 code. */
void edgeq_relu_s16(const edgeq_relu_params_s8_t *params, int32_t size, const int16_t *input, int16_t *output);
void edgeq_relu6_s16(int32_t lower, int32_t upper, int32_t size, const int16_t *input, int16_t *output);
void edgeq_leaky_relu_s16(const edgeq_leaky_relu_params_s8_t *params, int32_t size, const int16_t *input,
                          int16_t *output);

/*
 * LOGISTIC / TANH int16 -> int16 (output scale 2^-15, zero points 0): TFLM's table interpolation. The
 * input is rescaled by (x * input_multiplier + 2^(input_left_shift-1)) >> input_left_shift to 1/(3 * 4096)
 * per step (input_multiplier <= 32767, input_left_shift in [0, 31]; a power-of-two input scale arrives
 * as multiplier 3, shift 0). Both read edgeq_sigmoid_table_u16 (reference/edgeq_sigmoid_table_s16.c).
 */
extern const uint16_t edgeq_sigmoid_table_u16[256];
void edgeq_logistic_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
                        int16_t *output);
void edgeq_tanh_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
                    int16_t *output);

/* QUANTIZE int16 -> int16 (TFLite's Requantize): requant(x - input_zero_point) + output_zero_point,
 * clamped to int16. */
void edgeq_quantize_s16_s16(int32_t count, const edgeq_requant_params_t *params, const int16_t *input,
                            int16_t *output);

#ifdef __cplusplus
}
#endif

#include "edgeq_kernels_packed_s16.h" /* their SIMD variants (int8 weights re-laid out at generation time) */

#endif /* EDGEQ_KERNELS_S16_H */
