/*
 * edgeq_kernels_math.h — arithmetic, activation, reduction and vision-compute kernels: MAXIMUM, MINIMUM, PRELU,
 * SQUARED_DIFFERENCE, DIV, ABS, RSQRT, EXP, LOG, ELU, L2_NORMALIZATION, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN,
 * TRANSPOSE_CONV and BATCH_MATMUL (int8 = s8, int16 = s16, float32 = f32, as far as TFLite Micro registers
 * each).
 *
 * Semantics are TFLite Micro's reference kernels', bit for bit for integers; float kernels add in TFLM's
 * order. Every quantization constant is computed at generation time (edgeq.codegen.ops.binary_math,
 * unary_math, reductions, transpose_conv, batch_matmul) exactly as TFLM's Prepare computes it; int8
 * activations whose output is a function of the input value alone (ABS, RSQRT, ELU) run through a 256-entry
 * table built at generation time with TFLM's arithmetic (edgeq_lut_s8). Integer accumulators wrap modulo 2^32 as
 * TFLM's int32 arithmetic does on every target it runs on (computed in unsigned arithmetic here, so there
 * is no undefined behaviour). Element-wise kernels may run with output == input (same size).
 * Kernels never allocate; the ones that need scratch say so.
 */
#ifndef EDGEQ_KERNELS_MATH_H
#define EDGEQ_KERNELS_MATH_H

#include <stdint.h>

#include "edgeq_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* -- binary element-wise with broadcasting (edgeq_broadcast_t, see edgeq_kernels.h) ---------------------- */

/* MAXIMUM / MINIMUM: raw comparison of stored values (TFLite requires one quantization for both inputs and
 * the output, so no rescaling). */
void edgeq_maximum_s8(const edgeq_broadcast_t *shape, const int8_t *input1, const int8_t *input2, int8_t *output);
void edgeq_maximum_s16(const edgeq_broadcast_t *shape, const int16_t *input1, const int16_t *input2,
                       int16_t *output);
void edgeq_maximum_f32(const edgeq_broadcast_t *shape, const float *input1, const float *input2, float *output);
void edgeq_minimum_s8(const edgeq_broadcast_t *shape, const int8_t *input1, const int8_t *input2, int8_t *output);
void edgeq_minimum_s16(const edgeq_broadcast_t *shape, const int16_t *input1, const int16_t *input2,
                       int16_t *output);
void edgeq_minimum_f32(const edgeq_broadcast_t *shape, const float *input1, const float *input2, float *output);

/* PRELU: v = x - input_zero_point; v >= 0 ? requant(v, identity) : requant(v * (alpha - alpha_zero_point),
 * alpha_*), plus the output zero point, saturated to int8. Input 2 is alpha (int8; the converter makes
 * no int16 PRELU). */
typedef struct {
    int32_t input_offset, alpha_offset, output_offset; /* -zp, -zp, +zp */
    int32_t identity_multiplier, identity_shift;
    int32_t alpha_multiplier, alpha_shift;
} edgeq_prelu_params_t;

void edgeq_prelu_s8(const edgeq_broadcast_t *shape, const edgeq_prelu_params_t *params, const int8_t *input,
                    const int8_t *alpha, int8_t *output);
void edgeq_prelu_f32(const edgeq_broadcast_t *shape, const float *input, const float *alpha, float *output);

/* SQUARED_DIFFERENCE (TFLM's scheme, edgeq_add_params_s8_t fields): each input offset, shifted left by
 * left_shift (7 for int8, 0 for int16), rescaled (shift <= 0); the difference squared (int32, wraps) and
 * rescaled to the output; act_min/act_max are the type's range. */
void edgeq_squared_difference_s8(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *params,
                                 const int8_t *input1, const int8_t *input2, int8_t *output);
void edgeq_squared_difference_s16(const edgeq_broadcast_t *shape, const edgeq_add_params_s8_t *params,
                                  const int16_t *input1, const int16_t *input2, int16_t *output);
