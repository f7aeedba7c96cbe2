/*
 * edgeq_kernels.h — the kernel API generated model code calls.
 *
 * Naming: edgeq_<op>_<dtype> (s8 = int8 activations with int8 weights, f32 = float32), one public kernel
 * per source file of the same name in reference/ (portable C99, the semantic reference) and, where it
 * pays, in dsp/ (Cortex-M SIMD, same name and signature, selected by __ARM_FEATURE_DSP).
 *
 * Semantics are TensorFlow Lite (Micro)'s reference kernels', bit for bit. Layouts are TFLite's: tensors
 * NHWC row-major; CONV_2D filters [out_c][filter_h][filter_w][in_c]; DEPTHWISE_CONV_2D filters
 * [1][filter_h][filter_w][in_c * depth_multiplier] (output channel oc reads input channel
 * oc / depth_multiplier); FULLY_CONNECTED weights [out_c][depth].
 *
 * Parameters are computed at generation time (edgeq.codegen) and passed as const structs, so a kernel
 * never derives quantization constants or shapes itself. Quantized kernels take requantization as
 * per-output-channel (multiplier, shift) arrays (a per-tensor model repeats its one pair) with
 * real factor multiplier * 2^(shift - 31) (see edgeq_requant.h), and int32 biases into which the
 * generator has folded -input_zero_point * sum(weights): the kernels then multiply raw int8 values, and
 * padded pixels of a convolution take the value input_zero_point (so they contribute exactly nothing,
 * as in TFLite). Activation bounds (fused RELU/RELU6 or the dtype's range) are act_min/act_max.
 *
 * Scratch: no kernel here needs scratch memory; kernels never allocate. A kernel variant that needs
 * scratch gets a `void *scratch` argument and a `<name>_scratch_bytes()` companion.
 */
#ifndef EDGEQ_KERNELS_H
#define EDGEQ_KERNELS_H

#include <stdint.h>
#include "edgeq_activations.h" /* SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH */

