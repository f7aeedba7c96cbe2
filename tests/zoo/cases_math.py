"""Zoo cases for the arithmetic, activation, reduction and vision-compute operators (issue 11): MAXIMUM,
MINIMUM, PRELU, SQUARED_DIFFERENCE, RSQRT, EXP, LOG, ABS, DIV, ELU, L2_NORMALIZATION, SUM, REDUCE_MAX,
ARG_MAX, ARG_MIN, TRANSPOSE_CONV, BATCH_MATMUL.

Operators Keras has no layer for are written as TensorFlow expressions (the worker's "tf" kind). Inputs that
would leave an operator's domain in TFLite Micro (RSQRT and LOG of negatives, DIV by zero) pass through ABS
(+ a constant) first, which is how a real model keeps them in range too. `data_range` widens the calibration
data where an operator has saturation or table edges (ELU's exp tail, RSQRT near zero, DIV's reciprocal)."""
from __future__ import annotations

from zoo.cases import I16, L, OPS, _case


def TF(expression: str, consts: list | None = None) -> list:  # noqa: N802 - reads like L and OPS
    return ["tf", expression, {"consts": consts} if consts else {}]


ACT = [5, 6, 7]
IMG = [7, 6, 5]
I8 = ("int8", "fp32")

CASES: tuple[dict, ...] = (
    # MAXIMUM / MINIMUM: raw comparisons (the converter requantizes both inputs to the output's scale)
    _case("maximum", [ACT, ACT], [], ("MAXIMUM",), combine=["Maximum", {}], variants=I16),
    _case("minimum_broadcast", [ACT, [6, 1]], [TF("tf.minimum(x[0], x[1])")], ("MINIMUM",), variants=I16),
    _case("maximum_const_row", [ACT], [TF("tf.maximum(x, c[0])", [[7]])], ("MAXIMUM",), variants=I16),
    # PRELU (the converter has no int16 PRELU): per-element alpha, and alpha shared over H, W (broadcast)
    _case("prelu", [ACT], [L("PReLU")], ("PRELU",), variants=I8),
    _case("prelu_shared_hw_wide", [IMG], [L("PReLU", shared_axes=[1, 2])], ("PRELU",), variants=I8,
          data_range=4.0),
    # SQUARED_DIFFERENCE
    _case("squared_difference", [ACT, ACT], [TF("tf.math.squared_difference(x[0], x[1])")],
          ("SQUARED_DIFFERENCE",), variants=I16),
    _case("squared_difference_broadcast", [ACT, [1, 7]], [TF("tf.math.squared_difference(x[0], x[1])")],
          ("SQUARED_DIFFERENCE",), variants=I16, data_range=8.0),
    # Unary math. TFLite Micro runs EXP and LOG in float32 only; RSQRT of 0 saturates (int8 and int16).
    _case("rsqrt_abs", [ACT], [TF("tf.math.rsqrt(tf.abs(x))")], ("ABS", "RSQRT"), variants=I16),
    _case("rsqrt_abs_wide", [ACT], [TF("tf.math.rsqrt(tf.abs(x) + 0.01)")], ("RSQRT",), variants=I16,
          data_range=30.0),
    _case("exp", [ACT], [TF("tf.exp(x)")], ("EXP",), variants=("fp32",)),
    _case("log_abs", [ACT], [TF("tf.math.log(tf.abs(x))")], ("LOG",), variants=("fp32",)),
    _case("abs", [ACT], [OPS("absolute")], ("ABS",), variants=I16),
    _case("abs_wide", [[37]], [OPS("absolute")], ("ABS",), variants=("int8", "int16x8"), data_range=20.0),
    # DIV (no int16 DIV in the converter): the divisor is |x| + a constant, never its zero point
    _case("div", [ACT, ACT], [TF("x[0] / (tf.abs(x[1]) + 0.25)")], ("DIV",), variants=I8),
    _case("div_broadcast_wide", [ACT, [1, 1]], [TF("x[0] / (tf.abs(x[1]) + 0.05)")], ("DIV",), variants=I8,
          data_range=5.0),
    # ELU: the converter keeps ELU in float32 between DEQUANTIZE/QUANTIZE even in int8 models ...
    _case("elu", [ACT], [L("ELU")], ("ELU",), variants=("fp32",)),
    _case("elu_in_int8_model_wide", [[37]], [L("ELU")], ("DEQUANTIZE", "ELU", "QUANTIZE"), variants=("int8",),
          data_range=20.0),
    # ... which TFLite Micro also runs as an int8 table: the worker's integer_island makes that model
    {**_case("elu_int8", [ACT], [L("ELU")], ("ELU",), variants=("int8",)), "integer_island": True},
    {**_case("elu_int8_wide", [[37]], [L("ELU")], ("ELU",), variants=("int8",), data_range=20.0),
     "integer_island": True},
    _case("l2norm", [ACT], [TF("tf.math.l2_normalize(x, axis=-1)")], ("L2_NORMALIZATION",), variants=I8),
    _case("l2norm_tiny", [[4, 3]], [TF("tf.math.l2_normalize(x, axis=-1)")], ("L2_NORMALIZATION",),
          variants=I8, data_range=0.01),
    # Reductions (TFLite Micro's REDUCE_MAX: float32 and int8; ARG_MAX/ARG_MIN: int32 indices)
    _case("sum_hw", [ACT], [TF("tf.reduce_sum(x, axis=[1, 2])")], ("SUM",), variants=I16),
    _case("sum_c_keepdims", [ACT], [TF("tf.reduce_sum(x, axis=-1, keepdims=True)")], ("SUM",), variants=I16),
    _case("reduce_max_h", [ACT], [TF("tf.reduce_max(x, axis=1)")], ("REDUCE_MAX",), variants=I8),
    _case("reduce_max_all_keepdims", [ACT], [TF("tf.reduce_max(x, axis=[1, 2, 3], keepdims=True)")],
          ("REDUCE_MAX",), variants=I8),
    _case("arg_max_c", [ACT], [TF("tf.argmax(x, axis=-1, output_type=tf.int32)")], ("ARG_MAX",), variants=I8),
    _case("arg_max_h", [ACT], [TF("tf.argmax(x, axis=1, output_type=tf.int32)")], ("ARG_MAX",), variants=I8),
    _case("arg_min_w", [ACT], [TF("tf.argmin(x, axis=2, output_type=tf.int32)")], ("ARG_MIN",), variants=I8),
    _case("arg_min_1d", [[37]], [TF("tf.argmin(x, axis=-1, output_type=tf.int32)")], ("ARG_MIN",), variants=I8),
    # TRANSPOSE_CONV: strides, SAME/VALID, bias or not, fused activation, per-tensor weights
    _case("tconv_3x3_s2_same", [IMG], [L("Conv2DTranspose", filters=4, kernel_size=3, strides=2,
                                         padding="same")], ("TRANSPOSE_CONV",), variants=I16),
    _case("tconv_3x2_s1_valid_nobias", [IMG], [L("Conv2DTranspose", filters=6, kernel_size=(3, 2),
                                                 use_bias=False)], ("TRANSPOSE_CONV",), variants=I16),
    _case("tconv_4x4_s2_valid_relu", [[5, 4, 3]], [L("Conv2DTranspose", filters=3, kernel_size=4, strides=2,
                                                     activation="relu")], ("TRANSPOSE_CONV",), variants=I16),
    _case("tconv_2x2_s21_same_per_tensor", [IMG], [L("Conv2DTranspose", filters=5, kernel_size=2,
                                                     strides=(2, 1), padding="same")], ("TRANSPOSE_CONV",),
          variants=I16, per_tensor=True),
    # BATCH_MATMUL: activation x activation (the converter may order two inputs either way, so their shapes
    # are interchangeable), adjoints (x @ x^T, x^T @ x), broadcast batch dims, constant right-hand sides
    _case("bmm", [[3, 4, 4], [3, 4, 4]], [TF("tf.linalg.matmul(x[0], x[1])")], ("BATCH_MATMUL",), variants=I16),
    _case("bmm_broadcast", [[2, 1, 4, 4], [3, 4, 4]], [TF("tf.linalg.matmul(x[0], x[1])")], ("BATCH_MATMUL",),
          variants=I16),
    _case("bmm_gram_adj_y", [[3, 4, 5]], [TF("tf.linalg.matmul(x, x, adjoint_b=True)")], ("BATCH_MATMUL",),
          variants=I16),
    _case("bmm_gram_adj_x", [[3, 4, 5]], [TF("tf.linalg.matmul(x, x, adjoint_a=True)")], ("BATCH_MATMUL",),
          variants=I16),
    _case("bmm_const_rhs", [[3, 4, 5]], [TF("tf.linalg.matmul(x, c[0])", [[3, 5, 6]])], ("BATCH_MATMUL",),
          variants=I16),
    _case("bmm_const_rhs_adj", [[3, 4, 5]], [TF("tf.linalg.matmul(x, c[0], adjoint_b=True)", [[1, 6, 5]])],
          ("BATCH_MATMUL",), variants=I16),
)