void edgeq_squared_difference_f32(const edgeq_broadcast_t *shape, const float *input1, const float *input2,
                                  float *output);

/* DIV int8: (x1 - zp1) / (x2 - zp2) through a fixed-point reciprocal of the divisor (TFLM's
 * DivElementwise), then the output multiplier (scale1 / (scale2 * scale_out)). The divisor must not equal
 * its zero point (TFLM's precondition too; the kernel then writes act_max or act_min, never faults). */
typedef struct {
    int32_t input1_offset, input2_offset, output_zero_point;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
} edgeq_div_params_s8_t;

void edgeq_div_s8(const edgeq_broadcast_t *shape, const edgeq_div_params_s8_t *params, const int8_t *input1,
                  const int8_t *input2, int8_t *output);
void edgeq_div_f32(const edgeq_broadcast_t *shape, const edgeq_act_f32_t *act, const float *input1,
                   const float *input2, float *output);

/* -- unary element-wise (output may alias input) ------------------------------------------------------- */

/* output[i] = table[(uint8_t)input[i]]: any int8 -> int8 function of one value (ABS, RSQRT, ELU), table from the
 * generator in TFLM's index order (0..127, then -128..-1). */
void edgeq_lut_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

/* ABS int16 (zero points 0): |x|, rescaled by (multiplier, shift) unless rescale == 0, saturated. */
typedef struct {
    int32_t rescale, multiplier, shift;
} edgeq_abs_params_s16_t;

void edgeq_abs_s16(const edgeq_abs_params_s16_t *params, int32_t size, const int16_t *input, int16_t *output);

/* RSQRT int16 (zero points 0; int8 RSQRT is a table, edgeq_lut_s8): v = x (TFLM rejects v < 0; the kernel
 * then takes |v|); 1/sqrt(v) in fixed point (gemmlowp's Newton-Raphson, as TFLM's
 * GetInvSqrtQuantizedMultiplierExp) applied to 2^20, rescaled by (multiplier, shift - 20) =
 * 1 / (sqrt(s_in) * s_out); v == 0 gives 32767. */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t multiplier, shift;
} edgeq_rsqrt_params_t;

void edgeq_rsqrt_s16(const edgeq_rsqrt_params_t *params, int32_t size, const int16_t *input, int16_t *output);

/* float32: |x|, 1/sqrtf(x), expf(x), logf(x), x < 0 ? expm1f(x) : x. */
void edgeq_abs_f32(int32_t size, const float *input, float *output);
void edgeq_rsqrt_f32(int32_t size, const float *input, float *output);
void edgeq_exp_f32(int32_t size, const float *input, float *output);
void edgeq_log_f32(int32_t size, const float *input, float *output);
void edgeq_elu_f32(int32_t size, const float *input, float *output);

/* L2_NORMALIZATION over the last dimension (`depth`) of `outer` rows. int8: output scale 1/128, zero point
 * 0; the row's sum of squares gets an inverse square root multiplier (as RSQRT). float32: x / max(sqrt(sum
 * x^2), 1e-6). */
void edgeq_l2norm_s8(int32_t outer, int32_t depth, int32_t input_zero_point, const int8_t *input,
                     int8_t *output);
void edgeq_l2norm_f32(int32_t outer, int32_t depth, const float *input, float *output);

/* -- reductions (edgeq_reduce_geom_t, see edgeq_kernels.h) ---------------------------------------------- */

/* SUM float32 (input order, as TFLM); quantized SUM runs edgeq_mean_s8 / edgeq_mean_s16 with the unscaled
 * in/out multiplier. REDUCE_MAX keeps the input's quantization (TFLM requires it). */
void edgeq_sum_f32(const edgeq_reduce_geom_t *geom, const float *input, float *output);
void edgeq_reduce_max_s8(const edgeq_reduce_geom_t *geom, const int8_t *input, int8_t *output);
void edgeq_reduce_max_f32(const edgeq_reduce_geom_t *geom, const float *input, float *output);

