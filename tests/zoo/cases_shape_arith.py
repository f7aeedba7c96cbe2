"""Keras models converted with the batch dimension left open (`dynamic_batch`), as users of
`TFLiteConverter.from_keras_model` convert them: Flatten and Reshape compute their target shapes in the graph
(SHAPE, STRIDED_SLICE, PACK into RESHAPE), which edgeq folds at parse time (edgeq.ir.fold) and TFLite Micro
evaluates at every inference."""
from __future__ import annotations

from zoo.cases import L, _case


def _dynamic(spec: dict) -> dict:
    return {**spec, "dynamic_batch": True}


CASES = (
    _dynamic(_case("dynbatch_conv_flatten_dense", [[6, 5, 3]],
                   [L("Conv2D", filters=4, kernel_size=3, activation="relu"), L("Flatten"), L("Dense", units=5)],
                   ("CONV_2D", "SHAPE", "STRIDED_SLICE", "PACK", "RESHAPE", "FULLY_CONNECTED"))),
    _dynamic(_case("dynbatch_pool_reshape_conv", [[6, 6, 8]],
                   [L("GlobalAveragePooling2D", keepdims=True), L("Reshape", target_shape=(1, 1, 8)),
                    L("Conv2D", filters=3, kernel_size=1), L("Reshape", target_shape=(3,)), L("Softmax")],
                   ("SHAPE", "PACK", "RESHAPE", "SOFTMAX"))),
)