#ifdef __cplusplus
extern "C" {
#endif

#define EDGEQ_MAX_DIMS 6

/* Geometry of CONV_2D / DEPTHWISE_CONV_2D; pad_top/pad_left are TFLite's (SAME: floor(total / 2)). */
typedef struct {
    int32_t batches;
    int32_t input_h, input_w, input_c;
    int32_t filter_h, filter_w;
    int32_t output_h, output_w, output_c;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t depth_multiplier; /* depthwise only: output_c == input_c * depth_multiplier */
} edgeq_conv_geom_t;

/* Requantization of an int8 output. Ranges: shift in [-31, 30]; -128 <= act_min <= act_max <= 127. */
typedef struct {
    int32_t input_zero_point;  /* padding value (convolutions); otherwise unused */
    int32_t output_zero_point;
    int32_t act_min, act_max;
    const int32_t *multiplier; /* [output_c] */
    const int32_t *shift;      /* [output_c] */
} edgeq_quant_s8_t;

/* Fused activation bounds of a float kernel (±FLT_MAX without activation). */
typedef struct {
    float act_min, act_max;
} edgeq_act_f32_t;

void edgeq_conv2d_s8(const edgeq_conv_geom_t *geom, const edgeq_quant_s8_t *quant, const int8_t *input,
                     const int8_t *filter, const int32_t *bias, int8_t *output);
void edgeq_conv2d_f32(const edgeq_conv_geom_t *geom, const edgeq_act_f32_t *act, const float *input,
                      const float *filter, const float *bias, float *output);
void edgeq_depthwise_conv2d_s8(const edgeq_conv_geom_t *geom, const edgeq_quant_s8_t *quant,
                               const int8_t *input, const int8_t *filter, const int32_t *bias,
                               int8_t *output);
void edgeq_depthwise_conv2d_f32(const edgeq_conv_geom_t *geom, const edgeq_act_f32_t *act, const float *input,
                                const float *filter, const float *bias, float *output);

/* FULLY_CONNECTED: output[b][o] = act(requant(bias[o] + sum_d input[b][d] * weights[o][d])). */
typedef struct {
    int32_t batches, depth, output_c;
} edgeq_fc_geom_t;

void edgeq_fully_connected_s8(const edgeq_fc_geom_t *geom, const edgeq_quant_s8_t *quant, const int8_t *input,
                              const int8_t *weights, const int32_t *bias, int8_t *output);
void edgeq_fully_connected_f32(const edgeq_fc_geom_t *geom, const edgeq_act_f32_t *act, const float *input,
                               const float *weights, const float *bias, float *output);

/* AVERAGE_POOL_2D / MAX_POOL_2D: windows clipped to the image; padded pixels are not counted. */
typedef struct {
    int32_t batches, input_h, input_w, channels, output_h, output_w;
    int32_t filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
} edgeq_pool_geom_t;

void edgeq_avgpool_s8(const edgeq_pool_geom_t *geom, int32_t act_min, int32_t act_max, const int8_t *input,
                      int8_t *output);
void edgeq_avgpool_f32(const edgeq_pool_geom_t *geom, const edgeq_act_f32_t *act, const float *input,
                       float *output);
void edgeq_maxpool_s8(const edgeq_pool_geom_t *geom, int32_t act_min, int32_t act_max, const int8_t *input,
                      int8_t *output);
void edgeq_maxpool_f32(const edgeq_pool_geom_t *geom, const edgeq_act_f32_t *act, const float *input,
                       float *output);

/*
 * Element-wise binary ops with broadcasting: the output has shape dims[0..EDGEQ_MAX_DIMS) (leading 1s
 * pad lower ranks); stride1/stride2 are each input's element strides per output dimension, 0 along a
 * broadcast dimension. A same-shape op is dims {1,..,1,N} with strides {0,..,0,1}.
 */
typedef struct {
    int32_t dims[EDGEQ_MAX_DIMS];
    int32_t stride1[EDGEQ_MAX_DIMS];
    int32_t stride2[EDGEQ_MAX_DIMS];
} edgeq_broadcast_t;

/*
 * ADD/SUB int8 (TFLite's scheme): each input is offset, shifted left by left_shift (20), rescaled by its
 * multiplier (real factor scale_i / (2 * max scale), shift <= 0; SUB negates input 2's multiplier), summed,
 * then rescaled to the output.
 */
typedef struct {
    int32_t input1_offset, input2_offset; /* -zero points */
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t output_zero_point;
    int32_t act_min, act_max;
} edgeq_add_params_s8_t;

/* MUL int8: requant((x1 - zp1) * (x2 - zp2)) + output zero point. */
typedef struct {
    int32_t input1_offset, input2_offset;
    int32_t output_multiplier, output_shift;
    int32_t output_zero_point;
    int32_t act_min, act_max;
} edgeq_mul_params_s8_t;

void edgeq_add_s8(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *params, const int8_t *input1,
                  const int8_t *input2, int8_t *output);
void edgeq_add_f32(const edgeq_broadcast_t *shape, const edgeq_act_f32_t *act, const float *input1,
                   const float *input2, float *output);
void edgeq_sub_s8(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *params, const int8_t *input1,
                  const int8_t *input2, int8_t *output);
void edgeq_sub_f32(const edgeq_broadcast_t *shape, const edgeq_act_f32_t *act, const float *input1,
                   const float *input2, float *output);
void edgeq_mul_s8(const edgeq_broadcast_t *shape, const edgeq_mul_params_s8_t *params, const int8_t *input1,
                  const int8_t *input2, int8_t *output);
void edgeq_mul_f32(const edgeq_broadcast_t *shape, const edgeq_act_f32_t *act, const float *input1,
                   const float *input2, float *output);

/*
 * MEAN: each output element averages the input elements that differ only along reduced axes. The
 * input is viewed as outer (kept) dims and inner (reduced) dims, each up to EDGEQ_MAX_DIMS with element
 * strides into the input, last dim fastest; outputs are written in outer order.
 */
typedef struct {
    int32_t outer_dims[EDGEQ_MAX_DIMS], outer_strides[EDGEQ_MAX_DIMS];
    int32_t inner_dims[EDGEQ_MAX_DIMS], inner_strides[EDGEQ_MAX_DIMS];
    int32_t outer_count, inner_count;
} edgeq_reduce_geom_t;

/* int8 MEAN (TFLite's QuantizedMeanOrSum): requant(sum - input_zero_point * inner_count) with the
 * 1/inner_count factor folded into multiplier/shift at generation time, plus the output zero point. */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t multiplier, shift;
} edgeq_mean_params_s8_t;