/* ARG_MAX / ARG_MIN along one axis of an [outer][axis_size][inner] view: the int32 index of the first
 * maximum (find_min == 0) or minimum (TFLite Micro writes int32 indices only). */
typedef struct {
    int32_t outer, axis_size, inner;
    int32_t find_min;
} edgeq_arg_geom_t;

void edgeq_arg_min_max_s8(const edgeq_arg_geom_t *geom, const int8_t *input, int32_t *output);
void edgeq_arg_min_max_f32(const edgeq_arg_geom_t *geom, const float *input, int32_t *output);

/* -- TRANSPOSE_CONV ----------------------------------------------------------------------------------------
 * Geometry in edgeq_conv_geom_t (input = the small tensor, output = the upsampled one; dilation 1; pad_top/
 * pad_left as TFLM computes them for a transposed convolution). Filters [output_c][filter_h][filter_w][input_c].
 * Output pixel (oy, ox) gathers every input pixel iy = (oy + pad_top - fy) / stride_h (exact division,
 * 0 <= iy < input_h), likewise x: the inner loop is a contiguous dot product over input channels.
 * s8: filter_sums[oc][fy][fx] = sum over input channels of the filter (for the input zero point), int32 bias
 * (may be NULL), per-channel requantization, wrap-around int32 accumulation as TFLM's scratch.
 * s16: int64 bias (may be NULL) and accumulator, TFLM's int64 requantization. */
void edgeq_transpose_conv_s8(const edgeq_conv_geom_t *geom, const edgeq_quant_s8_t *quant, const int8_t *input,
                             const int8_t *filter, const int32_t *filter_sums, const int32_t *bias,
                             int8_t *output);
void edgeq_transpose_conv_s16(const edgeq_conv_geom_t *geom, int32_t act_min, int32_t act_max,
                              const int32_t *multiplier, const int32_t *shift, const int16_t *input,
                              const int8_t *filter, const int64_t *bias, int16_t *output);
void edgeq_transpose_conv_f32(const edgeq_conv_geom_t *geom, const edgeq_act_f32_t *act, const float *input,
                              const float *filter, const float *bias, float *output);

/* -- BATCH_MATMUL ---------------------------------------------------------------------------------------------
 * output[b][i][j] = sum_k lhs[b][i][k] * rhs_t[b][j][k] over up to three batch dims (broadcast: stride 0).
 * Both operands are row-major with k contiguous (rhs_t is the right-hand side transposed: the generator
 * transposes a constant RHS at generation time and an activation one into scratch with
 * edgeq_matrix_transpose). s8: (lhs + lhs_offset) * (rhs + rhs_offset) in int32, one requantization;
 * s16: int64 accumulator and TFLM's int64 requantization. */
typedef struct {
    int32_t batch_dims[3];
    int32_t lhs_batch_strides[3], rhs_batch_strides[3]; /* elements; 0 along a broadcast dim */
    int32_t rows, cols, depth;
} edgeq_bmm_geom_t;

typedef struct {
    int32_t lhs_offset, rhs_offset, output_zero_point;
    int32_t multiplier, shift;
    int32_t act_min, act_max;
} edgeq_bmm_quant_t;

void edgeq_batch_matmul_s8(const edgeq_bmm_geom_t *geom, const edgeq_bmm_quant_t *quant, const int8_t *lhs,
                           const int8_t *rhs_t, int8_t *output);
void edgeq_batch_matmul_s16(const edgeq_bmm_geom_t *geom, const edgeq_bmm_quant_t *quant, const int16_t *lhs,
                            const int16_t *rhs_t, int16_t *output);
void edgeq_batch_matmul_f32(const edgeq_bmm_geom_t *geom, const float *lhs, const float *rhs_t, float *output);

/* `matrices` row-major [rows][cols] matrices of element_bytes (1, 2 or 4) each, transposed into output
 * ([cols][rows] each); output must not overlap input. */
void edgeq_matrix_transpose(int32_t matrices, int32_t rows, int32_t cols, int32_t element_bytes,
                            const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_MATH_H */
