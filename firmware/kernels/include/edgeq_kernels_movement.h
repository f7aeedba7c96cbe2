/*
 * edgeq_kernels_movement.h — data movement, CAST and resize kernels.
 *
 * One copy kernel serves every operator whose output is a static rearrangement of its input:
 * STRIDED_SLICE, SLICE, SPLIT, SPLIT_V, UNPACK, TRANSPOSE, BROADCAST_TO, DEPTH_TO_SPACE, SPACE_TO_DEPTH and
 * RESIZE_NEAREST_NEIGHBOR. The generator (edgeq/codegen/ops/movement.py) writes the operator as an index map
 * over at most EDGEQ_MAX_DIMS output dimensions (coalesced, leading dimensions padded with 1):
 *
 *     output[i0][i1]...[i5] = input[offset + step(0, i0) + ... + step(5, i5)]
 *     step(d, i) = tables[d] != NULL ? tables[d][i] : i * strides[d]
 *
 * Strides may be negative (reversed slices) or zero (broadcast); a table gives arbitrary offsets along one
 * dimension (resize's nearest rows and columns). The output is written in row-major order, contiguous.
 * Kernels are per element width, not per type: x8 copies int8/uint8, x16 int16, x32 int32 and float32 bit
 * for bit. The input and output must not overlap. Every offset the map can produce lies in the input: the
 * generator checks this, the kernels do not.
 *
 * GATHER reads runtime (or constant) int32 coordinates: output[b][o][k][:] = input[b][o][coords[b][k]][:]
 * over inner-sized blocks, TFLite's layout with batch_dims folded into `batches`. A coordinate outside
 * [0, axis_size) makes TFLite Micro fail the invoke; here its block is written as zero bytes and nothing
 * outside the input is read.
 *
 * CAST converts element by element like C++'s static_cast in TFLite Micro: integer to float rounds to
 * nearest, float to integer truncates toward zero, integer to narrower integer wraps (two's complement).
 * Float values beyond int32 saturate and NaN becomes 0 before any narrowing, so every input is defined
 * behaviour (TFLite Micro's result for those inputs is undefined in C++).
 *
 * RESIZE_BILINEAR takes per-row and per-column tables computed at generation time with TFLite's formulas:
 * integer kernels get {lower, upper, weight_of_upper} in 1/1024 units (TFLite's ResizeBilinearInteger,
 * rounding half away from zero by 2^20), the float kernel {lower, upper} and the fraction as float.
 * None of these kernels needs scratch memory.
 */
#ifndef EDGEQ_KERNELS_MOVEMENT_H
#define EDGEQ_KERNELS_MOVEMENT_H

#include <stdint.h>

#include "edgeq_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t dims[EDGEQ_MAX_DIMS];
    int32_t strides[EDGEQ_MAX_DIMS];        /* input elements per step along each output dimension */
    const int32_t *tables[EDGEQ_MAX_DIMS];  /* NULL, or the input offset of each index along that dimension */
    int32_t offset;                         /* input element read for output element 0 (before tables) */
} edgeq_copy_map_t;

void edgeq_copy_map_x8(const edgeq_copy_map_t *map, const int8_t *input, int8_t *output);
void edgeq_copy_map_x16(const edgeq_copy_map_t *map, const int16_t *input, int16_t *output);
/* float32 or int32: elements are copied as 4-byte patterns (no float conversion touches them). */
void edgeq_copy_map_x32(const edgeq_copy_map_t *map, const void *input, void *output);

typedef struct {
    int32_t batches;    /* product of the first batch_dims dimensions */
    int32_t outer;      /* product of the dimensions between batch_dims and axis */
    int32_t axis_size;  /* input dimension gathered from */
    int32_t coords;     /* coordinates per batch */
    int32_t inner;      /* elements per gathered block */
} edgeq_gather_geom_t;

void edgeq_gather_x8(const edgeq_gather_geom_t *g, const int8_t *input, const int32_t *coords, int8_t *output);
void edgeq_gather_x32(const edgeq_gather_geom_t *g, const void *input, const int32_t *coords, void *output);

/* Destination of a CAST. */
typedef enum {
    EDGEQ_CAST_TO_INT8 = 0,
    EDGEQ_CAST_TO_INT16 = 1,
    EDGEQ_CAST_TO_INT32 = 2,
    EDGEQ_CAST_TO_FLOAT32 = 3
} edgeq_cast_to_t;

void edgeq_cast_s8(const int8_t *input, int32_t count, edgeq_cast_to_t to, void *output);
void edgeq_cast_s16(const int16_t *input, int32_t count, edgeq_cast_to_t to, void *output);
void edgeq_cast_s32(const int32_t *input, int32_t count, edgeq_cast_to_t to, void *output);
void edgeq_cast_f32(const float *input, int32_t count, edgeq_cast_to_t to, void *output);

/* RESIZE_BILINEAR over NHWC; `rows` holds output_h entries, `cols` output_w entries. */
typedef struct {
    int32_t batches, input_h, input_w, depth, output_h, output_w;
} edgeq_resize_geom_t;

/* Integer taps: lower index, upper index, weight of the upper one in 1/1024 (may be negative at a
 * half-pixel border; the two weights always sum to 1024). */
typedef struct {
    int32_t lower, upper, weight;
} edgeq_resize_tap_t;

/* Float taps: the fraction is TFLite's (scaled coordinate - lower) in float. */
typedef struct {
    int32_t lower, upper;
    float fraction;
} edgeq_resize_tap_f32_t;

void edgeq_resize_bilinear_s8(const edgeq_resize_geom_t *g, const edgeq_resize_tap_t *rows,
                              const edgeq_resize_tap_t *cols, const int8_t *input, int8_t *output);
void edgeq_resize_bilinear_s16(const edgeq_resize_geom_t *g, const edgeq_resize_tap_t *rows,
                               const edgeq_resize_tap_t *cols, const int16_t *input, int16_t *output);
void edgeq_resize_bilinear_f32(const edgeq_resize_geom_t *g, const edgeq_resize_tap_f32_t *rows,
                               const edgeq_resize_tap_f32_t *cols, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* EDGEQ_KERNELS_MOVEMENT_H */
