"""The zoo's case specs: tiny Keras models, each isolating one operator variant.

Every spec is plain JSON-able data (the converter subprocess builds the Keras model from it, and its hash
keys the on-disk cache). `expect` lists the TFLite opcodes the converted int8 model must contain, so the
zoo test can check that every operator in edgeq.ir.support.supported_ops() is really exercised.

More cases live in sibling modules named `cases_<topic>.py`, each defining `CASES` with `_case` from here;
they are appended (sorted by module name), so a new group of operators adds a file and edits none.
"""
from __future__ import annotations

from typing import Any


def L(name: str, **kwargs: Any) -> list:  # noqa: N802 - reads like the Keras layer it names
    return ["layer", name, kwargs]


def OPS(name: str, **kwargs: Any) -> list:  # noqa: N802
    return ["ops", name, kwargs]


def _case(name: str, inputs: list, layers: list, expect: tuple[str, ...], *, combine: list | None = None,
          variants: tuple[str, ...] = ("int8", "fp32"), per_tensor: bool = False,
          rewrite: list | None = None, data_range: float = 1.0) -> dict:
    spec = {"name": name, "inputs": inputs, "combine": combine, "layers": layers, "expect": list(expect),
            "variants": list(variants), "per_tensor": per_tensor, "seed": sum(map(ord, name)) % 997}
    if rewrite:
        spec["rewrite"] = rewrite
    if data_range != 1.0:
        spec["data_range"] = data_range
    return spec


# Cases whose operators edgeq also runs with int16 activations get an int16x8 variant (int16 I/O); the
# converter cannot quantize HARD_SWISH to 16x8, so its cases have none.
I16 = ("int8", "fp32", "int16x8")

IMG = [9, 9, 3]       # odd size so SAME padding is asymmetric at stride 2
IMG5 = [8, 7, 5]      # non-square, odd channels
ACT = [5, 6, 7]       # element-wise / activation shape