void edgeq_mean_s8(const edgeq_reduce_geom_t *geom, const edgeq_mean_params_s8_t *params, const int8_t *input,
                   int8_t *output);
void edgeq_mean_f32(const edgeq_reduce_geom_t *geom, const float *input, float *output);

/* PAD: output dims (leading 1s to EDGEQ_MAX_DIMS), the input's dims and leading padding per dim. */
typedef struct {
    int32_t output_dims[EDGEQ_MAX_DIMS];
    int32_t input_dims[EDGEQ_MAX_DIMS];
    int32_t before[EDGEQ_MAX_DIMS];
} edgeq_pad_geom_t;

void edgeq_pad_s8(const edgeq_pad_geom_t *geom, int8_t pad_value, const int8_t *input, int8_t *output);
void edgeq_pad_f32(const edgeq_pad_geom_t *geom, float pad_value, const float *input, float *output);

/* CONCATENATION (same quantization everywhere): for each of `outer` slices, copy copy_sizes[k]
 * elements of input k, k = 0..num_inputs-1. */
void edgeq_concat_s8(int32_t outer, int32_t num_inputs, const int8_t *const *inputs, const int32_t *copy_sizes,
                     int8_t *output);
void edgeq_concat_f32(int32_t outer, int32_t num_inputs, const float *const *inputs, const int32_t *copy_sizes,
                      float *output);

/* QUANTIZE float32 -> int8: round(x / scale) (float division, half away from zero) + zero point. */
void edgeq_quantize_f32_s8(int32_t count, float scale, int32_t zero_point, const float *input, int8_t *output);
/* QUANTIZE between integer types: requant(x - input_zero_point) + output_zero_point, clamped. */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t multiplier, shift;
} edgeq_requant_params_t;
void edgeq_quantize_s8_s8(int32_t count, const edgeq_requant_params_t *params, const int8_t *input,
                          int8_t *output);
void edgeq_quantize_u8_s8(int32_t count, const edgeq_requant_params_t *params, const uint8_t *input,
                          int8_t *output);
void edgeq_quantize_s8_u8(int32_t count, const edgeq_requant_params_t *params, const int8_t *input,
                          uint8_t *output);
/* DEQUANTIZE: (float)(scale * (x - zero_point)) computed in double, as TFLite does. */
void edgeq_dequantize_s8_f32(int32_t count, double scale, int32_t zero_point, const int8_t *input, float *output);
void edgeq_dequantize_u8_f32(int32_t count, double scale, int32_t zero_point, const uint8_t *input,
                             float *output);

#ifdef __cplusplus
}
#endif

/* Variants with generation-time weight layouts (declared after the types above they use). */
#include "edgeq_kernels_packed.h"
#include "edgeq_kernels_s16.h" /* int16x8: int16 activations, int8 weights, int64 bias */
#include "edgeq_kernels_mixed.h" /* QUANTIZE between int8/int16/int32, SOFTMAX int8 -> int16 */
#include "edgeq_kernels_recurrent.h" /* UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF (stateful) */
#include "edgeq_kernels_mve.h" /* Helium (MVE) variants, Cortex-M55: sources build only with __ARM_FEATURE_MVE */

#endif /* EDGEQ_KERNELS_H */
