"""Shape, data-movement and resize operators: STRIDED_SLICE, SLICE, SPLIT, SPLIT_V, PACK, UNPACK, TRANSPOSE,
GATHER, BROADCAST_TO, DEPTH_TO_SPACE, SPACE_TO_DEPTH, CAST, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR.

Keras folds most of these away, so the cases are TensorFlow expressions (the worker's "tf" kind). Shapes are
odd on purpose: negative strides with masks, gathers on a middle axis, a swap (not a rotation) of a 4-D
tensor, resizes to non-integer ratios. Variants follow the dtypes TFLite Micro registers for each operator
(no int16 RESIZE_BILINEAR in TFLM; the converter has no int16x8 DEPTH_TO_SPACE/SPACE_TO_DEPTH).
"""
from __future__ import annotations

from zoo.cases import I16, _case as _zoo_case

_INT8 = ("int8", "fp32")
_FP32 = ("fp32",)


def _tf(expression: str, **kwargs) -> list:
    return ["tf", expression, kwargs]


def _case(name, inputs, expression, expect, variants, **kwargs):
    return _zoo_case(name, inputs, [_tf(expression, **kwargs.pop("tf_kwargs", {}))], expect, variants=variants,
                **kwargs)


CASES = (
    # STRIDED_SLICE: negative stride with begin/end masks, stride 2 with an offset, shrink of a negative index
    _case("strided_slice_reverse", [[6, 7, 5]], "x[:, ::-1, 1:6:2]", ("STRIDED_SLICE",), I16),
    _case("strided_slice_masks_shrink", [[6, 7, 5]], "x[:, 5:0:-2, -1, 1:4]", ("STRIDED_SLICE",), I16),
    _case("strided_slice_ellipsis", [[4, 5, 6]], "x[..., 4:0:-3]", ("STRIDED_SLICE",), I16),
    _case("strided_slice_int32", [[6, 5]], "tf.cast(tf.cast(x * 100.0, tf.int32)[:, ::-2, 1:], tf.float32)",
          ("STRIDED_SLICE", "CAST"), _FP32),
    _case("slice_3d", [[5, 6, 4]], "tf.slice(x, [0, 1, 2, 0], [1, 3, -1, 3])", ("SLICE",), I16),
    # Several outputs
    _case("split_width", [[4, 6, 5]], "tf.split(x, 3, axis=2)", ("SPLIT",), I16),
    _case("split_v_rows", [[6, 4, 3]], "tf.split(x, [1, 3, 2], axis=1)", ("SPLIT_V",), I16),
    _case("unpack_middle", [[3, 4, 5]], "tf.unstack(x, axis=2)", ("UNPACK",), I16),
    _case("pack_two", [[4, 5], [4, 5]], "tf.stack(x, axis=2)", ("PACK",), I16),
    # Several outputs read at different times (planner lifetimes), and consumed by a several-input operator
    _case("split_then_combine", [[6, 4, 3]], "(lambda p: p[0] + p[1] * p[2])(tf.split(x, 3, axis=1))",
          ("SPLIT", "MUL"), _INT8),
    _case("unpack_reversed_pack", [[3, 4, 5]], "tf.stack(tf.unstack(x, axis=1)[::-1], axis=3)",
          ("UNPACK", "PACK"), I16),
    # TRANSPOSE: a swap of a 4-D tensor, a 5-D permutation
    _case("transpose_4d_swap", [[3, 4, 5]], "tf.transpose(x, [0, 3, 2, 1])", ("TRANSPOSE",), I16),
    _case("transpose_5d", [[2, 3, 4, 5]], "tf.transpose(x, [0, 2, 4, 1, 3])", ("TRANSPOSE",), I16),
    # GATHER: constant indices on a middle axis, batch_dims, runtime int32 indices into a constant table
    _case("gather_mid_axis", [[5, 6, 4]], "tf.gather(x, [4, 0, 2, 2, 5], axis=2)", ("GATHER",), _INT8),
    _case("gather_batch_dims", [[3, 6, 4]],
          "tf.gather(x, [[[5, 1], [0, 0], [2, 3]]], axis=2, batch_dims=2)", ("GATHER",), _INT8),
    _case("gather_runtime_indices", [[5]],
          "tf.gather(c[0], tf.cast(tf.nn.relu(x * 1.5), tf.int32), axis=0)",
          ("GATHER", "CAST"), _FP32, tf_kwargs={"consts": [[10, 4]]}),
    _case("broadcast_to_rows", [[1, 5]], "tf.broadcast_to(x, [1, 4, 3, 5])", ("BROADCAST_TO",), I16),
    _case("depth_to_space_2", [[3, 4, 8]], "tf.nn.depth_to_space(x, 2)", ("DEPTH_TO_SPACE",), _INT8),
    _case("space_to_depth_2", [[6, 4, 3]], "tf.nn.space_to_depth(x, 2)", ("SPACE_TO_DEPTH",), _INT8),
    # CAST between float32 and each integer type (float models; truncation toward zero)
    _case("cast_int8", [[4, 7]], "tf.cast(tf.cast(x * 40.0, tf.int8), tf.float32)", ("CAST",), _FP32),
    _case("cast_int16", [[4, 7]], "tf.cast(tf.cast(x * 3000.0, tf.int16), tf.float32)", ("CAST",), _FP32),
    _case("cast_int32", [[4, 7]], "tf.cast(tf.cast(x * 1.0e5, tf.int32), tf.float32)", ("CAST",), _FP32),
    _case("cast_to_int32_out", [[9]], "tf.cast(x * 50.0, tf.int32)", ("CAST",), _FP32),
    # Resizes: odd target sizes, each coordinate convention
    _case("resize_nearest_align", [[4, 5, 3]],
          "tf.compat.v1.image.resize_nearest_neighbor(x, [7, 9], align_corners=True)",
          ("RESIZE_NEAREST_NEIGHBOR",), I16),
    _case("resize_nearest_half_pixel", [[4, 5, 3]],
          "tf.compat.v1.image.resize_nearest_neighbor(x, [7, 3], half_pixel_centers=True)",
          ("RESIZE_NEAREST_NEIGHBOR",), I16),
    _case("resize_nearest_plain", [[5, 3, 2]],
          "tf.compat.v1.image.resize_nearest_neighbor(x, [8, 7])", ("RESIZE_NEAREST_NEIGHBOR",), I16),
    _case("resize_bilinear_align", [[4, 5, 3]],
          "tf.compat.v1.image.resize_bilinear(x, [7, 9], align_corners=True)", ("RESIZE_BILINEAR",), _INT8),
    _case("resize_bilinear_half_pixel", [[4, 5, 3]],
          "tf.compat.v1.image.resize_bilinear(x, [7, 3], half_pixel_centers=True)", ("RESIZE_BILINEAR",), _INT8),
    _case("resize_bilinear_plain", [[5, 3, 2]], "tf.compat.v1.image.resize_bilinear(x, [8, 7])",
          ("RESIZE_BILINEAR",), _INT8),
)