CASES: tuple[dict, ...] = (
    # CONV_2D: stride, padding, dilation, kernel shapes, fused activations, per-channel/per-tensor, no bias
    _case("conv_3x3_s1_same_relu", [IMG], [L("Conv2D", filters=5, kernel_size=3, padding="same",
                                             activation="relu")], ("CONV_2D",), variants=I16),
    _case("conv_3x3_s2_valid_relu6", [IMG5], [L("Conv2D", filters=7, kernel_size=3, strides=2,
                                                activation="relu6")], ("CONV_2D",), variants=I16),
    _case("conv_5x5_s2_same", [IMG], [L("Conv2D", filters=4, kernel_size=5, strides=2, padding="same")],
          ("CONV_2D",), variants=I16),
    _case("conv_3x3_dil2_same", [IMG5], [L("Conv2D", filters=3, kernel_size=3, dilation_rate=2,
                                           padding="same")], ("CONV_2D",), variants=I16),
    _case("conv_1x1_nobias", [IMG5], [L("Conv2D", filters=6, kernel_size=1, use_bias=False)], ("CONV_2D",),
          variants=I16),
    _case("conv_3x1_s21_valid", [IMG], [L("Conv2D", filters=5, kernel_size=(3, 1), strides=(2, 1))],
          ("CONV_2D",), variants=I16),
    _case("conv_3x3_per_tensor_relu", [IMG], [L("Conv2D", filters=5, kernel_size=3, padding="same",
                                                 activation="relu")], ("CONV_2D",), per_tensor=True,
          variants=I16),
    # DEPTHWISE_CONV_2D: depth multiplier 1/2, stride, dilation, per-tensor
    _case("dw_3x3_m1_s1_same_relu", [IMG5], [L("DepthwiseConv2D", kernel_size=3, padding="same",
                                               activation="relu")], ("DEPTHWISE_CONV_2D",), variants=I16),
    _case("dw_3x3_m2_s2_valid", [IMG], [L("DepthwiseConv2D", kernel_size=3, strides=2, depth_multiplier=2)],
          ("DEPTHWISE_CONV_2D",), variants=I16),
    _case("dw_5x5_s2_same_relu6", [[9, 9, 7]], [L("DepthwiseConv2D", kernel_size=5, strides=2, padding="same",
                                                  activation="relu6")], ("DEPTHWISE_CONV_2D",), variants=I16),
    _case("dw_3x3_dil2_same", [IMG5], [L("DepthwiseConv2D", kernel_size=3, dilation_rate=2, padding="same")],
          ("DEPTHWISE_CONV_2D",), variants=I16),
    _case("dw_3x3_m2_per_tensor", [IMG], [L("DepthwiseConv2D", kernel_size=3, depth_multiplier=2,
                                            padding="same")], ("DEPTHWISE_CONV_2D",), per_tensor=True),
    # FULLY_CONNECTED
    _case("fc_relu", [[20]], [L("Dense", units=7, activation="relu")], ("FULLY_CONNECTED",), variants=I16),
    _case("fc_nobias", [[13]], [L("Dense", units=10, use_bias=False)], ("FULLY_CONNECTED",), variants=I16),
    _case("fc_per_tensor_relu6", [[16]], [L("Dense", units=5, activation="relu6")], ("FULLY_CONNECTED",),
          per_tensor=True, variants=I16),
    _case("fc_flatten", [[4, 3, 5]], [L("Flatten"), L("Dense", units=6)], ("RESHAPE", "FULLY_CONNECTED"),
          variants=I16),
    # Pools
    _case("maxpool_2x2_s2_valid", [IMG5], [L("MaxPooling2D", pool_size=2)], ("MAX_POOL_2D",), variants=I16),
    _case("maxpool_3x3_s2_same", [IMG], [L("MaxPooling2D", pool_size=3, strides=2, padding="same")],
          ("MAX_POOL_2D",), variants=I16),
    _case("avgpool_2x2_s2_valid", [IMG5], [L("AveragePooling2D", pool_size=2)], ("AVERAGE_POOL_2D",),
          variants=I16),
    _case("avgpool_3x3_s1_same", [IMG], [L("AveragePooling2D", pool_size=3, strides=1, padding="same")],
          ("AVERAGE_POOL_2D",), variants=I16),
    _case("avgpool_3x2_s2_same_relu", [IMG5], [L("AveragePooling2D", pool_size=(3, 2), strides=2,
                                                 padding="same"), L("ReLU")], ("AVERAGE_POOL_2D",), variants=I16),
    # Element-wise binary ops on two inputs of the same shape (different scales and zero points)
    _case("add", [ACT, ACT], [], ("ADD",), combine=["Add", {}], variants=I16),
    _case("add_relu", [ACT, ACT], [L("ReLU")], ("ADD",), combine=["Add", {}], variants=I16),
    _case("sub", [ACT, ACT], [], ("SUB",), combine=["Subtract", {}], variants=I16),
    _case("sub_relu6", [ACT, ACT], [L("ReLU", max_value=6.0)], ("SUB",), combine=["Subtract", {}],
          variants=I16),
    _case("mul", [ACT, ACT], [], ("MUL",), combine=["Multiply", {}], variants=I16),
    _case("mul_relu", [ACT, ACT], [L("ReLU")], ("MUL",), combine=["Multiply", {}], variants=I16),
    # MEAN over H, W
    _case("mean_hw_keepdims", [IMG5], [L("GlobalAveragePooling2D", keepdims=True)], ("MEAN",), variants=I16),
    _case("mean_hw", [IMG], [L("GlobalAveragePooling2D")], ("MEAN",), variants=I16),
    # Activations
    _case("softmax_1d", [[10]], [L("Softmax")], ("SOFTMAX",), variants=I16),
    _case("softmax_4d", [ACT], [L("Softmax")], ("SOFTMAX",), variants=I16),
    _case("logistic", [ACT], [L("Activation", activation="sigmoid")], ("LOGISTIC",), variants=I16),
    _case("logistic_1d", [[37]], [L("Activation", activation="sigmoid")], ("LOGISTIC",), variants=I16),
    _case("tanh", [ACT], [L("Activation", activation="tanh")], ("TANH",), variants=I16),
    _case("tanh_1d", [[37]], [L("Activation", activation="tanh")], ("TANH",), variants=I16),
    _case("relu", [ACT], [L("ReLU")], ("RELU",), variants=I16),
    _case("relu6", [ACT], [L("ReLU", max_value=6.0)], ("RELU6",), variants=I16),
    _case("leaky_relu_0p2", [ACT], [L("LeakyReLU", negative_slope=0.2)], ("LEAKY_RELU",), variants=I16),
    _case("leaky_relu_0p01", [[37]], [L("LeakyReLU", negative_slope=0.01)], ("LEAKY_RELU",), variants=I16),
    _case("hard_swish", [ACT], [OPS("hard_swish")], ("HARD_SWISH",)),
    _case("hard_swish_1d", [[37]], [OPS("hard_swish")], ("HARD_SWISH",)),
    # Extreme input scales (calibration data scaled by data_range): saturation radii, SOFTMAX's capped
    # multiplier, HARD_SWISH's left- and right-shifting "relu-ish" paths.
    _case("softmax_wide", [[16]], [L("Softmax")], ("SOFTMAX",), variants=("int8", "int16x8"), data_range=40.0),
    _case("logistic_wide", [ACT], [L("Activation", activation="sigmoid")], ("LOGISTIC",),
          variants=("int8", "int16x8"), data_range=40.0),
    _case("tanh_wide", [ACT], [L("Activation", activation="tanh")], ("TANH",), variants=("int8", "int16x8"),
          data_range=40.0),
    _case("hard_swish_wide", [ACT], [OPS("hard_swish")], ("HARD_SWISH",), variants=("int8",), data_range=40.0),
    _case("hard_swish_narrow", [ACT], [OPS("hard_swish")], ("HARD_SWISH",), variants=("int8",),
          data_range=0.05),
    # Data movement
    _case("pad_2d", [IMG5], [L("ZeroPadding2D", padding=((1, 2), (2, 1)))], ("PAD",), variants=I16),
    # int16x8 CONCATENATION: the converter requantizes one input (QUANTIZE int16 -> int16) to a shared scale.
    _case("concat_channels", [[4, 4, 3], [4, 4, 5]], [], ("CONCATENATION",), combine=["Concatenate", {}],
          variants=I16),
    _case("concat_width", [[4, 3, 6], [4, 5, 6]], [], ("CONCATENATION",),
          combine=["Concatenate", {"axis": 2}], variants=I16),
    _case("reshape_relu", [[4, 6]], [L("Reshape", target_shape=(3, 8)), L("ReLU")], ("RESHAPE", "RELU"),
          variants=I16),
    # The converter folds squeeze/expand_dims into RESHAPE; `rewrite` restores the original operator.
    _case("squeeze_tanh", [[1, 6, 5]], [OPS("squeeze", axis=1), L("Activation", activation="tanh")],
          ("SQUEEZE", "TANH"), rewrite=["SQUEEZE", 1]),
    _case("expand_dims_logistic", [[6, 5]], [OPS("expand_dims", axis=1),
                                             L("Activation", activation="sigmoid")],
          ("EXPAND_DIMS", "LOGISTIC"), rewrite=["EXPAND_DIMS", 1]),
    _case("squeeze_softmax_i16", [[1, 6, 5]], [OPS("squeeze", axis=1), L("Softmax")], ("SQUEEZE", "SOFTMAX"),
          variants=("int16x8",), rewrite=["SQUEEZE", 1]),
    _case("expand_dims_softmax_i16", [[6, 5]], [OPS("expand_dims", axis=1), L("Softmax")],
          ("EXPAND_DIMS", "SOFTMAX"), variants=("int16x8",), rewrite=["EXPAND_DIMS", 1]),
    # QUANTIZE / DEQUANTIZE at float (and uint8) model boundaries around int8 and int16 kernels
    _case("float_io_conv", [IMG], [L("Conv2D", filters=4, kernel_size=3, activation="relu")],
          ("QUANTIZE", "CONV_2D", "DEQUANTIZE"), variants=("int8_float_io",)),
    _case("float_io_conv_i16", [IMG], [L("Conv2D", filters=4, kernel_size=3, activation="relu")],
          ("QUANTIZE", "CONV_2D", "DEQUANTIZE"), variants=("int16x8_float_io",)),
    _case("uint8_io_fc", [[12]], [L("Dense", units=6)], ("QUANTIZE", "FULLY_CONNECTED"),
          variants=("uint8_io",)),
    # A few layers in a row: planner reuse, alias chains, requantization across ops
    _case("conv_dw_pool_fc_softmax", [[10, 10, 3]], [
        L("Conv2D", filters=6, kernel_size=3, strides=2, padding="same", activation="relu"),
        L("DepthwiseConv2D", kernel_size=3, padding="same", activation="relu6"),
        L("AveragePooling2D", pool_size=2), L("Flatten"), L("Dense", units=5), L("Softmax")],
          ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"),
          variants=I16),
)


def _extension_cases() -> tuple[dict, ...]:
    import importlib
    import pkgutil

    from zoo import __path__ as zoo_path

    found: list[dict] = []
    for module in sorted(pkgutil.iter_modules(zoo_path), key=lambda m: m.name):
        if module.name.startswith("cases_"):
            found.extend(importlib.import_module(f"zoo.{module.name}").CASES)
    return tuple(found)


CASES = CASES + _extension_cases()
_names = [spec["name"] for spec in CASES]
assert len(_names) == len(set(_names)), "two zoo cases share a name"
