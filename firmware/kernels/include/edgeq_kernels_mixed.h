/*
 * edgeq_kernels_mixed.h — kernels joining tensors of different integer types: QUANTIZE between int8, int16
 * and int32 (TFLite Micro's Requantize), and SOFTMAX with int8 input and int16 output. Semantics are TFLM's
 * reference kernels, bit for bit; parameters come from edgeq.codegen.ops.quantize_ops / activations.
 *
 * QUANTIZE: out = clamp(requant(x - input_zero_point) + output_zero_point) to the output type, with
 * requant the double-rounding rescale of edgeq_requant.h by QuantizeMultiplier(input_scale / output_scale)
 * (double). int32 outputs are not clamped; their zero point is added modulo 2^32. Element-wise; output may
 * alias input only when the element sizes agree (never here), so the generator plans them apart.
 */
#ifndef EDGEQ_KERNELS_MIXED_H
#define EDGEQ_KERNELS_MIXED_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void edgeq_quantize_s16_s8(int32_t count, const edgeq_requant_params_t *params, const int16_t *input,
                           int8_t *output);
void edgeq_quantize_s8_s16(int32_t count, const edgeq_requant_params_t *params, const int8_t *input,
                           int16_t *output);
void edgeq_quantize_s8_s32(int32_t count, const edgeq_requant_params_t *params, const int8_t *input,
                           int32_t *output);
void edgeq_quantize_s16_s32(int32_t count, const edgeq_requant_params_t *params, const int16_t *input,
                            int32_t *output);
void edgeq_quantize_s32_s8(int32_t count, const edgeq_requant_params_t *params, const int32_t *input,
                           int8_t *output);
void edgeq_quantize_s32_s16(int32_t count, const edgeq_requant_params_t *params, const int32_t *input,
                            int16_t *output);

/* SOFTMAX, int8 input, int16 output (scale 1/65536, zero point -32768): edgeq_softmax_s8's fixed-point
 * algorithm with the output rounded to 16 bits instead of 8, as TFLM's reference Softmax<int8_t, int16_t>. */
void edgeq_softmax_s8_s16(const edgeq_softmax_params_s8_t *params, const int8_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_MIXED_H */
